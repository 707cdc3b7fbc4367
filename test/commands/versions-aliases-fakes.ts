import type {LambdaApi} from '../../src/lib/aws/lambda.js'
import type {AwsSettings} from '../../src/lib/aws/settings.js'
import type {AwsCommand, AwsFlags} from '../../src/lib/base-command.js'
import type {CommandDeps} from '../../src/lib/deps.js'
import {createAwsDeps} from '../../src/lib/deps.js'
import type {FakeLambda} from '../lib/release/fake-lambda.js'
import {fakeClients} from './helpers.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's base must take any[] (TS2545)
type AwsCommandClass = abstract new (...args: any[]) => AwsCommand<unknown>

/**
 * The command with `lambda` in place of the real Lambda API (the other APIs build no SDK client), and
 * the AWS settings it asked for, to check the region it chose.
 */
export function withLambda<C extends AwsCommandClass>(Command: C, lambda: FakeLambda): {command: C; settings: AwsSettings[]} {
  const settings: AwsSettings[] = []
  abstract class Faked extends Command {
    protected override createDeps(asked: AwsSettings, flags: AwsFlags): CommandDeps {
      settings.push(asked)
      const deps = createAwsDeps({settings: asked, output: this.output(flags), interrupts: this.interrupts, connect: fakeClients().connect})
      return {...deps, lambda: lambda as unknown as LambdaApi}
    }
  }
  return {command: Faked, settings}
}

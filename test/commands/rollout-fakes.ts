import type {AwsCommand} from '../../src/lib/base-command.js'
import type {CommandDeps} from '../../src/lib/deps.js'
import type {FakeClock} from '../helpers/clock.js'
import {fakeClock} from '../helpers/clock.js'
import type {AlarmTimeline, FakeCloudWatch, MetricSource, RolloutLambda} from '../lib/rollout/fakes.js'
import {T0, aVersion, anAlias, fakeCloudWatch, rolloutLambda} from '../lib/rollout/fakes.js'
import {fakeProcess} from './helpers.js'

/** What the commands under test talk to: function "hello" with versions 5–7 and alias "live" on 6, a fake clock, a fake process. */
export interface World {
  readonly lambda: RolloutLambda
  readonly cloudwatch: FakeCloudWatch
  readonly clock: FakeClock
  readonly proc: ReturnType<typeof fakeProcess>
}

export function world({alarms, metrics, clock = fakeClock(T0)}: {alarms?: Record<string, AlarmTimeline>; metrics?: MetricSource; clock?: FakeClock} = {}): World {
  return {
    lambda: rolloutLambda({versions: ['5', '6', '7'].map((v) => aVersion(v)), aliases: new Map([['live', anAlias('live', '6')]])}),
    cloudwatch: fakeCloudWatch(clock, {alarms, metrics}),
    clock,
    proc: fakeProcess(),
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's base constructor takes any arguments
type CommandClass = abstract new (...args: any[]) => AwsCommand<unknown>

/** The command with its AWS deps and process replaced by the world's fakes. */
export function withWorld<C extends CommandClass>(Base: C, fakes: World): C {
  abstract class WithWorld extends Base {
    protected override processControl = fakes.proc
    protected override createDeps(): CommandDeps {
      const output = this.output()
      const unused = new Proxy({}, {get: () => () => Promise.reject(new Error('not faked'))})
      return {lambda: fakes.lambda, cloudwatch: fakes.cloudwatch, clock: fakes.clock, output, interrupts: this.interrupts, s3: unused, logs: unused, iam: unused, sts: unused, close: () => Promise.resolve()} as unknown as CommandDeps
    }
  }
  return WithWorld
}

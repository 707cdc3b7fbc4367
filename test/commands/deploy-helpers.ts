/**
 * `sling deploy` and `sling diff` run in this process with the in-memory AWS fakes of the deploy library
 * (they keep state, so a second run sees what the first did) and a fake process for signals and exit.
 */
import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'

import type {CallTally} from '../../src/lib/aws/calls.js'
import type {AwsSettings} from '../../src/lib/aws/settings.js'
import type {AwsFlags} from '../../src/lib/base-command.js'
import Deploy from '../../src/commands/deploy.js'
import Diff from '../../src/commands/diff.js'
import {systemClock} from '../../src/lib/clock.js'
import type {CommandDeps} from '../../src/lib/deps.js'
import {tempDir} from '../helpers/cli.js'
import type {FakeIam, FakeLambda, FakeS3} from '../lib/deploy/fakes.js'
import {fakeIam, fakeLambda, fakeS3, fakeSts, REGION} from '../lib/deploy/fakes.js'
import type {CommandRun} from './helpers.js'
import {fakeProcess, runIn} from './helpers.js'

export const ROLE = 'arn:aws:iam::123456789012:role/app'

/** The fake AWS behind every run of one test: what one run writes, the next one reads. */
export interface FakeAws {
  readonly lambda: FakeLambda
  readonly s3: FakeS3
  readonly iam: FakeIam
  readonly proc: ReturnType<typeof fakeProcess>
  /** Every write any run made, "op name", in order. */
  writes(): string[]
}

export function fakeAws(): FakeAws {
  const lambda = fakeLambda()
  const s3 = fakeS3()
  const iam = fakeIam()
  return {lambda, s3, iam, proc: fakeProcess(), writes: () => [...lambda.log.writes(), ...s3.log.writes(), ...iam.log.writes()]}
}

/** The tally the real clients keep, from the fakes' call logs (each run counts from zero). */
function tallyOf(aws: FakeAws, from: {lambda: number; iam: number}): () => CallTally {
  return () => {
    const calls = [...aws.lambda.log.calls.slice(from.lambda), ...aws.iam.log.calls.slice(from.iam)]
    const byOperation: Record<string, number> = {}
    for (const call of calls) byOperation[`fake.${call.op}`] = (byOperation[`fake.${call.op}`] ?? 0) + 1
    const reads = calls.filter((call) => /^(get|list|latest|head)/.test(call.op)).length
    return {reads, writes: calls.length - reads, byOperation}
  }
}

function depsFor(aws: FakeAws, command: {output: (flags: AwsFlags) => CommandDeps['output']; interrupts: CommandDeps['interrupts']}, flags: AwsFlags): CommandDeps {
  const unused = new Proxy({}, {get: () => () => Promise.reject(new Error('not used by deploy'))})
  return {
    lambda: aws.lambda, s3: aws.s3, iam: aws.iam, sts: fakeSts(), sqs: unused as CommandDeps['sqs'], eventBridge: unused as CommandDeps['eventBridge'], scheduler: unused as CommandDeps['scheduler'], sns: unused as CommandDeps['sns'], logs: unused as CommandDeps['logs'], cloudwatch: unused as CommandDeps['cloudwatch'], ops: unused as CommandDeps['ops'],
    output: command.output(flags), clock: systemClock, interrupts: command.interrupts,
    region: () => Promise.resolve(REGION), calls: tallyOf(aws, {lambda: aws.lambda.log.calls.length, iam: aws.iam.log.calls.length}), close: () => Promise.resolve(),
  }
}

/** `sling deploy <argv>` against `aws`. */
export function runDeploy(aws: FakeAws, argv: string[]): Promise<CommandRun> {
  class TestDeploy extends Deploy {
    static override id = 'deploy'
    protected override processControl = aws.proc
    protected override createDeps(_settings: AwsSettings, flags: AwsFlags): CommandDeps {
      return depsFor(aws, {output: (f) => this.output(f), interrupts: this.interrupts}, flags)
    }
  }
  return runIn(TestDeploy, argv)
}

/** `sling diff <argv>` against `aws`. */
export function runDiff(aws: FakeAws, argv: string[]): Promise<CommandRun> {
  class TestDiff extends Diff {
    static override id = 'diff'
    protected override processControl = aws.proc
    protected override createDeps(_settings: AwsSettings, flags: AwsFlags): CommandDeps {
      return depsFor(aws, {output: (f) => this.output(f), interrupts: this.interrupts}, flags)
    }
  }
  return runIn(TestDiff, argv)
}

/**
 * A project of unbundled functions (packaging them is a quick zip): `functions` are the config's, each
 * zipping `<key>/index.js` with `code[key]` in it. Returns the config path.
 */
export async function aProject(dir: string, functions: Record<string, Record<string, unknown>>, code: Record<string, string> = {}): Promise<string> {
  for (const key of Object.keys(functions)) {
    await mkdir(path.join(dir, key), {recursive: true})
    await writeFile(path.join(dir, key, 'index.js'), code[key] ?? `exports.handler = async () => '${key}'\n`)
  }
  const config = {service: 'shop', functions: Object.fromEntries(Object.entries(functions).map(([key, fn]) => [key, {bundle: false, source: key, runtime: 'nodejs22.x', ...fn}]))}
  const file = path.join(dir, 'sling.config.json')
  await writeFile(file, JSON.stringify(config))
  return file
}

export {tempDir}

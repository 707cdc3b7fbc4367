import {EventEmitter} from 'node:events'

import {Flags} from '@oclif/core'
import {captureOutput} from '@oclif/test'
import {vi} from 'vitest'

import type {AwsClients} from '../../src/lib/aws/clients.js'
import type {AwsSettings} from '../../src/lib/aws/settings.js'
import type {AwsFlags, ProcessControl} from '../../src/lib/base-command.js'
import {AwsCommand} from '../../src/lib/base-command.js'
import type {CommandDeps} from '../../src/lib/deps.js'
import {createAwsDeps} from '../../src/lib/deps.js'
import type {InterruptMode} from '../../src/lib/interrupt.js'
import {ROOT} from '../helpers/cli.js'
import {fakeClock} from '../helpers/clock.js'

export interface CommandRun {
  /** The process exit code the run ends with. */
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command class in this process, as `sling <argv>` would, capturing stdout and stderr. */
export async function runIn(command: {run(argv: string[], root: string): Promise<unknown>}, argv: string[]): Promise<CommandRun> {
  const {error, stdout, stderr} = await captureOutput(() => command.run(argv, ROOT))
  return {code: error ? (error.oclif?.exit ?? 1) : 0, stdout, stderr}
}

/** A fake process: SIGINT/SIGTERM emitted on `signals`, and `exit` recorded instead of ending the test. */
export function fakeProcess(): ProcessControl & {readonly signals: EventEmitter; readonly exit: ReturnType<typeof vi.fn<(code: number) => void>>} {
  return {signals: new EventEmitter(), exit: vi.fn<(code: number) => void>()}
}

/** What a probe's run() is given. */
export interface ProbeContext {
  readonly deps: CommandDeps
  readonly flags: AwsFlags & {readonly count?: number | undefined}
  readonly proc: ReturnType<typeof fakeProcess>
}

export interface ProbeOptions<Result> {
  readonly run: (context: ProbeContext) => Promise<Result>
  readonly render?: (result: Result, out: (line: string) => void) => void
  readonly mode?: InterruptMode
  /** The config's region (the last fallback for --region). */
  readonly configRegion?: string
  /** Stands in for createAwsClients; the default builds the real clients. */
  readonly connect?: (settings: AwsSettings) => Promise<AwsClients>
}

/**
 * A minimal command that talks to AWS, for testing what BaseCommand and AwsCommand do around a
 * workflow (sling has no such command yet). Its deps are the real ones, with a fake clock and,
 * optionally, fake clients; its process is fake.
 */
export function probe<Result>(options: ProbeOptions<Result>) {
  const fake = fakeProcess()
  class Probe extends AwsCommand<Result> {
    static id = 'probe'
    static flags = {count: Flags.integer({summary: 'A number from 1 to 3.', min: 1, max: 3})}
    protected override readonly interruptMode = options.mode ?? 'exit'
    protected override processControl = fake

    async run(): Promise<Result> {
      const {flags} = await this.parse(Probe)
      return options.run({deps: this.deps(flags, {region: options.configRegion}), flags, proc: fake})
    }

    protected override render(result: Result): void {
      options.render?.(result, (line) => this.output().result(line))
    }

    protected override createDeps(settings: AwsSettings, flags: AwsFlags): CommandDeps {
      return createAwsDeps({settings, output: this.output(flags), interrupts: this.interrupts, clock: fakeClock(), ...(options.connect ? {connect: options.connect} : {})})
    }
  }
  return {command: Probe, proc: fake}
}

/** Clients whose SDK clients are never built: `settings` records what the command asked for. */
export function fakeClients(overrides: Partial<AwsClients> = {}): {connect: (settings: AwsSettings) => Promise<AwsClients>; settings: AwsSettings[]; close: ReturnType<typeof vi.fn>} {
  const settings: AwsSettings[] = []
  const close = vi.fn(() => Promise.resolve())
  const unused = (): Promise<never> => Promise.reject(new Error('this fake builds no SDK client'))
  return {
    settings,
    close,
    connect: (asked) => {
      settings.push(asked)
      return Promise.resolve({region: () => Promise.resolve(asked.region ?? 'us-east-1'), endpoint: asked.endpointUrl, lambda: unused, s3: unused, logs: unused, cloudwatch: unused, iam: unused, sts: unused, sqs: unused, eventBridge: unused, scheduler: unused, sns: unused, calls: () => ({reads: 0, writes: 0, byOperation: {}}), close, ...overrides})
    },
  }
}

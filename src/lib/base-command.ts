import {Command, Flags, Errors} from '@oclif/core'
import type {Interfaces} from '@oclif/core'

import type {AwsSettings} from './aws/settings.js'
import {describeUnexpected, toUserError} from './aws/errors.js'
import type {CommandDeps} from './deps.js'
import {createAwsDeps} from './deps.js'
import {ExitCode, UserError} from './errors.js'
import type {InterruptHandler, InterruptMode, SignalSource} from './interrupt.js'
import {createInterrupts} from './interrupt.js'
import type {Output} from './output.js'
import {createOutput} from './output.js'

/** The flags every sling command shares. Their names are public interface: keep them. */
const baseFlags = {
  config: Flags.string({summary: 'Path of the project config file.', env: 'SLING_CONFIG', default: 'sling.config.json', helpGroup: 'GLOBAL'}),
  stage: Flags.string({summary: 'Stage whose overrides apply (stages.<stage> in the config).', env: 'SLING_STAGE', helpGroup: 'GLOBAL'}),
  verbose: Flags.boolean({summary: 'Print each AWS call (service, operation, status, duration, retries) and debug detail on stderr.', env: 'SLING_VERBOSE', helpGroup: 'GLOBAL'}),
  // oclif's own --json flag has no summary; this one replaces it (same name, same behaviour).
  json: Flags.boolean({summary: 'Print one JSON document on stdout, and nothing else.', helpGroup: 'GLOBAL'}),
}

/** The flags of every command that talks to AWS (and only of those: elsewhere they would be silently ignored). */
const awsFlags = {
  region: Flags.string({summary: "AWS region (default: AWS_REGION, then the config's region, then the profile's).", helpGroup: 'GLOBAL'}),
  profile: Flags.string({summary: 'AWS profile from ~/.aws/config (default: AWS_PROFILE).', helpGroup: 'GLOBAL'}),
  'endpoint-url': Flags.string({summary: 'Send AWS calls to this endpoint (default: AWS_ENDPOINT_URL).', helpGroup: 'GLOBAL'}),
  local: Flags.boolean({summary: 'Use the embedded local cloud instead of AWS; no account needed.', env: 'SLING_LOCAL', helpGroup: 'GLOBAL'}),
}

export type BaseFlags = Interfaces.InferredFlags<typeof baseFlags>
export type AwsFlags = Interfaces.InferredFlags<typeof baseFlags & typeof awsFlags>

/** How the process ends and where its signals come from; command tests replace both. */
export interface ProcessControl {
  readonly signals: SignalSource
  readonly exit: (code: number) => void
}

const realProcess: ProcessControl = {
  signals: process,
  // eslint-disable-next-line no-restricted-properties -- the one place sling exits on a signal, after cleanup
  exit: (code) => process.exit(code),
}

/**
 * Shared flags, --json, interrupts, and the one place errors and results become exit codes.
 * Commands parse, call one workflow, and return its result: under --json oclif prints it, otherwise
 * the base class calls `render(result)`. A result with an `exitCode` (invoke's 3) ends the process
 * with it, after it has been printed.
 */
export abstract class BaseCommand<Result> extends Command {
  static enableJsonFlag = true
  static baseFlags = baseFlags

  /** See InterruptMode: `graceful` commands return a partial result on Ctrl-C instead of exiting. */
  protected readonly interruptMode: InterruptMode = 'exit'
  protected processControl: ProcessControl = realProcess

  private cachedOutput: Output | undefined
  private handler: InterruptHandler | undefined
  private stopListening: (() => void) | undefined

  /** The terminal, honouring --json and --verbose. */
  protected output(flags?: {readonly verbose?: boolean}): Output {
    // Before flags are parsed (an early error), read --verbose / SLING_VERBOSE the way the flag would.
    const verbose = flags?.verbose ?? (this.argv.includes('--verbose') || ['1', 'true'].includes(process.env.SLING_VERBOSE ?? ''))
    this.cachedOutput ??= createOutput({json: this.jsonEnabled(), verbose})
    return this.cachedOutput
  }

  /** This run's interrupts: pass them (or their signal and onInterrupt) to the workflow. */
  protected get interrupts(): InterruptHandler {
    this.handler ??= createInterrupts({mode: this.interruptMode, report: (message) => this.output().info(message), exit: (code) => this.processControl.exit(code)})
    return this.handler
  }

  override async init(): Promise<void> {
    await super.init()
    this.stopListening = this.interrupts.listen(this.processControl.signals)
  }

  abstract override run(): Promise<Result>

  /** The human rendering of the result (stdout for the result, stderr for the summary line); not called under --json. */
  protected render(_result: Result): void {}

  /** The exit code a successful run ends with: the result's `exitCode` when it has one. */
  protected exitCodeOf(result: Result): number {
    const code = (result as {exitCode?: unknown} | undefined)?.exitCode
    return typeof code === 'number' ? code : ExitCode.Ok
  }

  protected override async _run<T>(): Promise<T> {
    const result = await super._run<Result>() // init, run, catch, finally; prints the result under --json
    if (!this.jsonEnabled()) {
      try {
        this.render(result)
      } catch (error) {
        await this.catch(error as Error)
      }
    }
    const interrupted = this.interruptMode === 'exit' ? this.handler?.exitCode() : undefined
    const code = interrupted ?? this.exitCodeOf(result)
    if (code !== ExitCode.Ok) this.exit(code) // throws oclif's ExitError, which sets the process exit code
    return result as T
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    // In exit mode an interrupt's cleanups may still be running: let them finish before oclif exits.
    await this.handler?.settled()
    this.stopListening?.()
    await super.finally(error)
  }

  /** JSON on stdout is a contract: plain, uncoloured, one document. */
  override logJson(json: unknown): void {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  }

  protected override catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<never> {
    if (error instanceof Errors.ExitError) throw error // this.exit(): the code is already decided
    const userError = this.classify(error)
    if (this.jsonEnabled()) {
      this.logJson({error: {code: userError.code, message: userError.message, hints: userError.hints, ...(userError.details ? {details: userError.details} : {})}})
    } else {
      const out = this.output()
      out.info(`${out.color.red('Error:')} ${userError.message}`)
      for (const hint of userError.hints) out.info(`  ${out.color.dim('→')} ${hint}`)
      if (userError.code === 'Unexpected' && process.env.DEBUG) out.info(describeUnexpected(error))
    }
    this.exit(this.exitCodeOfError(userError))
  }

  /** After SIGTERM an interrupted run exits 143, not 130; in exit mode the signal decides whatever failed. */
  private exitCodeOfError(error: UserError): number {
    const signalled = this.handler?.exitCode()
    if (signalled !== undefined && (this.interruptMode === 'exit' || error.exitCode === ExitCode.Interrupted)) return signalled
    return error.exitCode
  }

  private classify(error: Error & {oclif?: {exit?: number}}): UserError {
    if (error instanceof UserError) return error
    if (error instanceof Errors.CLIError) {
      // oclif's own errors: its parse errors (unknown flag, missing argument, a value out of range or
      // not among the options) carry exit 2; told apart by that code, never by their wording.
      return new UserError('Usage', error.message.replace(/\n*See more help with --help$/, ''), {
        exitCode: error.oclif?.exit === ExitCode.Usage ? ExitCode.Usage : ExitCode.Failure,
        hints: [`Run "sling ${this.id?.replaceAll(':', ' ') ?? ''} --help" for usage.`],
      })
    }
    return toUserError(error)
  }
}

/**
 * A command that talks to AWS: the AWS flags, and deps built once from them and the config, closed
 * when the command ends (also on an error or Ctrl-C).
 */
export abstract class AwsCommand<Result> extends BaseCommand<Result> {
  static override baseFlags = {...baseFlags, ...awsFlags}

  private built: CommandDeps | undefined

  /** The deps for the workflow, built on the first call; nothing touches AWS until an API is used. */
  protected deps(flags: AwsFlags, config?: {readonly region?: string | undefined}): CommandDeps {
    if (!this.built) {
      this.built = this.createDeps(this.awsSettings(flags, config?.region), flags)
      const deps = this.built
      this.interrupts.onInterrupt(() => deps.close())
    }
    return this.built
  }

  /** Builds the deps; command tests override it to inject fakes. */
  protected createDeps(settings: AwsSettings, flags: AwsFlags): CommandDeps {
    const output = this.output(flags)
    // --verbose: each AWS call, as a line on stderr (src/lib/aws/call-log.ts).
    const logCall = flags.verbose ? (line: string) => output.debug(line) : undefined
    const connect = async (s: AwsSettings) => (await import('./aws/clients.js')).createAwsClients(s, {logCall})
    return createAwsDeps({settings, output, interrupts: this.interrupts, connect})
  }

  /** Where AWS calls go: flags first, then the environment (the SDK reads it), then the config. */
  protected awsSettings(flags: AwsFlags, configRegion?: string): AwsSettings {
    return {
      region: flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? configRegion,
      profile: flags.profile,
      endpointUrl: flags['endpoint-url'],
      local: flags.local,
      verbose: flags.verbose,
    }
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    try {
      await this.built?.close()
    } finally {
      await super.finally(error)
    }
  }
}

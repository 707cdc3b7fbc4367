import {Command, Flags, Errors} from '@oclif/core'
import type {Interfaces} from '@oclif/core'

import type {AwsSettings} from './aws/settings.js'
import {describeUnexpected, toUserError} from './aws/errors.js'
import {ExitCode, UserError} from './errors.js'
import {installInterruptHandlers} from './interrupt.js'
import type {Output} from './output.js'
import {createOutput} from './output.js'

/** The flags every sling command shares. Their names are public interface: keep them. */
const baseFlags = {
  config: Flags.string({summary: 'Path of the project config file.', env: 'SLING_CONFIG', default: 'sling.config.json', helpGroup: 'GLOBAL'}),
  stage: Flags.string({summary: 'Stage whose overrides apply (stages.<stage> in the config).', env: 'SLING_STAGE', helpGroup: 'GLOBAL'}),
  region: Flags.string({summary: "AWS region (default: AWS_REGION, then the config's region, then the profile's).", helpGroup: 'GLOBAL'}),
  profile: Flags.string({summary: 'AWS profile from ~/.aws/config (default: AWS_PROFILE).', helpGroup: 'GLOBAL'}),
  'endpoint-url': Flags.string({summary: 'Send AWS calls to this endpoint (default: AWS_ENDPOINT_URL).', helpGroup: 'GLOBAL'}),
  local: Flags.boolean({summary: 'Use the embedded local cloud instead of AWS; no account needed.', env: 'SLING_LOCAL', helpGroup: 'GLOBAL'}),
  verbose: Flags.boolean({summary: 'Print debug detail (AWS calls, timings) on stderr.', env: 'SLING_VERBOSE', helpGroup: 'GLOBAL'}),
}

export type BaseFlags = Interfaces.InferredFlags<typeof baseFlags>

/**
 * Shared flags, --json, and the one place errors become exit codes. Commands parse, call one
 * workflow, and return its result: oclif prints it under --json, the command renders it otherwise.
 */
export abstract class BaseCommand<Result> extends Command {
  static enableJsonFlag = true
  static baseFlags = baseFlags

  private cachedOutput: Output | undefined

  /** The terminal, honouring --json and --verbose. */
  protected output(flags?: {readonly verbose?: boolean}): Output {
    // Before flags are parsed (an early error), read --verbose / SLING_VERBOSE the way the flag would.
    const verbose = flags?.verbose ?? (this.argv.includes('--verbose') || ['1', 'true'].includes(process.env.SLING_VERBOSE ?? ''))
    this.cachedOutput ??= createOutput({json: this.jsonEnabled(), verbose})
    return this.cachedOutput
  }

  /** Where AWS calls go: flags first, then the environment (the SDK reads it), then the config. */
  protected awsSettings(flags: BaseFlags, configRegion?: string): AwsSettings {
    return {
      region: flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? configRegion,
      profile: flags.profile,
      endpointUrl: flags['endpoint-url'],
      local: flags.local,
      verbose: flags.verbose,
    }
  }

  /** Long-lived commands (local serve) handle signals themselves. */
  protected handlesSignals = false

  override async init(): Promise<void> {
    await super.init()
    if (!this.handlesSignals) {
      installInterruptHandlers(
        (message) => this.output().info(message),
        // eslint-disable-next-line no-restricted-properties -- the one place sling exits on a signal, after cleanup
        (code) => process.exit(code),
      )
    }
  }

  abstract override run(): Promise<Result>

  /** JSON on stdout is a contract: plain, uncoloured, one document. */
  override logJson(json: unknown): void {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  }

  protected override catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<never> {
    const userError = this.classify(error)
    if (this.jsonEnabled()) {
      this.logJson({error: {code: userError.code, message: userError.message, hints: userError.hints, ...(userError.details ? {details: userError.details} : {})}})
    } else {
      const out = this.output()
      out.info(`${out.color.red('Error:')} ${userError.message}`)
      for (const hint of userError.hints) out.info(`  ${out.color.dim('→')} ${hint}`)
      if (userError.code === 'Unexpected' && process.env.DEBUG) out.info(describeUnexpected(error))
    }
    this.exit(userError.exitCode) // throws oclif's ExitError, which sets the process exit code
  }

  private classify(error: Error & {oclif?: {exit?: number}}): UserError {
    if (error instanceof UserError) return error
    if (error instanceof Errors.CLIError && !(error instanceof Errors.ExitError)) {
      // oclif's own parse errors: unknown flag, missing argument, bad option value
      const usage = error.oclif?.exit === 2 || /flag|argument|Expected|Unexpected argument|Nonexistent/i.test(error.message)
      return new UserError('Usage', error.message.replace(/\n*See more help with --help$/, ''), {
        exitCode: usage ? ExitCode.Usage : ExitCode.Failure,
        hints: [`Run "sling ${this.id?.replaceAll(':', ' ') ?? ''} --help" for usage.`],
      })
    }
    return toUserError(error)
  }
}

import {Args, Flags} from '@oclif/core'

import type {CallTally} from '../lib/aws/calls.js'
import {formatCallTally} from '../lib/aws/calls.js'
import {AwsCommand} from '../lib/base-command.js'
import {loadConfig} from '../lib/config/load.js'
import type {DeployResult, DiffResult} from '../lib/deploy/deploy.js'
import {deploy, diff} from '../lib/deploy/deploy.js'
import {renderDeploy} from '../lib/deploy/render.js'
import {diffExitCode, renderDiff} from '../lib/deploy/render-diff.js'
import {deployExitCode} from '../lib/deploy/result.js'

/** What `sling deploy --json` prints: the deploy's result (or, with --dry-run, its plan) and the AWS calls it made. */
export type DeployOutput = (DeployResult & {readonly calls: CallTally}) | (DiffResult & {readonly dryRun: true; readonly calls: CallTally})

export default class Deploy extends AwsCommand<DeployOutput> {
  static summary = 'Create or update the functions in Lambda, changing only what differs.'
  static description =
    'Packages the functions, reads what Lambda has, and makes the smallest set of changes: create, configuration, code, tags, concurrency, asynchronous settings; then publishes a version and moves the alias when asked. Every change carries the RevisionId sling read, so someone else\'s change is never overwritten.'
  static strict = false
  static args = {function: Args.string({description: 'Function keys to deploy (default: every function in the config).', required: false})}
  static examples = ['<%= config.bin %> deploy', '<%= config.bin %> deploy api --publish --alias live', '<%= config.bin %> deploy --dry-run', '<%= config.bin %> deploy --stage prod --create-role --json']
  static flags = {
    publish: Flags.boolean({summary: 'Publish a version after the changes (overrides "publish" in the config).', allowNo: true, env: 'SLING_PUBLISH'}),
    alias: Flags.string({summary: 'Point this alias at the new version, creating it; implies --publish.', env: 'SLING_ALIAS'}),
    'dry-run': Flags.boolean({summary: "Show the plan, as sling diff does; don't change anything.", env: 'SLING_DRY_RUN'}),
    concurrency: Flags.integer({summary: 'How many functions to deploy at once.', default: 4, min: 1, max: 32, env: 'SLING_CONCURRENCY'}),
    cache: Flags.boolean({summary: 'Reuse the zip of a function whose inputs haven\'t changed since the last build; --no-cache rebuilds every one.', allowNo: true, default: true, env: 'SLING_CACHE'}),
    'create-role': Flags.boolean({summary: 'Create the execution role for functions with no "role" without asking (needed without a terminal).', env: 'SLING_CREATE_ROLE'}),
  }

  // Ctrl-C: the write in flight finishes, nothing new starts, and the partial result is reported.
  protected override readonly interruptMode = 'graceful'

  async run(): Promise<DeployOutput> {
    const {argv, flags} = await this.parse(Deploy)
    const config = await loadConfig({file: flags.config, stage: flags.stage, memo: flags.cache})
    const deps = this.deps(flags, config)
    const options = {config, functions: argv as string[], publish: flags.publish, alias: flags.alias, concurrency: flags.concurrency, useCache: flags.cache}
    const workflowDeps = {...deps, signal: this.interrupts.signal}
    this.printCalls = () => this.output(flags).debug(formatCallTally(deps.calls()))
    const result: DeployOutput = await (flags['dry-run']
      ? diff(options, workflowDeps).then((planned) => ({dryRun: true as const, ...planned, calls: deps.calls()}))
      : deploy({...options, region: await deps.region(), createRole: flags['create-role']}, workflowDeps).then((done) => ({...done, calls: deps.calls()}))
    ).catch((error: unknown) => {
      this.printCalls()
      throw error
    })
    if (this.jsonEnabled()) this.printCalls()
    return result
  }

  /** --verbose: the AWS call tally, last on stderr. */
  private printCalls: () => void = () => undefined

  protected override render(result: DeployOutput): void {
    if ('dryRun' in result) renderDiff(result, this.output(), {dryRun: true})
    else renderDeploy(result, this.output())
    this.printCalls()
  }

  protected override exitCodeOf(result: DeployOutput): number {
    return 'dryRun' in result ? diffExitCode(result, {exitCode: false}) : deployExitCode(result, this.interrupts.exitCode())
  }
}

import {Args, Flags} from '@oclif/core'

import type {CallTally} from '../lib/aws/calls.js'
import {formatCallTally} from '../lib/aws/calls.js'
import {AwsCommand} from '../lib/base-command.js'
import {loadConfig} from '../lib/config/load.js'
import type {DiffResult} from '../lib/deploy/deploy.js'
import {diff} from '../lib/deploy/deploy.js'
import {diffExitCode, renderDiff} from '../lib/deploy/render-diff.js'

/** What `sling diff --json` prints: the plan of every function and layer, and the AWS calls it took. */
export type DiffOutput = DiffResult & {readonly calls: CallTally}

export default class Diff extends AwsCommand<DiffOutput> {
  static summary = 'Show what "sling deploy" would change, field by field, changing nothing.'
  static description =
    'Packages the functions and reads them from Lambda as deploy does, then shows for each function whether it would be created or what would change: configuration fields old → new, code (CodeSha256 and size), tags, layers, concurrency and asynchronous settings. Environment values are masked unless --show-values.'
  static strict = false
  static args = {function: Args.string({description: 'Function keys to compare (default: every function in the config).', required: false})}
  static examples = ['<%= config.bin %> diff', '<%= config.bin %> diff api --show-values', '<%= config.bin %> diff --exit-code   # exit 1 when deploy would change anything (CI)', '<%= config.bin %> diff --json']
  static flags = {
    'show-values': Flags.boolean({summary: 'Show the values of environment variables that change, not only their names.', env: 'SLING_SHOW_VALUES'}),
    'exit-code': Flags.boolean({summary: 'Exit 1 when there are differences, 0 when there are none (like git diff --exit-code).', env: 'SLING_EXIT_CODE'}),
    publish: Flags.boolean({summary: 'Plan as "deploy --publish" would.', allowNo: true, env: 'SLING_PUBLISH'}),
    alias: Flags.string({summary: 'Plan as "deploy --alias NAME" would.', env: 'SLING_ALIAS'}),
    cache: Flags.boolean({summary: 'Reuse the zip of a function whose inputs haven\'t changed since the last build; --no-cache rebuilds every one.', allowNo: true, default: true, env: 'SLING_CACHE'}),
  }

  private exitOnDifference = false

  async run(): Promise<DiffOutput> {
    const {argv, flags} = await this.parse(Diff)
    this.exitOnDifference = flags['exit-code']
    const config = await loadConfig({file: flags.config, stage: flags.stage, memo: flags.cache})
    const deps = this.deps(flags, config)
    this.printCalls = () => this.output(flags).debug(formatCallTally(deps.calls()))
    const planned = await diff({config, functions: argv as string[], publish: flags.publish, alias: flags.alias, showValues: flags['show-values'], useCache: flags.cache}, {...deps, signal: this.interrupts.signal}).catch((error: unknown) => {
      this.printCalls()
      throw error
    })
    if (this.jsonEnabled()) this.printCalls()
    return {...planned, calls: deps.calls()}
  }

  /** --verbose: the AWS call tally, last on stderr. */
  private printCalls: () => void = () => undefined

  protected override render(result: DiffOutput): void {
    renderDiff(result, this.output())
    this.printCalls()
  }

  protected override exitCodeOf(result: DiffOutput): number {
    return diffExitCode(result, {exitCode: this.exitOnDifference})
  }
}

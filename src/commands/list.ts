import {Flags} from '@oclif/core'

import {AwsCommand} from '../lib/base-command.js'
import {ExitCode, UserError} from '../lib/errors.js'
import type {ListResult} from '../lib/ops/list.js'
import {listFunctions} from '../lib/ops/list.js'
import {renderList} from '../lib/ops/render-list.js'
import {loadConfigIfPresent} from '../lib/targets.js'

export default class List extends AwsCommand<ListResult> {
  static summary = "List the project's functions with their deployed state."
  static description =
    'For each function in sling.config.json: the newest published version, the aliases with their weights, when it was last modified, its code size against the 50 MB limit, and its runtime (flagged with AWS\'s deprecation date once deprecated). --all adds the functions of the account and region that aren\'t in the config. A table on a terminal; piped, one tab-separated line per function.'
  static aliases = ['ls']
  static examples = ['<%= config.bin %> list', '<%= config.bin %> ls --all --region eu-west-1', '<%= config.bin %> list --stage prod --json']
  static flags = {
    all: Flags.boolean({summary: "Also list the region's functions that aren't in the config.", env: 'SLING_ALL'}),
  }

  async run(): Promise<ListResult> {
    const {flags, metadata} = await this.parse(List)
    const config = await loadConfigIfPresent({file: flags.config, explicit: !metadata.flags.config?.setFromDefault, ...(flags.stage ? {stage: flags.stage} : {})})
    if (!config && !flags.all) {
      throw new UserError('ConfigNotFound', `No ${flags.config} here, so there are no project functions to list.`, {
        exitCode: ExitCode.Usage,
        hints: ['Pass --all to list every function in the region, or --config PATH.'],
      })
    }
    const {lambda, ops} = this.deps(flags, config)
    return listFunctions({config, all: flags.all, today: new Date().toISOString().slice(0, 10)}, {lambda, ops, signal: this.interrupts.signal})
  }

  protected override render(result: ListResult): void {
    renderList(result, this.output())
  }
}

import {Args, Flags} from '@oclif/core'

import {AwsCommand} from '../../lib/base-command.js'
import type {DeleteAliasResult} from '../../lib/release/aliases.js'
import {deleteAlias} from '../../lib/release/aliases.js'
import {aliasDeletionQuestion, renderAliasDeleted, showAliasDeletion} from '../../lib/release/render-aliases.js'
import {resolveCommandTarget} from '../../lib/targets.js'

export default class AliasDelete extends AwsCommand<DeleteAliasResult> {
  static summary = "Delete an alias, after showing what goes with it (its event source mappings' deliveries, its provisioned concurrency)."
  static description =
    'Asks on a terminal; elsewhere it needs --yes. If the alias changes while the question is asked, it is not deleted.'
  static examples = [
    '<%= config.bin %> alias delete api beta',
    '<%= config.bin %> alias delete api beta --dry-run',
    '<%= config.bin %> alias delete shop-api beta --yes --json',
  ]
  static args = {
    function: Args.string({description: 'The function: its config key, deployed name or ARN.', required: true}),
    alias: Args.string({description: 'The alias to delete.', required: true}),
  }
  static flags = {
    yes: Flags.boolean({char: 'y', summary: 'Delete without asking (needed where there is no terminal: CI, scripts).'}),
    'dry-run': Flags.boolean({summary: "Show what would go; don't delete anything.", env: 'SLING_DRY_RUN'}),
  }

  async run(): Promise<DeleteAliasResult> {
    const {args, flags, metadata} = await this.parse(AliasDelete)
    const {target, config, region} = await resolveCommandTarget(args.function, {
      configFile: flags.config, configExplicit: !metadata.flags.config?.setFromDefault, stage: flags.stage, regionFlag: flags.region,
    })
    const {lambda} = this.deps({...flags, region}, config)
    const output = this.output(flags)
    return deleteAlias({target, alias: args.alias, dryRun: flags['dry-run']}, {
      lambda, signal: this.interrupts.signal,
      showDeletion: output.json ? undefined : (deletion, {dryRun}) => showAliasDeletion(deletion, output, {dryRun}),
      confirm: (deletion) => output.confirm(aliasDeletionQuestion(deletion), {assumeYes: flags.yes}),
    })
  }

  protected override render(result: DeleteAliasResult): void {
    renderAliasDeleted(result, this.output())
  }
}

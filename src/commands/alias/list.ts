import {Args} from '@oclif/core'

import {AwsCommand} from '../../lib/base-command.js'
import type {AliasList as AliasListResult} from '../../lib/release/aliases.js'
import {listAliases} from '../../lib/release/aliases.js'
import {renderAliasList} from '../../lib/release/render-aliases.js'
import {onTerminal} from '../../lib/release/render.js'
import {resolveCommandTarget} from '../../lib/targets.js'

export default class AliasList extends AwsCommand<AliasListResult> {
  static summary = "List a function's aliases: the versions they send traffic to, where rollback would take them, any rollout in progress."
  static description =
    'On a terminal each alias\'s weights are drawn as bars; piped or in CI, one tab-separated line per alias (name, version, weights, rollback version, rollout in progress, description).'
  static examples = [
    '<%= config.bin %> alias list api',
    '<%= config.bin %> alias list shop-api --json',
    '<%= config.bin %> alias list arn:aws:lambda:eu-west-1:123456789012:function:shop-api',
  ]
  static args = {
    function: Args.string({description: 'The function: its config key, deployed name or ARN.', required: true}),
  }

  async run(): Promise<AliasListResult> {
    const {args, flags, metadata} = await this.parse(AliasList)
    const {target, config, region} = await resolveCommandTarget(args.function, {
      configFile: flags.config, configExplicit: !metadata.flags.config?.setFromDefault, stage: flags.stage, regionFlag: flags.region,
    })
    const {lambda} = this.deps({...flags, region}, config)
    return listAliases({target}, {lambda, signal: this.interrupts.signal})
  }

  protected override render(result: AliasListResult): void {
    renderAliasList(result, this.output(), {terminal: onTerminal(this.output())})
  }
}

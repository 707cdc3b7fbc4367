import {Args} from '@oclif/core'

import {AwsCommand} from '../../lib/base-command.js'
import {onTerminal, renderVersionList} from '../../lib/release/render.js'
import type {VersionList} from '../../lib/release/versions.js'
import {listVersions} from '../../lib/release/versions.js'
import {resolveCommandTarget} from '../../lib/targets.js'

export default class VersionsList extends AwsCommand<VersionList> {
  static summary = "List a function's published versions and the aliases that send them traffic."
  static description =
    'Newest first: the version, its description (for a version sling published, the commit it came from), the first 8 characters of its CodeSha256, when it was published, and each alias that points to it or routes a share of its traffic to it ("live 90%", "live → 10%"). A table on a terminal; piped or in CI, one tab-separated line per version.'
  static examples = [
    '<%= config.bin %> versions list api',
    '<%= config.bin %> versions list shop-api --region eu-west-1 --json',
    '<%= config.bin %> versions list arn:aws:lambda:eu-west-1:123456789012:function:shop-api | cut -f1,5',
  ]
  static args = {
    function: Args.string({description: 'The function: its config key, deployed name or ARN.', required: true}),
  }

  async run(): Promise<VersionList> {
    const {args, flags, metadata} = await this.parse(VersionsList)
    const {target, config, region} = await resolveCommandTarget(args.function, {
      configFile: flags.config, configExplicit: !metadata.flags.config?.setFromDefault, stage: flags.stage, regionFlag: flags.region,
    })
    const {lambda} = this.deps({...flags, region}, config)
    return listVersions({target}, {lambda, signal: this.interrupts.signal})
  }

  protected override render(result: VersionList): void {
    renderVersionList(result, this.output(), {terminal: onTerminal(this.output())})
  }
}

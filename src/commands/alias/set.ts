import {Args, Flags} from '@oclif/core'

import {AwsCommand} from '../../lib/base-command.js'
import type {SetAliasResult} from '../../lib/release/aliases.js'
import {setAlias} from '../../lib/release/aliases.js'
import {renderAliasSet} from '../../lib/release/render-aliases.js'
import {resolveCommandTarget} from '../../lib/targets.js'

export default class AliasSet extends AwsCommand<SetAliasResult> {
  static summary = 'Point an alias at a version (creating the alias if needed), recording where it was for "sling rollback".'
  static description =
    "All of the alias's traffic goes to VERSION afterwards (a traffic split is removed). The version it pointed to before is recorded in the alias's description, so \"sling rollback\" can return to it from any machine. A change someone else made to the alias since sling read it is refused, never overwritten."
  static examples = [
    '<%= config.bin %> alias set api live 7',
    '<%= config.bin %> alias set shop-api beta v12 --description "Beta testers"',
    "<%= config.bin %> alias set api dev '$LATEST' --allow-latest",
    '<%= config.bin %> alias set api live 8 --force --json',
  ]
  static args = {
    function: Args.string({description: 'The function: its config key, deployed name or ARN.', required: true}),
    alias: Args.string({description: 'The alias name (e.g. live).', required: true}),
    version: Args.string({description: "A published version (7, or v7), or '$LATEST' with --allow-latest.", required: true}),
  }
  static flags = {
    description: Flags.string({summary: "Replace the alias's description (sling's record is kept beside it)."}),
    'allow-latest': Flags.boolean({summary: 'Allow $LATEST: the alias then follows every deploy and has nothing to roll back to.'}),
    force: Flags.boolean({summary: 'Move the alias even though a rollout is in progress on it (the rollout is abandoned).'}),
  }

  async run(): Promise<SetAliasResult> {
    const {args, flags, metadata} = await this.parse(AliasSet)
    const {target, config, region} = await resolveCommandTarget(args.function, {
      configFile: flags.config, configExplicit: !metadata.flags.config?.setFromDefault, stage: flags.stage, regionFlag: flags.region,
    })
    const {lambda} = this.deps({...flags, region}, config)
    return setAlias(
      {target, alias: args.alias, version: args.version, description: flags.description, allowLatest: flags['allow-latest'], force: flags.force},
      {lambda, signal: this.interrupts.signal},
    )
  }

  protected override render(result: SetAliasResult): void {
    renderAliasSet(result, this.output())
  }
}

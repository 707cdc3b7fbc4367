import {Args} from '@oclif/core'

import {AwsCommand} from '../lib/base-command.js'
import {resolveFunctionArg, withTargetRegion} from '../lib/rollout/function-arg.js'
import {renderRollback} from '../lib/rollout/render.js'
import type {RollbackResult} from '../lib/rollout/rollback.js'
import {rollback} from '../lib/rollout/rollback.js'

export default class Rollback extends AwsCommand<RollbackResult> {
  static summary = 'Return an alias to the version it pointed to before the last shift, rollout or alias set.'
  static description =
    'Reads sling\'s record on the alias (kept in its description, so it works from any machine), points the alias back at the version it had before sling last moved it, with no routing left, and ends any rollout in progress. Refuses when sling has no record, or when something else has moved the alias since.'
  static args = {
    function: Args.string({description: 'Config key, function name or ARN.', required: true}),
    alias: Args.string({description: 'The alias to roll back.', required: true}),
  }
  static examples = ['<%= config.bin %> rollback api live', '<%= config.bin %> rollback shop-api live --region eu-west-1 --json']

  async run(): Promise<RollbackResult> {
    const {args, flags} = await this.parse(Rollback)
    const resolved = await resolveFunctionArg(args.function, {configFile: flags.config, stage: flags.stage, regionFlag: flags.region})
    const {lambda} = this.deps(withTargetRegion(flags, resolved.target), resolved.config)
    return rollback({target: resolved.target, alias: args.alias}, {lambda, signal: this.interrupts.signal})
  }

  protected override render(result: RollbackResult): void {
    renderRollback(result, this.output())
  }
}

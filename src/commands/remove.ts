import {Args, Flags} from '@oclif/core'

import {AwsCommand} from '../lib/base-command.js'
import {defaultBucketName} from '../lib/deploy/artifacts.js'
import type {RemoveResult} from '../lib/ops/remove.js'
import {remove} from '../lib/ops/remove.js'
import {loadConfigIfPresent, resolveTarget} from '../lib/targets.js'

export default class Remove extends AwsCommand<RemoveResult> {
  static summary = 'Delete functions and what sling created for them.'
  static description =
    "Deletes each function (its versions, aliases, policy and URL go with it) and what sling created for it: every event source and trigger it attached (event source mappings, S3 notification entries, EventBridge rules, Scheduler schedules, SNS subscriptions, with their permissions), the artifacts it uploaded to S3, its log group only with --logs, and its execution role only if sling created it and no other function uses it. What someone else created is kept and listed. The plan is shown first; a terminal is asked, elsewhere --yes is needed."
  static strict = false
  static args = {function: Args.string({description: 'The functions: config keys, deployed names or ARNs.', required: true})}
  static examples = ['<%= config.bin %> remove api', '<%= config.bin %> remove api worker --dry-run', '<%= config.bin %> remove shop-api --logs --yes']
  static flags = {
    yes: Flags.boolean({char: 'y', summary: "Don't ask (needed without a terminal).", env: 'SLING_YES'}),
    'dry-run': Flags.boolean({summary: 'Show what would be deleted; delete nothing.', env: 'SLING_DRY_RUN'}),
    logs: Flags.boolean({summary: "Delete the functions' log groups too.", env: 'SLING_REMOVE_LOGS'}),
  }

  async run(): Promise<RemoveResult> {
    const {argv, flags, metadata} = await this.parse(Remove)
    const config = await loadConfigIfPresent({file: flags.config, explicit: !metadata.flags.config?.setFromDefault, ...(flags.stage ? {stage: flags.stage} : {})})
    const targets = (argv as string[]).map((ref) => resolveTarget(ref, {functions: config?.functions, regionFlag: flags.region}))
    const deps = this.deps({...flags, region: flags.region ?? targets.find((t) => t.region)?.region}, config)
    const bucket = config?.deployment.bucket ?? defaultBucketName((await deps.sts.getCallerIdentity()).account, await deps.region())
    return remove({targets, logs: flags.logs, dryRun: flags['dry-run'], yes: flags.yes, artifactsBucket: bucket}, {...deps, signal: this.interrupts.signal})
  }

  protected override render(result: RemoveResult): void {
    if (result.status === 'removed') this.output().success(`Removed ${result.functions.map((f) => f.functionName).join(', ')}.`)
    if (result.status === 'would-remove') this.output().info('(dry run) Nothing was deleted.')
  }
}

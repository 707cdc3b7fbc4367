import {Args, Flags} from '@oclif/core'

import {AwsCommand} from '../../lib/base-command.js'
import {ExitCode} from '../../lib/errors.js'
import type {PruneResult} from '../../lib/release/prune.js'
import {pruneVersions} from '../../lib/release/prune.js'
import {pruneQuestion, renderPruneResult, showPrunePlan} from '../../lib/release/render.js'
import {resolveCommandTarget} from '../../lib/targets.js'

export default class VersionsPrune extends AwsCommand<PruneResult> {
  static summary = 'Delete old versions of a function, keeping the newest N and every version in use.'
  static description =
    'Never deletes the newest N, a version an alias points or routes traffic to, the version "sling rollback" or a rollout in progress needs, a version an event source mapping invokes or one with provisioned concurrency, nor $LATEST. Shows the plan first, then asks on a terminal; elsewhere it needs --yes. A version that comes into use while it runs is kept and reported (exit 1); the rest are deleted.'
  static examples = [
    '<%= config.bin %> versions prune api --keep 5',
    '<%= config.bin %> versions prune api --keep 5 --dry-run',
    '<%= config.bin %> versions prune shop-api --keep 10 --yes --json',
  ]
  static args = {
    function: Args.string({description: 'The function: its config key, deployed name or ARN.', required: true}),
  }
  static flags = {
    keep: Flags.integer({summary: 'How many of the newest versions to keep, whether or not anything uses them.', required: true, min: 0}),
    yes: Flags.boolean({char: 'y', summary: 'Delete without asking (needed where there is no terminal: CI, scripts).'}),
    'dry-run': Flags.boolean({summary: "Show the plan; don't delete anything.", env: 'SLING_DRY_RUN'}),
  }

  async run(): Promise<PruneResult> {
    const {args, flags, metadata} = await this.parse(VersionsPrune)
    const {target, config, region} = await resolveCommandTarget(args.function, {
      configFile: flags.config, configExplicit: !metadata.flags.config?.setFromDefault, stage: flags.stage, regionFlag: flags.region,
    })
    const {lambda} = this.deps({...flags, region}, config)
    const output = this.output(flags)
    return pruneVersions({target, keep: flags.keep, dryRun: flags['dry-run']}, {
      lambda, output, signal: this.interrupts.signal,
      // Under --json the plan is in the document; stderr stays quiet.
      showPlan: output.json ? undefined : (plan, {dryRun}) => showPrunePlan(plan, output, {dryRun, terminal: output.interactive}),
      confirm: (plan) => output.confirm(pruneQuestion(plan), {assumeYes: flags.yes}),
    })
  }

  protected override render(result: PruneResult): void {
    renderPruneResult(result, this.output())
  }

  /** Some versions came into use while pruning: the rest were deleted, but the prune didn't do all it planned. */
  protected override exitCodeOf(result: PruneResult): number {
    return result.status === 'partial' ? ExitCode.Failure : super.exitCodeOf(result)
  }
}

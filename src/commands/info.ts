import {Args, Flags} from '@oclif/core'

import {AwsCommand} from '../lib/base-command.js'
import type {FunctionDetails} from '../lib/ops/info.js'
import {functionInfo} from '../lib/ops/info.js'
import {renderInfo} from '../lib/ops/render-info.js'
import {resolveCommandTarget} from '../lib/targets.js'

export default class Info extends AwsCommand<FunctionDetails> {
  static summary = 'Show everything about one function.'
  static description =
    "Its configuration (environment values that look secret masked unless --show-secrets), versions, aliases with their weights, event sources and triggers (the rows of \"sling events list\", each marked sling's or not), the permissions that let others invoke it, its function URL, layers with their sizes, concurrency, the last hour's invocations, errors, throttles and p90 duration from CloudWatch, and the drift between the config and what is deployed."
  static examples = ['<%= config.bin %> info api', '<%= config.bin %> info shop-api --region eu-west-1 --json', '<%= config.bin %> info api --show-secrets']
  static args = {function: Args.string({description: 'The function: its config key, deployed name or ARN.', required: true})}
  static flags = {
    'show-secrets': Flags.boolean({summary: 'Show environment values that look like secrets.', env: 'SLING_SHOW_SECRETS'}),
  }

  async run(): Promise<FunctionDetails> {
    const {args, flags, metadata} = await this.parse(Info)
    const {target, config, region} = await resolveCommandTarget(args.function, {configFile: flags.config, configExplicit: !metadata.flags.config?.setFromDefault, stage: flags.stage, regionFlag: flags.region})
    const {lambda, s3, cloudwatch} = this.deps({...flags, region}, config)
    const fn = config?.functions.find((f) => f.key === target.key)
    return functionInfo({target, config: fn, configDir: config?.dir, showSecrets: flags['show-secrets'], now: new Date()}, {lambda, s3, cloudwatch, signal: this.interrupts.signal})
  }

  protected override render(result: FunctionDetails): void {
    renderInfo(result, this.output())
  }
}

import {Args, Flags} from '@oclif/core'

import {AwsCommand} from '../../lib/base-command.js'
import type {EventsResult} from '../../lib/events/commands.js'
import {updateSource} from '../../lib/events/commands.js'
import {describeEventsResult} from '../../lib/events/render.js'
import {resolveCommandTarget} from '../../lib/targets.js'
import {MAPPING_FLAGS, mappingOptionsOf} from './attach.js'

export default class EventsUpdate extends AwsCommand<EventsResult> {
  static summary = "Change an event source mapping's batch, filter and retry settings; settings not given stay as they are."
  static examples = [
    '<%= config.bin %> events update worker sqs:orders --qualifier live --batch-size 5',
    '<%= config.bin %> events update worker 6f1c0a52-3b7e-4c1e-9d2a-0c8f2e7b5a10 --max-concurrency 20',
  ]
  static args = {
    function: Args.string({description: 'The function: its config key, deployed name or ARN.', required: true}),
    source: Args.string({description: 'The source as given to attach (sqs:QUEUE, an ARN…), or the mapping UUID.', required: true}),
  }
  static flags = {
    qualifier: Flags.string({summary: 'The alias or version the mapping invokes.', env: 'SLING_QUALIFIER'}),
    ...MAPPING_FLAGS,
    force: Flags.boolean({summary: 'Change it even though sling did not create it.'}),
  }

  async run(): Promise<EventsResult> {
    const {args, flags, metadata} = await this.parse(EventsUpdate)
    const {target, config, region} = await resolveCommandTarget(args.function, {configFile: flags.config, configExplicit: !metadata.flags.config?.setFromDefault, stage: flags.stage, regionFlag: flags.region})
    const deps = this.deps({...flags, region}, config)
    return updateSource({target, source: args.source, qualifier: flags.qualifier, mapping: await mappingOptionsOf(flags), force: flags.force, local: flags.local},
      {...deps, output: this.output(flags), signal: this.interrupts.signal})
  }

  protected override render(result: EventsResult): void {
    this.output().result(describeEventsResult(result))
  }
}

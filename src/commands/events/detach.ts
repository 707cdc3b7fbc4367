import {Args, Flags} from '@oclif/core'

import {AwsCommand} from '../../lib/base-command.js'
import type {EventsResult} from '../../lib/events/commands.js'
import {detachSource} from '../../lib/events/commands.js'
import {describeEventsResult} from '../../lib/events/render.js'
import {resolveCommandTarget} from '../../lib/targets.js'

export default class EventsDetach extends AwsCommand<EventsResult> {
  static summary = 'Detach an event source: exactly what sling added for it (the mapping, or the notification entry and its permission), nothing else.'
  static examples = [
    '<%= config.bin %> events detach worker sqs:orders --qualifier live',
    '<%= config.bin %> events detach ingest s3:uploads',
    '<%= config.bin %> events detach worker 6f1c0a52-3b7e-4c1e-9d2a-0c8f2e7b5a10',
  ]
  static args = {
    function: Args.string({description: 'The function: its config key, deployed name or ARN.', required: true}),
    source: Args.string({description: 'The source as given to attach (sqs:QUEUE, s3:BUCKET, an ARN…), or the mapping UUID.', required: true}),
  }
  static flags = {
    qualifier: Flags.string({summary: 'The alias or version the source invokes.', env: 'SLING_QUALIFIER'}),
    force: Flags.boolean({summary: 'Delete a mapping even though sling did not create it.'}),
  }

  async run(): Promise<EventsResult> {
    const {args, flags, metadata} = await this.parse(EventsDetach)
    const {target, config, region} = await resolveCommandTarget(args.function, {configFile: flags.config, configExplicit: !metadata.flags.config?.setFromDefault, stage: flags.stage, regionFlag: flags.region})
    const deps = this.deps({...flags, region}, config)
    return detachSource({target, source: args.source, qualifier: flags.qualifier, force: flags.force, local: flags.local},
      {...deps, output: this.output(flags), signal: this.interrupts.signal})
  }

  protected override render(result: EventsResult): void {
    this.output().result(describeEventsResult(result))
  }
}

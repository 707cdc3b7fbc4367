import {Args} from '@oclif/core'

import {AwsCommand} from '../../lib/base-command.js'
import type {EventsList} from '../../lib/events/list.js'
import {listEvents} from '../../lib/events/list.js'
import {renderEventsList} from '../../lib/events/render.js'
import {onTerminal} from '../../lib/release/render.js'
import {resolveCommandTarget} from '../../lib/targets.js'

export default class EventsListCommand extends AwsCommand<EventsList> {
  static summary = "List a function's event sources, mappings and triggers alike: source, state, batch settings, last processing result, and who made each."
  static description = 'On a terminal, a table; piped or in CI, one tab-separated line per source (source, qualifier, state, batch size, batching window, last result or detail, managed by, id).'
  static examples = ['<%= config.bin %> events list worker', '<%= config.bin %> events list shop-worker --json']
  static args = {
    function: Args.string({description: 'The function: its config key, deployed name or ARN.', required: true}),
  }

  async run(): Promise<EventsList> {
    const {args, flags, metadata} = await this.parse(EventsListCommand)
    const {target, config, region} = await resolveCommandTarget(args.function, {configFile: flags.config, configExplicit: !metadata.flags.config?.setFromDefault, stage: flags.stage, regionFlag: flags.region})
    const deps = this.deps({...flags, region}, config)
    return listEvents({target}, {lambda: deps.lambda, s3: deps.s3, signal: this.interrupts.signal})
  }

  protected override render(result: EventsList): void {
    renderEventsList(result, this.output(), {terminal: onTerminal(this.output())})
  }
}

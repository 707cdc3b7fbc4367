import {Args, Flags} from '@oclif/core'

import {AwsCommand} from '../lib/base-command.js'
import {LOG_FORMATS} from '../lib/logs/format.js'
import {showLogs} from '../lib/logs/logs.js'
import {untilReaderLeaves} from '../lib/logs/reader.js'
import {resolveCommandTarget} from '../lib/targets.js'

export default class Logs extends AwsCommand<void> {
  static summary = "Read or follow a function's logs: a time range, one invocation, or new lines as they come."
  static description =
    'Reads the function\'s log group (/aws/lambda/<name>, or the group in its logging config), every page of it. --follow keeps printing new lines, through CloudWatch Logs Live Tail where the endpoint offers it and otherwise by polling, until Ctrl-C (exit 0). On a terminal: local times, request ids shortened and coloured per invocation, REPORT lines summarised, errors highlighted, JSON lines as "LEVEL message {fields}". Piped or in CI, the same lines without colour. --json prints JSON Lines: one JSON object per event.'
  static examples = [
    '<%= config.bin %> logs api',
    '<%= config.bin %> logs api --follow',
    '<%= config.bin %> logs api --since 2h --filter ERROR',
    "<%= config.bin %> logs api --since 1d --filter '{ $.level = \"ERROR\" }' --json | jq .message",
    '<%= config.bin %> logs api --request-id 8f5c2a1e-3b7d-4c0a-9e41-2d6f0b9a7c13 --since 1d',
    '<%= config.bin %> logs api:live --follow',
    '<%= config.bin %> logs shop-api --qualifier 7 --format raw',
  ]
  static args = {
    function: Args.string({description: 'The function: its config key, deployed name or ARN (":VERSION" or ":ALIAS" after it works as --qualifier).', required: true}),
  }
  static flags = {
    follow: Flags.boolean({char: 'f', summary: 'Keep printing new lines until Ctrl-C (through Live Tail where offered).', env: 'SLING_LOGS_FOLLOW', exclusive: ['until', 'request-id']}),
    since: Flags.string({summary: 'From when: a duration (10m, 2h, 1d) or an ISO timestamp. Default: 10m; with --follow, now.', env: 'SLING_LOGS_SINCE'}),
    until: Flags.string({summary: 'Until when: a duration ago or an ISO timestamp. Default: now.'}),
    filter: Flags.string({summary: 'A CloudWatch Logs filter pattern, e.g. ERROR or \'{ $.level = "ERROR" }\'.', exclusive: ['request-id']}),
    qualifier: Flags.string({summary: "Only this version's lines: a version, '$LATEST' or an alias (its versions)."}),
    'request-id': Flags.string({summary: 'One invocation, from START to REPORT (search it in --since, default 10m).'}),
    format: Flags.string({summary: 'pretty (default), raw (messages untouched) or json (one object per line).', options: [...LOG_FORMATS], default: 'pretty', env: 'SLING_LOGS_FORMAT'}),
    poll: Flags.boolean({summary: 'With --follow, poll FilterLogEvents every second even where Live Tail is offered.', dependsOn: ['follow']}),
  }

  // Ctrl-C is how following ends: it stops and exits 0. A read that is interrupted still exits 130.
  protected override readonly interruptMode = 'graceful'

  /** Under --json the output is JSON Lines, an error included: one document per line. */
  override logJson(json: unknown): void {
    process.stdout.write(`${JSON.stringify(json)}\n`)
  }

  async run(): Promise<void> {
    const {args, flags, metadata} = await this.parse(Logs)
    const {target, config, region} = await resolveCommandTarget(args.function, {
      configFile: flags.config, configExplicit: !metadata.flags.config?.setFromDefault, stage: flags.stage, regionFlag: flags.region, allowQualifier: true,
    })
    const {lambda, logs, output, clock} = this.deps({...flags, region}, config)
    await untilReaderLeaves(process.stdout, this.interrupts.signal, (signal) =>
      showLogs(
        {
          target, qualifier: flags.qualifier ?? target.qualifier, since: flags.since, until: flags.until, filter: flags.filter, requestId: flags['request-id'],
          follow: flags.follow, poll: flags.poll, format: flags.format as (typeof LOG_FORMATS)[number], color: output.interactive && process.stdout.isTTY,
        },
        {lambda, logs, output, clock, signal},
      ),
    )
  }
}

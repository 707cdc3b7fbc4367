import {Args, Flags} from '@oclif/core'

import {AwsCommand} from '../../lib/base-command.js'
import type {EventsResult} from '../../lib/events/commands.js'
import {attachSource} from '../../lib/events/commands.js'
import {readPatternArg} from '../../lib/events/filters.js'
import type {MappingOptions} from '../../lib/events/mappings.js'
import {describeEventsResult} from '../../lib/events/render.js'
import {resolveCommandTarget} from '../../lib/targets.js'

/** The batch and retry flags of a mapping, shared with `events update`. */
export const MAPPING_FLAGS = {
  'batch-size': Flags.integer({summary: 'Records per batch (SQS 1–10, or up to 10000 with a batching window; streams up to 10000).', min: 1, max: 10_000}),
  'batching-window': Flags.integer({summary: 'Seconds to gather records before invoking (0–300).', min: 0, max: 300}),
  'starting-position': Flags.string({summary: 'Where a stream mapping starts reading (streams; default LATEST).', options: ['LATEST', 'TRIM_HORIZON']}),
  filter: Flags.string({summary: 'A Lambda event filter pattern (JSON, or @FILE); repeatable. Checked before anything is sent.', multiple: true}),
  'report-batch-item-failures': Flags.boolean({summary: 'Let the function return batchItemFailures so only failed records are retried.', allowNo: true}),
  'max-concurrency': Flags.integer({summary: 'Most concurrent invocations the mapping makes (SQS, 2–1000).', min: 2, max: 1000}),
  'bisect-on-error': Flags.boolean({summary: 'Split a failed batch in two and retry each half (streams).', allowNo: true}),
  'max-retries': Flags.integer({summary: 'Retries of a failed batch (streams; -1 for until the record expires).', min: -1, max: 10_000}),
  'max-record-age': Flags.integer({summary: 'Discard records older than this many seconds (streams; -1 for never).', min: -1, max: 604_800}),
  'on-failure': Flags.string({summary: 'Send records that failed every attempt to this SQS queue, SNS topic or S3 bucket ARN (streams).'}),
}

type MappingFlagValues = {[K in keyof typeof MAPPING_FLAGS]?: unknown}

/** The mapping options the flags set (left out: unchanged on an update). */
export async function mappingOptionsOf(flags: MappingFlagValues): Promise<MappingOptions> {
  const filters = flags.filter === undefined ? undefined : await Promise.all((flags.filter as string[]).map(readPatternArg))
  return {
    batchSize: flags['batch-size'] as number | undefined, batchingWindow: flags['batching-window'] as number | undefined,
    startingPosition: flags['starting-position'] as MappingOptions['startingPosition'], filters,
    reportBatchItemFailures: flags['report-batch-item-failures'] as boolean | undefined, maxConcurrency: flags['max-concurrency'] as number | undefined,
    bisectOnError: flags['bisect-on-error'] as boolean | undefined, maxRetries: flags['max-retries'] as number | undefined,
    maxRecordAge: flags['max-record-age'] as number | undefined, onFailure: flags['on-failure'] as string | undefined,
  }
}

export default class EventsAttach extends AwsCommand<EventsResult> {
  static summary = 'Attach an event source to a function: an SQS queue, stream or Kafka/MQ source (a mapping), or an S3 bucket, schedule, EventBridge pattern or SNS topic (a trigger).'
  static description =
    'Idempotent: a source already mapped to the function and qualifier is updated, not duplicated. sling waits until the mapping is Enabled (or Disabled) and reports its state. For S3, sling adds the permission S3 needs and merges its notification into the bucket\'s configuration, never dropping another one.'
  static examples = [
    '<%= config.bin %> events attach worker sqs:orders --qualifier live --batch-size 10 --batching-window 5',
    '<%= config.bin %> events attach worker sqs:orders --filter \'{"body": {"type": ["order"]}}\' --report-batch-item-failures',
    '<%= config.bin %> events attach ingest s3:uploads --events s3:ObjectCreated:* --prefix incoming/ --suffix .csv',
    '<%= config.bin %> events attach worker arn:aws:kinesis:eu-west-1:123456789012:stream/clicks --starting-position TRIM_HORIZON',
    '<%= config.bin %> events attach report schedule --schedule "rate(5 minutes)" --qualifier live',
    '<%= config.bin %> events attach audit eventbridge --pattern @pattern.json',
    '<%= config.bin %> events attach notify sns:alerts --filter-policy \'{"severity": ["high"]}\'',
  ]
  static args = {
    function: Args.string({description: 'The function: its config key, deployed name or ARN.', required: true}),
    source: Args.string({description: 'sqs:QUEUE, kinesis:STREAM, dynamodb:TABLE/stream/LABEL, kafka:ARN, mq:ARN, s3:BUCKET, sns:TOPIC, schedule, eventbridge, or an ARN.', required: true}),
  }
  static flags = {
    qualifier: Flags.string({summary: 'The alias (recommended: traffic shifting then covers the events too) or version to attach to.', env: 'SLING_QUALIFIER'}),
    ...MAPPING_FLAGS,
    disabled: Flags.boolean({summary: 'Create the mapping disabled (it polls nothing until "sling events enable").'}),
    adopt: Flags.boolean({summary: 'Manage a mapping of this source that something other than sling created.'}),
    grant: Flags.boolean({summary: 'Give the execution role (only one sling created) the rights to read the source first.'}),
    events: Flags.string({summary: 'S3 event types (default s3:ObjectCreated:*); repeatable.', multiple: true}),
    prefix: Flags.string({summary: 'S3: only keys starting with this.'}),
    suffix: Flags.string({summary: 'S3: only keys ending with this.'}),
    schedule: Flags.string({summary: 'Source "schedule": rate(5 minutes), cron(0 12 * * ? *) (or at(...) with --scheduler-role).'}),
    'scheduler-role': Flags.string({summary: 'Use EventBridge Scheduler (instead of an EventBridge rule), assuming this role to invoke the function.'}),
    timezone: Flags.string({summary: 'EventBridge Scheduler: the time zone of a cron or at() expression.'}),
    pattern: Flags.string({summary: 'Source "eventbridge": the event pattern (JSON, or @FILE).'}),
    'event-bus': Flags.string({summary: 'Source "eventbridge": the event bus (default: the default bus).'}),
    'filter-policy': Flags.string({summary: 'SNS: the subscription filter policy (JSON, or @FILE).'}),
  }

  // Graceful: on Ctrl-C the attach stops its AWS calls but takes back what it half added (a permission
  // without its notification, a mapping without its ledger entry) before the process exits.
  protected override readonly interruptMode = 'graceful'

  async run(): Promise<EventsResult> {
    const {args, flags, metadata} = await this.parse(EventsAttach)
    const {target, config, region} = await resolveCommandTarget(args.function, {configFile: flags.config, configExplicit: !metadata.flags.config?.setFromDefault, stage: flags.stage, regionFlag: flags.region})
    const mapping = {...(await mappingOptionsOf(flags)), enabled: flags.disabled ? false : undefined}
    const push = {
      schedule: flags.schedule, schedulerRole: flags['scheduler-role'], timezone: flags.timezone, eventBus: flags['event-bus'],
      pattern: flags.pattern === undefined ? undefined : await readPatternArg(flags.pattern),
      filterPolicy: flags['filter-policy'] === undefined ? undefined : await readPatternArg(flags['filter-policy']),
    }
    const deps = this.deps({...flags, region}, config)
    return attachSource({target, source: args.source, qualifier: flags.qualifier, mapping, s3: {events: flags.events, prefix: flags.prefix, suffix: flags.suffix}, push, adopt: flags.adopt, grant: flags.grant, local: flags.local},
      {...deps, output: this.output(flags), signal: this.interrupts.signal})
  }

  protected override render(result: EventsResult): void {
    this.output().result(describeEventsResult(result))
  }
}

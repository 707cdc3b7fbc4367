/**
 * A function's event sources and URL as the config declares them (`events: [...]`, `url: {...}`), reconciled
 * by `sling deploy` (see lib/events/reconcile.ts). Each entry names its source the way `sling events attach`
 * does, with the same settings in camelCase. A list replaces whole across defaults and stages.
 */
import {z} from 'zod'

import {refinedBy} from './refine.js'

const Qualifier = z.string().min(1).max(128).regex(/^[a-zA-Z0-9$_-]+$/, 'an alias name or version number').describe('The alias (recommended) or version the source invokes.')
const SOURCE_RULE = 'sqs:QUEUE, kinesis:STREAM, dynamodb:TABLE/stream/LABEL, s3:BUCKET, sns:TOPIC, kafka:ARN, mq:ARN, schedule, eventbridge, or an SQS, Kinesis, DynamoDB stream, MSK, MQ, S3 or SNS ARN'
const SOURCE_PATTERN = /^(sqs|kinesis|dynamodb|s3|sns|kafka|mq):.+$|^arn:aws[a-z-]*:(sqs|kinesis|dynamodb|kafka|mq|rds|s3|sns):|^(schedule|eventbridge)$/

/** A filter pattern, written as JSON in the config (or as its text), checked as Lambda checks it. */
const FilterPattern = refinedBy(z.union([z.record(z.string(), z.unknown()), z.string()]), 'filterPattern')

export const EventSourceSchema = refinedBy(z.strictObject({
  source: z.string().regex(SOURCE_PATTERN, SOURCE_RULE).describe(`The event source: ${SOURCE_RULE}.`),
  qualifier: Qualifier.optional(),
  batchSize: z.number().int().min(1).max(10_000).optional().describe('Records per batch.'),
  batchingWindow: z.number().int().min(0).max(300).optional().describe('Seconds to gather records before invoking.'),
  startingPosition: z.enum(['LATEST', 'TRIM_HORIZON']).optional().describe('Streams: where reading starts (default LATEST).'),
  filters: z.array(FilterPattern).max(5).optional().describe('Lambda event filter patterns; a record is delivered when one matches.'),
  reportBatchItemFailures: z.boolean().optional().describe('The function returns batchItemFailures: only failed records are retried.'),
  maxConcurrency: z.number().int().min(2).max(1000).optional().describe('SQS: most concurrent invocations.'),
  bisectOnError: z.boolean().optional().describe('Streams: split a failed batch and retry each half.'),
  maxRetries: z.number().int().min(-1).max(10_000).optional().describe('Streams: retries of a failed batch.'),
  maxRecordAge: z.number().int().min(-1).max(604_800).optional().describe('Streams: discard records older than this (seconds).'),
  onFailure: z.string().min(1).optional().describe('Streams: destination ARN for records that failed every attempt.'),
  enabled: z.boolean().optional().describe('Whether the mapping polls (default true).'),
  events: z.array(z.string().regex(/^s3:[A-Za-z]+(:[A-Za-z*]+)?$/, 'an S3 event type such as s3:ObjectCreated:*')).min(1).optional().describe('S3: event types (default s3:ObjectCreated:*).'),
  prefix: z.string().min(1).optional().describe('S3: only keys starting with this.'),
  suffix: z.string().min(1).optional().describe('S3: only keys ending with this.'),
  schedule: z.string().min(1).optional().describe('Source "schedule": rate(5 minutes), cron(...), or at(...) with schedulerRole.'),
  schedulerRole: z.string().min(1).optional().describe('Source "schedule": use EventBridge Scheduler, assuming this role to invoke.'),
  timezone: z.string().min(1).optional().describe('Source "schedule" with schedulerRole: the time zone of the expression.'),
  pattern: z.record(z.string(), z.unknown()).optional().describe('Source "eventbridge": the event pattern.'),
  eventBus: z.string().min(1).optional().describe('Source "eventbridge": the event bus (default: the default bus).'),
  filterPolicy: z.record(z.string(), z.unknown()).optional().describe('SNS: the subscription filter policy.'),
}), 'eventSource')
export type EventSourceConfig = z.infer<typeof EventSourceSchema>

export const UrlSchema = z.strictObject({
  authType: z.enum(['AWS_IAM', 'NONE']).default('AWS_IAM').describe('AWS_IAM: SigV4-signed requests only; NONE: anyone on the internet.'),
  qualifier: Qualifier.optional(),
  invokeMode: z.enum(['BUFFERED', 'RESPONSE_STREAM']).optional(),
  cors: z
    .strictObject({
      allowOrigins: z.array(z.string().min(1)).max(100).optional(),
      allowMethods: z.array(z.string().min(1)).max(6).optional(),
      allowHeaders: z.array(z.string().min(1)).max(100).optional(),
      exposeHeaders: z.array(z.string().min(1)).max(100).optional(),
      allowCredentials: z.boolean().optional(),
      maxAge: z.number().int().min(0).max(86_400).optional(),
    })
    .optional(),
})
export type UrlConfig = z.infer<typeof UrlSchema>

export const EventFunctionFields = {
  events: z.array(EventSourceSchema).max(50).optional().describe('Event sources sling deploy attaches, updates and (when removed here) detaches; only those sling created are touched.'),
  url: UrlSchema.optional().describe("The function's URL, created or updated by sling deploy (deleted when removed here, if sling created it)."),
}

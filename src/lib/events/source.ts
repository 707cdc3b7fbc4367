/**
 * What a SOURCE argument names: an ARN, or a short form. Pull sources (polled by an event source mapping) and
 * push sources (triggers that invoke the function) are told apart here, once.
 */
import {ExitCode, UserError} from '../errors.js'

export type PullService = 'sqs' | 'kinesis' | 'dynamodb' | 'kafka' | 'mq' | 'docdb'

export type SourceRef =
  | {readonly type: 'pull'; readonly service: PullService; readonly arn?: string | undefined; readonly name?: string | undefined}
  | {readonly type: 's3'; readonly bucket: string}
  | {readonly type: 'sns'; readonly topicArn?: string | undefined; readonly name?: string | undefined}
  | {readonly type: 'schedule'}
  | {readonly type: 'rule'}

export const SOURCE_FORMS = [
  'sqs:QUEUE (or the queue ARN)',
  'kinesis:STREAM (or the stream ARN)',
  'dynamodb:TABLE/stream/LABEL, or the table stream ARN',
  'kafka:CLUSTER_ARN, mq:BROKER_ARN (or the ARN itself)',
  's3:BUCKET (or arn:aws:s3:::BUCKET)',
  'sns:TOPIC (or the topic ARN)',
  'schedule (with --schedule "rate(5 minutes)" or "cron(...)")',
  'eventbridge (with --pattern @pattern.json)',
] as const

const ARN = /^arn:(?<partition>aws[a-z-]*):(?<service>[a-z0-9-]+):(?<region>[a-z0-9-]*):(?<account>\d{12})?:(?<resource>.+)$/

/** Parses SOURCE. Throws a usage error listing the forms for what names no event source sling knows. */
export function parseSource(text: string): SourceRef {
  const source = text.trim()
  if (source.startsWith('arn:')) return fromArn(source)
  if (source === 'schedule') return {type: 'schedule'}
  if (source === 'eventbridge' || source === 'rule') return {type: 'rule'}
  const cut = source.indexOf(':')
  const [kind, rest] = cut < 0 ? [source, ''] : [source.slice(0, cut), source.slice(cut + 1)]
  if (rest === '') throw unknownSource(source)
  switch (kind) {
    case 'sqs':
      return {type: 'pull', service: 'sqs', name: rest}
    case 'kinesis':
      return {type: 'pull', service: 'kinesis', name: rest}
    case 'dynamodb':
      return {type: 'pull', service: 'dynamodb', name: rest}
    case 'kafka':
    case 'mq':
      if (!rest.startsWith('arn:')) throw unknownSource(source, `${kind}: takes the ${kind === 'kafka' ? 'MSK cluster' : 'Amazon MQ broker'} ARN (${kind}:arn:aws:${kind}:REGION:ACCOUNT:...).`)
      return {type: 'pull', service: kind, arn: rest}
    case 's3':
      return {type: 's3', bucket: rest}
    case 'sns':
      return rest.startsWith('arn:') ? {type: 'sns', topicArn: rest} : {type: 'sns', name: rest}
    default:
      throw unknownSource(source)
  }
}

function fromArn(arn: string): SourceRef {
  const parts = ARN.exec(arn)?.groups
  if (!parts) throw unknownSource(arn)
  const {service, resource = ''} = parts
  if (service === 'sqs') return {type: 'pull', service: 'sqs', arn}
  if (service === 'kinesis' && resource.startsWith('stream/')) return {type: 'pull', service: 'kinesis', arn}
  if (service === 'dynamodb' && resource.includes('/stream/')) return {type: 'pull', service: 'dynamodb', arn}
  if (service === 'kafka') return {type: 'pull', service: 'kafka', arn}
  if (service === 'mq') return {type: 'pull', service: 'mq', arn}
  if (service === 'rds') return {type: 'pull', service: 'docdb', arn}
  if (service === 's3' && !resource.includes('/')) return {type: 's3', bucket: resource}
  if (service === 'sns') return {type: 'sns', topicArn: arn}
  if (service === 'dynamodb') throw unknownSource(arn, 'A DynamoDB table is read through its stream: pass the stream ARN (…:table/TABLE/stream/LABEL, shown by "aws dynamodb describe-table").')
  throw unknownSource(arn)
}

function unknownSource(source: string, reason?: string): UserError {
  return new UserError('UnknownSource', `"${source}" isn't an event source sling can attach.${reason ? ` ${reason}` : ''}`, {
    exitCode: ExitCode.Usage,
    hints: [`SOURCE is one of: ${SOURCE_FORMS.join('; ')}.`],
  })
}

/** A printable name for an event source ARN: "sqs:orders", "s3:uploads", else the ARN. */
export function shortName(arn: string | undefined): string {
  const parts = ARN.exec(arn ?? '')?.groups
  if (!parts) return arn ?? ''
  if (parts.service === 'sqs') return `sqs:${parts.resource}`
  if (parts.service === 'kinesis') return `kinesis:${(parts.resource ?? '').replace(/^stream\//, '')}`
  if (parts.service === 'dynamodb') return `dynamodb:${(parts.resource ?? '').replace(/^table\//, '')}`
  if (parts.service === 'sns') return `sns:${parts.resource}`
  return arn ?? ''
}

/**
 * Queue attributes as SQS checks and answers them: the ones a caller sets (with their ranges and defaults),
 * the ones only FIFO queues have, and the computed ones GetQueueAttributes adds.
 */
import {invalidAttributeName, invalidAttributeValue, invalidValue, SqsError} from './errors.js'
import type {QueueRecord} from './records.js'
import {isDelayed, isInFlight, queueArn} from './records.js'

/** Numeric attributes: [min, max, default]. */
const RANGES: Readonly<Record<string, readonly [number, number, number]>> = {
  DelaySeconds: [0, 900, 0],
  MaximumMessageSize: [1024, 1_048_576, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600, 345_600],
  ReceiveMessageWaitTimeSeconds: [0, 20, 0],
  VisibilityTimeout: [0, 43_200, 30],
  KmsDataKeyReusePeriodSeconds: [60, 86_400, 300],
}

const TEXT = new Set(['Policy', 'RedriveAllowPolicy', 'KmsMasterKeyId'])
const BOOLEAN = new Set(['SqsManagedSseEnabled'])
const FIFO_ONLY: Readonly<Record<string, readonly string[] | 'boolean'>> = {
  ContentBasedDeduplication: 'boolean',
  DeduplicationScope: ['messageGroup', 'queue'],
  FifoThroughputLimit: ['perQueue', 'perMessageGroupId'],
}
const COMPUTED = [
  'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp', 'LastModifiedTimestamp', 'QueueArn',
]

/** What a new queue has before its CreateQueue attributes apply. */
export function defaultAttributes(fifo: boolean): Record<string, string> {
  const numbers = Object.fromEntries(Object.entries(RANGES).filter(([name]) => name !== 'KmsDataKeyReusePeriodSeconds').map(([name, range]) => [name, String(range[2])]))
  return {...numbers, SqsManagedSseEnabled: 'true', ...(fifo ? {FifoQueue: 'true', ContentBasedDeduplication: 'false', DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue'} : {})}
}

/** A settable attribute's value, normalised as GetQueueAttributes answers it; RedrivePolicy is checked by the caller. */
export function checkAttribute(name: string, value: string, fifo: boolean): string {
  const range = RANGES[name]
  if (range) {
    const number = Number(value)
    if (!/^-?\d+$/.test(value.trim()) || number < range[0] || number > range[1]) throw invalidAttributeValue(name)
    return String(number)
  }
  if (TEXT.has(name) || name === 'RedrivePolicy') return value
  if (BOOLEAN.has(name)) return booleanOf(name, value)
  const fifoRule = FIFO_ONLY[name]
  if (fifoRule && fifo) {
    if (fifoRule === 'boolean') return booleanOf(name, value)
    if (!fifoRule.includes(value)) throw invalidAttributeValue(name)
    return value
  }
  if (name === 'FifoQueue' && fifo) return booleanOf(name, value)
  throw invalidAttributeName(name)
}

function booleanOf(name: string, value: string): string {
  const lower = value.toLowerCase()
  if (lower !== 'true' && lower !== 'false') throw invalidAttributeValue(name)
  return lower
}

/** A RedrivePolicy as stored: `{"deadLetterTargetArn":…,"maxReceiveCount":N}`. */
export interface RedrivePolicy {
  readonly deadLetterTargetArn: string
  readonly maxReceiveCount: number
}

/** Parses a RedrivePolicy value (maxReceiveCount may be a number or a numeric string, 1–1000). */
export function parseRedrivePolicy(text: string): RedrivePolicy {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw invalidAttributeValue('RedrivePolicy', 'Redrive policy is not a valid JSON map.')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidAttributeValue('RedrivePolicy', 'Redrive policy is not a valid JSON map.')
  const {deadLetterTargetArn: arn, maxReceiveCount: count} = parsed as Record<string, unknown>
  if (typeof arn !== 'string') throw invalidAttributeValue('RedrivePolicy', 'Redrive policy does not contain mandatory attribute: deadLetterTargetArn.')
  if (count === undefined) throw invalidAttributeValue('RedrivePolicy', 'Redrive policy does not contain mandatory attribute: maxReceiveCount.')
  const max = Number(count)
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw invalidValue('RedrivePolicy', text, 'Invalid value for maxReceiveCount: must be an integer from 1 to 1000.')
  return {deadLetterTargetArn: arn, maxReceiveCount: max}
}

/** The queue's redrive policy, when it has one. */
export function redrivePolicyOf(queue: QueueRecord): RedrivePolicy | undefined {
  const text = queue.attributes.RedrivePolicy
  return text ? parseRedrivePolicy(text) : undefined
}

/** Every attribute name GetQueueAttributes knows ("All" and the model's enum), to tell unknown ones. */
export function checkAttributeNames(names: readonly string[]): void {
  const known = new Set(['All', ...Object.keys(RANGES), ...TEXT, ...BOOLEAN, 'RedrivePolicy', 'FifoQueue', ...Object.keys(FIFO_ONLY), ...COMPUTED])
  for (const name of names) if (!known.has(name)) throw invalidAttributeName(name)
}

/** The attributes GetQueueAttributes answers for `names` ("All" for every one the queue has). */
export function queueAttributes(queue: QueueRecord, names: readonly string[], region: string, accountId: string, now = Date.now()): Record<string, string> {
  const count = (test: (message: QueueRecord['messages'][number]) => boolean): string => String(queue.messages.filter(test).length)
  const all: Record<string, string> = {
    QueueArn: queueArn(region, accountId, queue.name),
    ApproximateNumberOfMessages: count((message) => message.visibleAt <= now),
    ApproximateNumberOfMessagesNotVisible: count((message) => isInFlight(message, now)),
    ApproximateNumberOfMessagesDelayed: count((message) => isDelayed(message, now)),
    CreatedTimestamp: String(queue.created),
    LastModifiedTimestamp: String(queue.lastModified),
    ...queue.attributes,
  }
  if (names.includes('All')) return all
  return Object.fromEntries(names.filter((name) => all[name] !== undefined).map((name) => [name, all[name] ?? '']))
}

/** A queue name SQS accepts: 1–80 letters, digits, hyphens and underscores, FIFO names ending in `.fifo`. */
export function checkQueueName(name: string, fifo: boolean): void {
  const valid = fifo ? /^[A-Za-z0-9_-]{1,75}\.fifo$/.test(name) : /^[A-Za-z0-9_-]{1,80}$/.test(name)
  if (valid) return
  throw new SqsError(
    'InvalidParameterValue',
    fifo
      ? 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.'
      : 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
  )
}

/**
 * One batch of an SQS mapping as Lambda handles it: the event it sends (Lambda's SQS record shape), the
 * records its filters drop, and which messages a result lets it delete (all on success; with
 * ReportBatchItemFailures all but the reported ones; none on a function error).
 */
import type {FilterPattern} from '../../lambda/event-filter.js'
import {matchesAnyPattern} from '../../lambda/event-filter.js'
import type {QueueMessage} from '../contract.js'

/** One record of Lambda's SQS event. */
export interface SqsRecord {
  readonly messageId: string
  readonly receiptHandle: string
  readonly body: string
  readonly attributes: Readonly<Record<string, string>>
  readonly messageAttributes: Readonly<Record<string, Record<string, unknown>>>
  readonly md5OfMessageAttributes?: string
  readonly md5OfBody: string
  readonly eventSource: 'aws:sqs'
  readonly eventSourceARN: string
  readonly awsRegion: string
}

export function sqsRecord(message: QueueMessage, queueArn: string): SqsRecord {
  const messageAttributes = Object.fromEntries(
    Object.entries(message.messageAttributes).map(([name, value]) => [
      name,
      {...(value.StringValue === undefined ? {} : {stringValue: value.StringValue}), ...(value.BinaryValue === undefined ? {} : {binaryValue: value.BinaryValue}), stringListValues: [], binaryListValues: [], dataType: value.DataType},
    ]),
  )
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: message.attributes,
    messageAttributes,
    ...(message.md5OfMessageAttributes === undefined ? {} : {md5OfMessageAttributes: message.md5OfMessageAttributes}),
    md5OfBody: message.md5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? '',
  }
}

function jsonObject(text: string): Record<string, unknown> | unknown[] | undefined {
  try {
    const parsed = JSON.parse(text) as unknown
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown> | unknown[]) : undefined
  } catch {
    return undefined
  }
}

/**
 * Whether a record passes the mapping's filters. Lambda matches `body` as JSON when both the body and the
 * pattern's `body` are JSON (a nested pattern), as text when neither is; when they differ it filters on the
 * record's other fields only.
 */
export function passesFilters(patterns: readonly FilterPattern[], record: SqsRecord): boolean {
  if (patterns.length === 0) return true
  const json = jsonObject(record.body)
  const event = {...record, body: json ?? record.body}
  const adjusted = patterns.map((pattern) => {
    const body = pattern.body
    if (body === undefined || Array.isArray(body) === (json === undefined)) return pattern
    const rest: Record<string, FilterPattern[string]> = {...pattern}
    delete rest.body
    return rest
  })
  return matchesAnyPattern(adjusted, event)
}

/**
 * The message ids a function's response reports as failed (ReportBatchItemFailures), or 'all' when Lambda
 * counts the response as the whole batch failing: not JSON, or an item with a missing, empty or unknown
 * itemIdentifier. No response, null, `{}` or an empty list is full success.
 */
export function reportedFailures(payload: string, messageIds: ReadonlySet<string>): ReadonlySet<string> | 'all' {
  let response: unknown
  try {
    response = payload.trim() === '' ? null : JSON.parse(payload)
  } catch {
    return 'all'
  }
  if (response === null) return new Set()
  if (typeof response !== 'object' || Array.isArray(response)) return 'all'
  const items = (response as Record<string, unknown>).batchItemFailures
  if (items === undefined || items === null) return new Set()
  if (!Array.isArray(items)) return 'all'
  const failed = new Set<string>()
  for (const item of items) {
    const id = typeof item === 'object' && item !== null ? (item as Record<string, unknown>).itemIdentifier : undefined
    if (typeof id !== 'string' || !messageIds.has(id)) return 'all'
    failed.add(id)
  }
  return failed
}

/** What SendMessage checks in a message before storing it, in SQS's words. */
import {createHash} from 'node:crypto'

import type {QueueMessageAttribute} from '../contract.js'
import {invalidParameter, invalidValue, missingParameter, SqsError} from './errors.js'
import {md5Hex, md5OfAttributes} from './md5.js'
import type {OutgoingMessage} from './messages.js'
import type {QueueRecord} from './records.js'

type Input = Record<string, unknown>

/** XML 1.0's characters: what SQS allows in a body and in string attribute values. */
const INVALID_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u
const ATTRIBUTE_NAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_\-.]{1,256}$/
const NOT_FOR_THIS_QUEUE = 'The request include parameter that is not valid for this queue type.'

function checkCharacters(text: string, where: string): void {
  const bad = INVALID_CHARACTER.exec(text)
  if (!bad) return
  const code = bad[0].codePointAt(0) ?? 0
  throw new SqsError('InvalidMessageContents', `Invalid binary character '#x${code.toString(16).toUpperCase()}' was found in the ${where}, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`)
}

function base64Of(value: unknown): string | undefined {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  return typeof value === 'string' ? value : undefined
}

/** Message attributes: at most 10, named as SQS allows, typed String/Number/Binary (with a custom suffix), with a value. */
export function checkMessageAttributes(raw: unknown): Record<string, QueueMessageAttribute> {
  const entries = Object.entries((raw ?? {}) as Record<string, Record<string, unknown> | undefined>)
  if (entries.length > 10) throw invalidParameter(`Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`)
  const out: Record<string, QueueMessageAttribute> = {}
  for (const [name, value] of entries) {
    if (!ATTRIBUTE_NAME.test(name) || /^(aws|amazon)\./i.test(name)) throw invalidParameter(`Message (user) attribute name ${name} is invalid: it must be 1 to 256 letters, digits, '-', '_' or '.', not start with AWS. or Amazon., and have no '..'.`)
    const type = typeof value?.DataType === 'string' ? value.DataType : ''
    if (!/^(String|Number|Binary)(\.[^\s]{1,256})?$/.test(type)) throw invalidParameter(`The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`)
    const binary = type.startsWith('Binary')
    const stringValue = typeof value?.StringValue === 'string' ? value.StringValue : undefined
    const binaryValue = base64Of(value?.BinaryValue)
    if (binary ? !binaryValue : !stringValue) throw invalidParameter(`The message (user) attribute '${name}' must contain a non-empty message attribute value for message attribute type '${type.split('.')[0] ?? type}'.`)
    if (type.startsWith('Number') && !Number.isFinite(Number(stringValue))) throw invalidParameter(`Can't cast the value of message (user) attribute '${name}' to a number.`)
    if (stringValue !== undefined) checkCharacters(stringValue, `message attribute '${name}'`)
    out[name] = binary ? {DataType: type, BinaryValue: binaryValue ?? ''} : {DataType: type, StringValue: stringValue ?? ''}
  }
  return out
}

/** The bytes a message counts against MaximumMessageSize: its body and each attribute's name, type and value. */
function messageSize(body: string, attributes: Record<string, QueueMessageAttribute>): number {
  let size = Buffer.byteLength(body)
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType)
    size += value.StringValue !== undefined ? Buffer.byteLength(value.StringValue) : Buffer.from(value.BinaryValue ?? '', 'base64').length
  }
  return size
}

/** The FIFO settings of a message: group required, a deduplication id given or derived from the body. */
function fifoFields(queue: QueueRecord, entry: Input, body: string): {group?: string; dedupId?: string} {
  const group = entry.MessageGroupId
  const dedup = entry.MessageDeduplicationId
  if (!queue.fifo) {
    if (typeof dedup === 'string') throw invalidValue('MessageDeduplicationId', dedup, NOT_FOR_THIS_QUEUE)
    return typeof group === 'string' ? {group} : {}
  }
  if (typeof group !== 'string' || group === '') throw missingParameter('MessageGroupId')
  if (!/^[!-~]{1,128}$/.test(group)) throw invalidValue('MessageGroupId', group, 'MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.')
  if (typeof dedup === 'string') {
    if (!/^[!-~]{1,128}$/.test(dedup)) throw invalidValue('MessageDeduplicationId', dedup, 'MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.')
    return {group, dedupId: dedup}
  }
  if (queue.attributes.ContentBasedDeduplication !== 'true') {
    throw invalidParameter('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly')
  }
  return {group, dedupId: createHash('sha256').update(body).digest('hex')}
}

/** A SendMessage (or batch entry) checked against its queue, ready to store. */
export function prepareMessage(queue: QueueRecord, entry: Input): OutgoingMessage {
  const body = entry.MessageBody
  if (typeof body !== 'string' || body === '') throw missingParameter('MessageBody')
  checkCharacters(body, 'message body')
  const attributes = checkMessageAttributes(entry.MessageAttributes)
  const limit = Number(queue.attributes.MaximumMessageSize ?? 1_048_576)
  if (messageSize(body, attributes) > limit) throw invalidParameter(`One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes.`)
  const delay = entry.DelaySeconds
  if (delay !== undefined && (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > 900)) throw invalidValue('DelaySeconds', delay, 'DelaySeconds must be >= 0 and <= 900.')
  if (delay !== undefined && queue.fifo) throw invalidValue('DelaySeconds', delay, NOT_FOR_THIS_QUEUE)
  const trace = (entry.MessageSystemAttributes as Record<string, {StringValue?: string}> | undefined)?.AWSTraceHeader?.StringValue
  const attributesMd5 = md5OfAttributes(attributes)
  return {
    content: {body, md5OfBody: md5Hex(body), attributes, ...(attributesMd5 === undefined ? {} : {md5OfAttributes: attributesMd5}), ...(trace === undefined ? {} : {traceHeader: trace})},
    delaySeconds: typeof delay === 'number' ? delay : Number(queue.attributes.DelaySeconds ?? 0),
    ...fifoFields(queue, entry, body),
  }
}

/** The message operations: SendMessage(Batch), ReceiveMessage, DeleteMessage(Batch), ChangeMessageVisibility(Batch). */
import {invalidValue, missingParameter, receiptHandleIsInvalid, SqsError} from './errors.js'
import {md5OfAttributes} from './md5.js'
import {prepareMessage} from './message-checks.js'
import type {HandleOutcome, OutgoingMessage, Received} from './messages.js'
import {changeVisibility, deleteMessages, sendMessages} from './messages.js'
import {queryCodeOf} from './query-names.js'
import type {SqsScope} from './queues.js'
import {loadQueue, queueNameOf} from './queues.js'
import {receiveWaiting, systemAttributes} from './receive.js'
import type {QueueRecord} from './records.js'

type Input = Record<string, unknown>

const BATCH_BYTES = 1_048_576
const MAX_VISIBILITY = 43_200

export async function sendMessage(input: Input, scope: SqsScope): Promise<unknown> {
  const name = queueNameOf(input, scope)
  const message = prepareMessage(await loadQueue(scope, name), input)
  const [sent] = await sendMessages(scope, name, [message])
  return {MD5OfMessageBody: message.content.md5OfBody, ...md5Fields(message), MessageId: sent?.messageId, ...(sent?.sequenceNumber ? {SequenceNumber: sent.sequenceNumber} : {})}
}

function md5Fields(message: OutgoingMessage): Record<string, string> {
  return message.content.md5OfAttributes === undefined ? {} : {MD5OfMessageAttributes: message.content.md5OfAttributes}
}

/** A batch's entries checked as SQS checks them: 1–10, distinct ids of letters, digits, `-` and `_`. */
function batchEntries(input: Input, entryName: string): Input[] {
  const entries = (input.Entries ?? []) as Input[]
  if (entries.length === 0) throw new SqsError('EmptyBatchRequest', `There should be at least one ${entryName} in the request.`)
  if (entries.length > 10) throw new SqsError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${entries.length}.`)
  const seen = new Set<string>()
  for (const entry of entries) {
    const id = typeof entry.Id === 'string' ? entry.Id : ''
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(id)) throw new SqsError('InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.')
    if (seen.has(id)) throw new SqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`)
    seen.add(id)
  }
  return entries
}

function failure(id: unknown, error: SqsError): Record<string, unknown> {
  return {Id: id, SenderFault: error.status < 500, Code: queryCodeOf(error.code), Message: error.message}
}

export async function sendMessageBatch(input: Input, scope: SqsScope): Promise<unknown> {
  const name = queueNameOf(input, scope)
  const entries = batchEntries(input, 'SendMessageBatchRequestEntry')
  const total = entries.reduce((sum, entry) => sum + Buffer.byteLength(typeof entry.MessageBody === 'string' ? entry.MessageBody : ''), 0)
  if (total > BATCH_BYTES) throw new SqsError('BatchRequestTooLong', `Batch requests cannot be longer than ${BATCH_BYTES} bytes. You have sent ${total} bytes.`)
  const queue = await loadQueue(scope, name)
  const accepted: {id: unknown; message: OutgoingMessage}[] = []
  const Failed: Record<string, unknown>[] = []
  for (const entry of entries) {
    try {
      accepted.push({id: entry.Id, message: prepareMessage(queue, entry)})
    } catch (error) {
      if (!(error instanceof SqsError)) throw error
      Failed.push(failure(entry.Id, error))
    }
  }
  const sent = accepted.length > 0 ? await sendMessages(scope, name, accepted.map((entry) => entry.message)) : []
  const Successful = accepted.map(({id, message}, i) => ({
    Id: id,
    MessageId: sent[i]?.messageId,
    MD5OfMessageBody: message.content.md5OfBody,
    ...md5Fields(message),
    ...(sent[i]?.sequenceNumber ? {SequenceNumber: sent[i].sequenceNumber} : {}),
  }))
  return {Successful, Failed}
}

function integerIn(input: Input, name: string, min: number, max: number): number | undefined {
  const value = input[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw invalidValue(name, value, `Must be >= ${min} and <= ${max}, if provided.`)
  return value
}

export async function receiveMessage(input: Input, scope: SqsScope): Promise<unknown> {
  const name = queueNameOf(input, scope)
  const queue = await loadQueue(scope, name)
  const max = input.MaxNumberOfMessages
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 10)) throw invalidValue('MaxNumberOfMessages', max, 'Must be between 1 and 10, if provided.')
  const visibilityTimeout = integerIn(input, 'VisibilityTimeout', 0, MAX_VISIBILITY)
  const wait = integerIn(input, 'WaitTimeSeconds', 0, 20) ?? Number(queue.attributes.ReceiveMessageWaitTimeSeconds ?? 0)
  const received = await receiveWaiting(scope, name, {max: typeof max === 'number' ? max : 1, waitMs: wait * 1000, ...(visibilityTimeout === undefined ? {} : {visibilityTimeout})})
  const systemNames = [...((input.AttributeNames ?? []) as string[]), ...((input.MessageSystemAttributeNames ?? []) as string[])]
  const attributeNames = (input.MessageAttributeNames ?? []) as string[]
  const messages = received.map((message) => messageOutput(message, systemNames, attributeNames, scope.accountId))
  return messages.length > 0 ? {Messages: messages} : {}
}

/** A received message as ReceiveMessage answers it: only the system and message attributes asked for. */
function messageOutput(received: Received, systemNames: readonly string[], attributeNames: readonly string[], accountId: string): Record<string, unknown> {
  const everything = systemAttributes(received, accountId)
  const all = systemNames.includes('All')
  const attributes = Object.fromEntries(Object.entries(everything).filter(([name]) => all || systemNames.includes(name)))
  const wanted = (name: string): boolean => attributeNames.some((pattern) => pattern === 'All' || pattern === '.*' || pattern === name || (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))))
  const messageAttributes = Object.fromEntries(Object.entries(received.content.attributes).filter(([name]) => wanted(name)))
  const md5 = md5OfAttributes(messageAttributes)
  return {
    MessageId: received.meta.id,
    ReceiptHandle: received.receiptHandle,
    MD5OfBody: received.content.md5OfBody,
    Body: received.content.body,
    ...(Object.keys(attributes).length > 0 ? {Attributes: attributes} : {}),
    ...(md5 === undefined ? {} : {MD5OfMessageAttributes: md5, MessageAttributes: messageAttributes}),
  }
}

/** Why a handle was refused, or undefined when the change went through (or, in a standard queue, was a stale no-op). */
function handleError(queue: QueueRecord, handle: string, outcome: HandleOutcome | undefined, visibility: boolean): SqsError | undefined {
  switch (outcome) {
    case 'invalid':
      return receiptHandleIsInvalid(handle)
    case 'not-in-flight':
      return new SqsError('MessageNotInflight', 'Message does not exist or is not available for visibility timeout change.')
    case 'stale':
      // SQS: "you must provide the most recently received receipt handle (otherwise, the request succeeds,
      // but the message will not be deleted)"; FIFO queues refuse an expired handle.
      if (visibility) return invalidValue('ReceiptHandle', handle, 'Message does not exist or is not available for visibility timeout change.')
      return queue.fifo ? invalidValue('ReceiptHandle', handle, 'The receipt handle has expired.') : undefined
    default:
      return undefined
  }
}

/** A batch entry's handle; the checks already made it a string (validation), or it is answered as invalid. */
function handleText(entry: Input | undefined): string {
  return typeof entry?.ReceiptHandle === 'string' ? entry.ReceiptHandle : ''
}

function handleOf(entry: Input): string {
  if (typeof entry.ReceiptHandle !== 'string') throw missingParameter('ReceiptHandle')
  return entry.ReceiptHandle
}

export async function deleteMessage(input: Input, scope: SqsScope): Promise<unknown> {
  const name = queueNameOf(input, scope)
  const handle = handleOf(input)
  const queue = await loadQueue(scope, name)
  const [outcome] = await deleteMessages(scope, name, [handle])
  const error = handleError(queue, handle, outcome, false)
  if (error) throw error
  return {}
}

export async function deleteMessageBatch(input: Input, scope: SqsScope): Promise<unknown> {
  const name = queueNameOf(input, scope)
  const entries = batchEntries(input, 'DeleteMessageBatchRequestEntry')
  const queue = await loadQueue(scope, name)
  const outcomes = await deleteMessages(scope, name, entries.map((entry) => handleText(entry)))
  return batchResult(entries, outcomes.map((outcome, i) => handleError(queue, handleText(entries[i]), outcome, false)))
}

function batchResult(entries: readonly Input[], errors: readonly (SqsError | undefined)[]): unknown {
  const Successful: Record<string, unknown>[] = []
  const Failed: Record<string, unknown>[] = []
  entries.forEach((entry, i) => {
    const error = errors[i]
    if (error) Failed.push(failure(entry.Id, error))
    else Successful.push({Id: entry.Id})
  })
  return {Successful, Failed}
}

export async function changeMessageVisibility(input: Input, scope: SqsScope): Promise<unknown> {
  const name = queueNameOf(input, scope)
  const handle = handleOf(input)
  const seconds = integerIn(input, 'VisibilityTimeout', 0, MAX_VISIBILITY)
  if (seconds === undefined) throw missingParameter('VisibilityTimeout')
  const queue = await loadQueue(scope, name)
  const [outcome] = await changeVisibility(scope, name, [{handle, seconds}])
  const error = handleError(queue, handle, outcome, true)
  if (error) throw error
  return {}
}

export async function changeMessageVisibilityBatch(input: Input, scope: SqsScope): Promise<unknown> {
  const name = queueNameOf(input, scope)
  const entries = batchEntries(input, 'ChangeMessageVisibilityBatchRequestEntry')
  const queue = await loadQueue(scope, name)
  const errors: (SqsError | undefined)[] = entries.map((entry) => {
    const seconds = entry.VisibilityTimeout
    return typeof seconds === 'number' && Number.isInteger(seconds) && seconds >= 0 && seconds <= MAX_VISIBILITY ? undefined : invalidValue('VisibilityTimeout', seconds, `Must be >= 0 and <= ${MAX_VISIBILITY}.`)
  })
  const valid = entries.filter((_, i) => !errors[i])
  const outcomes = await changeVisibility(scope, name, valid.map((entry) => ({handle: handleText(entry), seconds: Number(entry.VisibilityTimeout)})))
  let next = 0
  const all = entries.map((entry, i) => errors[i] ?? handleError(queue, handleText(entry), outcomes[next++], true))
  return batchResult(entries, all)
}

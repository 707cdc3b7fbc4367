/** Receiving with long polling, and a received message as ReceiveMessage answers it and as Lambda's poller gets it. */
import type {QueueMessage} from '../contract.js'
import {queueDoesNotExist} from './errors.js'
import type {Received} from './messages.js'
import {canDeliver, nextVisibleIn, receiveNow, sequenceNumber} from './messages.js'
import type {SqsScope} from './queues.js'
import {findQueue, storeOf} from './queues.js'
import {localSenderId} from './sender.js'

export interface ReceiveRequest {
  readonly max: number
  readonly waitMs: number
  readonly visibilityTimeout?: number
  readonly signal?: AbortSignal
}

/**
 * Receives up to `max` messages, waiting up to `waitMs` for a first one: answers as soon as one can be
 * delivered (sent here or by another process, or visible again), else empty when the wait is over.
 */
export async function receiveWaiting(scope: SqsScope, name: string, request: ReceiveRequest): Promise<Received[]> {
  const deadline = Date.now() + request.waitMs
  for (;;) {
    const queue = await findQueue(storeOf(scope), scope.region, name)
    if (!queue) queueDoesNotExist()
    if (canDeliver(queue, Date.now())) {
      const received = await receiveNow(scope, name, request.max, request.visibilityTimeout)
      if (received.length > 0) return received
    }
    const left = deadline - Date.now()
    if (left <= 0 || request.signal?.aborted) return []
    if (!(await scope.waits.pause(scope.region, name, Math.min(left, nextVisibleIn(queue, Date.now())), request.signal))) return []
  }
}

/** Every system attribute of a received message, as strings. */
export function systemAttributes(received: Received, accountId: string): Record<string, string> {
  const {meta, content} = received
  return {
    SenderId: localSenderId(accountId),
    SentTimestamp: String(meta.sentAt),
    ApproximateReceiveCount: String(meta.receiveCount),
    ApproximateFirstReceiveTimestamp: String(meta.firstReceiveAt ?? meta.sentAt),
    ...(meta.group === undefined ? {} : {MessageGroupId: meta.group}),
    // Only FIFO messages have a deduplication id (given, or the body's SHA-256), and a sequence number.
    ...(meta.dedupId === undefined ? {} : {MessageDeduplicationId: meta.dedupId, SequenceNumber: sequenceNumber(meta.seq)}),
    ...(content.traceHeader === undefined ? {} : {AWSTraceHeader: content.traceHeader}),
    ...(meta.sourceArn === undefined ? {} : {DeadLetterQueueSourceArn: meta.sourceArn}),
  }
}

/** A received message for the sqs.receive hook: every attribute, as Lambda's poller asks for them. */
export function hookMessage(received: Received, accountId: string): QueueMessage {
  const {content} = received
  return {
    messageId: received.meta.id,
    receiptHandle: received.receiptHandle,
    body: content.body,
    md5OfBody: content.md5OfBody,
    ...(content.md5OfAttributes === undefined ? {} : {md5OfMessageAttributes: content.md5OfAttributes}),
    attributes: systemAttributes(received, accountId),
    messageAttributes: content.attributes,
  }
}

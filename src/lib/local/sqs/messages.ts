/**
 * The queue engine: sending, receiving (visibility timeouts, FIFO group order, redrive to a dead-letter
 * queue), deleting and changing visibility, each one read-modify-write of the queue's index under the store
 * lock, so processes sharing a store never deliver a message twice at once or lose a change.
 */
import {randomBytes, randomUUID} from 'node:crypto'

import {queueDoesNotExist} from './errors.js'
import {redrivePolicyOf} from './attributes.js'
import {decodeHandle, encodeHandle} from './handles.js'
import type {SqsScope} from './queues.js'
import {findQueue, parseQueueArn, storeOf} from './queues.js'
import type {MessageBody, MessageMeta, QueueRecord} from './records.js'
import {bodiesCollection, DEDUP_WINDOW_MS, isInFlight, queueArn, queuesCollection} from './records.js'

/** A message to store, checked by the caller. */
export interface OutgoingMessage {
  readonly content: MessageBody
  readonly delaySeconds: number
  readonly group?: string
  readonly dedupId?: string
}

export interface Sent {
  readonly messageId: string
  /** FIFO only: the message's SequenceNumber (20 digits). */
  readonly sequenceNumber?: string
}

/** A message handed to a receiver. */
export interface Received {
  readonly meta: MessageMeta
  readonly content: MessageBody
  readonly receiptHandle: string
}

const SEQUENCE_BASE = 18_000_000_000_000_000_000n

/** FIFO's SequenceNumber: large, 20 digits, increasing within the queue, as SQS gives them. */
export function sequenceNumber(seq: number): string {
  return String(SEQUENCE_BASE + BigInt(seq))
}

/** Runs a change of queue `name` under the store lock; `work` returns the new record (undefined: unchanged). */
async function changeQueue<T>(scope: SqsScope, name: string, work: (queue: QueueRecord, now: number) => Promise<{queue?: QueueRecord; result: T}>): Promise<T> {
  const store = storeOf(scope)
  return store.transaction(async () => {
    const found = await findQueue(store, scope.region, name)
    if (!found) queueDoesNotExist()
    const now = Date.now()
    const pruned = await prune(scope, found, now)
    const {queue, result} = await work(pruned, now)
    const next = queue ?? pruned
    if (next !== found) await store.put(queuesCollection(scope.region), name, next)
    return result
  })
}

/** Drops messages past the retention period (and their bodies) and deduplication ids past their window. */
async function prune(scope: SqsScope, queue: QueueRecord, now: number): Promise<QueueRecord> {
  const retentionMs = Number(queue.attributes.MessageRetentionPeriod ?? 345_600) * 1000
  const expired = queue.messages.filter((message) => message.sentAt + retentionMs <= now)
  const staleDedup = Object.entries(queue.dedup).some(([, entry]) => entry.until <= now)
  if (expired.length === 0 && !staleDedup) return queue
  await deleteBodies(scope, queue.name, expired.map((message) => message.id))
  const dedup = Object.fromEntries(Object.entries(queue.dedup).filter(([, entry]) => entry.until > now))
  return {...queue, messages: queue.messages.filter((message) => message.sentAt + retentionMs > now), dedup}
}

async function deleteBodies(scope: SqsScope, queue: string, ids: readonly string[]): Promise<void> {
  const store = storeOf(scope)
  for (const id of ids) await store.delete(bodiesCollection(scope.region, queue), id)
}

/** Stores messages; a FIFO message whose deduplication id was seen in the last 5 minutes is accepted but not stored again. */
export async function sendMessages(scope: SqsScope, name: string, messages: readonly OutgoingMessage[]): Promise<Sent[]> {
  const sent = await changeQueue(scope, name, async (queue, now) => {
    let {sequence} = queue
    const added: MessageMeta[] = []
    const dedup = {...queue.dedup}
    const results: Sent[] = []
    for (const message of messages) {
      const seen = message.dedupId === undefined ? undefined : dedup[message.dedupId]
      if (seen) {
        results.push({messageId: seen.messageId, sequenceNumber: sequenceNumber(seen.seq)})
        continue
      }
      sequence += 1
      const id = randomUUID()
      await storeOf(scope).put(bodiesCollection(scope.region, name), id, message.content)
      added.push({id, seq: sequence, sentAt: now, visibleAt: now + message.delaySeconds * 1000, receiveCount: 0, ...(message.group === undefined ? {} : {group: message.group}), ...(message.dedupId === undefined ? {} : {dedupId: message.dedupId})})
      if (message.dedupId !== undefined) dedup[message.dedupId] = {until: now + DEDUP_WINDOW_MS, messageId: id, seq: sequence}
      results.push({messageId: id, ...(queue.fifo ? {sequenceNumber: sequenceNumber(sequence)} : {})})
    }
    return {queue: {...queue, sequence, messages: [...queue.messages, ...added], dedup}, result: results}
  })
  scope.waits.notify(scope.region, name)
  return sent
}

/**
 * Whether a receive could deliver something now (read without the lock, to spare it while a queue is empty or,
 * FIFO, while every group with visible messages waits for one in flight).
 */
export function canDeliver(queue: QueueRecord, now: number): boolean {
  return deliverable(queue, now).length > 0
}

/** Milliseconds until the next message becomes visible (a delay or a visibility timeout ends); Infinity when none will. */
export function nextVisibleIn(queue: QueueRecord, now: number): number {
  const next = Math.min(...queue.messages.filter((message) => message.visibleAt > now).map((message) => message.visibleAt))
  return Number.isFinite(next) ? next - now : Number.POSITIVE_INFINITY
}

/**
 * The messages a receive may take now, in order. In a FIFO queue a group is held back while any of its
 * messages is in flight or delayed, so a group's messages are delivered one batch at a time, in order.
 */
function deliverable(queue: QueueRecord, now: number): MessageMeta[] {
  if (!queue.fifo) return queue.messages.filter((message) => message.visibleAt <= now)
  const held = new Set<string>()
  const out: MessageMeta[] = []
  for (const message of queue.messages) {
    const group = message.group ?? ''
    if (message.visibleAt > now) held.add(group)
    else if (!held.has(group)) out.push(message)
  }
  return out
}

/** Takes up to `max` messages now: each becomes invisible for `visibilityTimeout` seconds with a new receipt handle. */
export async function receiveNow(scope: SqsScope, name: string, max: number, visibilityTimeout?: number): Promise<Received[]> {
  return changeQueue(scope, name, async (queue, now) => {
    const candidates = deliverable(queue, now)
    if (candidates.length === 0) return {result: []}
    const policy = redrivePolicyOf(queue)
    const dlq = policy ? parseQueueArn(policy.deadLetterTargetArn, scope.accountId) : undefined
    const timeout = (visibilityTimeout ?? Number(queue.attributes.VisibilityTimeout ?? 30)) * 1000
    const taken = new Map<string, MessageMeta>()
    const redriven: MessageMeta[] = []
    for (const message of candidates) {
      if (taken.size >= max) break
      // Received maxReceiveCount times already: this receive moves it to the dead-letter queue instead.
      if (policy && dlq?.region === scope.region && message.receiveCount >= policy.maxReceiveCount) {
        redriven.push(message)
        continue
      }
      taken.set(message.id, {...message, receiveCount: message.receiveCount + 1, firstReceiveAt: message.firstReceiveAt ?? now, visibleAt: now + timeout, receipt: randomBytes(9).toString('base64url')})
    }
    if (redriven.length > 0 && dlq) await redrive(scope, queue, dlq.name, redriven)
    const gone = new Set(redriven.map((message) => message.id))
    const messages = queue.messages.filter((message) => !gone.has(message.id)).map((message) => taken.get(message.id) ?? message)
    const received: Received[] = []
    for (const meta of taken.values()) {
      const content = await storeOf(scope).get<MessageBody>(bodiesCollection(scope.region, name), meta.id)
      if (content) received.push({meta, content, receiptHandle: encodeHandle(name, meta)})
    }
    return {queue: {...queue, messages}, result: received}
  })
}

/** Moves messages to the dead-letter queue (inside the source's transaction); without that queue they stay. */
async function redrive(scope: SqsScope, source: QueueRecord, target: string, messages: readonly MessageMeta[]): Promise<void> {
  const store = storeOf(scope)
  const dlq = await findQueue(store, scope.region, target)
  if (!dlq) return
  let {sequence} = dlq
  const moved: MessageMeta[] = []
  for (const message of messages) {
    const content = await store.get<MessageBody>(bodiesCollection(scope.region, source.name), message.id)
    if (content) await store.put(bodiesCollection(scope.region, target), message.id, content)
    await store.delete(bodiesCollection(scope.region, source.name), message.id)
    sequence += 1
    // It keeps its id, body and sent time (retention counts from the first send), and starts unreceived.
    moved.push({id: message.id, seq: sequence, sentAt: message.sentAt, visibleAt: 0, receiveCount: 0, sourceArn: queueArn(scope.region, scope.accountId, source.name), ...(message.group === undefined ? {} : {group: message.group})})
  }
  await store.put(queuesCollection(scope.region), target, {...dlq, sequence, messages: [...dlq.messages, ...moved]})
  scope.waits.notify(scope.region, target)
}

/** How a delete or visibility change by handle went, for the caller to answer in its own words. */
export type HandleOutcome = 'done' | 'invalid' | 'stale' | 'not-in-flight'

/**
 * Deletes messages by receipt handle. A handle of another queue, or not one at all, is `invalid`; one of an
 * earlier receive is `stale` (a standard queue then answers success and keeps the message, as SQS does); one
 * of a message already deleted is `done`.
 */
export async function deleteMessages(scope: SqsScope, name: string, handles: readonly string[]): Promise<HandleOutcome[]> {
  const outcomes = await changeQueue(scope, name, async (queue) => {
    const results: HandleOutcome[] = []
    const removed = new Set<string>()
    for (const handle of handles) {
      const decoded = decodeHandle(handle)
      if (!decoded || decoded.queue !== name) {
        results.push('invalid')
        continue
      }
      const meta = queue.messages.find((message) => message.id === decoded.id)
      if (meta && meta.receipt !== decoded.receipt) {
        results.push('stale')
        continue
      }
      if (meta) removed.add(meta.id)
      results.push('done')
    }
    if (removed.size === 0) return {result: results}
    await deleteBodies(scope, name, [...removed])
    return {queue: {...queue, messages: queue.messages.filter((message) => !removed.has(message.id))}, result: results}
  })
  // A FIFO group whose message was in flight may deliver again.
  scope.waits.notify(scope.region, name)
  return outcomes
}

/** Sets in-flight messages' visibility timeouts (seconds from now; 0 makes them visible at once). */
export async function changeVisibility(scope: SqsScope, name: string, changes: readonly {readonly handle: string; readonly seconds: number}[]): Promise<HandleOutcome[]> {
  const outcomes = await changeQueue(scope, name, (queue, now) => {
    const results: HandleOutcome[] = []
    const updated = new Map<string, MessageMeta>()
    for (const {handle, seconds} of changes) {
      const decoded = decodeHandle(handle)
      if (!decoded || decoded.queue !== name) {
        results.push('invalid')
        continue
      }
      const meta = updated.get(decoded.id) ?? queue.messages.find((message) => message.id === decoded.id)
      if (!meta || !isInFlight(meta, now)) results.push('not-in-flight')
      else if (meta.receipt !== decoded.receipt) results.push('stale')
      else {
        updated.set(meta.id, {...meta, visibleAt: now + seconds * 1000})
        results.push('done')
      }
    }
    if (updated.size === 0) return Promise.resolve({result: results})
    return Promise.resolve({queue: {...queue, messages: queue.messages.map((message) => updated.get(message.id) ?? message)}, result: results})
  })
  scope.waits.notify(scope.region, name)
  return outcomes
}

/** Deletes every message of the queue. */
export async function purgeMessages(scope: SqsScope, name: string, check: (queue: QueueRecord, now: number) => void): Promise<void> {
  await changeQueue(scope, name, async (queue, now) => {
    check(queue, now)
    await deleteBodies(scope, name, queue.messages.map((message) => message.id))
    return {queue: {...queue, messages: [], purgedAt: now}, result: undefined}
  })
}

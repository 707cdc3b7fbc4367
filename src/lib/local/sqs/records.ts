/**
 * What the local SQS keeps in the store, per region:
 * - `sqs/<region>/queues`: one {@link QueueRecord} per queue (id = name): its attributes and the index of its
 *   messages (ids, sequence, visibility, receive counts: a few hundred bytes each, never the bodies), so a
 *   receive reads one document and only the bodies it returns;
 * - `sqs/<region>/bodies/<queue>`: one {@link MessageBody} per message (id = MessageId);
 * - `sqs/<region>/deleted`: when each deleted queue's name was freed (QueueDeletedRecently).
 */
import type {QueueMessageAttribute} from '../contract.js'

export const queuesCollection = (region: string): string => `sqs/${region}/queues`
/** Queue names are checked (letters, digits, `-`, `_`, `.fifo`) before they name a collection. */
export const bodiesCollection = (region: string, queue: string): string => `sqs/${region}/bodies/${queue}`
export const deletedCollection = (region: string): string => `sqs/${region}/deleted`

/** One message in a queue's index. Times are epoch milliseconds. */
export interface MessageMeta {
  readonly id: string
  /** Orders the queue's messages; FIFO's SequenceNumber. */
  readonly seq: number
  readonly sentAt: number
  /** Before this the message is delayed (never received) or in flight (received). */
  readonly visibleAt: number
  readonly receiveCount: number
  readonly firstReceiveAt?: number
  /** The nonce of the latest receive: only that receive's handle deletes the message. */
  readonly receipt?: string
  readonly group?: string
  readonly dedupId?: string
  /** Set once redriven: the queue it came from. */
  readonly sourceArn?: string
}

/** A message's content, read only when it is received. */
export interface MessageBody {
  readonly body: string
  readonly md5OfBody: string
  readonly attributes: Readonly<Record<string, QueueMessageAttribute>>
  readonly md5OfAttributes?: string
  /** AWSTraceHeader, the one system attribute a sender may set. */
  readonly traceHeader?: string
}

export interface QueueRecord {
  readonly name: string
  readonly fifo: boolean
  /** The attributes a caller sets, as strings (VisibilityTimeout, RedrivePolicy…); defaults filled in. */
  readonly attributes: Readonly<Record<string, string>>
  readonly tags: Readonly<Record<string, string>>
  /** Epoch seconds. */
  readonly created: number
  readonly lastModified: number
  /** The last sequence number given to a message. */
  readonly sequence: number
  /** When the queue was last purged (epoch ms): one purge per cooldown. */
  readonly purgedAt?: number
  /** By sequence. */
  readonly messages: readonly MessageMeta[]
  /** FIFO deduplication: MessageDeduplicationId → until when it deduplicates, and what it answered. */
  readonly dedup: Readonly<Record<string, {readonly until: number; readonly messageId: string; readonly seq: number}>>
}

/** The five minutes a FIFO queue remembers a deduplication id. */
export const DEDUP_WINDOW_MS = 5 * 60_000

export function queueArn(region: string, accountId: string, name: string): string {
  return `arn:aws:sqs:${region}:${accountId}:${name}`
}

export function isInFlight(message: MessageMeta, now: number): boolean {
  return message.receiveCount > 0 && message.visibleAt > now
}

export function isDelayed(message: MessageMeta, now: number): boolean {
  return message.receiveCount === 0 && message.visibleAt > now
}

/**
 * Receipt handles: opaque to callers, naming the queue, the message and the receive that gave them out, so only
 * the latest receive's handle deletes a message and a handle of another queue is refused.
 */
import type {MessageMeta} from './records.js'

/** A receipt handle: opaque to callers, naming the queue, the message and the receive. */
export function encodeHandle(queue: string, meta: MessageMeta): string {
  return `AQEB${Buffer.from(JSON.stringify([queue, meta.id, meta.receipt ?? ''])).toString('base64url')}`
}

export function decodeHandle(handle: string): {queue: string; id: string; receipt: string} | undefined {
  if (!handle.startsWith('AQEB')) return undefined
  try {
    const parts = JSON.parse(Buffer.from(handle.slice(4), 'base64url').toString('utf8')) as unknown
    if (!Array.isArray(parts) || parts.length !== 3 || !parts.every((part) => typeof part === 'string')) return undefined
    const [queue, id, receipt] = parts as [string, string, string]
    return {queue, id, receipt}
  } catch {
    return undefined
  }
}

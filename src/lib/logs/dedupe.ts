/**
 * Printing each event once when overlapping reads return it again: polling windows that overlap, or a Live
 * Tail session and the FilterLogEvents read that fills the gap around it. Each read is a `source`; an event is
 * new when its source has now delivered it more times than it was printed. A key is an event id, or, where
 * there is none (Live Tail events carry none), the stream, timestamp and message, so that two identical lines
 * of the same millisecond still print twice. Memory is bounded: entries older than `forget(before)` go.
 */
import {createHash} from 'node:crypto'

import type {StoredLogEvent} from '../aws/types.js'

export type EventKey = (event: StoredLogEvent) => string

/** The event's id; events without one by content. */
export const byEventId: EventKey = (event) => event.eventId ?? byContent(event)

/** Stream, timestamp and a hash of the message: the same for an event whatever read returned it. */
export const byContent: EventKey = (event) => `${event.timestamp}\u0000${event.logStream}\u0000${createHash('sha1').update(event.message).digest('base64')}`

interface Entry {
  count: number
  readonly timestamp: number
}

/** What one read delivered so far: `fresh(event)` says whether to print it. */
export interface DedupeSource {
  fresh(event: StoredLogEvent): boolean
  /** The read is over: its counts are no longer needed. */
  close(): void
}

export class Deduper {
  private readonly printed = new Map<string, Entry>()
  private readonly sources = new Set<Map<string, Entry>>()

  constructor(private readonly keyOf: EventKey) {}

  source(): DedupeSource {
    const delivered = new Map<string, Entry>()
    this.sources.add(delivered)
    return {
      fresh: (event) => {
        const key = this.keyOf(event)
        const seen = bump(delivered, key, event.timestamp)
        const printed = this.printed.get(key)
        if (printed && seen <= printed.count) return false
        bump(this.printed, key, event.timestamp)
        return true
      },
      close: () => void this.sources.delete(delivered),
    }
  }

  /** Forgets events older than `before`: no read will return them again. */
  forget(before: number): void {
    for (const map of [this.printed, ...this.sources]) {
      for (const [key, entry] of map) if (entry.timestamp < before) map.delete(key)
    }
  }

  /** Entries held (for tests: memory stays bounded). */
  get size(): number {
    return this.printed.size
  }
}

function bump(map: Map<string, Entry>, key: string, timestamp: number): number {
  const entry = map.get(key)
  if (entry) return ++entry.count
  map.set(key, {count: 1, timestamp})
  return 1
}

/**
 * Bounds on what a handler's output can make the local cloud hold. A handler may print a line of
 * gigabytes or log in a loop; the server must neither crash (a JavaScript string tops out near 512 MiB)
 * nor grow without limit. Every bound is in bytes of UTF-8.
 */
import type {Readable} from 'node:stream'

import type {LogEvent} from '../contract.js'

import {LOG_BUFFER_LIMIT_BYTES, LOG_EVENT_LIMIT_BYTES} from './ipc.js'

export {LOG_BUFFER_LIMIT_BYTES, LOG_EVENT_LIMIT_BYTES} from './ipc.js'

/** One CloudWatch Logs event (the contract's type: what the logs.write hook takes). */
export type {LogEvent} from '../contract.js'

/** Where to cut `bytes` so that the first part is at most `max` bytes and no UTF-8 character is cut in two. */
export function utf8Cut(bytes: Uint8Array, max: number): number {
  if (bytes.length <= max) return bytes.length
  let cut = max
  // A continuation byte (10xxxxxx) can't start a piece: move back to the start of its character.
  while (cut > 0 && max - cut < 3 && (bytes[cut]! & 0xc0) === 0x80) cut--
  return cut === 0 ? max : cut
}

/**
 * Splits a byte stream into lines at "\n", as Lambda reads a function's stdout and stderr. A line longer
 * than `maxBytes` is delivered in pieces of at most `maxBytes` (`split` is called once for such a line),
 * so no more than about `maxBytes` of one line is ever held.
 */
export function readLines(stream: Readable, maxBytes: number, on: {line: (piece: Buffer) => void; split: () => void}): void {
  let parts: Buffer[] = []
  let size = 0
  let split = false
  const append = (part: Buffer): void => {
    parts.push(part)
    size += part.length
    if (size <= maxBytes) return
    if (!split) on.split()
    split = true
    let rest = Buffer.concat(parts)
    while (rest.length > maxBytes) {
      const cut = utf8Cut(rest, maxBytes)
      on.line(rest.subarray(0, cut))
      rest = rest.subarray(cut)
    }
    parts = [rest]
    size = rest.length
  }
  const flush = (): void => {
    const line = Buffer.concat(parts)
    parts = []
    size = 0
    split = false
    on.line(line)
  }
  stream.on('data', (chunk: Buffer) => {
    let start = 0
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      append(chunk.subarray(start, newline))
      flush()
      start = newline + 1
    }
    if (start < chunk.length) append(chunk.subarray(start))
  })
  stream.on('end', () => {
    if (size > 0) flush()
  })
}

/** Splits one message into pieces of at most `maxBytes` of UTF-8, at character boundaries. */
export function splitMessage(message: string, maxBytes: number): string[] {
  // A string of n UTF-16 units is at most 3n bytes: most messages need no encoding at all.
  if (message.length * 3 <= maxBytes) return [message]
  let bytes = Buffer.from(message, 'utf8')
  const pieces: string[] = []
  while (bytes.length > maxBytes) {
    const cut = utf8Cut(bytes, maxBytes)
    pieces.push(bytes.toString('utf8', 0, cut))
    bytes = bytes.subarray(cut)
  }
  pieces.push(bytes.toString('utf8'))
  return pieces
}

/**
 * The log events of one invocation, at most `limitBytes` of messages. Beyond that, events are counted
 * and dropped; `take()` ends the list with one line saying how many were dropped, and how many lines
 * were split for being longer than a log event may be.
 */
export class LogBuffer {
  private events: LogEvent[] = []
  private bytes = 0
  private dropped = 0
  private splitLines = 0

  constructor(private readonly limitBytes = LOG_BUFFER_LIMIT_BYTES) {}

  /** Adds one event; a Buffer message is decoded only when it is kept. */
  add(timestamp: number, message: string | Buffer): void {
    const size = typeof message === 'string' ? Buffer.byteLength(message) : message.length
    if (this.dropped > 0 || this.bytes + size > this.limitBytes) this.dropped++
    else {
      this.bytes += size
      this.events.push({timestamp, message: typeof message === 'string' ? message : message.toString('utf8')})
    }
  }

  /** Events the worker already dropped (pieces of a console message past the limit). */
  countDropped(events: number): void {
    this.dropped += events
  }

  /** A line was longer than a log event may be and was split. */
  countSplit(): void {
    this.splitLines++
  }

  /** The events so far, with the notes; the buffer starts again empty. */
  take(): LogEvent[] {
    const events = this.events
    const limit = `${LOG_EVENT_LIMIT_BYTES / 1024} KiB`
    if (this.splitLines > 0) {
      events.push({timestamp: Date.now(), message: `sling local cloud: ${this.splitLines} log lines longer than ${limit} were split into events of at most ${limit}`})
    }
    if (this.dropped > 0) {
      events.push({timestamp: Date.now(), message: `sling local cloud: ${this.dropped} log lines dropped (over ${this.limitBytes / 1024 / 1024} MiB of output in one invocation)`})
    }
    this.events = []
    this.bytes = 0
    this.dropped = 0
    this.splitLines = 0
    return events
  }
}

/** The last `maxBytes` of the events' text (one line each), without building the whole text. */
export function tailBytes(events: readonly LogEvent[], maxBytes: number): Buffer {
  const parts: Buffer[] = []
  let size = 0
  for (let i = events.length - 1; i >= 0 && size < maxBytes; i--) {
    const part = Buffer.from(`${events[i]!.message}\n`)
    parts.unshift(part)
    size += part.length
  }
  const text = Buffer.concat(parts)
  return text.subarray(Math.max(0, text.length - maxBytes))
}

/**
 * Pages of log events, read segment by segment so that memory is bounded by one page, as CloudWatch
 * bounds a page: at most 1 MB of events (each message's UTF-8 bytes plus 26, as PutLogEvents counts
 * them) and at most the caller's limit of events (10,000 by default).
 */
import type {LogGroupDoc, LogStore, SeqEvent, StreamDoc} from './events.js'
import {retentionStart} from './events.js'

export const PAGE_BYTES = 1_048_576
const EVENT_OVERHEAD = 26

/** The bytes an event counts for in a page. */
function sizeOf(event: {readonly message: string}): number {
  return Buffer.byteLength(event.message) + EVENT_OVERHEAD
}

export interface StreamPageOptions {
  readonly startTime?: number
  /** Exclusive, as GetLogEvents reads it. */
  readonly endTime?: number
  readonly limit: number
}

/** A page of one stream; `next`/`previous` are the sequence numbers GetLogEvents' tokens carry. */
export interface StreamPage {
  readonly events: SeqEvent[]
  /** Where reading forward goes on: after the last event read. */
  readonly next: number
  /** Where reading backward goes on: the first event returned. */
  readonly previous: number
}

/** Whether an event is in the time range and the retention period. */
function inRange(event: SeqEvent, oldest: number, startTime: number | undefined, endTime: number | undefined): boolean {
  return event.timestamp >= oldest && (startTime === undefined || event.timestamp >= startTime) && (endTime === undefined || event.timestamp < endTime)
}

/** Events from sequence number `from` on, as many as fit a page. */
export async function readForward(logs: LogStore, group: LogGroupDoc, stream: StreamDoc, from: number, options: StreamPageOptions): Promise<StreamPage> {
  const oldest = retentionStart(group)
  const events: SeqEvent[] = []
  let bytes = 0
  let next = Math.max(from, stream.nextSeq)
  for (const segment of stream.segments) {
    if (segment.firstSeq + segment.count <= from || !overlaps(segment, Math.max(oldest, options.startTime ?? 0), options.endTime)) continue
    let full = false
    await logs.readSegment(group.logGroupName, stream.logStreamName, segment, (event) => {
      if (event.seq < from || !inRange(event, oldest, options.startTime, options.endTime)) return true
      if (events.length >= options.limit || (events.length > 0 && bytes + sizeOf(event) > PAGE_BYTES)) {
        full = true
        return false
      }
      events.push(event)
      bytes += sizeOf(event)
      return true
    })
    if (full) {
      next = (events.at(-1)?.seq ?? from) + 1
      break
    }
  }
  return {events, next, previous: events[0]?.seq ?? from}
}

/** The last events before sequence number `before`, as many as fit a page, in written order. */
export async function readBackward(logs: LogStore, group: LogGroupDoc, stream: StreamDoc, before: number, options: StreamPageOptions): Promise<StreamPage> {
  const oldest = retentionStart(group)
  let page: SeqEvent[] = []
  let bytes = 0
  for (const segment of [...stream.segments].reverse()) {
    if (segment.firstSeq >= before || !overlaps(segment, Math.max(oldest, options.startTime ?? 0), options.endTime)) continue
    // The segment's last events that still fit before what later segments gave, kept in a sliding window.
    const window = new Window(options.limit - page.length, PAGE_BYTES - bytes, page.length === 0)
    await logs.readSegment(group.logGroupName, stream.logStreamName, segment, (event) => {
      if (event.seq >= before) return false
      if (inRange(event, oldest, options.startTime, options.endTime)) window.push(event)
      return true
    })
    page = [...window.items(), ...page]
    bytes += window.bytes
    if (window.overflowed || page.length >= options.limit) break
  }
  return {events: page, next: before, previous: page[0]?.seq ?? before}
}

function overlaps(segment: {readonly minTimestamp: number; readonly maxTimestamp: number; readonly count: number}, from: number, endTime: number | undefined): boolean {
  return segment.count > 0 && segment.maxTimestamp >= from && (endTime === undefined || segment.minTimestamp < endTime)
}

/** The last events pushed, at most `limit` of them and `budget` bytes (at least one when `keepOne`: a page is never empty for its size). */
class Window {
  private list: SeqEvent[] = []
  private head = 0
  bytes = 0
  overflowed = false

  constructor(
    private readonly limit: number,
    private readonly budget: number,
    private readonly keepOne: boolean,
  ) {}

  push(event: SeqEvent): void {
    this.list.push(event)
    this.bytes += sizeOf(event)
    const floor = this.keepOne ? 1 : 0
    while (this.list.length - this.head > Math.max(floor, this.limit) || (this.list.length - this.head > floor && this.bytes > this.budget)) {
      this.bytes -= sizeOf(this.list[this.head] as SeqEvent)
      this.head++
      this.overflowed = true
    }
    if (this.head > 1024 && this.head * 2 > this.list.length) {
      this.list = this.list.slice(this.head)
      this.head = 0
    }
  }

  items(): SeqEvent[] {
    return this.list.slice(this.head)
  }
}

// --- FilterLogEvents: events of several streams in time order ----------------------------------------------

/** An event's place in FilterLogEvents' order: time, then stream name, then written order. */
export interface EventKey {
  readonly t: number
  readonly s: string
  readonly q: number
}

export interface FoundEvent extends SeqEvent {
  readonly logStreamName: string
}

export interface FilterOptions {
  readonly startTime?: number
  /** Inclusive, as FilterLogEvents reads it. */
  readonly endTime?: number
  readonly limit: number
  readonly matches: (message: string) => boolean
  /** The last event of the previous page. */
  readonly after?: EventKey
}

function keyOf(event: FoundEvent): EventKey {
  return {t: event.timestamp, s: event.logStreamName, q: event.seq}
}

function compareKeys(a: EventKey, b: EventKey): number {
  return a.t - b.t || (a.s < b.s ? -1 : a.s > b.s ? 1 : 0) || a.q - b.q
}

/**
 * The first matching events after `options.after` in time order, as many as fit a page, and whether
 * more may follow. Candidates are kept to about two pages: once a page is full, an event ordered after
 * its last one is dropped at once, and so is a segment whose events all come after it.
 */
export async function filterPage(logs: LogStore, group: LogGroupDoc, streams: readonly StreamDoc[], options: FilterOptions): Promise<{events: FoundEvent[]; more: boolean}> {
  const oldest = Math.max(retentionStart(group), options.startTime ?? 0, options.after?.t ?? 0)
  const page = new Candidates(options.limit)
  for (const stream of streams) {
    for (const segment of stream.segments) {
      if (segment.count === 0 || segment.maxTimestamp < oldest || (options.endTime !== undefined && segment.minTimestamp > options.endTime)) continue
      if (page.full && segment.minTimestamp > (page.last?.t ?? Infinity)) {
        page.more = true
        continue
      }
      await logs.readSegment(group.logGroupName, stream.logStreamName, segment, (event) => {
        if (event.timestamp < oldest || (options.endTime !== undefined && event.timestamp > options.endTime)) return true
        const found = {...event, logStreamName: stream.logStreamName}
        if (options.after && compareKeys(keyOf(found), options.after) <= 0) return true
        if (options.matches(event.message)) page.offer(found)
        return true
      })
    }
  }
  return {events: page.take(), more: page.more}
}

/** The smallest events offered (by key) that fit one page, holding at most about two pages meanwhile. */
class Candidates {
  private list: FoundEvent[] = []
  private bytes = 0
  /** The last key of the page after the latest trim, once a page is full. */
  last: EventKey | undefined
  full = false
  more = false

  constructor(private readonly limit: number) {}

  offer(event: FoundEvent): void {
    if (this.full && this.last && compareKeys(keyOf(event), this.last) > 0) {
      this.more = true
      return
    }
    this.list.push(event)
    this.bytes += sizeOf(event)
    if (this.list.length > 2 * this.limit || this.bytes > 2 * PAGE_BYTES) this.trim()
  }

  take(): FoundEvent[] {
    this.trim()
    return this.list
  }

  private trim(): void {
    this.list.sort((a, b) => compareKeys(keyOf(a), keyOf(b)))
    let bytes = 0
    let count = 0
    for (const event of this.list) {
      if (count >= this.limit || (count > 0 && bytes + sizeOf(event) > PAGE_BYTES)) break
      bytes += sizeOf(event)
      count++
    }
    if (count < this.list.length) {
      this.more = true
      this.full = true
      this.list = this.list.slice(0, count)
    }
    if (count >= this.limit) this.full = true
    this.bytes = bytes
    const lastEvent = this.list.at(-1)
    this.last = lastEvent ? keyOf(lastEvent) : undefined
  }
}

/**
 * The events of a log stream on disk: numbered JSON-lines segment files of about SEGMENT_BYTES each,
 * described by a summary kept in the stream's document. Reading goes segment by segment and line by
 * line, and stops as soon as the caller has what it needs, so memory is bounded by a page, never by the
 * stream (a stream may hold gigabytes). Each event's sequence number (its segment's first number plus
 * its line) never changes: retention drops whole segments, so nothing shifts.
 */
import {createReadStream} from 'node:fs'
import {appendFile, mkdir, rm, stat, truncate} from 'node:fs/promises'
import path from 'node:path'
import {createInterface} from 'node:readline'

/** A segment is closed once it holds this much; a batch always goes whole into one segment. */
export const SEGMENT_BYTES = 4 * 1024 * 1024

/** One segment file and what it holds. */
export interface Segment {
  /** The sequence number of its first event, which also names its file (numbers are never reused). */
  readonly firstSeq: number
  readonly count: number
  /** Bytes acknowledged: a reader never reads past them, a writer cuts what a crash left beyond them. */
  readonly bytes: number
  readonly minTimestamp: number
  readonly maxTimestamp: number
}

/** What a stream's document records about its events, updated with every append (under the store lock). */
export interface StreamSummary {
  readonly segments: readonly Segment[]
  /** The sequence number the next event gets. */
  readonly nextSeq: number
  readonly storedBytes: number
  readonly firstEventTimestamp?: number
  readonly lastEventTimestamp?: number
  readonly lastIngestionTime?: number
  readonly uploadSequenceToken?: string
}

export const EMPTY_SUMMARY: StreamSummary = {segments: [], nextSeq: 0, storedBytes: 0}

/** One event as read back, with its sequence number. */
export interface SeqEvent {
  readonly seq: number
  readonly timestamp: number
  readonly message: string
  readonly ingestionTime: number
}

export function segmentFile(dir: string, firstSeq: number): string {
  return path.join(dir, `${String(firstSeq).padStart(12, '0')}.jsonl`)
}

/** An event to append; `ingestionTime` is kept when given (events moved from an older store). */
export interface NewEvent {
  readonly timestamp: number
  readonly message: string
  readonly ingestionTime?: number
}

/** One line per event: timestamp, message, ingestion time. */
function eventLine(event: NewEvent, ingestionTime: number): string {
  return `${JSON.stringify({t: event.timestamp, m: event.message, i: event.ingestionTime ?? ingestionTime})}\n`
}

/**
 * Calls `visit` with each event of the segment, in order, until it returns false. A segment deleted
 * meanwhile (its events expired) reads as empty.
 */
export async function readSegment(dir: string, segment: Segment, visit: (event: SeqEvent) => boolean | void): Promise<void> {
  if (segment.bytes === 0) return
  const input = createReadStream(segmentFile(dir, segment.firstSeq), {start: 0, end: segment.bytes - 1})
  const lines = createInterface({input, crlfDelay: Infinity})
  let seq = segment.firstSeq
  try {
    for await (const line of lines) {
      if (line === '') continue
      const event = parseLine(line, seq++)
      if (event && visit(event) === false) break
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  } finally {
    lines.close()
    input.destroy()
  }
}

function parseLine(line: string, seq: number): SeqEvent | undefined {
  try {
    const {t, m, i} = JSON.parse(line) as {t: number; m: string; i: number}
    return {seq, timestamp: t, message: m, ingestionTime: i}
  } catch {
    return undefined // a line of an older sling torn by a crash
  }
}

/**
 * Appends a batch (one write) to the last segment, or to a new one once the last is full, and returns the
 * new summary. Call it with the store lock held: a writer that died between its append and its summary
 * left bytes nobody acknowledged, which are cut first so sequence numbers stay exact.
 */
export async function appendBatch(dir: string, summary: StreamSummary, events: readonly NewEvent[], ingestionTime: number): Promise<StreamSummary> {
  await mkdir(dir, {recursive: true})
  const segments = [...summary.segments]
  let last = segments.at(-1)
  if (last) {
    const file = segmentFile(dir, last.firstSeq)
    const size = await stat(file).then((info) => info.size, () => 0)
    if (size > last.bytes) await truncate(file, last.bytes)
    // A full segment stays as it is; so does a damaged one (shorter than recorded): the batch starts a new one.
    if (last.bytes >= SEGMENT_BYTES || size < last.bytes) last = undefined
    else segments.pop()
  }
  if (!last) {
    last = {firstSeq: summary.nextSeq, count: 0, bytes: 0, minTimestamp: Infinity, maxTimestamp: -Infinity}
    await truncate(segmentFile(dir, last.firstSeq), 0).catch(() => undefined) // lines a crashed writer began it with
  }
  const text = events.map((event) => eventLine(event, ingestionTime)).join('')
  await appendFile(segmentFile(dir, last.firstSeq), text)
  let {minTimestamp, maxTimestamp} = last
  let lastIngestionTime = summary.lastIngestionTime ?? 0
  for (const event of events) {
    minTimestamp = Math.min(minTimestamp, event.timestamp)
    maxTimestamp = Math.max(maxTimestamp, event.timestamp)
    lastIngestionTime = Math.max(lastIngestionTime, event.ingestionTime ?? ingestionTime)
  }
  segments.push({...last, count: last.count + events.length, bytes: last.bytes + Buffer.byteLength(text), minTimestamp, maxTimestamp})
  return summarize(segments, {nextSeq: summary.nextSeq + events.length, storedBytes: summary.storedBytes + Buffer.byteLength(text), lastIngestionTime})
}

/** Deletes the segments whose every event is older than `oldest` (the retention policy); returns the summary without them. */
export async function dropExpired(dir: string, summary: StreamSummary, oldest: number): Promise<StreamSummary> {
  const expired = summary.segments.filter((segment) => segment.count > 0 && segment.maxTimestamp < oldest)
  if (expired.length === 0) return summary
  for (const segment of expired) await rm(segmentFile(dir, segment.firstSeq), {force: true})
  const kept = summary.segments.filter((segment) => !expired.includes(segment))
  return summarize(kept, {nextSeq: summary.nextSeq, storedBytes: kept.reduce((sum, segment) => sum + segment.bytes, 0), ...(summary.lastIngestionTime === undefined ? {} : {lastIngestionTime: summary.lastIngestionTime})})
}

/** The summary of `segments`: first and last event times over them, the sequence token from the next number. */
export function summarize(segments: readonly Segment[], rest: {nextSeq: number; storedBytes: number; lastIngestionTime?: number}): StreamSummary {
  const withEvents = segments.filter((segment) => segment.count > 0)
  const times =
    withEvents.length === 0
      ? {}
      : {firstEventTimestamp: Math.min(...withEvents.map((segment) => segment.minTimestamp)), lastEventTimestamp: Math.max(...withEvents.map((segment) => segment.maxTimestamp))}
  return {
    segments,
    nextSeq: rest.nextSeq,
    storedBytes: rest.storedBytes,
    ...times,
    ...(rest.lastIngestionTime === undefined ? {} : {lastIngestionTime: rest.lastIngestionTime}),
    ...(rest.nextSeq > 0 ? {uploadSequenceToken: String(rest.nextSeq).padStart(56, '0')} : {}),
  }
}

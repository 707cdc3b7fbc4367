/**
 * CloudWatch Logs state in the store. Log groups and streams are small documents; the events of a
 * stream are numbered segment files under `<store>/logs/<region>/<group>/<stream>.events/`, summarised
 * in the stream's document (segments.ts). An append writes the batch (one write) and then the summary,
 * both under the store lock, so writers in several processes never interleave and a reader, following
 * the summary it read, never sees a torn or unacknowledged line. Group and stream names are file names
 * as `fileName` makes them: names up to AWS's 512 characters (a stream's may be any Unicode) fit.
 *
 * Older slings kept a stream's events in one file, `<stream>.jsonl`: such a stream is moved into
 * segments once, under the lock, the first time it is read or written.
 */
import {createReadStream} from 'node:fs'
import {rm} from 'node:fs/promises'
import path from 'node:path'
import {createInterface} from 'node:readline'

import type {Store} from '../store.js'
import {fileName, pathSegment} from '../store.js'
import type {NewEvent, SeqEvent, Segment, StreamSummary} from './segments.js'
import {appendBatch, dropExpired, EMPTY_SUMMARY, readSegment} from './segments.js'

export type {SeqEvent, Segment, StreamSummary} from './segments.js'

export interface LogGroupDoc {
  readonly logGroupName: string
  readonly creationTime: number
  readonly retentionInDays?: number
  readonly tags?: Record<string, string>
  readonly logGroupClass?: string
}

/** A stream's document; the summary is missing only on streams an older sling wrote. */
export interface LogStreamDoc extends Partial<StreamSummary> {
  readonly logStreamName: string
  readonly creationTime: number
}

/** A stream with the summary of its events. */
export type StreamDoc = LogStreamDoc & StreamSummary

/** One stored event, with the time CloudWatch Logs took it in. */
export interface LogEventRecord {
  readonly timestamp: number
  readonly message: string
  readonly ingestionTime: number
}

/** How much of an older sling's stream is moved into one segment write while migrating it. */
const MIGRATE_BATCH_BYTES = 1024 * 1024

const groupsCollection = (region: string): string => `logs/${region}/groups`
const streamsCollection = (region: string, group: string): string => `logs/${region}/streams/${pathSegment(group)}`

export function logGroupArn(region: string, accountId: string, group: string): string {
  return `arn:aws:logs:${region}:${accountId}:log-group:${group}`
}

/** The oldest timestamp the group's retention policy keeps (0: kept forever). */
export function retentionStart(group: LogGroupDoc, now = Date.now()): number {
  return group.retentionInDays ? now - group.retentionInDays * 86_400_000 : 0
}

/** Where the events of a stream live, for one region of one store. */
export class LogStore {
  constructor(
    readonly store: Store,
    readonly region: string,
  ) {}

  private groupDir(group: string): string {
    return path.join(this.store.dir, 'logs', pathSegment(this.region), pathSegment(group))
  }

  private segmentsDir(group: string, stream: string): string {
    return path.join(this.groupDir(group), fileName(stream, '.events'))
  }

  /** Where an older sling kept all of a stream's events. */
  private legacyFile(group: string, stream: string): string {
    return path.join(this.groupDir(group), fileName(stream, '.jsonl'))
  }

  getGroup(group: string): Promise<LogGroupDoc | undefined> {
    return this.store.get<LogGroupDoc>(groupsCollection(this.region), group)
  }

  listGroups(): Promise<LogGroupDoc[]> {
    return this.store.list<LogGroupDoc>(groupsCollection(this.region))
  }

  async putGroup(doc: LogGroupDoc): Promise<void> {
    await this.store.put(groupsCollection(this.region), doc.logGroupName, doc)
  }

  async deleteGroup(group: string): Promise<void> {
    for (const stream of await this.listStreams(group)) await this.store.delete(streamsCollection(this.region, group), stream.logStreamName)
    await this.store.delete(groupsCollection(this.region), group)
    await rm(this.groupDir(group), {recursive: true, force: true})
  }

  getStream(group: string, stream: string): Promise<LogStreamDoc | undefined> {
    return this.store.get<LogStreamDoc>(streamsCollection(this.region, group), stream)
  }

  listStreams(group: string): Promise<LogStreamDoc[]> {
    return this.store.list<LogStreamDoc>(streamsCollection(this.region, group))
  }

  /** Creates or replaces a stream's document; a new stream starts with no events. */
  async putStream(group: string, doc: LogStreamDoc): Promise<void> {
    await this.store.put(streamsCollection(this.region, group), doc.logStreamName, {...EMPTY_SUMMARY, ...doc})
  }

  /** The stream with its summary (an older sling's stream is migrated first), or undefined. */
  async stream(group: string, stream: string): Promise<StreamDoc | undefined> {
    const doc = await this.getStream(group, stream)
    if (!doc || hasSummary(doc)) return doc
    return this.store.transaction(() => this.lockedStream(group, stream))
  }

  /** Every stream of the group with its summary, ordered by name. */
  async streams(group: string): Promise<StreamDoc[]> {
    const found: StreamDoc[] = []
    for (const doc of await this.listStreams(group)) {
      const stream = hasSummary(doc) ? doc : await this.stream(group, doc.logStreamName)
      if (stream) found.push(stream)
    }
    return found
  }

  /** Calls `visit` with each event of one segment of the stream, in order, until it returns false. */
  readSegment(group: string, stream: string, segment: Segment, visit: (event: SeqEvent) => boolean | void): Promise<void> {
    return readSegment(this.segmentsDir(group, stream), segment, visit)
  }

  /** Appends a batch to an existing stream (PutLogEvents); undefined when the stream doesn't exist. */
  async append(group: string, stream: string, events: readonly NewEvent[]): Promise<StreamSummary | undefined> {
    return this.store.transaction(async () => {
      const doc = await this.lockedStream(group, stream)
      if (!doc) return undefined
      return events.length === 0 ? doc : this.appendLocked(group, doc, events)
    })
  }

  /**
   * Writes what Lambda writes for a function: creates the log group and the stream when missing
   * (Lambda does, given the permission), then appends, in one transaction.
   */
  async write(group: string, stream: string, events: readonly NewEvent[]): Promise<void> {
    await this.store.transaction(async () => {
      const now = Date.now()
      if (!(await this.getGroup(group))) await this.putGroup({logGroupName: group, creationTime: now})
      let doc = await this.lockedStream(group, stream)
      if (!doc) {
        doc = {logStreamName: stream, creationTime: now, ...EMPTY_SUMMARY}
        await this.putStream(group, doc)
      }
      if (events.length > 0) await this.appendLocked(group, doc, events)
    })
  }

  /** Under the store lock: drops segments the retention policy expired, appends, records the summary. */
  private async appendLocked(group: string, doc: StreamDoc, events: readonly NewEvent[]): Promise<StreamSummary> {
    const dir = this.segmentsDir(group, doc.logStreamName)
    const groupDoc = await this.getGroup(group)
    const kept = groupDoc ? await dropExpired(dir, doc, retentionStart(groupDoc)) : doc
    const summary = await appendBatch(dir, kept, events, Date.now())
    await this.putStream(group, {logStreamName: doc.logStreamName, creationTime: doc.creationTime, ...summary})
    return summary
  }

  /** Under the store lock: the stream with its summary, moving an older sling's events into segments first. */
  private async lockedStream(group: string, stream: string): Promise<StreamDoc | undefined> {
    const doc = await this.getStream(group, stream)
    if (!doc || hasSummary(doc)) return doc
    const dir = this.segmentsDir(group, stream)
    await rm(dir, {recursive: true, force: true}) // what a migration cut short by a crash wrote
    let summary: StreamSummary = EMPTY_SUMMARY
    let batch: NewEvent[] = []
    let bytes = 0
    for await (const event of legacyEvents(this.legacyFile(group, stream))) {
      batch.push(event)
      bytes += Buffer.byteLength(event.message) + 64
      if (bytes < MIGRATE_BATCH_BYTES) continue
      summary = await appendBatch(dir, summary, batch, Date.now())
      batch = []
      bytes = 0
    }
    if (batch.length > 0) summary = await appendBatch(dir, summary, batch, Date.now())
    const migrated: StreamDoc = {logStreamName: doc.logStreamName, creationTime: doc.creationTime, ...summary}
    await this.putStream(group, migrated)
    await rm(this.legacyFile(group, stream), {force: true})
    return migrated
  }
}

function hasSummary(doc: LogStreamDoc): doc is StreamDoc {
  return Array.isArray(doc.segments)
}

/** The events of an older sling's stream file, line by line; a line torn by a crash is skipped. */
async function* legacyEvents(file: string): AsyncGenerator<NewEvent & {ingestionTime: number}> {
  const input = createReadStream(file)
  const lines = createInterface({input, crlfDelay: Infinity})
  try {
    for await (const line of lines) {
      if (line === '') continue
      try {
        const {t, m, i} = JSON.parse(line) as {t: number; m: string; i: number}
        if (typeof t === 'number' && typeof m === 'string') yield {timestamp: t, message: m, ingestionTime: typeof i === 'number' ? i : t}
      } catch {
        // torn by a crash
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  } finally {
    lines.close()
    input.destroy()
  }
}

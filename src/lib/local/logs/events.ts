/**
 * CloudWatch Logs state in the store. Log groups and streams are small documents; the events of a
 * stream are an append-only JSON-lines file (`<store>/logs/<region>/<group>/<stream>.jsonl`): a batch
 * is one append (O_APPEND, one write), so concurrent writers, even in other processes, never
 * interleave or rewrite a growing document. Group and stream names are file names as `fileName`
 * makes them: names up to AWS's 512 characters (a stream's may be any Unicode) fit.
 */
import {appendFile, mkdir, readFile, rm} from 'node:fs/promises'
import path from 'node:path'

import type {LogEvent} from '../contract.js'
import type {Store} from '../store.js'
import {fileName, pathSegment} from '../store.js'

export interface LogGroupDoc {
  readonly logGroupName: string
  readonly creationTime: number
  readonly retentionInDays?: number
  readonly tags?: Record<string, string>
  readonly logGroupClass?: string
}

export interface LogStreamDoc {
  readonly logStreamName: string
  readonly creationTime: number
}

/** One stored event, with the time CloudWatch Logs took it in. */
export interface LogEventRecord {
  readonly timestamp: number
  readonly message: string
  readonly ingestionTime: number
}

const groupsCollection = (region: string): string => `logs/${region}/groups`
const streamsCollection = (region: string, group: string): string => `logs/${region}/streams/${pathSegment(group)}`

export function logGroupArn(region: string, accountId: string, group: string): string {
  return `arn:aws:logs:${region}:${accountId}:log-group:${group}`
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

  private eventsFile(group: string, stream: string): string {
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

  async putStream(group: string, doc: LogStreamDoc): Promise<void> {
    await this.store.put(streamsCollection(this.region, group), doc.logStreamName, doc)
  }

  /** Appends events to a stream (one write). */
  async append(group: string, stream: string, events: readonly LogEvent[]): Promise<void> {
    if (events.length === 0) return
    const ingestionTime = Date.now()
    const file = this.eventsFile(group, stream)
    await mkdir(path.dirname(file), {recursive: true})
    const lines = events.map((event) => `${JSON.stringify({t: event.timestamp, m: event.message, i: ingestionTime})}\n`).join('')
    await appendFile(file, lines)
  }

  /** Every event of a stream in the order written, without those the retention policy expired. */
  async readEvents(group: string, stream: string, retentionInDays?: number): Promise<LogEventRecord[]> {
    let text: string
    try {
      text = await readFile(this.eventsFile(group, stream), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    const oldest = retentionInDays ? Date.now() - retentionInDays * 86_400_000 : 0
    const events: LogEventRecord[] = []
    for (const line of text.split('\n')) {
      if (line === '') continue
      try {
        const {t, m, i} = JSON.parse(line) as {t: number; m: string; i: number}
        if (t >= oldest) events.push({timestamp: t, message: m, ingestionTime: i})
      } catch {
        // A torn last line of a crashed writer: skip it.
      }
    }
    return events
  }

  /**
   * Writes what Lambda writes for a function: creates the log group and the stream when missing
   * (Lambda does, given the permission), then appends.
   */
  async write(group: string, stream: string, events: readonly LogEvent[]): Promise<void> {
    if (!(await this.getGroup(group)) || !(await this.getStream(group, stream))) {
      // Checked again under the lock: a CreateLogGroup or PutRetentionPolicy in between must not be overwritten.
      await this.store.transaction(async () => {
        const now = Date.now()
        if (!(await this.getGroup(group))) await this.putGroup({logGroupName: group, creationTime: now})
        if (!(await this.getStream(group, stream))) await this.putStream(group, {logStreamName: stream, creationTime: now})
      })
    }
    await this.append(group, stream, events)
  }
}

/**
 * Metric data on disk, at CloudWatch's standard 1-minute resolution. Each series has a directory
 * (`<store>/metrics/<region>/<series>/`) with one JSON-lines file per hour of data; each line is the
 * aggregate of one minute in one unit, written by one flush (`{t, r, u, n, s, lo, hi, v|h, x}`: the
 * minute, when it was recorded, the unit, the aggregate). A query reads only the hours it spans,
 * never a series' whole history. Lines of the same minute are merged when read; an hour's lines are
 * merged into one per minute (compaction) once the hour is over, and hours older than the retention
 * (15 days, CloudWatch's for 1-minute data) are deleted. Writes and compaction run under the store
 * lock, so a compaction never loses a concurrent write; reads need no lock (a file is replaced by a
 * rename, and a torn last line is skipped).
 */
import {appendFile, mkdir, readdir, readFile, rm, stat} from 'node:fs/promises'
import path from 'node:path'

import {writeAtomic} from '../../fs.js'
import type {Store} from '../store.js'
import {fileName, pathSegment} from '../store.js'
import type {Aggregate} from './aggregate.js'
import {merge} from './aggregate.js'
import type {Dimension, MetricId} from './series.js'
import {DAY_MS, floorTo, HOUR_MS, seriesKey} from './series.js'

/** One minute of one series in one unit. */
export interface MinuteBucket {
  /** The minute's start, epoch ms. */
  readonly t: number
  /** When it was recorded (the latest of the merged lines), epoch ms: it is visible once `r + delay` has passed. */
  readonly r: number
  readonly u: string
  readonly a: Aggregate
}

/** A series as ListMetrics shows it, with when data was last recorded for it. */
export interface SeriesDoc {
  readonly Namespace: string
  readonly MetricName: string
  readonly Dimensions: Dimension[]
  readonly last: number
}

export const RETENTION_MS = 15 * DAY_MS

const seriesCollection = (region: string): string => `cloudwatch/${region}/series`

function hourName(hour: number): string {
  return `${new Date(hour).toISOString().slice(0, 13)}.jsonl`
}

function hourOf(name: string): number | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d)\.jsonl$/.exec(name)
  return match ? Date.parse(`${match[1]}:00:00Z`) : undefined
}

function parseLine(line: string): MinuteBucket | undefined {
  try {
    const {t, r, u, ...a} = JSON.parse(line) as {t: unknown; r: unknown; u: unknown} & Aggregate
    if (typeof t === 'number' && typeof r === 'number' && typeof u === 'string' && typeof a.n === 'number') return {t, r, u, a}
  } catch {
    // a line torn by a crash: skipped
  }
  return undefined
}

const lineOf = (bucket: MinuteBucket): string => `${JSON.stringify({t: bucket.t, r: bucket.r, u: bucket.u, ...bucket.a})}\n`

/** Merges buckets of the same minute and unit; the result is ordered by minute. */
export function mergeBuckets(buckets: Iterable<MinuteBucket>): MinuteBucket[] {
  const merged = new Map<string, MinuteBucket>()
  for (const bucket of buckets) {
    const key = `${bucket.t}|${bucket.u}`
    const seen = merged.get(key)
    merged.set(key, seen ? {t: bucket.t, r: Math.max(seen.r, bucket.r), u: bucket.u, a: merge(seen.a, bucket.a)} : bucket)
  }
  return [...merged.values()].sort((x, y) => x.t - y.t)
}

/** The metric data of one region of one store. */
export class MetricStore {
  constructor(
    readonly store: Store,
    readonly region: string,
  ) {}

  /** The regions with stored metric data. */
  static async regions(store: Store): Promise<string[]> {
    const names = await readdir(path.join(store.dir, 'metrics')).catch(() => [] as string[])
    // Region names are short and plain: they are never stored under a hashed name.
    return names.filter((name) => !name.startsWith('@')).map((name) => decodeURIComponent(name))
  }

  private regionDir(): string {
    return path.join(this.store.dir, 'metrics', pathSegment(this.region))
  }

  private seriesDir(key: string): string {
    return path.join(this.regionDir(), fileName(key))
  }

  /** Appends buckets (call it under the store lock, which compaction also holds). */
  async append(id: MetricId, buckets: readonly MinuteBucket[]): Promise<void> {
    const dir = this.seriesDir(seriesKey(id))
    await mkdir(dir, {recursive: true})
    const byHour = new Map<number, string>()
    for (const bucket of buckets) {
      const hour = floorTo(bucket.t, HOUR_MS)
      byHour.set(hour, (byHour.get(hour) ?? '') + lineOf(bucket))
    }
    for (const [hour, text] of byHour) await appendFile(path.join(dir, hourName(hour)), text)
  }

  /** The minutes of a series in [start, end) recorded no later than `visibleAt`, merged and in order. */
  async read(id: MetricId, start: number, end: number, visibleAt: number): Promise<MinuteBucket[]> {
    const dir = this.seriesDir(seriesKey(id))
    const found: MinuteBucket[] = []
    const from = Math.max(floorTo(start, HOUR_MS), floorTo(Date.now() - RETENTION_MS, HOUR_MS))
    for (let hour = from; hour < end; hour += HOUR_MS) {
      let text: string
      try {
        text = await readFile(path.join(dir, hourName(hour)), 'utf8')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue
        throw error
      }
      for (const line of text.split('\n')) {
        const bucket = line ? parseLine(line) : undefined
        if (bucket && bucket.t >= start && bucket.t < end && bucket.r <= visibleAt) found.push(bucket)
      }
    }
    return mergeBuckets(found)
  }

  listSeries(): Promise<SeriesDoc[]> {
    return this.store.list<SeriesDoc>(seriesCollection(this.region))
  }

  /** Records that the series got data at `at` (ListMetrics; RecentlyActive). Call it under the store lock. */
  async touchSeries(id: MetricId, at: number): Promise<void> {
    await this.store.put(seriesCollection(this.region), seriesKey(id), {Namespace: id.namespace, MetricName: id.name, Dimensions: [...id.dimensions], last: at} satisfies SeriesDoc)
  }

  /**
   * Under the store lock: deletes hours past the retention and series with no data left in it, and
   * merges the lines of every finished hour changed since `since` (an hour is finished once it ended
   * and `settleMs` passed, so no ordinary write goes there any more).
   */
  async compact(now: number, since: number, settleMs: number): Promise<void> {
    const seriesDirs = await readdir(this.regionDir()).catch(() => [] as string[])
    const oldest = floorTo(now - RETENTION_MS, HOUR_MS)
    for (const series of seriesDirs) {
      const dir = path.join(this.regionDir(), series)
      const files = await readdir(dir).catch(() => [] as string[])
      let kept = 0
      for (const name of files) {
        const hour = hourOf(name)
        if (hour === undefined) continue
        const file = path.join(dir, name)
        if (hour < oldest) {
          await rm(file, {force: true})
          continue
        }
        kept++
        if (hour + HOUR_MS + settleMs > now) continue
        const info = await stat(file).catch(() => undefined)
        if (info && info.mtimeMs >= since) await this.compactFile(file)
      }
      if (kept === 0) await rm(dir, {recursive: true, force: true})
    }
    for (const doc of await this.listSeries()) {
      if (doc.last < now - RETENTION_MS) await this.store.delete(seriesCollection(this.region), seriesKey({namespace: doc.Namespace, name: doc.MetricName, dimensions: doc.Dimensions}))
    }
  }

  private async compactFile(file: string): Promise<void> {
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean)
    const buckets = mergeBuckets(lines.map(parseLine).filter((bucket) => bucket !== undefined))
    if (buckets.length === lines.length) return
    await writeAtomic(file, buckets.map(lineOf).join(''), this.store.tmpDir)
  }
}

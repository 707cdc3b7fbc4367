/**
 * Takes data points in (Lambda's metrics through the metrics.record hook, PutMetricData) and writes
 * them to the metric store in batches: the points that arrive while a write runs are aggregated per
 * series, minute and unit in memory and written by the next one, in one store transaction. So a busy
 * function costs one transaction per batch, not per invocation, and each caller's promise resolves
 * once its point is on disk (a query right after an invocation sees it).
 */
import type {Store} from '../store.js'
import type {Aggregate} from './aggregate.js'
import {merge} from './aggregate.js'
import type {MinuteBucket} from './metric-store.js'
import {MetricStore} from './metric-store.js'
import type {MetricId} from './series.js'
import {floorTo, MINUTE_MS, seriesKey} from './series.js'

/** One sample (or a batch of them, as an aggregate) of one series at one time. */
export interface Sample {
  readonly region: string
  readonly id: MetricId
  /** Epoch ms. */
  readonly timestamp: number
  readonly unit: string
  readonly aggregate: Aggregate
}

interface Pending {
  readonly region: string
  readonly id: MetricId
  readonly buckets: Map<string, {t: number; u: string; a: Aggregate}>
}

/** How long a series' ListMetrics entry may lag its latest data (it is rewritten at most this often). */
const TOUCH_EVERY_MS = 5 * MINUTE_MS

export interface Recorder {
  record(samples: readonly Sample[]): Promise<void>
  /** Waits for what was recorded so far to be written. */
  flush(): Promise<void>
}

export function createRecorder(store: Store, now: () => number = Date.now): Recorder {
  let pending = new Map<string, Pending>()
  let waiters: {resolve: () => void; reject: (error: unknown) => void}[] = []
  let writing: Promise<void> | undefined
  const touched = new Map<string, number>()

  const write = async (batch: Map<string, Pending>): Promise<void> => {
    const at = now()
    await store.transaction(async () => {
      for (const [key, entry] of batch) {
        const metrics = new MetricStore(store, entry.region)
        const buckets: MinuteBucket[] = [...entry.buckets.values()].map((b) => ({t: b.t, r: at, u: b.u, a: b.a}))
        await metrics.append(entry.id, buckets)
        if ((touched.get(key) ?? -Infinity) < at - TOUCH_EVERY_MS) {
          await metrics.touchSeries(entry.id, at)
          touched.set(key, at)
        }
      }
    })
  }

  const drain = (): void => {
    if (writing || pending.size === 0) return
    const batch = pending
    const settled = waiters
    pending = new Map()
    waiters = []
    writing = write(batch).then(
      () => settled.forEach((waiter) => waiter.resolve()),
      (error: unknown) => settled.forEach((waiter) => waiter.reject(error)),
    )
    void writing.finally(() => {
      writing = undefined
      drain()
    })
  }

  return {
    record(samples) {
      for (const sample of samples) {
        const key = `${sample.region}\n${seriesKey(sample.id)}`
        let entry = pending.get(key)
        if (!entry) pending.set(key, (entry = {region: sample.region, id: sample.id, buckets: new Map()}))
        const t = floorTo(sample.timestamp, MINUTE_MS)
        const bucketKey = `${t}|${sample.unit}`
        const seen = entry.buckets.get(bucketKey)
        entry.buckets.set(bucketKey, {t, u: sample.unit, a: seen ? merge(seen.a, sample.aggregate) : sample.aggregate})
      }
      const done = new Promise<void>((resolve, reject) => waiters.push({resolve, reject}))
      // Points recorded in the same turn (the series of one invocation) go into one write.
      queueMicrotask(drain)
      return done
    },
    async flush() {
      while (writing || pending.size > 0) {
        drain()
        await writing?.catch(() => undefined)
      }
    },
  }
}

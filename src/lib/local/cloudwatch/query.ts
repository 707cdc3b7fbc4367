/**
 * One metric's statistic per period over a time range: what GetMetricData's MetricStat,
 * GetMetricStatistics and alarm evaluation all read. Periods start at the (minute-aligned) start of
 * the range: period k covers [start + k·period, start + (k+1)·period), clipped to the range's end.
 * Periods without samples have no point, as in CloudWatch.
 */
import type {Aggregate} from './aggregate.js'
import {merge} from './aggregate.js'
import type {MetricStore} from './metric-store.js'
import type {MetricId} from './series.js'
import {floorTo, MINUTE_MS} from './series.js'
import {statistic} from './statistics.js'

/** A period's statistic (`v`) with its sample count (`n`), at the period's start (`t`, epoch ms). */
export interface Point {
  readonly t: number
  readonly v: number
  readonly n: number
}

/** What a query reads: the region's metrics, as visible at `visibleAt` (now less the metric delay). */
export interface Reader {
  readonly metrics: MetricStore
  readonly visibleAt: number
}

export interface StatRequest {
  readonly id: MetricId
  /** Seconds. */
  readonly period: number
  readonly stat: string
  readonly unit?: string | undefined
  /** Epoch ms; `start` is aligned to the minute by the caller. */
  readonly start: number
  readonly end: number
}

/** CloudWatch rounds a start time within the last 15 days down to the minute. */
export function alignStart(time: number): number {
  return floorTo(time, MINUTE_MS)
}

/** The aggregate of each period with samples, by period start, in order. */
export async function periodAggregates(reader: Reader, request: StatRequest): Promise<{t: number; a: Aggregate; units: Set<string>}[]> {
  const periodMs = request.period * 1000
  const buckets = await reader.metrics.read(request.id, request.start, request.end, reader.visibleAt)
  const periods = new Map<number, {t: number; a: Aggregate; units: Set<string>}>()
  for (const bucket of buckets) {
    if (request.unit !== undefined && bucket.u !== request.unit) continue
    const t = request.start + Math.floor((bucket.t - request.start) / periodMs) * periodMs
    const seen = periods.get(t)
    if (seen) {
      seen.a = merge(seen.a, bucket.a)
      seen.units.add(bucket.u)
    } else {
      periods.set(t, {t, a: bucket.a, units: new Set([bucket.u])})
    }
  }
  return [...periods.values()].sort((x, y) => x.t - y.t)
}

/** The statistic of each period with samples, oldest first. */
export async function statSeries(reader: Reader, request: StatRequest): Promise<Point[]> {
  const points: Point[] = []
  for (const period of await periodAggregates(reader, request)) {
    const v = statistic(period.a, request.stat)
    if (v !== undefined) points.push({t: period.t, v, n: period.a.n})
  }
  return points
}

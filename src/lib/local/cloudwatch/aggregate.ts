/**
 * The samples of one series in one period, as CloudWatch's statistics need them: SampleCount, Sum,
 * Minimum, Maximum exactly, and enough of the values for percentiles (pNN) and trimmed means (tmNN).
 *
 * Values are kept exactly while an aggregate holds at most EXACT_LIMIT of them, so small and
 * medium series answer percentiles exactly. Past that they go into a log-bucketed histogram
 * (DDSketch's mapping: bucket k holds values in (γ^(k-1), γ^k] with γ = 1.02/0.98), so a percentile
 * is within 1% of the true value and an aggregate never grows past a few hundred buckets however
 * many samples it takes. Samples published as a statistic set (PutMetricData StatisticValues) have
 * no values: an aggregate holding any answers no percentile, as CloudWatch does.
 */
export interface Aggregate {
  /** SampleCount, Sum, Minimum, Maximum. */
  n: number
  s: number
  lo: number
  hi: number
  /** The values, while there are at most EXACT_LIMIT of them. */
  v?: number[]
  /** The histogram once there are more: bucket key → count ("z" for zero, "-k" for negative values). */
  h?: Record<string, number>
  /** How many samples came without values (statistic sets). */
  x?: number
}

export const EXACT_LIMIT = 1000
const ALPHA = 0.01
const GAMMA = (1 + ALPHA) / (1 - ALPHA)
const LOG_GAMMA = Math.log(GAMMA)

function bucketKey(value: number): string {
  if (value === 0) return 'z'
  const k = Math.ceil(Math.log(Math.abs(value)) / LOG_GAMMA)
  return value < 0 ? `-${k}` : String(k)
}

/** The value a bucket stands for: the point within 1% of every value it holds. */
function bucketValue(key: string): number {
  if (key === 'z') return 0
  const negative = key.startsWith('-')
  const k = Number(negative ? key.slice(1) : key)
  const value = (2 * GAMMA ** k) / (GAMMA + 1)
  return negative ? -value : value
}

function addToHistogram(h: Record<string, number>, value: number, count: number): void {
  const key = bucketKey(value)
  h[key] = (h[key] ?? 0) + count
}

/** An aggregate of `count` samples of `value`. */
export function ofValue(value: number, count = 1): Aggregate {
  const agg: Aggregate = {n: count, s: value * count, lo: value, hi: value}
  if (count <= EXACT_LIMIT && Number.isInteger(count)) agg.v = Array<number>(count).fill(value)
  else addToHistogram((agg.h = {}), value, count)
  return agg
}

/** An aggregate of a statistic set: counts and extremes, no values. */
export function ofStatisticSet(set: {SampleCount: number; Sum: number; Minimum: number; Maximum: number}): Aggregate {
  return {n: set.SampleCount, s: set.Sum, lo: set.Minimum, hi: set.Maximum, x: set.SampleCount}
}

/** `a` and `b` together (neither is changed). */
export function merge(a: Aggregate, b: Aggregate): Aggregate {
  const out: Aggregate = {n: a.n + b.n, s: a.s + b.s, lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi)}
  const x = (a.x ?? 0) + (b.x ?? 0)
  if (x > 0) out.x = x
  const exact = (a.v?.length ?? 0) + (b.v?.length ?? 0)
  if (!a.h && !b.h && exact <= EXACT_LIMIT) {
    if (a.v || b.v) out.v = [...(a.v ?? []), ...(b.v ?? [])]
    return out
  }
  const h: Record<string, number> = {}
  for (const part of [a, b]) {
    for (const value of part.v ?? []) addToHistogram(h, value, 1)
    for (const [key, count] of Object.entries(part.h ?? {})) h[key] = (h[key] ?? 0) + count
  }
  out.h = h
  return out
}

/** The valued samples in ascending order, as [value, count] runs. */
function runs(agg: Aggregate): [number, number][] {
  if (agg.v) return [...agg.v].sort((x, y) => x - y).map((value) => [value, 1])
  const entries = Object.entries(agg.h ?? {}).map(([key, count]): [number, number] => [Math.min(agg.hi, Math.max(agg.lo, bucketValue(key))), count])
  return entries.sort((x, y) => x[0] - y[0])
}

/** The nearest-rank percentile (0 < p ≤ 100), or undefined when the aggregate has no values for it. */
export function percentile(agg: Aggregate, p: number): number | undefined {
  if ((agg.x ?? 0) > 0 || agg.n === 0) return undefined
  const rank = Math.max(1, Math.ceil((p / 100) * agg.n))
  let seen = 0
  for (const [value, count] of runs(agg)) {
    seen += count
    if (seen >= rank) return value
  }
  return agg.hi
}

/** The mean of the lowest p% of the values (tmNN), or undefined when there are none to average. */
export function trimmedMean(agg: Aggregate, p: number): number | undefined {
  if ((agg.x ?? 0) > 0 || agg.n === 0) return undefined
  let take = Math.max(1, Math.ceil((p / 100) * agg.n))
  let sum = 0
  let taken = 0
  for (const [value, count] of runs(agg)) {
    const used = Math.min(count, take)
    sum += value * used
    taken += used
    take -= used
    if (take === 0) break
  }
  return taken === 0 ? undefined : sum / taken
}

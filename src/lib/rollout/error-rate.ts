/**
 * The error-rate gate: the new version's Errors / Invocations, from Lambda's own metrics.
 *
 * Traffic through a weighted alias is recorded under FunctionName + Resource "name:alias" + ExecutedVersion,
 * not under Resource "name:version" (that series only has direct invocations of the version): querying the
 * wrong one is why canary alarms so often never fire. The series is asked for directly with GetMetricData
 * (a new series can take minutes to show up in ListMetrics). A minute with no datapoint had no invocations:
 * missing is zero.
 *
 * The two verdicts need different evidence. Lambda sends its metrics to CloudWatch in batches, about once a
 * minute, and late: a minute that hasn't ended, or ended less than `metricDelayMs` ago, holds only some of its
 * invocations. So the gate declares the rate ok only from complete minutes (ended, plus the metric delay),
 * which is why the rollout waits for the last step's minute before it calls the version healthy. But the
 * errors already in CloudWatch did happen: a batch carries a minute's Invocations and Errors together, and
 * what is missing is more invocations of the same traffic, so what has arrived is a fair sample of it. Like a
 * CloudWatch alarm, which also judges the period still filling in, the gate rolls back as soon as everything
 * seen so far (the minute still coming in included) has enough invocations and too high a rate, instead of
 * letting a broken version take traffic for a minute or two more. (Late data can only add invocations the
 * sample didn't see; an invocation that times out reports its error late, which makes a partial reading look
 * healthier, never sicker.)
 */
import type {CloudWatchApi} from '../aws/cloudwatch.js'
import type {MetricQuery, MetricSeries} from '../aws/types.js'
import type {ErrorRateReading} from './types.js'

/** Lambda publishes its metrics per minute. */
export const METRIC_PERIOD_MS = 60_000
/** How long after a minute ends sling waits before judging it, unless told otherwise. */
export const DEFAULT_METRIC_DELAY_MS = 60_000
export const DEFAULT_MIN_INVOCATIONS = 10

export interface ErrorRateGate {
  /** The highest error rate allowed, in percent. */
  readonly maxPercent: number
  /** Fewer invocations than this in the window read as "not enough data". */
  readonly minInvocations: number
  readonly metricDelayMs: number
}

export interface ErrorRateSubject {
  /** The function's name (the FunctionName dimension: never an ARN). */
  readonly functionName: string
  readonly alias: string
  readonly version: string
  /** When the new version first got traffic through the alias: the window starts with that minute. */
  readonly since: number
}

export interface ErrorRateWatch {
  readonly gate: ErrorRateGate
  /**
   * The reading at `now`: too high over the complete minutes or over everything seen so far (the minute still
   * coming in included); otherwise the verdict of the complete minutes alone (ok, or not enough data).
   */
  read(now: number, options: {readonly signal?: AbortSignal | undefined}): Promise<ErrorRateReading>
  /** When every minute up to `time` can be complete (and judged). */
  completeBy(time: number): number
}

/** The minutes that can be complete at `now`: [start, end), or undefined when there is none yet. */
export function judgeableWindow(since: number, now: number, metricDelayMs: number): {start: number; end: number} | undefined {
  const start = minuteOf(since)
  const end = minuteOf(now - metricDelayMs)
  return end > start ? {start, end} : undefined
}

/** The gate's verdict on `errors` of `invocations`. */
export function judgeErrorRate(errors: number, invocations: number, gate: ErrorRateGate): Pick<ErrorRateReading, 'status' | 'rate'> {
  const rate = invocations > 0 ? (errors / invocations) * 100 : undefined
  if (invocations < gate.minInvocations) return {status: 'not-enough-data', rate}
  return {status: rate !== undefined && rate > gate.maxPercent ? 'too-high' : 'ok', rate}
}

/** The two queries: the series Lambda records for the new version's traffic through the alias. */
export function errorRateQueries({functionName, alias, version}: Omit<ErrorRateSubject, 'since'>): MetricQuery[] {
  const dimensions = {FunctionName: functionName, Resource: `${functionName}:${alias}`, ExecutedVersion: version}
  const query = (id: string, name: string): MetricQuery => ({id, metric: {namespace: 'AWS/Lambda', name, dimensions}, stat: 'Sum', periodSeconds: METRIC_PERIOD_MS / 1000})
  return [query('invocations', 'Invocations'), query('errors', 'Errors')]
}

export function watchErrorRate(gate: ErrorRateGate, subject: ErrorRateSubject, {cloudwatch}: {readonly cloudwatch: Pick<CloudWatchApi, 'getMetricData'>}): ErrorRateWatch {
  const reading = (errors: number, invocations: number, window: Window | undefined, partial: boolean): ErrorRateReading => ({
    gate: 'error-rate', ...judgeErrorRate(errors, invocations, gate), errors, invocations, limit: gate.maxPercent, minInvocations: gate.minInvocations,
    ...(window ? {window: {start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString()}} : {}),
    ...(partial ? {partial} : {}),
  })
  return {
    gate,
    // The minute holding `time` ends at its start + one period, and is complete a metric delay later.
    completeBy: (time) => minuteOf(time) + METRIC_PERIOD_MS + gate.metricDelayMs,
    async read(now, {signal}) {
      const complete = judgeableWindow(subject.since, now, gate.metricDelayMs)
      // Everything CloudWatch has so far: from the minute of the first traffic through the one holding `now`.
      const seen = {start: minuteOf(subject.since), end: minuteOf(now) + METRIC_PERIOD_MS}
      const series = await cloudwatch.getMetricData(errorRateQueries(subject), {start: new Date(seen.start), end: new Date(seen.end)}, {signal})
      const judged = complete ? reading(sumWithin(series, 'errors', complete), sumWithin(series, 'invocations', complete), complete, false) : reading(0, 0, undefined, false)
      if (judged.status === 'too-high') return judged
      const sofar = reading(sumWithin(series, 'errors', seen), sumWithin(series, 'invocations', seen), seen, true)
      return sofar.status === 'too-high' ? sofar : judged
    },
  }
}

type Window = {readonly start: number; readonly end: number}

function minuteOf(time: number): number {
  return Math.floor(time / METRIC_PERIOD_MS) * METRIC_PERIOD_MS
}

/** The sum of one series' points inside the window; minutes with no point count as zero. */
function sumWithin(series: readonly MetricSeries[], id: string, {start, end}: Window): number {
  const points = series.find((s) => s.id === id)?.points ?? []
  return points.filter((p) => p.timestamp.getTime() >= start && p.timestamp.getTime() < end).reduce((sum, p) => sum + p.value, 0)
}

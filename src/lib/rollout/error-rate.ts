/**
 * The error-rate gate: the new version's Errors / Invocations, from Lambda's own metrics.
 *
 * Traffic through a weighted alias is recorded under FunctionName + Resource "name:alias" + ExecutedVersion,
 * not under Resource "name:version" (that series only has direct invocations of the version): querying the
 * wrong one is why canary alarms so often never fire. The series is asked for directly with GetMetricData
 * (a new series can take minutes to show up in ListMetrics). A minute with no datapoint had no invocations:
 * missing is zero. A minute is judged only once it can be complete: it has ended, and CloudWatch has had
 * `metricDelayMs` more to receive its datapoints; judging a minute still filling in would read its first
 * seconds as the whole.
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
  /** The reading over the minutes complete by `now`; CloudWatch is asked only when a new minute has become complete. */
  read(now: number, options: {readonly signal?: AbortSignal | undefined}): Promise<ErrorRateReading>
  /** When every minute up to `time` can be complete (and judged). */
  completeBy(time: number): number
}

/** The minutes that can be complete at `now`: [start, end), or undefined when there is none yet. */
export function judgeableWindow(since: number, now: number, metricDelayMs: number): {start: number; end: number} | undefined {
  const start = Math.floor(since / METRIC_PERIOD_MS) * METRIC_PERIOD_MS
  const end = Math.floor((now - metricDelayMs) / METRIC_PERIOD_MS) * METRIC_PERIOD_MS
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
  let last: ErrorRateReading | undefined
  let lastEnd: number | undefined
  const empty = (): ErrorRateReading => ({gate: 'error-rate', ...judgeErrorRate(0, 0, gate), errors: 0, invocations: 0, limit: gate.maxPercent, minInvocations: gate.minInvocations})
  return {
    gate,
    // The minute holding `time` ends at its start + one period, and is complete a metric delay later.
    completeBy: (time) => Math.floor(time / METRIC_PERIOD_MS) * METRIC_PERIOD_MS + METRIC_PERIOD_MS + gate.metricDelayMs,
    async read(now, {signal}) {
      const window = judgeableWindow(subject.since, now, gate.metricDelayMs)
      if (!window) return empty()
      if (last && lastEnd === window.end) return last // no new complete minute since the last read
      const series = await cloudwatch.getMetricData(errorRateQueries(subject), {start: new Date(window.start), end: new Date(window.end)}, {signal})
      const invocations = sumWithin(series, 'invocations', window)
      const errors = sumWithin(series, 'errors', window)
      last = {
        gate: 'error-rate', ...judgeErrorRate(errors, invocations, gate), errors, invocations, limit: gate.maxPercent, minInvocations: gate.minInvocations,
        window: {start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString()},
      }
      lastEnd = window.end
      return last
    },
  }
}

/** The sum of one series' points inside the window; minutes with no point count as zero. */
function sumWithin(series: readonly MetricSeries[], id: string, {start, end}: {start: number; end: number}): number {
  const points = series.find((s) => s.id === id)?.points ?? []
  return points.filter((p) => p.timestamp.getTime() >= start && p.timestamp.getTime() < end).reduce((sum, p) => sum + p.value, 0)
}

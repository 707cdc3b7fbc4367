/**
 * What an alarm evaluates: its rule, and the datapoints of its evaluation range read from the
 * stored metrics. The range ends with the minute that holds "now less the metric delay" — the
 * minute in progress counts, so an alarm on Errors reacts within a tick of the failing invocation;
 * AWS evaluates about a minute behind (set SLING_LOCAL_METRIC_DELAY_MS=60000 to get close to that).
 * Alarm periods under 60 s are evaluated over 60 s: the local cloud keeps 1-minute data only.
 */
import type {AlarmConfig} from './alarm-store.js'
import type {AlarmRule, Slot, TreatMissingData} from './evaluate.js'
import {EXTRA_PERIODS} from './evaluate.js'
import type {DataQuery} from './metric-data.js'
import {checkQueries, runQueries} from './metric-data.js'
import type {Reader} from './query.js'
import {statSeries} from './query.js'
import {floorTo, metricId, MINUTE_MS} from './series.js'
import type {Dimension} from './series.js'

/** The query of a metric math alarm that returns data (PutMetricAlarm checks there is exactly one). */
export function returnedQuery(config: AlarmConfig): DataQuery | undefined {
  const metrics = config.Metrics as DataQuery[] | undefined
  return metrics?.find((query) => query.ReturnData !== false)
}

/** The alarm's period in seconds, as evaluated (at least 60). */
export function evaluatedPeriod(config: AlarmConfig): number {
  const returned = returnedQuery(config)
  // An expression without its own Period runs at the period of the metrics it reads.
  const metricPeriods = ((config.Metrics ?? []) as DataQuery[]).map((query) => query.MetricStat?.Period ?? 0)
  const period = (config.Period as number | undefined) ?? returned?.MetricStat?.Period ?? returned?.Period ?? Math.max(60, ...metricPeriods)
  return Math.max(60, period)
}

export function ruleOf(config: AlarmConfig): AlarmRule {
  const describe: Record<string, string> = {}
  if (config.ExtendedStatistic !== undefined) describe.extendedStatistic = config.ExtendedStatistic as string
  else if (config.Statistic !== undefined) describe.statistic = config.Statistic as string
  if (config.Unit !== undefined) describe.unit = config.Unit as string
  return {
    period: evaluatedPeriod(config),
    evaluationPeriods: config.EvaluationPeriods,
    datapointsToAlarm: (config.DatapointsToAlarm as number | undefined) ?? config.EvaluationPeriods,
    threshold: (config.Threshold as number | undefined) ?? 0,
    comparison: config.ComparisonOperator,
    treatMissingData: ((config.TreatMissingData as string | undefined) ?? 'missing') as TreatMissingData,
    describe,
  }
}

/** The end of the evaluation range: the end of the minute holding `now - delayMs`. */
export function rangeEnd(now: number, delayMs: number): number {
  return floorTo(now - delayMs, MINUTE_MS) + MINUTE_MS
}

/** The evaluation range's periods, oldest first, each with its value when it has one. */
export async function alarmSlots(config: AlarmConfig, read: Reader, end: number): Promise<Slot[]> {
  const rule = ruleOf(config)
  const periodMs = rule.period * 1000
  const start = end - (rule.evaluationPeriods + EXTRA_PERIODS) * periodMs
  const values = new Map<number, {v: number; n?: number}>()
  const returned = returnedQuery(config)
  if (returned) {
    const queries = config.Metrics as DataQuery[]
    const series = (await runQueries(read, queries, checkQueries(queries, 'Metrics'), start, end)).get(returned.Id)
    for (const [t, v] of series ?? []) values.set(t, {v})
  } else {
    const id = metricId(config.Namespace as string, config.MetricName as string, (config.Dimensions ?? []) as Dimension[])
    const stat = ((config.ExtendedStatistic ?? config.Statistic) as string | undefined) ?? 'Average'
    for (const point of await statSeries(read, {id, period: rule.period, stat, unit: config.Unit as string | undefined, start, end})) values.set(point.t, {v: point.v, n: point.n})
  }
  const slots: Slot[] = []
  for (let t = start; t < end; t += periodMs) {
    const value = values.get(t)
    slots.push(value ? {t, v: value.v, n: value.n} : {t})
  }
  return slots
}

/** What SetAlarmState's hold compares: the range's periods and values. */
export function fingerprint(slots: readonly Slot[]): string {
  return JSON.stringify(slots.map((slot) => [slot.t, slot.v ?? null]))
}

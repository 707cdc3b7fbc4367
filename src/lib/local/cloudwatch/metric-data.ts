/**
 * GetMetricData (MetricStat queries and metric math, ScanBy, MaxDatapoints pages) and
 * GetMetricStatistics (Statistics and ExtendedStatistics, per unit), over the stored minutes.
 */
import {invalidCombination, invalidParameter, invalidValue, validationError} from './errors.js'
import type {Node, Series} from './expressions.js'
import {evaluate, ExpressionError, parseExpression, referencedIds, resultSeries} from './expressions.js'
import type {CloudWatchScope, Input} from './input.js'
import {decodeToken, dimensionsOf, encodeToken, isValidPeriod, requestDigest, toMs} from './input.js'
import type {Reader} from './query.js'
import {alignStart, periodAggregates, statSeries} from './query.js'
import type {MetricId} from './series.js'
import {metricId} from './series.js'
import {isExtendedStatistic, isSupportedStatistic, statistic} from './statistics.js'

/** A MetricDataQuery as decoded from either protocol. */
export interface DataQuery {
  readonly Id: string
  readonly MetricStat?: {readonly Metric: {readonly Namespace?: string; readonly MetricName?: string; readonly Dimensions?: unknown}; readonly Period: number; readonly Stat: string; readonly Unit?: string}
  readonly Expression?: string
  readonly Label?: string
  readonly ReturnData?: boolean
  readonly Period?: number
}

const MAX_QUERIES = 500
const DEFAULT_MAX_DATAPOINTS = 100_800
const ID = /^[a-z][a-zA-Z0-9_]*$/

export function reader(scope: CloudWatchScope): Reader {
  return {metrics: scope.metrics, visibleAt: scope.now() - scope.delayMs}
}

function checkPeriod(period: number, parameter: string): void {
  if (!isValidPeriod(period)) throw invalidParameter(`The parameter ${parameter} must be 1, 5, 10, 20, 30, or a multiple of 60.`)
}

/** Checks a list of queries as CloudWatch does (ids, one of MetricStat/Expression, periods, statistics); `at` names the list in messages. */
export function checkQueries(queries: readonly DataQuery[], at: string): Map<string, Node> {
  const parsed = new Map<string, Node>()
  const ids = new Set<string>()
  queries.forEach((query, i) => {
    const where = `${at}.member.${i + 1}`
    if (!ID.test(query.Id)) throw invalidParameter(`The value ${query.Id} for parameter ${where}.Id is invalid: it must start with a lowercase letter and contain only letters, numbers and underscores.`)
    if (ids.has(query.Id)) throw invalidParameter(`The value ${query.Id} for parameter ${where}.Id is already used by another query: each Id must be unique.`)
    ids.add(query.Id)
    if ((query.MetricStat === undefined) === (query.Expression === undefined)) throw invalidCombination(`Exactly one of the parameters ${where}.MetricStat and ${where}.Expression must be specified.`)
    if (query.MetricStat) {
      checkPeriod(query.MetricStat.Period, `${where}.MetricStat.Period`)
      if (!isSupportedStatistic(query.MetricStat.Stat)) throw invalidValue(query.MetricStat.Stat, `${where}.MetricStat.Stat`)
      const metric = query.MetricStat.Metric
      if (!metric.Namespace || !metric.MetricName) throw invalidParameter(`The parameters ${where}.MetricStat.Metric.Namespace and MetricName are required.`)
    }
    if (query.Period !== undefined) checkPeriod(query.Period, `${where}.Period`)
    if (query.Expression !== undefined) {
      try {
        parsed.set(query.Id, parseExpression(query.Expression))
      } catch (error) {
        if (error instanceof ExpressionError) throw validationError([`Error in expression ${query.Id}: ${error.message}`])
        throw error
      }
    }
  })
  for (const [id, node] of parsed) {
    for (const ref of referencedIds(node)) if (!ids.has(ref)) throw validationError([`Error in expression ${id}: Unrecognized identifier ${ref}`])
  }
  return parsed
}

export function queryMetric(query: DataQuery): MetricId {
  const metric = query.MetricStat?.Metric ?? {}
  return metricId(metric.Namespace ?? '', metric.MetricName ?? '', dimensionsOf(metric.Dimensions))
}

/** Every query's series over [start, end), by id; expressions see the series of the queries they name. */
export async function runQueries(read: Reader, queries: readonly DataQuery[], parsed: ReadonlyMap<string, Node>, start: number, end: number): Promise<Map<string, Series>> {
  const results = new Map<string, Series>()
  for (const query of queries) {
    const stat = query.MetricStat
    if (!stat) continue
    const points = await statSeries(read, {id: queryMetric(query), period: stat.Period, stat: stat.Stat, unit: stat.Unit, start, end})
    results.set(query.Id, new Map(points.map((point) => [point.t, point.v])))
  }
  const byId = new Map(queries.map((query) => [query.Id, query]))
  const periodOf = (id: string, seen: Set<string>): number => {
    const query = byId.get(id)
    if (!query || seen.has(id)) return 60
    seen.add(id)
    const node = parsed.get(id)
    return query.MetricStat?.Period ?? query.Period ?? Math.min(60, ...(node ? referencedIds(node).map((ref) => periodOf(ref, seen)) : []))
  }
  const visiting = new Set<string>()
  const valueOf = (id: string): Series => {
    const known = results.get(id)
    if (known) return known
    const node = parsed.get(id)
    if (!node || visiting.has(id)) throw validationError([`Error in expression ${id}: it refers to itself through other expressions.`])
    visiting.add(id)
    const period = periodOf(id, new Set()) * 1000
    const grid: number[] = []
    for (let t = start; t < end && grid.length <= DEFAULT_MAX_DATAPOINTS; t += period) grid.push(t)
    try {
      const series = resultSeries(evaluate(node, valueOf, grid))
      results.set(id, series)
      return series
    } catch (error) {
      if (error instanceof ExpressionError) throw validationError([`Error in expression ${id}: ${error.message}`])
      throw error
    }
  }
  for (const id of parsed.keys()) valueOf(id)
  return results
}

function rangeOf(input: Input): {start: number; end: number} {
  const start = alignStart(toMs(input.StartTime, 'StartTime'))
  const end = toMs(input.EndTime, 'EndTime')
  if (start >= end) throw invalidParameter('The parameter StartTime must be less than the parameter EndTime.')
  return {start, end}
}

export async function getMetricData(input: Input, scope: CloudWatchScope): Promise<unknown> {
  const queries = (input.MetricDataQueries ?? []) as DataQuery[]
  if (queries.length === 0) throw invalidParameter('The parameter MetricDataQueries must contain at least one query.')
  if (queries.length > MAX_QUERIES) throw invalidParameter(`The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`)
  const {start, end} = rangeOf(input)
  const max = (input.MaxDatapoints as number | undefined) ?? DEFAULT_MAX_DATAPOINTS
  if (max < 1) throw invalidValue(max, 'MaxDatapoints')
  const parsed = checkQueries(queries, 'MetricDataQueries')
  const series = await runQueries(reader(scope), queries, parsed, start, end)
  const descending = (input.ScanBy ?? 'TimestampDescending') === 'TimestampDescending'
  const returned = queries.filter((query) => query.ReturnData !== false)
  const digest = requestDigest(input, ['NextToken'])
  let skip = decodeToken(input.NextToken, digest)
  let room = max
  let more = false
  const results = returned.map((query) => {
    const points = [...(series.get(query.Id) ?? new Map<number, number>())].sort((x, y) => (descending ? y[0] - x[0] : x[0] - y[0]))
    const from = Math.min(skip, points.length)
    skip -= from
    const page = points.slice(from, from + room)
    room -= page.length
    const complete = from + page.length >= points.length
    if (!complete) more = true
    return {
      Id: query.Id,
      Label: query.Label ?? query.MetricStat?.Metric.MetricName ?? query.Id,
      Timestamps: page.map(([t]) => new Date(t)),
      Values: page.map(([, v]) => v),
      StatusCode: complete ? 'Complete' : 'PartialData',
    }
  })
  const offset = decodeToken(input.NextToken, digest) + (max - room)
  return {MetricDataResults: results, Messages: [], ...(more ? {NextToken: encodeToken(offset, digest)} : {})}
}

const MAX_STATISTICS_DATAPOINTS = 1440

export async function getMetricStatistics(input: Input, scope: CloudWatchScope): Promise<unknown> {
  const stats = (input.Statistics ?? []) as string[]
  const extended = (input.ExtendedStatistics ?? []) as string[]
  if (stats.length === 0 && extended.length === 0) throw invalidCombination('Must specify either Statistics or ExtendedStatistics.')
  for (const stat of extended) if (!isExtendedStatistic(stat)) throw invalidValue(stat, 'ExtendedStatistics')
  const period = input.Period as number
  checkPeriod(period, 'Period')
  const {start, end} = rangeOf(input)
  const requested = Math.ceil((end - start) / (period * 1000))
  if (requested > MAX_STATISTICS_DATAPOINTS) {
    throw invalidCombination(`You have requested up to ${requested.toLocaleString('en-US')} datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`)
  }
  const id = metricId(input.Namespace as string, input.MetricName as string, dimensionsOf(input.Dimensions))
  const unit = input.Unit as string | undefined
  const all = await periodAggregates(reader(scope), {id, period, stat: 'Sum', unit, start, end})
  // Without a Unit, each unit the data came in gets its own datapoints, as CloudWatch answers.
  const units = unit === undefined ? [...new Set(all.flatMap((p) => [...p.units]))].sort() : [unit]
  const datapoints = []
  for (const u of units) {
    const periods = unit === undefined && units.length > 1 ? await periodAggregates(reader(scope), {id, period, stat: 'Sum', unit: u, start, end}) : all
    for (const {t, a} of periods) {
      const point: Record<string, unknown> = {Timestamp: new Date(t), Unit: u}
      for (const stat of stats) point[stat] = statistic(a, stat)
      const values: Record<string, number> = {}
      for (const stat of extended) {
        const value = statistic(a, stat)
        if (value !== undefined) values[stat] = value
      }
      if (extended.length > 0) point.ExtendedStatistics = values
      datapoints.push(point)
    }
  }
  return {Label: input.MetricName, Datapoints: datapoints}
}

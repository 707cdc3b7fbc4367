import {DeleteAlarmsCommand, DescribeAlarmsCommand, GetMetricDataCommand, PutMetricAlarmCommand} from '@aws-sdk/client-cloudwatch'
import type {CloudWatchClient, MetricDataQuery} from '@aws-sdk/client-cloudwatch'

import type {CallOptions} from '../clock.js'
import {throwIfAborted} from '../clock.js'
import type {AwsErrorContext} from './errors.js'
import {toUserError} from './errors.js'
import type {AlarmInfo, MetricQuery, MetricRef, MetricSeries, NewMetricAlarm} from './types.js'

/** The CloudWatch operations sling uses: rollouts read alarms and metrics; tests create alarms. */
export interface CloudWatchApi {
  /** The metric and composite alarms with these names (names that don't exist are left out), or whose names start with `prefix`. */
  describeAlarms(which: {readonly names: readonly string[]} | {readonly prefix: string}, options?: CallOptions): Promise<AlarmInfo[]>
  /** Every point of every query between `start` (inclusive) and `end` (exclusive), oldest first, following every page. */
  getMetricData(queries: readonly MetricQuery[], range: {readonly start: Date; readonly end: Date}, options?: CallOptions): Promise<MetricSeries[]>
  /** Creates or replaces a metric alarm. */
  putMetricAlarm(alarm: NewMetricAlarm, options?: CallOptions): Promise<void>
  deleteAlarms(names: readonly string[], options?: CallOptions): Promise<void>
}

// DescribeAlarms takes at most 100 names per request, DeleteAlarms at most 100 too.
const NAMES_PER_CALL = 100

/** The CloudWatch API over an SDK client. `context` (region, endpoint) goes into error messages. */
export function createCloudWatchApi(client: CloudWatchClient, context: AwsErrorContext = {}): CloudWatchApi {
  /** Sends a request, with an abort taking precedence over whatever error it caused. */
  const send = async <T>(request: (abortSignal: AbortSignal | undefined) => Promise<T>, signal: AbortSignal | undefined): Promise<T> => {
    try {
      return await request(signal)
    } catch (error) {
      throwIfAborted(signal)
      throw toUserError(error, context)
    }
  }
  return {
    async describeAlarms(which, {signal} = {}) {
      const batches = 'names' in which ? chunks(which.names, NAMES_PER_CALL).map((names) => ({AlarmNames: names})) : [{AlarmNamePrefix: which.prefix}]
      const alarms: AlarmInfo[] = []
      for (const batch of batches) {
        let nextToken: string | undefined
        do {
          const page = await send((abortSignal) => client.send(new DescribeAlarmsCommand({...batch, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], NextToken: nextToken}), {abortSignal}), signal)
          for (const a of page.MetricAlarms ?? []) alarms.push(toAlarmInfo(a, 'metric'))
          for (const a of page.CompositeAlarms ?? []) alarms.push(toAlarmInfo(a, 'composite'))
          nextToken = page.NextToken
        } while (nextToken)
      }
      return alarms
    },
    async getMetricData(queries, {start, end}, {signal} = {}) {
      const series = new Map<string, {id: string; label?: string | undefined; points: {timestamp: Date; value: number}[]; status?: string | undefined}>()
      let nextToken: string | undefined
      do {
        const input = {MetricDataQueries: queries.map(toQueryInput), StartTime: start, EndTime: end, ScanBy: 'TimestampAscending' as const, NextToken: nextToken}
        const page = await send((abortSignal) => client.send(new GetMetricDataCommand(input), {abortSignal}), signal)
        for (const result of page.MetricDataResults ?? []) {
          const id = result.Id ?? ''
          const entry = series.get(id) ?? {id, label: result.Label, points: []}
          const values = result.Values ?? []
          ;(result.Timestamps ?? []).forEach((timestamp, i) => entry.points.push({timestamp, value: values[i] ?? 0}))
          entry.status = result.StatusCode
          series.set(id, entry)
        }
        nextToken = page.NextToken
      } while (nextToken)
      return [...series.values()]
    },
    async putMetricAlarm(alarm, {signal} = {}) {
      await send((abortSignal) => client.send(new PutMetricAlarmCommand({
        AlarmName: alarm.name, AlarmDescription: alarm.description, ...metricInput(alarm.metric), ExtendedStatistic: isExtended(alarm.stat) ? alarm.stat : undefined,
        Statistic: isExtended(alarm.stat) ? undefined : (alarm.stat as 'Sum'), Period: alarm.periodSeconds, EvaluationPeriods: alarm.evaluationPeriods,
        Threshold: alarm.threshold, ComparisonOperator: alarm.comparison, TreatMissingData: alarm.treatMissingData,
      }), {abortSignal}), signal)
    },
    async deleteAlarms(names, {signal} = {}) {
      for (const batch of chunks(names, NAMES_PER_CALL)) await send((abortSignal) => client.send(new DeleteAlarmsCommand({AlarmNames: batch}), {abortSignal}), signal)
    },
  }
}

function toAlarmInfo(a: {AlarmName?: string; AlarmArn?: string; StateValue?: string; StateReason?: string; StateUpdatedTimestamp?: Date}, kind: AlarmInfo['kind']): AlarmInfo {
  return {name: a.AlarmName ?? '', arn: a.AlarmArn ?? '', kind, state: a.StateValue ?? 'INSUFFICIENT_DATA', stateReason: a.StateReason, stateUpdatedAt: a.StateUpdatedTimestamp}
}

function toQueryInput(q: MetricQuery): MetricDataQuery {
  const common = {Id: q.id, Label: q.label, ReturnData: q.returnData}
  if ('expression' in q) return {...common, Expression: q.expression, Period: q.periodSeconds}
  return {...common, MetricStat: {Metric: {Namespace: q.metric.namespace, MetricName: q.metric.name, Dimensions: dimensionsInput(q.metric)}, Stat: q.stat, Period: q.periodSeconds}}
}

function metricInput(m: MetricRef): {Namespace: string; MetricName: string; Dimensions: {Name: string; Value: string}[]} {
  return {Namespace: m.namespace, MetricName: m.name, Dimensions: dimensionsInput(m)}
}

function dimensionsInput(m: MetricRef): {Name: string; Value: string}[] {
  return Object.entries(m.dimensions ?? {}).map(([Name, Value]) => ({Name, Value}))
}

/** Percentiles and trimmed means ("p99", "tm90") go in ExtendedStatistic; Sum/Average/… in Statistic. */
function isExtended(stat: string): boolean {
  return !['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'].includes(stat)
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

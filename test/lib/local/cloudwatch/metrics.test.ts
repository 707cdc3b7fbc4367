import {GetMetricDataCommand, GetMetricStatisticsCommand, ListMetricsCommand, PutMetricDataCommand} from '@aws-sdk/client-cloudwatch'
import type {MetricDataQuery} from '@aws-sdk/client-cloudwatch'
import {afterAll, beforeAll, expect, test} from 'vitest'

import {expectModeledError, expectOutputMatchesModel} from '../../../helpers/model.js'
import type {CloudWatchHarness} from './harness.js'
import {rejectionOf, startCloudWatch} from './harness.js'

let h: CloudWatchHarness
beforeAll(async () => {
  h = await startCloudWatch()
})
afterAll(async () => {
  await h.close()
})

const MINUTE = 60_000
/** A whole minute a few minutes back, so every point of a test lands in known minutes. */
const base = Math.floor(Date.now() / MINUTE) * MINUTE - 10 * MINUTE
const at = (minute: number, second = 0): Date => new Date(base + minute * MINUTE + second * 1000)
const range = {StartTime: at(0), EndTime: at(5)}

test('PutMetricData stores values, values with counts and statistic sets per minute; GetMetricStatistics answers every statistic', async () => {
  const dims = [{Name: 'Service', Value: 'api'}, {Name: 'Stage', Value: 'prod'}]
  const put = await h.cw.send(new PutMetricDataCommand({
    Namespace: 'App',
    MetricData: [
      {MetricName: 'Latency', Dimensions: dims, Timestamp: at(0, 5), Value: 10, Unit: 'Milliseconds'},
      {MetricName: 'Latency', Dimensions: dims, Timestamp: at(0, 50), Values: [20, 30], Counts: [1, 2], Unit: 'Milliseconds'},
      {MetricName: 'Latency', Dimensions: [...dims].reverse(), Timestamp: at(2, 1), StatisticValues: {SampleCount: 4, Sum: 400, Minimum: 50, Maximum: 150}, Unit: 'Milliseconds'},
    ],
  }))
  expectOutputMatchesModel('cloudwatch', 'PutMetricData', put)
  const stats = await h.cw.send(new GetMetricStatisticsCommand({
    Namespace: 'App', MetricName: 'Latency', Dimensions: dims, ...range, Period: 60,
    Statistics: ['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'], ExtendedStatistics: ['p50'],
  }))
  expectOutputMatchesModel('cloudwatch', 'GetMetricStatistics', stats)
  expect(stats.Label).toBe('Latency')
  const points = (stats.Datapoints ?? []).sort((a, b) => a.Timestamp!.getTime() - b.Timestamp!.getTime())
  expect(points).toEqual([
    {Timestamp: at(0), SampleCount: 4, Sum: 90, Average: 22.5, Minimum: 10, Maximum: 30, Unit: 'Milliseconds', ExtendedStatistics: {p50: 20}},
    // A statistic set has no values: no percentile for its minute.
    {Timestamp: at(2), SampleCount: 4, Sum: 400, Average: 100, Minimum: 50, Maximum: 150, Unit: 'Milliseconds', ExtendedStatistics: {}},
  ])
  // A 5-minute period adds the minutes up; a query with the dimensions in another set names another metric.
  const five = await h.cw.send(new GetMetricStatisticsCommand({Namespace: 'App', MetricName: 'Latency', Dimensions: dims, ...range, Period: 300, Statistics: ['Sum', 'SampleCount']}))
  expect(five.Datapoints).toEqual([{Timestamp: at(0), Sum: 490, SampleCount: 8, Unit: 'Milliseconds'}])
  const other = await h.cw.send(new GetMetricStatisticsCommand({Namespace: 'App', MetricName: 'Latency', Dimensions: dims.slice(0, 1), ...range, Period: 60, Statistics: ['Sum']}))
  expect(other.Datapoints).toEqual([])
})

test('GetMetricData: MetricStat per period, an error-rate expression, ScanBy, and pages of MaxDatapoints', async () => {
  const fn = [{Name: 'FunctionName', Value: 'rate'}]
  await h.cw.send(new PutMetricDataCommand({
    Namespace: 'Rates',
    MetricData: [0, 1, 2, 3].flatMap((minute) => [
      {MetricName: 'Calls', Dimensions: fn, Timestamp: at(minute, 10), Value: 10, Unit: 'Count'},
      {MetricName: 'Failures', Dimensions: fn, Timestamp: at(minute, 20), Value: minute, Unit: 'Count'},
    ]),
  }))
  const queries: MetricDataQuery[] = [
    {Id: 'calls', MetricStat: {Metric: {Namespace: 'Rates', MetricName: 'Calls', Dimensions: fn}, Period: 60, Stat: 'Sum'}, ReturnData: false},
    {Id: 'failures', MetricStat: {Metric: {Namespace: 'Rates', MetricName: 'Failures', Dimensions: fn}, Period: 60, Stat: 'Sum'}},
    {Id: 'rate', Expression: 'failures / calls * 100', Label: 'error rate'},
  ]
  const data = await h.cw.send(new GetMetricDataCommand({MetricDataQueries: queries, ...range, ScanBy: 'TimestampAscending'}))
  expectOutputMatchesModel('cloudwatch', 'GetMetricData', data)
  expect(data.MetricDataResults).toEqual([
    {Id: 'failures', Label: 'Failures', Timestamps: [at(0), at(1), at(2), at(3)], Values: [0, 1, 2, 3], StatusCode: 'Complete'},
    {Id: 'rate', Label: 'error rate', Timestamps: [at(0), at(1), at(2), at(3)], Values: [0, 10, 20, 30], StatusCode: 'Complete'},
  ])
  expect(data.NextToken).toBeUndefined()

  // Newest first by default; three datapoints a page, every page naming every result.
  const pages = []
  let NextToken: string | undefined
  do {
    const page = await h.cw.send(new GetMetricDataCommand({MetricDataQueries: queries, ...range, MaxDatapoints: 3, NextToken}))
    pages.push(page.MetricDataResults!.map((r) => [r.Id, r.Values, r.StatusCode]))
    NextToken = page.NextToken
  } while (NextToken)
  expect(pages).toEqual([
    [['failures', [3, 2, 1], 'PartialData'], ['rate', [], 'PartialData']],
    [['failures', [0], 'Complete'], ['rate', [30, 20], 'PartialData']],
    [['failures', [], 'Complete'], ['rate', [10, 0], 'Complete']],
  ])

  const wrongToken = await rejectionOf(h.cw.send(new GetMetricDataCommand({MetricDataQueries: queries.slice(0, 2), ...range, NextToken: 'bm9wZQ'})))
  expect(wrongToken.name).toBe('InvalidNextToken')
  expectModeledError('cloudwatch', 'GetMetricData', wrongToken)
})

test('percentiles are exact for up to 1,000 values a minute and within 1% beyond (a log-bucketed histogram)', async () => {
  const values = Array.from({length: 100}, (_, i) => i + 1)
  await h.cw.send(new PutMetricDataCommand({Namespace: 'Pct', MetricData: [{MetricName: 'Small', Timestamp: at(1), Values: values}]}))
  const many = Array.from({length: 150}, (_, i) => (i + 1) * 7.3)
  await h.cw.send(new PutMetricDataCommand({Namespace: 'Pct', MetricData: [{MetricName: 'Large', Timestamp: at(1), Values: many, Counts: many.map(() => 20)}]}))
  const query = (name: string, stat: string): MetricDataQuery => ({Id: `${name.toLowerCase()}_${stat.replace('.', '_')}`, MetricStat: {Metric: {Namespace: 'Pct', MetricName: name}, Period: 60, Stat: stat}})
  const data = await h.cw.send(new GetMetricDataCommand({MetricDataQueries: [query('Small', 'p90'), query('Small', 'p99'), query('Small', 'tm90'), query('Large', 'p50'), query('Large', 'p99.9')], ...range}))
  const value = (id: string): number => data.MetricDataResults!.find((r) => r.Id === id)!.Values![0]!
  expect(value('small_p90')).toBe(90)
  expect(value('small_p99')).toBe(99)
  expect(value('small_tm90')).toBe(45.5)
  // 3,000 samples: the histogram's answer is within 1% of the true percentile.
  expect(Math.abs(value('large_p50') - 75 * 7.3) / (75 * 7.3)).toBeLessThan(0.01)
  expect(Math.abs(value('large_p99_9') - 150 * 7.3) / (150 * 7.3)).toBeLessThan(0.01)
})

test('the query protocol: form parameters in, XML in the monitoring namespace out, the same data', async () => {
  const put = await h.query({
    Action: 'PutMetricData', Namespace: 'Form',
    'MetricData.member.1.MetricName': 'Hits', 'MetricData.member.1.Value': 4, 'MetricData.member.1.Unit': 'Count', 'MetricData.member.1.Timestamp': at(3, 3).toISOString(),
    'MetricData.member.1.Dimensions.member.1.Name': 'Host', 'MetricData.member.1.Dimensions.member.1.Value': 'a',
  })
  expect(put.status).toBe(200)
  expect(put.text).toContain('<PutMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">')
  const stats = await h.query({
    Action: 'GetMetricStatistics', Namespace: 'Form', MetricName: 'Hits', 'Dimensions.member.1.Name': 'Host', 'Dimensions.member.1.Value': 'a',
    StartTime: range.StartTime.toISOString(), EndTime: range.EndTime.toISOString(), Period: 60, 'Statistics.member.1': 'Sum',
  })
  expect(stats.body).toMatchObject({GetMetricStatisticsResponse: {GetMetricStatisticsResult: {Label: 'Hits', Datapoints: {member: [{Timestamp: at(3).toISOString(), Sum: '4', Unit: 'Count'}]}}}})
  const sdk = await h.cw.send(new GetMetricStatisticsCommand({Namespace: 'Form', MetricName: 'Hits', Dimensions: [{Name: 'Host', Value: 'a'}], ...range, Period: 60, Statistics: ['Sum']}))
  expect(sdk.Datapoints).toEqual([{Timestamp: at(3), Sum: 4, Unit: 'Count'}])
  const refused = await h.query({Action: 'PutMetricData', Namespace: 'AWS/Lambda', 'MetricData.member.1.MetricName': 'Errors', 'MetricData.member.1.Value': 1})
  expect(refused.status).toBe(400)
  expect(refused.body).toMatchObject({ErrorResponse: {Error: {Type: 'Sender', Code: 'InvalidParameterValue', Message: 'The value AWS/Lambda for parameter Namespace is invalid.'}}})
  const unknown = await h.query({Action: 'PutDashboard', DashboardName: 'x', DashboardBody: '{}'})
  expect(unknown.body).toMatchObject({ErrorResponse: {Error: {Code: 'NotImplemented'}}})
  const bogus = await h.query({Action: 'Bogus'})
  expect(bogus.body).toMatchObject({ErrorResponse: {Error: {Code: 'InvalidAction', Message: 'Could not find operation Bogus for version 2010-08-01'}}})
})

test('refusals are CloudWatch\'s, in the JSON protocol with the query error code', async () => {
  const both = await rejectionOf(h.cw.send(new PutMetricDataCommand({Namespace: 'App', MetricData: [{MetricName: 'X', Value: 1, StatisticValues: {SampleCount: 1, Sum: 1, Minimum: 1, Maximum: 1}}]})))
  expect(both).toMatchObject({name: 'InvalidParameterCombinationException', Code: 'InvalidParameterCombination', message: 'The parameters MetricData.member.1.Value and MetricData.member.1.StatisticValues are mutually exclusive and you have specified both.'})
  expectModeledError('cloudwatch', 'PutMetricData', both)
  const old = await rejectionOf(h.cw.send(new PutMetricDataCommand({Namespace: 'App', MetricData: [{MetricName: 'X', Value: 1, Timestamp: new Date(Date.now() - 15 * 86_400_000)}]})))
  expect(old).toMatchObject({name: 'InvalidParameterValueException', message: 'The parameter MetricData.member.1.Timestamp must specify a time within the past two weeks.'})
  expectModeledError('cloudwatch', 'PutMetricData', old)
  const unit = await rejectionOf(h.cw.send(new PutMetricDataCommand({Namespace: 'App', MetricData: [{MetricName: 'X', Value: 1, Unit: 'Parsecs' as 'Count'}]})))
  // The query code ValidationError (no shape in the model): the SDK names it ValidationException.
  expect(unit).toMatchObject({name: 'ValidationException', Code: 'ValidationError'})
  expectModeledError('cloudwatch', 'PutMetricData', unit)
  expect(unit.message).toMatch(/^1 validation error detected: Value 'Parsecs' at 'metricData.1.member.unit' failed to satisfy constraint: Member must satisfy enum value set/)
  expect(unit.$metadata?.httpStatusCode).toBe(400)
  const tooMany = await rejectionOf(h.cw.send(new GetMetricStatisticsCommand({Namespace: 'App', MetricName: 'Latency', StartTime: at(0), EndTime: new Date(at(0).getTime() + 2 * 86_400_000), Period: 60, Statistics: ['Sum']})))
  expect(tooMany.message).toBe('You have requested up to 2,880 datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.')
  expectModeledError('cloudwatch', 'GetMetricStatistics', tooMany)
  const expression = await rejectionOf(h.cw.send(new GetMetricDataCommand({MetricDataQueries: [{Id: 'e1', Expression: 'ANOMALY_DETECTION_BAND(m1)'}], ...range})))
  expect(expression.name).toBe('ValidationException')
  expect(expression.message).toContain('The function ANOMALY_DETECTION_BAND isn\'t supported')
})

test('a large PutMetricData is sent gzipped by the SDK and read decompressed', async () => {
  const data = Array.from({length: 400}, (_, i) => ({MetricName: 'Bulk', Dimensions: [{Name: 'Shard', Value: `shard-${i % 4}`}], Timestamp: at(4), Value: i, Unit: 'Count' as const}))
  await h.cw.send(new PutMetricDataCommand({Namespace: 'Bulk', MetricData: data}))
  const stats = await h.cw.send(new GetMetricStatisticsCommand({Namespace: 'Bulk', MetricName: 'Bulk', Dimensions: [{Name: 'Shard', Value: 'shard-1'}], ...range, Period: 60, Statistics: ['SampleCount', 'Sum']}))
  expect(stats.Datapoints).toEqual([{Timestamp: at(4), SampleCount: 100, Sum: data.filter((_, i) => i % 4 === 1).reduce((sum, d) => sum + d.Value, 0), Unit: 'Count'}])
})

test('ListMetrics filters by namespace, name and dimensions, and RecentlyActive', async () => {
  await h.cw.send(new PutMetricDataCommand({Namespace: 'Listed', MetricData: [
    {MetricName: 'A', Dimensions: [{Name: 'Env', Value: 'prod'}, {Name: 'App', Value: 'x'}], Value: 1},
    {MetricName: 'A', Dimensions: [{Name: 'Env', Value: 'dev'}], Value: 1},
    {MetricName: 'B', Value: 1},
  ]}))
  const all = await h.cw.send(new ListMetricsCommand({Namespace: 'Listed'}))
  expectOutputMatchesModel('cloudwatch', 'ListMetrics', all)
  expect(all.Metrics).toHaveLength(3)
  const prod = await h.cw.send(new ListMetricsCommand({Namespace: 'Listed', MetricName: 'A', Dimensions: [{Name: 'Env', Value: 'prod'}], RecentlyActive: 'PT3H'}))
  expect(prod.Metrics).toEqual([{Namespace: 'Listed', MetricName: 'A', Dimensions: [{Name: 'App', Value: 'x'}, {Name: 'Env', Value: 'prod'}]}])
  const withEnv = await h.cw.send(new ListMetricsCommand({Namespace: 'Listed', Dimensions: [{Name: 'Env'}]}))
  expect(withEnv.Metrics?.map((m) => m.Dimensions?.find((d) => d.Name === 'Env')?.Value).sort()).toEqual(['dev', 'prod'])
})

test('data points are persisted: a restarted local cloud answers them', async () => {
  await h.cw.send(new PutMetricDataCommand({Namespace: 'Kept', MetricData: [{MetricName: 'K', Timestamp: at(2), Value: 42}]}))
  h = await h.restart()
  const stats = await h.cw.send(new GetMetricStatisticsCommand({Namespace: 'Kept', MetricName: 'K', ...range, Period: 60, Statistics: ['Maximum']}))
  expect(stats.Datapoints).toEqual([{Timestamp: at(2), Maximum: 42, Unit: 'None'}])
})

test('SLING_LOCAL_METRIC_DELAY_MS: a point is invisible until the delay has passed since it was recorded', async () => {
  const delayed = await startCloudWatch({metricDelayMs: 800})
  try {
    await delayed.cw.send(new PutMetricDataCommand({Namespace: 'Late', MetricData: [{MetricName: 'L', Value: 1}]}))
    const read = async (): Promise<number> => {
      const data = await delayed.cw.send(new GetMetricDataCommand({MetricDataQueries: [{Id: 'l', MetricStat: {Metric: {Namespace: 'Late', MetricName: 'L'}, Period: 60, Stat: 'SampleCount'}}], StartTime: new Date(Date.now() - 5 * MINUTE), EndTime: new Date(Date.now() + MINUTE)}))
      return data.MetricDataResults![0]!.Values!.length
    }
    expect(await read()).toBe(0)
    await new Promise((resolve) => setTimeout(resolve, 900))
    expect(await read()).toBe(1)
  } finally {
    await delayed.close()
  }
})

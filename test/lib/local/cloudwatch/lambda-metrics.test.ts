import {CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, ListMetricsCommand, PutMetricAlarmCommand} from '@aws-sdk/client-cloudwatch'
import type {MetricDataQuery} from '@aws-sdk/client-cloudwatch'
import {CreateAliasCommand, CreateFunctionCommand, InvokeCommand, PublishVersionCommand, PutFunctionConcurrencyCommand, UpdateFunctionCodeCommand} from '@aws-sdk/client-lambda'
import type {LambdaClient} from '@aws-sdk/client-lambda'
import {afterAll, beforeAll, expect, test} from 'vitest'

import {invocationDimensions} from '../../../../src/lib/local/lambda/metrics.js'
import type {LambdaHarness} from '../lambda/harness.js'
import {handlerZip, rejectionOf, ROLE, startLambda} from '../lambda/harness.js'
import {eventually} from './harness.js'

let h: LambdaHarness
let lambda: LambdaClient
let cw: CloudWatchClient

beforeAll(async () => {
  h = await startLambda({alarmTickMs: 50})
  lambda = h.lambda()
  cw = new CloudWatchClient({region: 'us-east-1', endpoint: h.cloud.endpoint, credentials: {accessKeyId: 'sling-local', secretAccessKey: 'sling-local'}, maxAttempts: 1})
  // Version 1 answers, version 2 throws; the alias sends half of its traffic to version 2.
  await lambda.send(new CreateFunctionCommand({FunctionName: 'canary', Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: await handlerZip('return 1')}}))
  await lambda.send(new PublishVersionCommand({FunctionName: 'canary'}))
  await lambda.send(new UpdateFunctionCodeCommand({FunctionName: 'canary', ZipFile: await handlerZip('throw new Error("broken")')}))
  await lambda.send(new PublishVersionCommand({FunctionName: 'canary'}))
  await lambda.send(new CreateAliasCommand({FunctionName: 'canary', Name: 'live', FunctionVersion: '1', RoutingConfig: {AdditionalVersionWeights: {'2': 0.5}}}))
})
afterAll(async () => {
  cw.destroy()
  await h.close()
})

const dims = (extra: Record<string, string> = {}): {Name: string; Value: string}[] => Object.entries({FunctionName: 'canary', ...extra}).map(([Name, Value]) => ({Name, Value}))
const window = (): {StartTime: Date; EndTime: Date} => ({StartTime: new Date(Date.now() - 10 * 60_000), EndTime: new Date(Date.now() + 60_000)})

async function sums(queries: Record<string, {metric: string; dimensions: {Name: string; Value: string}[]; stat?: string}>): Promise<Record<string, number>> {
  const MetricDataQueries: MetricDataQuery[] = Object.entries(queries).map(([Id, q]) => ({Id, MetricStat: {Metric: {Namespace: 'AWS/Lambda', MetricName: q.metric, Dimensions: q.dimensions}, Period: 3600, Stat: q.stat ?? 'Sum'}}))
  const data = await cw.send(new GetMetricDataCommand({MetricDataQueries, ...window()}))
  return Object.fromEntries(data.MetricDataResults!.map((r) => [r.Id!, (r.Values ?? []).reduce((a, b) => a + b, 0)]))
}

test('which series an invocation feeds: unqualified, by version, by alias (with the version that ran)', () => {
  const arn = 'arn:aws:lambda:us-east-1:000000000000:function:fn'
  expect(invocationDimensions(arn, '$LATEST')).toEqual([{}, {FunctionName: 'fn'}])
  expect(invocationDimensions(`${arn}:3`, '3')).toEqual([{}, {FunctionName: 'fn'}, {FunctionName: 'fn', Resource: 'fn:3'}])
  expect(invocationDimensions(`${arn}:$LATEST`, '$LATEST')).toEqual([{}, {FunctionName: 'fn'}, {FunctionName: 'fn', Resource: 'fn:$LATEST'}])
  expect(invocationDimensions(`${arn}:live`, '2')).toEqual([{}, {FunctionName: 'fn'}, {FunctionName: 'fn', Resource: 'fn:live'}, {FunctionName: 'fn', Resource: 'fn:live', ExecutedVersion: '2'}])
})

test('invocations through a weighted alias are counted per executed version; an alarm on the failing version fires, the healthy one\'s does not', async () => {
  const alarm = (version: string) => new PutMetricAlarmCommand({
    AlarmName: `canary-v${version}-errors`, Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, DatapointsToAlarm: 1,
    Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Dimensions: dims({Resource: 'canary:live', ExecutedVersion: version}),
  })
  await cw.send(alarm('1'))
  await cw.send(alarm('2'))
  const ran: Record<string, number> = {}
  for (let i = 0; i < 20; i++) {
    const out = await lambda.send(new InvokeCommand({FunctionName: 'canary', Qualifier: 'live'}))
    ran[out.ExecutedVersion!] = (ran[out.ExecutedVersion!] ?? 0) + 1
  }
  await lambda.send(new InvokeCommand({FunctionName: 'canary', Qualifier: '1'}))
  await lambda.send(new InvokeCommand({FunctionName: 'canary'})) // $LATEST: the broken code
  expect(Object.keys(ran).sort()).toEqual(['1', '2'])

  const got = await sums({
    v1: {metric: 'Invocations', dimensions: dims({Resource: 'canary:live', ExecutedVersion: '1'})},
    v2: {metric: 'Invocations', dimensions: dims({Resource: 'canary:live', ExecutedVersion: '2'})},
    e1: {metric: 'Errors', dimensions: dims({Resource: 'canary:live', ExecutedVersion: '1'})},
    e2: {metric: 'Errors', dimensions: dims({Resource: 'canary:live', ExecutedVersion: '2'})},
    alias: {metric: 'Invocations', dimensions: dims({Resource: 'canary:live'})},
    version: {metric: 'Invocations', dimensions: dims({Resource: 'canary:1'})},
    fn: {metric: 'Invocations', dimensions: dims()},
    fnErrors: {metric: 'Errors', dimensions: dims()},
    all: {metric: 'Invocations', dimensions: []},
    wrongSeries: {metric: 'Invocations', dimensions: dims({Resource: 'canary:2'})},
    durations: {metric: 'Duration', dimensions: dims(), stat: 'SampleCount'},
    peak: {metric: 'ConcurrentExecutions', dimensions: dims(), stat: 'Maximum'},
  })
  expect(got).toMatchObject({v1: ran['1'], v2: ran['2'], e1: 0, e2: ran['2'], alias: 20, version: 1, fn: 22, fnErrors: ran['2']! + 1, all: 22, wrongSeries: 0, durations: 22, peak: 1})

  await eventually(() => cw.send(new DescribeAlarmsCommand({AlarmNames: ['canary-v2-errors']})).then((a) => (a.MetricAlarms?.[0]?.StateValue === 'ALARM' ? true : undefined)))
  // Once evaluated with its data (an evaluation may have run before version 1 first ran), the healthy alarm is OK.
  const healthy = await eventually(() => cw.send(new DescribeAlarmsCommand({AlarmNames: ['canary-v1-errors']})).then((a) => (a.MetricAlarms?.[0]?.StateValue === 'INSUFFICIENT_DATA' ? undefined : a.MetricAlarms![0]!)))
  expect(healthy.StateValue).toBe('OK')

  const listed = await cw.send(new ListMetricsCommand({Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{Name: 'ExecutedVersion'}]}))
  expect(listed.Metrics!.map((m) => m.Dimensions!.find((d) => d.Name === 'ExecutedVersion')!.Value).sort()).toEqual(['1', '2'])
})

test('a throttled call counts in Throttles, not in Invocations', async () => {
  await lambda.send(new CreateFunctionCommand({FunctionName: 'closed', Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: await handlerZip('return 1')}}))
  await lambda.send(new PutFunctionConcurrencyCommand({FunctionName: 'closed', ReservedConcurrentExecutions: 0}))
  const error = await rejectionOf(lambda.send(new InvokeCommand({FunctionName: 'closed'})))
  expect(error.name).toBe('TooManyRequestsException')
  const got = await sums({
    throttles: {metric: 'Throttles', dimensions: [{Name: 'FunctionName', Value: 'closed'}]},
    invocations: {metric: 'Invocations', dimensions: [{Name: 'FunctionName', Value: 'closed'}]},
  })
  expect(got).toEqual({throttles: 1, invocations: 0})
})

/**
 * The path a rollout gate depends on, through a served local cloud (`sling local serve`, the built
 * CLI): a version behind a weighted alias starts failing, its Errors metric under FunctionName +
 * Resource (alias) + ExecutedVersion rises, and the alarm on it goes to ALARM by itself, while the
 * healthy version's alarm doesn't. Then GetMetricData answers the counts per version, and a second
 * server on the same store still has them and keeps evaluating.
 */
import {CloudWatchClient, DescribeAlarmHistoryCommand, DescribeAlarmsCommand, GetMetricDataCommand, PutMetricAlarmCommand} from '@aws-sdk/client-cloudwatch'
import type {MetricAlarm} from '@aws-sdk/client-cloudwatch'
import {CreateAliasCommand, CreateFunctionCommand, InvokeCommand, LambdaClient, PublishVersionCommand, UpdateFunctionCodeCommand, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2, waitUntilPublishedVersionActive} from '@aws-sdk/client-lambda'
import {afterEach, expect, test} from 'vitest'

import {zipOf} from '../helpers/aws.js'
import {tempDir} from '../helpers/cli.js'
import {expectOutputMatchesModel} from '../helpers/model.js'
import {serve} from './local-serve-helper.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const handler = (body: string): Promise<Buffer> => zipOf({'index.mjs': `export const handler = async () => { ${body} }\n`})

async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

test('a failing canary version fires its Errors alarm by itself; the healthy version\'s alarm does not; GetMetricData counts per version', async () => {
  const {dir, cleanup} = await tempDir('sling-e2e-cw-')
  cleanups.push(cleanup)
  const served = await serve(['--port', '0', '--store', dir, '--state-delay', '50'], cleanups, {SLING_LOCAL_ALARM_TICK_MS: '100'})
  const config = {endpoint: served.info.env.AWS_ENDPOINT_URL, region: served.info.env.AWS_REGION, credentials: {accessKeyId: 'sling-local', secretAccessKey: 'sling-local'}, maxAttempts: 1}
  const lambda = new LambdaClient(config)
  const cw = new CloudWatchClient(config)
  cleanups.push(() => Promise.resolve(lambda.destroy()), () => Promise.resolve(cw.destroy()))

  await lambda.send(new CreateFunctionCommand({FunctionName: 'checkout', Role: 'arn:aws:iam::123456789012:role/fn', Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: await handler('return {ok: true}')}}))
  await waitUntilFunctionActiveV2({client: lambda, maxWaitTime: 30}, {FunctionName: 'checkout'})
  await lambda.send(new PublishVersionCommand({FunctionName: 'checkout'}))
  await lambda.send(new UpdateFunctionCodeCommand({FunctionName: 'checkout', ZipFile: await handler('throw new Error("the new version is broken")')}))
  await waitUntilFunctionUpdatedV2({client: lambda, maxWaitTime: 30}, {FunctionName: 'checkout'})
  await lambda.send(new PublishVersionCommand({FunctionName: 'checkout'}))
  // A new version is Pending for a moment (as on Lambda), and invoking it then is a ResourceConflictException.
  for (const version of ['1', '2']) await waitUntilPublishedVersionActive({client: lambda, maxWaitTime: 30}, {FunctionName: 'checkout', Qualifier: version})
  await lambda.send(new CreateAliasCommand({FunctionName: 'checkout', Name: 'live', FunctionVersion: '1', RoutingConfig: {AdditionalVersionWeights: {'2': 0.3}}}))

  const series = (version: string): {Name: string; Value: string}[] => [{Name: 'FunctionName', Value: 'checkout'}, {Name: 'Resource', Value: 'checkout:live'}, {Name: 'ExecutedVersion', Value: version}]
  for (const version of ['1', '2']) {
    await cw.send(new PutMetricAlarmCommand({
      AlarmName: `checkout-v${version}-errors`, Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: series(version), Statistic: 'Sum',
      Period: 60, EvaluationPeriods: 1, DatapointsToAlarm: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    }))
  }

  const ran: Record<string, number> = {'1': 0, '2': 0}
  while (ran['2']! < 3 || ran['1']! < 3) {
    const out = await lambda.send(new InvokeCommand({FunctionName: 'checkout', Qualifier: 'live'}))
    ran[out.ExecutedVersion!]! += 1
    expect(out.FunctionError).toBe(out.ExecutedVersion === '2' ? 'Unhandled' : undefined)
  }

  const state = async (name: string): Promise<MetricAlarm> => {
    const answer = await cw.send(new DescribeAlarmsCommand({AlarmNames: [name]}))
    expectOutputMatchesModel('cloudwatch', 'DescribeAlarms', answer)
    return answer.MetricAlarms![0]!
  }
  const fired = await until('the canary alarm', async () => {
    const alarm = await state('checkout-v2-errors')
    return alarm.StateValue === 'ALARM' ? alarm : undefined
  })
  // It fired while the loop still ran: on the errors of its first failing invocations.
  const reason = /^Threshold Crossed: 1 datapoint \[(\d+)\.0 \(.*\)\] was greater than or equal to the threshold \(1\.0\)\.$/.exec(fired.StateReason ?? '')
  expect(Number(reason?.[1])).toBeGreaterThanOrEqual(1)
  expect(Number(reason?.[1])).toBeLessThanOrEqual(ran['2']!)
  const healthy = await until('the healthy alarm to be evaluated', async () => {
    const alarm = await state('checkout-v1-errors')
    return alarm.StateValue === 'INSUFFICIENT_DATA' ? undefined : alarm
  })
  expect(healthy.StateValue).toBe('OK')

  const queries = ['1', '2'].flatMap((version) => [
    {Id: `invocations_v${version}`, MetricStat: {Metric: {Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions: series(version)}, Period: 60, Stat: 'Sum'}},
    {Id: `errors_v${version}`, MetricStat: {Metric: {Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: series(version)}, Period: 60, Stat: 'Sum'}},
  ])
  const totals = async (): Promise<Record<string, number>> => {
    const data = await cw.send(new GetMetricDataCommand({MetricDataQueries: queries, StartTime: new Date(Date.now() - 5 * 60_000), EndTime: new Date(Date.now() + 60_000)}))
    expectOutputMatchesModel('cloudwatch', 'GetMetricData', data)
    return Object.fromEntries(data.MetricDataResults!.map((r) => [r.Id!, (r.Values ?? []).reduce((a, b) => a + b, 0)]))
  }
  const expected = {invocations_v1: ran['1'], errors_v1: 0, invocations_v2: ran['2'], errors_v2: ran['2']}
  expect(await totals()).toEqual(expected)

  // The metrics, the alarms and their history are in the store: a new server has them and goes on evaluating.
  served.child.kill('SIGTERM')
  expect(await served.exited).toEqual({code: 0, signal: null})
  const again = await serve(['--port', '0', '--store', dir], cleanups, {SLING_LOCAL_ALARM_TICK_MS: '100'})
  const cw2 = new CloudWatchClient({...config, endpoint: again.info.env.AWS_ENDPOINT_URL})
  cleanups.push(() => Promise.resolve(cw2.destroy()))
  const history = await cw2.send(new DescribeAlarmHistoryCommand({AlarmName: 'checkout-v2-errors', HistoryItemType: 'StateUpdate'}))
  expect(history.AlarmHistoryItems!.map((item) => item.HistorySummary)).toEqual(['Alarm updated from INSUFFICIENT_DATA to ALARM'])
  const data = await cw2.send(new GetMetricDataCommand({MetricDataQueries: queries, StartTime: new Date(Date.now() - 5 * 60_000), EndTime: new Date(Date.now() + 60_000)}))
  expect(Object.fromEntries(data.MetricDataResults!.map((r) => [r.Id!, (r.Values ?? []).reduce((a, b) => a + b, 0)]))).toEqual(expected)
})

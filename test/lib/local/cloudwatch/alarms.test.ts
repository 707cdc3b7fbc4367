import {DeleteAlarmsCommand, DescribeAlarmHistoryCommand, DescribeAlarmsCommand, PutMetricAlarmCommand, PutMetricDataCommand, SetAlarmStateCommand} from '@aws-sdk/client-cloudwatch'
import type {MetricAlarm, PutMetricAlarmCommandInput} from '@aws-sdk/client-cloudwatch'
import {afterAll, beforeAll, expect, test, vi} from 'vitest'

import {startEvaluator} from '../../../../src/lib/local/cloudwatch/evaluator.js'
import {Store} from '../../../../src/lib/local/store.js'
import {tempDir} from '../../../helpers/cli.js'
import {expectModeledError, expectOutputMatchesModel} from '../../../helpers/model.js'
import type {CloudWatchHarness} from './harness.js'
import {eventually, rejectionOf, startCloudWatch} from './harness.js'

let h: CloudWatchHarness
beforeAll(async () => {
  h = await startCloudWatch()
})
afterAll(async () => {
  await h.close()
})

const alarm = (name: string, extra: Partial<PutMetricAlarmCommandInput> = {}): PutMetricAlarmCommandInput => ({
  AlarmName: name,
  Namespace: 'Shop',
  MetricName: 'Failures',
  Dimensions: [{Name: 'Alarm', Value: name}],
  Statistic: 'Sum',
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: 5,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  ...extra,
})

async function describe(name: string): Promise<MetricAlarm> {
  const answer = await h.cw.send(new DescribeAlarmsCommand({AlarmNames: [name]}))
  expectOutputMatchesModel('cloudwatch', 'DescribeAlarms', answer)
  return answer.MetricAlarms![0]!
}

const inState = (name: string, state: string) => () => describe(name).then((a) => (a.StateValue === state ? a : undefined))

function publish(name: string, value: number): Promise<unknown> {
  return h.cw.send(new PutMetricDataCommand({Namespace: 'Shop', MetricData: [{MetricName: 'Failures', Dimensions: [{Name: 'Alarm', Value: name}], Value: value}]}))
}

test('a new alarm is INSUFFICIENT_DATA until its metric breaches; then ALARM with CloudWatch\'s reason, reason data and history', async () => {
  const put = await h.cw.send(new PutMetricAlarmCommand(alarm('errors', {AlarmActions: ['arn:aws:sns:us-east-1:000000000000:pager']})))
  expectOutputMatchesModel('cloudwatch', 'PutMetricAlarm', put)
  const created = await describe('errors')
  expect(created).toMatchObject({
    AlarmName: 'errors',
    AlarmArn: 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:errors',
    StateValue: 'INSUFFICIENT_DATA',
    StateReason: 'Unchecked: Initial alarm creation',
    ActionsEnabled: true,
    AlarmActions: ['arn:aws:sns:us-east-1:000000000000:pager'],
    OKActions: [],
    Threshold: 5,
  })
  await publish('errors', 7)
  const fired = await eventually(inState('errors', 'ALARM'))
  expect(fired.StateReason).toMatch(/^Threshold Crossed: 1 datapoint \[7\.0 \(\d\d\/\d\d\/\d\d \d\d:\d\d:00\)\] was greater than or equal to the threshold \(5\.0\)\.$/)
  const data = JSON.parse(fired.StateReasonData!) as Record<string, unknown>
  expect(data).toMatchObject({version: '1.0', statistic: 'Sum', period: 60, threshold: 5, recentDatapoints: [7]})
  expect(fired.StateReasonData).toContain('"threshold":5.0')
  expect(fired.StateTransitionedTimestamp!.getTime()).toBeGreaterThan(created.StateTransitionedTimestamp!.getTime())

  const history = await h.cw.send(new DescribeAlarmHistoryCommand({AlarmName: 'errors'}))
  expectOutputMatchesModel('cloudwatch', 'DescribeAlarmHistory', history)
  expect(history.AlarmHistoryItems!.map((item) => [item.HistoryItemType, item.HistorySummary])).toEqual([
    ['StateUpdate', 'Alarm updated from INSUFFICIENT_DATA to ALARM'],
    ['ConfigurationUpdate', 'Alarm "errors" created'],
  ])
  const update = JSON.parse(history.AlarmHistoryItems![0]!.HistoryData!) as {oldState: unknown; newState: {stateValue: string; stateReasonData: unknown}}
  expect(update.oldState).toEqual({stateValue: 'INSUFFICIENT_DATA', stateReason: 'Unchecked: Initial alarm creation'})
  expect(update.newState).toMatchObject({stateValue: 'ALARM', stateReasonData: {statistic: 'Sum'}})
})

test('treat missing data: notBreaching goes OK, breaching goes ALARM, missing stays INSUFFICIENT_DATA', async () => {
  await h.cw.send(new PutMetricAlarmCommand(alarm('quiet-ok', {TreatMissingData: 'notBreaching'})))
  await h.cw.send(new PutMetricAlarmCommand(alarm('quiet-bad', {TreatMissingData: 'breaching'})))
  await h.cw.send(new PutMetricAlarmCommand(alarm('quiet-missing')))
  const ok = await eventually(inState('quiet-ok', 'OK'))
  expect(ok.StateReason).toBe('Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].')
  const bad = await eventually(inState('quiet-bad', 'ALARM'))
  expect(bad.StateReason).toBe('Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [Breaching].')
  expect((await describe('quiet-missing')).StateValue).toBe('INSUFFICIENT_DATA')
})

test('SetAlarmState holds until the evaluation sees new data, then the data decides', async () => {
  await h.cw.send(new PutMetricAlarmCommand(alarm('manual', {TreatMissingData: 'notBreaching'})))
  await eventually(inState('manual', 'OK'))
  // The hold also ends when the range moves on to the next minute: keep this check clear of a minute's end.
  const intoMinute = Date.now() % 60_000
  if (intoMinute > 58_000) await new Promise((resolve) => setTimeout(resolve, 60_100 - intoMinute))
  const set = await h.cw.send(new SetAlarmStateCommand({AlarmName: 'manual', StateValue: 'ALARM', StateReason: 'testing the rollback', StateReasonData: '{"by":"test"}'}))
  expectOutputMatchesModel('cloudwatch', 'SetAlarmState', set)
  await new Promise((resolve) => setTimeout(resolve, 400)) // 8 ticks
  expect(await describe('manual')).toMatchObject({StateValue: 'ALARM', StateReason: 'testing the rollback', StateReasonData: '{"by":"test"}'})
  await publish('manual', 1)
  const back = await eventually(inState('manual', 'OK'))
  expect(back.StateReason).toMatch(/^Threshold Crossed: 1 datapoint \[1\.0 .*\] was not greater than or equal to the threshold \(5\.0\)\.$/)
  const history = await h.cw.send(new DescribeAlarmHistoryCommand({AlarmName: 'manual', HistoryItemType: 'StateUpdate', ScanBy: 'TimestampAscending'}))
  expect(history.AlarmHistoryItems!.map((item) => item.HistorySummary)).toEqual(['Alarm updated from INSUFFICIENT_DATA to OK', 'Alarm updated from OK to ALARM', 'Alarm updated from ALARM to OK'])
  expect(JSON.parse(history.AlarmHistoryItems![1]!.HistoryData!)).toMatchObject({newState: {stateValue: 'ALARM', stateReason: 'testing the rollback', stateReasonData: {by: 'test'}}})

  const missing = await rejectionOf(h.cw.send(new SetAlarmStateCommand({AlarmName: 'nope', StateValue: 'OK', StateReason: 'x'})))
  expect(missing).toMatchObject({name: 'ResourceNotFound', message: 'Alarm nope not found'})
  expectModeledError('cloudwatch', 'SetAlarmState', missing)
  const badJson = await rejectionOf(h.cw.send(new SetAlarmStateCommand({AlarmName: 'manual', StateValue: 'OK', StateReason: 'x', StateReasonData: '{nope'})))
  expect(badJson.name).toBe('InvalidFormatFault')
  expectModeledError('cloudwatch', 'SetAlarmState', badJson)
})

test('2 out of 3 datapoints: a metric math alarm on an error rate', async () => {
  const rate: PutMetricAlarmCommandInput = {
    AlarmName: 'rate',
    EvaluationPeriods: 3,
    DatapointsToAlarm: 2,
    Threshold: 10,
    ComparisonOperator: 'GreaterThanThreshold',
    Metrics: [
      {Id: 'e', MetricStat: {Metric: {Namespace: 'Shop', MetricName: 'Failures', Dimensions: [{Name: 'Alarm', Value: 'rate'}]}, Period: 60, Stat: 'Sum'}, ReturnData: false},
      {Id: 'n', MetricStat: {Metric: {Namespace: 'Shop', MetricName: 'Calls', Dimensions: [{Name: 'Alarm', Value: 'rate'}]}, Period: 60, Stat: 'Sum'}, ReturnData: false},
      {Id: 'pct', Expression: 'e / n * 100', Label: 'error rate'},
    ],
  }
  await h.cw.send(new PutMetricAlarmCommand(rate))
  const now = Date.now()
  const minute = (back: number): Date => new Date(now - back * 60_000)
  const dims = [{Name: 'Alarm', Value: 'rate'}]
  await h.cw.send(new PutMetricDataCommand({Namespace: 'Shop', MetricData: [2, 1, 0].flatMap((back) => [
    {MetricName: 'Calls', Dimensions: dims, Timestamp: minute(back), Value: 100},
    {MetricName: 'Failures', Dimensions: dims, Timestamp: minute(back), Value: back === 2 ? 50 : back === 1 ? 1 : 20},
  ])}))
  const fired = await eventually(inState('rate', 'ALARM'))
  expect(fired.StateReason).toMatch(/^Threshold Crossed: 2 out of the last 3 datapoints \[20\.0 \(.*\), 50\.0 \(.*\)\] were greater than the threshold \(10\.0\) \(minimum 2 datapoints for INSUFFICIENT_DATA -> ALARM transition\)\.$/)
  expect(fired.Metrics).toHaveLength(3)
})

test('PutMetricAlarm refuses what CloudWatch refuses, and what the local cloud does not evaluate', async () => {
  const cases: [Partial<PutMetricAlarmCommandInput>, string, RegExp][] = [
    [{DatapointsToAlarm: 2}, 'InvalidParameterValueException', /DatapointsToAlarm must be less than or equal to EvaluationPeriods/],
    [{ExtendedStatistic: 'p99'}, 'InvalidParameterCombinationException', /Exactly one of the parameters Statistic and ExtendedStatistic/],
    [{ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold'}, 'InvalidParameterValueException', /anomaly detection alarms, which the sling local cloud doesn't evaluate/],
    [{Period: 45}, 'InvalidParameterValueException', /Period must be 10, 20, 30, or a multiple of 60/],
    [{TreatMissingData: 'sometimes'}, 'InvalidParameterValueException', /TreatMissingData/],
    [{EvaluationPeriods: 1441}, 'InvalidParameterValueException', /must not exceed 86400 seconds/],
  ]
  for (const [change, name, message] of cases) {
    const error = await rejectionOf(h.cw.send(new PutMetricAlarmCommand(alarm('refused', change))))
    expect(error.name, JSON.stringify(change)).toBe(name)
    expect(error.message).toMatch(message)
    expect(error.$metadata?.httpStatusCode).toBe(400)
  }
  const noName = await rejectionOf(h.cw.send(new PutMetricAlarmCommand(alarm(''))))
  expect(noName.message).toMatch(/Value '' at 'alarmName' failed to satisfy constraint: Member must have length greater than or equal to 1/)
  expect((await h.cw.send(new DescribeAlarmsCommand({AlarmNames: ['refused']}))).MetricAlarms).toEqual([])
})

test('DescribeAlarms filters by names, prefix, state and types, in pages; an update keeps the state; DeleteAlarms', async () => {
  for (const name of ['page-a', 'page-b', 'page-c']) await h.cw.send(new PutMetricAlarmCommand(alarm(name, {TreatMissingData: 'notBreaching'})))
  const names: string[] = []
  let NextToken: string | undefined
  do {
    const page = await h.cw.send(new DescribeAlarmsCommand({AlarmNamePrefix: 'page-', MaxRecords: 2, NextToken}))
    names.push(...page.MetricAlarms!.map((a) => a.AlarmName!))
    NextToken = page.NextToken
  } while (NextToken)
  expect(names).toEqual(['page-a', 'page-b', 'page-c'])
  const composite = await h.cw.send(new DescribeAlarmsCommand({AlarmTypes: ['CompositeAlarm']}))
  expect(composite).toMatchObject({MetricAlarms: [], CompositeAlarms: []})
  await eventually(inState('page-a', 'OK'))
  const ok = await h.cw.send(new DescribeAlarmsCommand({AlarmNamePrefix: 'page-', StateValue: 'OK'}))
  expect(ok.MetricAlarms!.length).toBeGreaterThanOrEqual(1)

  await h.cw.send(new PutMetricAlarmCommand(alarm('page-a', {TreatMissingData: 'notBreaching', Threshold: 9})))
  expect(await describe('page-a')).toMatchObject({StateValue: 'OK', Threshold: 9})
  const updated = await h.cw.send(new DescribeAlarmHistoryCommand({AlarmName: 'page-a', HistoryItemType: 'ConfigurationUpdate'}))
  expect(updated.AlarmHistoryItems![0]!.HistorySummary).toBe('Alarm "page-a" updated')
  expect(JSON.parse(updated.AlarmHistoryItems![0]!.HistoryData!)).toMatchObject({type: 'Update', originalUpdatedFields: {threshold: 5}, updatedAlarm: {threshold: 9}})

  const deleted = await h.cw.send(new DeleteAlarmsCommand({AlarmNames: ['page-a', 'page-b', 'never-existed']}))
  expectOutputMatchesModel('cloudwatch', 'DeleteAlarms', deleted)
  expect((await h.cw.send(new DescribeAlarmsCommand({AlarmNamePrefix: 'page-'}))).MetricAlarms!.map((a) => a.AlarmName)).toEqual(['page-c'])
})

test('DescribeAlarms over the query protocol: the MetricAlarm shape as XML', async () => {
  await h.cw.send(new PutMetricAlarmCommand(alarm('xml')))
  const answer = await h.query({Action: 'DescribeAlarms', 'AlarmNames.member.1': 'xml'})
  expect(answer.status).toBe(200)
  expect(answer.body).toMatchObject({
    DescribeAlarmsResponse: {
      '@_xmlns': 'http://monitoring.amazonaws.com/doc/2010-08-01/',
      DescribeAlarmsResult: {MetricAlarms: {member: [{AlarmName: 'xml', StateValue: 'INSUFFICIENT_DATA', Period: '60', Threshold: '5', Dimensions: {member: [{Name: 'Alarm', Value: 'xml'}]}}]}},
    },
  })
  const set = await h.query({Action: 'SetAlarmState', AlarmName: 'missing', StateValue: 'OK', StateReason: 'x'})
  expect(set.status).toBe(404)
  expect(set.body).toMatchObject({ErrorResponse: {Error: {Code: 'ResourceNotFound', Message: 'Alarm missing not found'}}})
})

test('of two evaluators on one store only the lease holder evaluates; closing hands the lease over', async () => {
  const temp = await tempDir('sling-cw-lease-')
  const first = new Store(temp.dir)
  const second = new Store(temp.dir)
  const one = startEvaluator(first, {tickMs: 3_600_000, delayMs: 0})
  const two = startEvaluator(second, {tickMs: 3_600_000, delayMs: 0})
  try {
    await one.tick()
    const spy = vi.spyOn(second, 'transaction')
    await two.tick()
    expect(spy).not.toHaveBeenCalled()
    await one.close()
    await two.tick()
    expect(spy).toHaveBeenCalled()
  } finally {
    await one.close()
    await two.close()
    await temp.cleanup()
  }
})

import {CloudWatchClient, DeleteAlarmsCommand, DescribeAlarmsCommand, GetMetricDataCommand, PutMetricAlarmCommand} from '@aws-sdk/client-cloudwatch'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, expect, test} from 'vitest'

import {createCloudWatchApi} from '../../../src/lib/aws/cloudwatch.js'

const cwMock = mockClient(CloudWatchClient)
afterEach(() => {
  cwMock.reset()
})

const api = () => createCloudWatchApi(new CloudWatchClient({region: 'eu-west-1'}), {region: 'eu-west-1'})

test('describeAlarms asks for metric and composite alarms by name, in batches of 100, following pages', async () => {
  const names = Array.from({length: 101}, (_, i) => `alarm-${i}`)
  cwMock
    .on(DescribeAlarmsCommand, {AlarmNames: names.slice(0, 100), NextToken: undefined})
    .resolves({MetricAlarms: [{AlarmName: 'alarm-0', AlarmArn: 'arn:0', StateValue: 'OK', StateReason: 'fine'}], NextToken: 't'})
    .on(DescribeAlarmsCommand, {AlarmNames: names.slice(0, 100), NextToken: 't'})
    .resolves({CompositeAlarms: [{AlarmName: 'alarm-1', AlarmArn: 'arn:1', StateValue: 'ALARM', StateUpdatedTimestamp: new Date(5)}]})
    .on(DescribeAlarmsCommand, {AlarmNames: ['alarm-100']})
    .resolves({})
  const alarms = await api().describeAlarms({names})
  expect(alarms).toEqual([
    {name: 'alarm-0', arn: 'arn:0', kind: 'metric', state: 'OK', stateReason: 'fine', stateUpdatedAt: undefined},
    {name: 'alarm-1', arn: 'arn:1', kind: 'composite', state: 'ALARM', stateReason: undefined, stateUpdatedAt: new Date(5)},
  ])
  expect(cwMock).toHaveReceivedCommandTimes(DescribeAlarmsCommand, 3)
  expect(cwMock).toHaveReceivedCommandWith(DescribeAlarmsCommand, {AlarmTypes: ['MetricAlarm', 'CompositeAlarm']})
})

test('describeAlarms with no names asks nothing (AWS would answer with every alarm in the account)', async () => {
  expect(await api().describeAlarms({names: []})).toEqual([])
  expect(cwMock).not.toHaveReceivedCommand(DescribeAlarmsCommand)
})

test('getMetricData sends metric and expression queries, and joins the pages of each series oldest first', async () => {
  const start = new Date('2025-01-01T00:00:00Z')
  const end = new Date('2025-01-01T00:10:00Z')
  cwMock
    .on(GetMetricDataCommand, {NextToken: undefined})
    .resolves({MetricDataResults: [{Id: 'errors', Label: 'Errors', Timestamps: [new Date(1)], Values: [2], StatusCode: 'PartialData'}], NextToken: 'n'})
    .on(GetMetricDataCommand, {NextToken: 'n'})
    .resolves({MetricDataResults: [{Id: 'errors', Timestamps: [new Date(2)], Values: [0], StatusCode: 'Complete'}, {Id: 'rate', Timestamps: [], Values: []}]})
  const series = await api().getMetricData(
    [
      {id: 'errors', metric: {namespace: 'AWS/Lambda', name: 'Errors', dimensions: {FunctionName: 'hello', Resource: 'hello:live'}}, stat: 'Sum', periodSeconds: 60, returnData: false},
      {id: 'rate', expression: 'errors / invocations', label: 'error rate'},
    ],
    {start, end},
  )
  expect(cwMock).toHaveReceivedCommandWith(GetMetricDataCommand, {
    StartTime: start, EndTime: end, ScanBy: 'TimestampAscending',
    MetricDataQueries: [
      {Id: 'errors', ReturnData: false, MetricStat: {Metric: {Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{Name: 'FunctionName', Value: 'hello'}, {Name: 'Resource', Value: 'hello:live'}]}, Stat: 'Sum', Period: 60}},
      {Id: 'rate', Label: 'error rate', Expression: 'errors / invocations'},
    ],
  })
  expect(series).toEqual([
    {id: 'errors', label: 'Errors', points: [{timestamp: new Date(1), value: 2}, {timestamp: new Date(2), value: 0}], status: 'Complete'},
    {id: 'rate', label: undefined, points: [], status: undefined},
  ])
})

test('putMetricAlarm puts percentiles in ExtendedStatistic; deleteAlarms deletes by name', async () => {
  cwMock.on(PutMetricAlarmCommand).resolves({}).on(DeleteAlarmsCommand).resolves({})
  await api().putMetricAlarm({name: 'slow', metric: {namespace: 'AWS/Lambda', name: 'Duration', dimensions: {FunctionName: 'hello'}}, stat: 'p99', periodSeconds: 60, evaluationPeriods: 1, threshold: 1000, comparison: 'GreaterThanThreshold', treatMissingData: 'notBreaching'})
  expect(cwMock).toHaveReceivedCommandWith(PutMetricAlarmCommand, {
    AlarmName: 'slow', Namespace: 'AWS/Lambda', MetricName: 'Duration', Dimensions: [{Name: 'FunctionName', Value: 'hello'}], ExtendedStatistic: 'p99', Statistic: undefined,
    Period: 60, EvaluationPeriods: 1, Threshold: 1000, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
  })
  await api().deleteAlarms(['slow'])
  expect(cwMock).toHaveReceivedCommandWith(DeleteAlarmsCommand, {AlarmNames: ['slow']})
})

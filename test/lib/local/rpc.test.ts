/**
 * One table of operations served over both protocols a query-compatible service speaks: JSON 1.0
 * (the AWS SDK for JavaScript v3) and query (form in, XML out: older clients). The table here is a
 * stand-in for CloudWatch, the next service: the codecs, not CloudWatch, are under test.
 */
import {CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand, PutMetricDataCommand} from '@aws-sdk/client-cloudwatch'
import {XMLParser} from 'fast-xml-parser'
import {afterAll, beforeAll, expect, test} from 'vitest'

import {ServiceError} from '../../../src/lib/local/contract.js'
import type {LocalContext} from '../../../src/lib/local/contract.js'
import {validationMessage} from '../../../src/lib/local/model/validate.js'
import type {RpcService} from '../../../src/lib/local/protocols/rpc.js'
import {createRpcRouter} from '../../../src/lib/local/protocols/rpc.js'
import type {LocalCloud} from '../../../src/lib/local/server.js'
import {startLocalCloud} from '../../../src/lib/local/server.js'
import {rejectionOf} from '../../helpers/aws.js'
import {tempDir} from '../../helpers/cli.js'
import {expectOutputMatchesModel} from '../../helpers/model.js'

const received: Record<string, unknown>[] = []
const ALARM = {
  AlarmName: 'errors',
  AlarmArn: 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:errors',
  StateValue: 'OK',
  StateUpdatedTimestamp: new Date('2026-01-02T03:04:05.000Z'),
  MetricName: 'Errors',
  Namespace: 'AWS/Lambda',
  Statistic: 'Sum',
  Dimensions: [{Name: 'FunctionName', Value: 'fn'}],
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: 1,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  AlarmActions: [],
}

const CLOUDWATCH: RpcService<LocalContext> = {
  signingName: 'monitoring',
  model: 'cloudwatch',
  json: {version: '1.0', targetPrefix: 'GraniteServiceVersion20100801'},
  query: {xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/'},
  queryCompatible: true,
  operations: {
    PutMetricData: (input) => {
      received.push(input)
      return Promise.resolve(undefined)
    },
    PutMetricAlarm: () => Promise.resolve(undefined),
    DescribeAlarms: () => Promise.resolve({MetricAlarms: [ALARM], CompositeAlarms: []}),
  },
  bodyLimit: 1024 * 1024,
  tooLarge: () => new ServiceError(413, 'RequestEntityTooLarge', 'too large'),
  unknownOperation: (name) => new ServiceError(400, 'InvalidAction', `Could not find operation ${name ?? ''}`),
  validation: (problems) => new ServiceError(400, 'InvalidParameterValueException', validationMessage(problems)),
  scope: (_request, context) => context,
}

let cloud: LocalCloud
let cleanup: () => Promise<void>
let client: CloudWatchClient
const xml = new XMLParser({ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === 'member'})
const sign = 'AWS4-HMAC-SHA256 Credential=sling-local/20260101/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=x'

beforeAll(async () => {
  const tmp = await tempDir('sling-rpc-')
  cleanup = tmp.cleanup
  cloud = await startLocalCloud({storeDir: tmp.dir, routers: [(context) => createRpcRouter(CLOUDWATCH, context)]})
  client = new CloudWatchClient({region: 'us-east-1', endpoint: cloud.endpoint, credentials: {accessKeyId: 'a', secretAccessKey: 'b'}, maxAttempts: 1})
})
afterAll(async () => {
  client.destroy()
  await cloud.close()
  await cleanup()
})

function query(body: string): Promise<Response> {
  return fetch(cloud.endpoint, {method: 'POST', headers: {authorization: sign, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8'}, body})
}

test('JSON and query requests decode to the same input object, shaped by the model', async () => {
  received.length = 0
  const datum = {MetricName: 'Errors', Value: 1, Unit: 'Count' as const, Dimensions: [{Name: 'FunctionName', Value: 'fn'}, {Name: 'Resource', Value: 'fn:live'}]}
  await client.send(new PutMetricDataCommand({Namespace: 'AWS/Lambda', MetricData: [datum]}))
  const form = [
    'Action=PutMetricData&Version=2010-08-01&Namespace=AWS%2FLambda',
    'MetricData.member.1.MetricName=Errors&MetricData.member.1.Value=1&MetricData.member.1.Unit=Count',
    'MetricData.member.1.Dimensions.member.1.Name=FunctionName&MetricData.member.1.Dimensions.member.1.Value=fn',
    'MetricData.member.1.Dimensions.member.2.Name=Resource&MetricData.member.1.Dimensions.member.2.Value=fn%3Alive',
  ].join('&')
  const response = await query(form)
  expect(response.status).toBe(200)
  const answer = xml.parse(await response.text()) as {PutMetricDataResponse: {'@_xmlns': string; ResponseMetadata: {RequestId: string}}}
  expect(answer.PutMetricDataResponse['@_xmlns']).toBe('http://monitoring.amazonaws.com/doc/2010-08-01/')
  expect(answer.PutMetricDataResponse.ResponseMetadata.RequestId).toMatch(/^[0-9a-f-]{36}$/)
  expect(received).toEqual([
    {Namespace: 'AWS/Lambda', MetricData: [datum]},
    {Namespace: 'AWS/Lambda', MetricData: [datum]},
  ])
})

test('one output structure is written as JSON for the SDK and as model-shaped XML for the query protocol', async () => {
  const json = await client.send(new DescribeAlarmsCommand({}))
  expectOutputMatchesModel('cloudwatch', 'DescribeAlarms', json)
  expect(json.MetricAlarms?.[0]).toMatchObject({...ALARM, StateUpdatedTimestamp: ALARM.StateUpdatedTimestamp})

  const response = await query('Action=DescribeAlarms&Version=2010-08-01')
  const body = xml.parse(await response.text()) as {DescribeAlarmsResponse: {DescribeAlarmsResult: {MetricAlarms: {member: Record<string, unknown>[]}; CompositeAlarms: string}}}
  const result = body.DescribeAlarmsResponse.DescribeAlarmsResult
  expect(result.CompositeAlarms).toBe('')
  expect(result.MetricAlarms.member).toHaveLength(1)
  expect(result.MetricAlarms.member[0]).toMatchObject({
    AlarmName: 'errors',
    StateUpdatedTimestamp: '2026-01-02T03:04:05.000Z',
    Dimensions: {member: [{Name: 'FunctionName', Value: 'fn'}]},
    Period: '60',
    AlarmActions: '',
  })
})

test('the model validates every input, and the error carries the query-compatible code in either protocol', async () => {
  const error = await rejectionOf(client.send(new PutMetricAlarmCommand({AlarmName: 'a', EvaluationPeriods: 0, ComparisonOperator: 'Sideways' as never, Namespace: ':bad'})))
  expect(error.$metadata?.httpStatusCode).toBe(400)
  expect(error.message).toBe(
    "3 validation errors detected: Value ':bad' at 'namespace' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:].*; " +
      "Value '0' at 'evaluationPeriods' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
      "Value 'Sideways' at 'comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold, LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold, GreaterThanUpperThreshold]",
  )
  expect(['InvalidParameterValueException', 'InvalidParameterValue']).toContain(error.name)

  const response = await query('Action=PutMetricAlarm&Version=2010-08-01&EvaluationPeriods=1')
  expect(response.status).toBe(400)
  const body = xml.parse(await response.text()) as {ErrorResponse: {Error: Record<string, string>}}
  expect(body.ErrorResponse.Error).toEqual({Type: 'Sender', Code: 'InvalidParameterValue', Message: "1 validation error detected: Value null at 'alarmName' failed to satisfy constraint: Member must not be null"})
})

test('an operation the table lacks is answered in the protocol used', async () => {
  const response = await query('Action=DeleteDashboards&Version=2010-08-01')
  expect(response.status).toBe(400)
  expect(xml.parse(await response.text())).toMatchObject({ErrorResponse: {Error: {Code: 'InvalidAction', Message: 'Could not find operation DeleteDashboards'}}})
})

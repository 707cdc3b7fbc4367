import {CloudWatchClient, PutDashboardCommand} from '@aws-sdk/client-cloudwatch'
import {XMLParser} from 'fast-xml-parser'
import {afterAll, beforeAll, expect, test} from 'vitest'

import type {LocalCloud} from '../../../src/lib/local/server.js'
import {startLocalCloud} from '../../../src/lib/local/server.js'
import {rejectionOf} from '../../helpers/aws.js'
import {tempDir} from '../../helpers/cli.js'

let cloud: LocalCloud
let cleanup: () => Promise<void>
const credentials = {accessKeyId: 'sling-local', secretAccessKey: 'sling-local'}
const sign = (service: string): string => `AWS4-HMAC-SHA256 Credential=sling-local/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=x`

beforeAll(async () => {
  const tmp = await tempDir('sling-unemulated-')
  cleanup = tmp.cleanup
  cloud = await startLocalCloud({storeDir: tmp.dir})
})
afterAll(async () => {
  await cloud.close()
  await cleanup()
})

test('a query-compatible JSON 1.0 service (SQS, CloudWatch) asked for an operation sling does not emulate gets the error in JSON, with its query code in x-amzn-query-error', async () => {
  const cloudwatch = new CloudWatchClient({region: 'us-east-1', endpoint: cloud.endpoint, credentials, maxAttempts: 1})
  const error = await rejectionOf(cloudwatch.send(new PutDashboardCommand({DashboardName: 'd', DashboardBody: '{}'})))
  cloudwatch.destroy()
  expect(error.name).toBe('NotImplemented')
  expect(error.$metadata?.httpStatusCode).toBe(400)
  expect(error.message).toBe('The sling local cloud doesn\'t emulate the CloudWatch operation PutDashboard yet.')

  const raw = await fetch(cloud.endpoint, {
    method: 'POST',
    headers: {authorization: sign('sqs'), 'x-amz-target': 'AmazonSQS.AddPermission', 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-mode': 'true'},
    body: '{}',
  })
  expect(raw.headers.get('content-type')).toBe('application/x-amz-json-1.0')
  // SQS has its own error for this (UnsupportedOperation, query code AWS.SimpleQueueService.UnsupportedOperation).
  expect(raw.status).toBe(400)
  expect(raw.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.UnsupportedOperation;Sender')
  expect(await raw.json()).toMatchObject({__type: 'UnsupportedOperation'})
})

test('an older client speaking the query protocol to SNS gets an <ErrorResponse> it can parse', async () => {
  for (const [service, namespace] of [
    ['sns', 'http://sns.amazonaws.com/doc/2010-03-31/'],
  ] as const) {
    const response = await fetch(cloud.endpoint, {
      method: 'POST',
      headers: {authorization: sign(service), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8'},
      body: 'Action=ListQueues&Version=2012-11-05',
    })
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toBe('text/xml')
    const xml = new XMLParser({ignoreAttributes: false}).parse(await response.text()) as {ErrorResponse: {'@_xmlns': string; Error: Record<string, string>; RequestId: string}}
    expect(xml.ErrorResponse.Error).toEqual({Type: 'Sender', Code: 'NotImplemented', Message: `The sling local cloud doesn't emulate the "${service}" service yet (ListQueues was called).`})
    if (namespace) expect(xml.ErrorResponse['@_xmlns']).toBe(namespace)
    expect(xml.ErrorResponse.RequestId).toMatch(/^[0-9a-f-]{36}$/)
  }
})

test('an unsigned JSON call is routed by its X-Amz-Target prefix, and answered in JSON', async () => {
  const response = await fetch(cloud.endpoint, {method: 'POST', headers: {'x-amz-target': 'AWSEvents.ListRules', 'content-type': 'application/x-amz-json-1.1'}, body: '{}'})
  expect(response.status).toBe(400)
  expect(await response.json()).toEqual({__type: 'NotImplemented', message: 'The sling local cloud doesn\'t emulate the "events" service yet (ListRules was called).'})
})

test('a REST-JSON service with no vendored model (EventBridge Scheduler has one; Kinesis Video has none) still gets JSON', async () => {
  for (const service of ['scheduler', 'kinesisvideo']) {
    const response = await fetch(`${cloud.endpoint}/schedules`, {headers: {authorization: sign(service)}})
    expect(response.status).toBe(400)
    expect(response.headers.get('x-amzn-errortype')).toBe('NotImplemented')
    expect(((await response.json()) as {message: string}).message).toContain(`doesn't emulate the "${service}" service yet`)
  }
})

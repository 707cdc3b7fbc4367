import {
  AccessDeniedException,
  CloudWatchLogsClient,
  DeleteLogGroupCommand,
  FilterLogEventsCommand,
  ResourceNotFoundException,
  SessionTimeoutException,
  StartLiveTailCommand,
} from '@aws-sdk/client-cloudwatch-logs'
import type {StartLiveTailResponseStream} from '@aws-sdk/client-cloudwatch-logs'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, expect, test, vi} from 'vitest'

import {createAwsClients} from '../../../src/lib/aws/clients.js'
import type {LiveTailUpdate} from '../../../src/lib/aws/logs.js'
import {createLogsApi} from '../../../src/lib/aws/logs.js'
import type {StoredLogEvent} from '../../../src/lib/aws/types.js'
import {UserError} from '../../../src/lib/errors.js'
import {rejectionOf} from '../../helpers/aws.js'

const logsMock = mockClient(CloudWatchLogsClient)
afterEach(() => {
  logsMock.reset()
  vi.unstubAllEnvs()
})

const api = () => createLogsApi(new CloudWatchLogsClient({region: 'eu-west-1'}), {region: 'eu-west-1'})

async function collect(events: AsyncIterable<StoredLogEvent>): Promise<StoredLogEvent[]> {
  const all: StoredLogEvent[] = []
  for await (const event of events) all.push(event)
  return all
}

test('filterEvents yields the events of every page, passing the filter', async () => {
  logsMock
    .on(FilterLogEventsCommand, {nextToken: undefined})
    .resolves({events: [{timestamp: 1, message: 'START', logStreamName: 's1', eventId: 'a'}], nextToken: 't1'})
    .on(FilterLogEventsCommand, {nextToken: 't1'})
    .resolves({events: [{timestamp: 2, message: 'END', logStreamName: 's1', eventId: 'b'}]})
  const events = await collect(api().filterEvents('/aws/lambda/hello', {startTime: 1000, endTime: 2000, filterPattern: '"ERROR"', streamNames: ['s1']}))
  expect(events.map((e) => e.message)).toEqual(['START', 'END'])
  expect(events[0]).toMatchObject({timestamp: 1, logStream: 's1', eventId: 'a'})
  expect(logsMock).toHaveReceivedCommandWith(FilterLogEventsCommand, {logGroupName: '/aws/lambda/hello', startTime: 1000, endTime: 2000, filterPattern: '"ERROR"', logStreamNames: ['s1']})
  expect(logsMock).toHaveReceivedCommandTimes(FilterLogEventsCommand, 2)
})

test('a missing log group says the function has not logged yet, and how to fix that', async () => {
  logsMock.on(FilterLogEventsCommand).rejects(new ResourceNotFoundException({message: 'The specified log group does not exist.', $metadata: {httpStatusCode: 400}}))
  const error = await rejectionOf(collect(api().filterEvents('/aws/lambda/hello')))
  expect(error).toBeInstanceOf(UserError)
  expect(error).toMatchObject({code: 'NoLogs', message: 'Function "hello" has no logs yet in eu-west-1: the log group /aws/lambda/hello doesn\'t exist.'})
  expect((error as unknown as UserError).hints.join('\n')).toContain('sling invoke hello')
})

test('an abort stops the reading with the abort reason, asking for no further page', async () => {
  const controller = new AbortController()
  logsMock
    .on(FilterLogEventsCommand, {nextToken: undefined})
    .resolves({events: [{timestamp: 1, message: 'START', logStreamName: 's1'}], nextToken: 't1'})
    .on(FilterLogEventsCommand, {nextToken: 't1'})
    .resolves({events: [{timestamp: 2, message: 'END', logStreamName: 's1'}]})
  const seen: string[] = []
  const reading = (async () => {
    for await (const event of api().filterEvents('/aws/lambda/hello', {signal: controller.signal})) {
      seen.push(event.message)
      controller.abort(new Error('Interrupted by SIGINT'))
    }
  })()
  expect(await rejectionOf(reading)).toMatchObject({message: 'Interrupted by SIGINT'})
  expect(seen).toEqual(['START'])
  expect(logsMock).toHaveReceivedCommandTimes(FilterLogEventsCommand, 1)
})

test('deleteLogGroup says whether there was a group to delete', async () => {
  logsMock.on(DeleteLogGroupCommand).resolvesOnce({}).rejects(new ResourceNotFoundException({message: 'The specified log group does not exist.', $metadata: {httpStatusCode: 400}}))
  expect(await api().deleteLogGroup('/aws/lambda/hello')).toBe('deleted')
  expect(await api().deleteLogGroup('/aws/lambda/hello')).toBe('absent')
  expect(logsMock).toHaveReceivedCommandWith(DeleteLogGroupCommand, {logGroupName: '/aws/lambda/hello'})
})

const ARN = 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/hello'

async function* frames(items: StartLiveTailResponseStream[], end?: Error): AsyncGenerator<StartLiveTailResponseStream> {
  for (const item of items) {
    await Promise.resolve()
    yield item
  }
  if (end) throw end
}

async function updates(iterable: AsyncIterable<LiveTailUpdate>): Promise<LiveTailUpdate[]> {
  const all: LiveTailUpdate[] = []
  for await (const update of iterable) all.push(update)
  return all
}

test('liveTail: the session start, then each update; a session that times out simply ends', async () => {
  const result = {logStreamName: 's1', logGroupIdentifier: ARN, message: 'hello', timestamp: 5, ingestionTime: 6}
  logsMock.on(StartLiveTailCommand).resolves({
    responseStream: frames(
      [{sessionStart: {sessionId: 'x'}}, {sessionUpdate: {sessionMetadata: {sampled: false}, sessionResults: []}}, {sessionUpdate: {sessionMetadata: {sampled: true}, sessionResults: [result]}}],
      new SessionTimeoutException({message: 'Session timed out.', $metadata: {}}),
    ),
  })
  const all = await updates(api().liveTail([ARN], {filterPattern: 'ERROR'}))
  expect(all).toEqual([
    {kind: 'started'},
    {kind: 'events', events: [], sampled: false},
    {kind: 'events', events: [{timestamp: 5, message: 'hello', logStream: 's1', ingestionTime: 6}], sampled: true},
  ])
  expect(logsMock).toHaveReceivedCommandWith(StartLiveTailCommand, {logGroupIdentifiers: [ARN], logEventFilterPattern: 'ERROR'})
})

test('liveTail: an endpoint or an account that can\'t tail is LiveTailUnavailable; a missing group is NoLogs', async () => {
  logsMock.on(StartLiveTailCommand).rejects(Object.assign(new Error('The sling local cloud doesn\'t emulate CloudWatch Logs operation "StartLiveTail".'), {name: 'UnknownOperationException', $metadata: {httpStatusCode: 400}}))
  expect(await rejectionOf(updates(api().liveTail([ARN])))).toMatchObject({code: 'LiveTailUnavailable'})
  logsMock.on(StartLiveTailCommand).rejects(new AccessDeniedException({message: 'not authorized to perform: logs:StartLiveTail', $metadata: {httpStatusCode: 400}}))
  const denied = await rejectionOf(updates(api().liveTail([ARN])))
  expect(denied).toMatchObject({code: 'LiveTailUnavailable'})
  expect(denied.message).toContain('logs:StartLiveTail')
  logsMock.on(StartLiveTailCommand).rejects(new ResourceNotFoundException({message: 'The specified log group does not exist.', $metadata: {httpStatusCode: 400}}))
  expect(await rejectionOf(updates(api().liveTail([ARN])))).toMatchObject({code: 'NoLogs', message: "The log group /aws/lambda/hello doesn't exist yet."})
})

test('liveTail: an abort ends the session at once, even while waiting for the next update', async () => {
  const controller = new AbortController()
  async function* forever(): AsyncGenerator<StartLiveTailResponseStream> {
    yield {sessionStart: {}}
    await new Promise(() => undefined) // Live Tail keeps the connection open
  }
  logsMock.on(StartLiveTailCommand).resolves({responseStream: forever()})
  const seen: LiveTailUpdate[] = []
  const reading = (async () => {
    for await (const update of api().liveTail([ARN], {signal: controller.signal})) {
      seen.push(update)
      setTimeout(() => controller.abort(new DOMException('Interrupted by SIGINT', 'AbortError')), 10)
    }
  })()
  expect(await rejectionOf(reading)).toMatchObject({name: 'AbortError', message: 'Interrupted by SIGINT'})
  expect(seen).toEqual([{kind: 'started'}])
})

test('the Logs client sends StartLiveTail to a custom endpoint as it is (no "stream-" host prefix), and to AWS with it', async () => {
  const custom = await createAwsClients({region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:9'})
  expect((await custom.logs()).config.disableHostPrefix).toBe(true)
  await custom.close()
  vi.stubEnv('AWS_ENDPOINT_URL', '')
  vi.stubEnv('AWS_ENDPOINT_URL_CLOUDWATCH_LOGS', '')
  const aws = await createAwsClients({region: 'eu-west-1'})
  expect((await aws.logs()).config.disableHostPrefix).toBe(false)
  await aws.close()
  vi.stubEnv('AWS_ENDPOINT_URL', 'http://localhost:4566')
  const fromEnv = await createAwsClients({region: 'eu-west-1'})
  expect((await fromEnv.logs()).config.disableHostPrefix).toBe(true)
  await fromEnv.close()
})

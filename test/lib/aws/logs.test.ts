import {CloudWatchLogsClient, DeleteLogGroupCommand, FilterLogEventsCommand, ResourceNotFoundException} from '@aws-sdk/client-cloudwatch-logs'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, expect, test} from 'vitest'

import {createLogsApi} from '../../../src/lib/aws/logs.js'
import type {StoredLogEvent} from '../../../src/lib/aws/types.js'
import {UserError} from '../../../src/lib/errors.js'
import {rejectionOf} from '../../helpers/aws.js'

const logsMock = mockClient(CloudWatchLogsClient)
afterEach(() => {
  logsMock.reset()
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

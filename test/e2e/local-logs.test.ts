import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  InvalidParameterException,
  paginateFilterLogEvents,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs'
import {afterEach, expect, test} from 'vitest'

import {startLocalCloud} from '../../src/lib/local/server.js'
import {tempDir} from '../helpers/cli.js'
import {expectModeledError, expectOutputMatchesModel} from '../helpers/model.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function logsClient(): Promise<CloudWatchLogsClient> {
  const temp = await tempDir()
  const cloud = await startLocalCloud({storeDir: temp.dir})
  const client = new CloudWatchLogsClient({endpoint: cloud.endpoint, region: 'us-east-1', credentials: {accessKeyId: 'x', secretAccessKey: 'x'}, maxAttempts: 1})
  cleanups.push(temp.cleanup, () => cloud.close(), () => Promise.resolve(client.destroy()))
  return client
}

async function withEvents(client: CloudWatchLogsClient, group: string, streams: Record<string, string[]>): Promise<void> {
  await client.send(new CreateLogGroupCommand({logGroupName: group}))
  const base = Date.now() - 10_000
  let i = 0
  for (const [stream, messages] of Object.entries(streams)) {
    await client.send(new CreateLogStreamCommand({logGroupName: group, logStreamName: stream}))
    await client.send(new PutLogEventsCommand({logGroupName: group, logStreamName: stream, logEvents: messages.map((message) => ({timestamp: base + i++ * 10, message}))}))
  }
}

test('log groups: create, describe by prefix with pagination, retention, delete; errors as modelled', async () => {
  const client = await logsClient()
  for (const name of ['/aws/lambda/a', '/aws/lambda/b', '/aws/lambda/c', '/other']) await client.send(new CreateLogGroupCommand({logGroupName: name}))
  const duplicate = await client.send(new CreateLogGroupCommand({logGroupName: '/other'})).catch((error: unknown) => error)
  expect(duplicate).toBeInstanceOf(ResourceAlreadyExistsException)
  expectModeledError('logs', 'CreateLogGroup', duplicate)

  const first = await client.send(new DescribeLogGroupsCommand({logGroupNamePrefix: '/aws/lambda/', limit: 2}))
  expectOutputMatchesModel('logs', 'DescribeLogGroups', first)
  expect(first.logGroups?.map((group) => group.logGroupName)).toEqual(['/aws/lambda/a', '/aws/lambda/b'])
  const second = await client.send(new DescribeLogGroupsCommand({logGroupNamePrefix: '/aws/lambda/', limit: 2, nextToken: first.nextToken}))
  expect(second.logGroups?.map((group) => group.logGroupName)).toEqual(['/aws/lambda/c'])
  expect(second.nextToken).toBeUndefined()
  expect(first.logGroups?.[0]?.arn).toBe('arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/a:*')

  await client.send(new PutRetentionPolicyCommand({logGroupName: '/other', retentionInDays: 7}))
  const other = await client.send(new DescribeLogGroupsCommand({logGroupNamePrefix: '/other'}))
  expect(other.logGroups?.[0]?.retentionInDays).toBe(7)
  const badRetention = await client.send(new PutRetentionPolicyCommand({logGroupName: '/other', retentionInDays: 2})).catch((error: unknown) => error)
  expect(badRetention).toBeInstanceOf(InvalidParameterException)

  await client.send(new DeleteLogGroupCommand({logGroupName: '/other'}))
  const gone = await client.send(new DeleteLogGroupCommand({logGroupName: '/other'})).catch((error: unknown) => error)
  expect(gone).toBeInstanceOf(ResourceNotFoundException)
  expectModeledError('logs', 'DeleteLogGroup', gone)
  const invalid = await client.send(new CreateLogGroupCommand({logGroupName: 'bad name!'})).catch((error: unknown) => error)
  expect(invalid).toBeInstanceOf(InvalidParameterException)
})

test('streams and events: DescribeLogStreams, GetLogEvents from head and tail with tokens', async () => {
  const client = await logsClient()
  await withEvents(client, '/app', {'s-1': ['one', 'two', 'three'], 's-2': ['four']})
  const streams = await client.send(new DescribeLogStreamsCommand({logGroupName: '/app'}))
  expectOutputMatchesModel('logs', 'DescribeLogStreams', streams)
  expect(streams.logStreams?.map((stream) => stream.logStreamName)).toEqual(['s-1', 's-2'])
  expect(streams.logStreams?.[0]?.firstEventTimestamp).toBeLessThan(streams.logStreams?.[0]?.lastEventTimestamp ?? 0)
  const latest = await client.send(new DescribeLogStreamsCommand({logGroupName: '/app', orderBy: 'LastEventTime', descending: true, limit: 1}))
  expect(latest.logStreams?.[0]?.logStreamName).toBe('s-2')

  const head = await client.send(new GetLogEventsCommand({logGroupName: '/app', logStreamName: 's-1', startFromHead: true, limit: 2}))
  expectOutputMatchesModel('logs', 'GetLogEvents', head)
  expect(head.events?.map((event) => event.message)).toEqual(['one', 'two'])
  const rest = await client.send(new GetLogEventsCommand({logGroupName: '/app', logStreamName: 's-1', nextToken: head.nextForwardToken}))
  expect(rest.events?.map((event) => event.message)).toEqual(['three'])
  // At the end, the forward token comes back unchanged: that is how callers know to stop.
  const end = await client.send(new GetLogEventsCommand({logGroupName: '/app', logStreamName: 's-1', nextToken: rest.nextForwardToken}))
  expect(end.events).toEqual([])
  expect(end.nextForwardToken).toBe(rest.nextForwardToken)
  const tail = await client.send(new GetLogEventsCommand({logGroupName: '/app', logStreamName: 's-1', limit: 1}))
  expect(tail.events?.map((event) => event.message)).toEqual(['three'])

  const missing = await client.send(new GetLogEventsCommand({logGroupName: '/app', logStreamName: 'nope'})).catch((error: unknown) => error)
  expect(missing).toBeInstanceOf(ResourceNotFoundException)
})

test('FilterLogEvents interleaves streams, filters with patterns, and paginates', async () => {
  const client = await logsClient()
  await withEvents(client, '/app', {
    'a': ['INFO start', '{"level":"ERROR","code":500}', 'ERROR disk full'],
    'b': ['{"level":"INFO","code":200}', 'ERROR timeout', 'WARN slow'],
  })
  const all = await client.send(new FilterLogEventsCommand({logGroupName: '/app'}))
  expectOutputMatchesModel('logs', 'FilterLogEvents', all)
  expect(all.events?.map((event) => event.message)).toHaveLength(6)
  const errors = await client.send(new FilterLogEventsCommand({logGroupName: '/app', filterPattern: 'ERROR -timeout'}))
  expect(errors.events?.map((event) => event.message)).toEqual(['{"level":"ERROR","code":500}', 'ERROR disk full'])
  const json = await client.send(new FilterLogEventsCommand({logGroupIdentifier: 'arn:aws:logs:us-east-1:000000000000:log-group:/app', filterPattern: '{ $.code >= 200 && $.level = "I*" }'}))
  expect(json.events?.map((event) => `${event.logStreamName}:${event.message}`)).toEqual(['b:{"level":"INFO","code":200}'])

  const pages: string[][] = []
  for await (const page of paginateFilterLogEvents({client, pageSize: 4}, {logGroupName: '/app', logStreamNames: ['a', 'b']})) pages.push((page.events ?? []).map((event) => event.message ?? ''))
  expect(pages.map((page) => page.length)).toEqual([4, 2])

  const bad = await client.send(new FilterLogEventsCommand({logGroupName: '/app', filterPattern: '{ $.code > }'})).catch((error: unknown) => error)
  expect(bad).toBeInstanceOf(InvalidParameterException)
  expectModeledError('logs', 'FilterLogEvents', bad)
  const noGroup = await client.send(new FilterLogEventsCommand({logGroupName: '/none'})).catch((error: unknown) => error)
  expect(noGroup).toBeInstanceOf(ResourceNotFoundException)
})

test('log groups named "." or ".." are groups like any other: deleting one leaves the others\' events', async () => {
  const client = await logsClient()
  await withEvents(client, '/app', {s: ['kept']})
  await withEvents(client, '..', {s: ['dots']})
  await withEvents(client, '.', {s: ['dot']})
  await client.send(new DeleteLogGroupCommand({logGroupName: '..'}))
  await client.send(new DeleteLogGroupCommand({logGroupName: '.'}))
  const kept = await client.send(new GetLogEventsCommand({logGroupName: '/app', logStreamName: 's', startFromHead: true}))
  expect(kept.events?.map((event) => event.message)).toEqual(['kept'])
  const groups = await client.send(new DescribeLogGroupsCommand({}))
  expect(groups.logGroups?.map((group) => group.logGroupName)).toEqual(['/app'])
})

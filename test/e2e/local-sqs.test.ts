/**
 * SQS in the local cloud end to end: `sling local serve` (the built CLI) in its own process, driven with the
 * AWS SDK as a user's code drives it; queues attached to functions with CreateEventSourceMapping.
 */
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {CreateEventSourceMappingCommand, CreateFunctionCommand, GetEventSourceMappingCommand, InvalidParameterValueException, LambdaClient, waitUntilFunctionActiveV2} from '@aws-sdk/client-lambda'
import {CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterEach, expect, test} from 'vitest'

import {rejectionOf, zipOf} from '../helpers/aws.js'
import {tempDir} from '../helpers/cli.js'
import {serve} from './local-serve-helper.js'

// Visibility timeouts of 3 s, at least the functions' timeouts as Lambda requires: a batch still running when its
// messages become visible again would be delivered twice (at least once, as on AWS), which a loaded machine can
// make happen with shorter ones.

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const ROLE = 'arn:aws:iam::123456789012:role/lambda-role'
const ACCOUNT = '000000000000'

interface Local {
  readonly sqs: SQSClient
  readonly lambda: LambdaClient
  readonly dir: string
  url(queue: string): string
  arn(queue: string): string
}

async function local(): Promise<Local> {
  const temp = await tempDir('sling-e2e-sqs-')
  cleanups.push(temp.cleanup)
  const served = await serve(['--port', '0', '--store', path.join(temp.dir, 'store'), '--state-delay', '50'], cleanups, {SLING_LOCAL_SQS_POLL_MS: '25'})
  const config = {region: 'us-east-1', endpoint: served.info.endpoint, credentials: {accessKeyId: 'x', secretAccessKey: 'x'}, maxAttempts: 1}
  const sqs = new SQSClient(config)
  const lambda = new LambdaClient(config)
  cleanups.push(() => Promise.resolve(sqs.destroy()), () => Promise.resolve(lambda.destroy()))
  return {sqs, lambda, dir: temp.dir, url: (queue) => `${served.info.endpoint}/${ACCOUNT}/${queue}`, arn: (queue) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${queue}`}
}

/** A function that appends `{bodies, groups}` of each event it accepts to a file, after `before` (which may throw or return). */
async function recorder(cloud: Local, name: string, before = '', timeout = 3): Promise<string> {
  const out = path.join(cloud.dir, `${name}.jsonl`)
  const source = `const fs = require('fs')
exports.handler = async (event) => {
  ${before}
  fs.appendFileSync(${JSON.stringify(out)}, JSON.stringify({bodies: event.Records.map((r) => r.body), groups: event.Records.map((r) => r.attributes.MessageGroupId)}) + '\\n')
  return {}
}`
  await cloud.lambda.send(new CreateFunctionCommand({FunctionName: name, Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Timeout: timeout, Code: {ZipFile: await zipOf({'index.js': source})}}))
  await waitUntilFunctionActiveV2({client: cloud.lambda, maxWaitTime: 30, minDelay: 1}, {FunctionName: name})
  return out
}

function batches(file: string): {bodies: string[]; groups: (string | undefined)[]}[] {
  // A line being appended while read is left for the next read.
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((line) => line.endsWith('}')).map((line) => JSON.parse(line) as {bodies: string[]; groups: string[]}) : []
}

async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() > deadline) return value
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function sendAll(cloud: Local, queue: string, entries: readonly {MessageBody: string; MessageGroupId?: string; MessageDeduplicationId?: string}[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 10) {
    await cloud.sqs.send(new SendMessageBatchCommand({QueueUrl: cloud.url(queue), Entries: entries.slice(i, i + 10).map((entry, j) => ({Id: `e${j}`, ...entry}))}))
  }
}

async function counts(cloud: Local, queue: string): Promise<Record<string, string> | undefined> {
  return (await cloud.sqs.send(new GetQueueAttributesCommand({QueueUrl: cloud.url(queue), AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']}))).Attributes
}

test('an attached queue runs the function in batches of at most the batch size, every message exactly once, and is drained', async () => {
  const cloud = await local()
  await cloud.sqs.send(new CreateQueueCommand({QueueName: 'work'}))
  const out = await recorder(cloud, 'worker')
  const mapping = await cloud.lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'worker', EventSourceArn: cloud.arn('work'), BatchSize: 4}))
  expect(mapping.State).toBe('Creating')
  const bodies = Array.from({length: 25}, (_, i) => `message-${i}`)
  await sendAll(cloud, 'work', bodies.map((MessageBody) => ({MessageBody})))

  const seen = await until(() => batches(out), (all) => all.flatMap((batch) => batch.bodies).length >= 25)
  expect(seen.every((batch) => batch.bodies.length >= 1 && batch.bodies.length <= 4)).toBe(true)
  expect(seen.flatMap((batch) => batch.bodies).sort()).toEqual([...bodies].sort())
  expect(await until(() => counts(cloud, 'work'), (c) => c?.ApproximateNumberOfMessagesNotVisible === '0')).toEqual({ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0'})
  await new Promise((resolve) => setTimeout(resolve, 500))
  expect(batches(out).flatMap((batch) => batch.bodies)).toHaveLength(25) // nothing delivered twice
  expect((await cloud.lambda.send(new GetEventSourceMappingCommand({UUID: mapping.UUID}))).LastProcessingResult).toBe('OK')
})

test('with ReportBatchItemFailures only the failed message returns, and after maxReceiveCount it is in the dead-letter queue', async () => {
  const cloud = await local()
  await cloud.sqs.send(new CreateQueueCommand({QueueName: 'dead'}))
  await cloud.sqs.send(new CreateQueueCommand({QueueName: 'orders', Attributes: {VisibilityTimeout: '3', RedrivePolicy: JSON.stringify({deadLetterTargetArn: cloud.arn('dead'), maxReceiveCount: 2})}}))
  const attempts = path.join(cloud.dir, 'attempts.jsonl')
  const out = await recorder(
    cloud,
    'orders',
    `fs.appendFileSync(${JSON.stringify(attempts)}, JSON.stringify(event.Records.map((r) => r.body)) + '\\n')
  const bad = event.Records.filter((r) => r.body === 'bad')
  if (bad.length > 0) {
    event.Records = event.Records.filter((r) => r.body !== 'bad')
    fs.appendFileSync(${JSON.stringify(path.join(cloud.dir, 'orders.jsonl'))}, JSON.stringify({bodies: event.Records.map((r) => r.body)}) + '\\n')
    return {batchItemFailures: bad.map((r) => ({itemIdentifier: r.messageId}))}
  }`,
    3,
  )
  await cloud.lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'orders', EventSourceArn: cloud.arn('orders'), BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures']}))
  await sendAll(cloud, 'orders', [{MessageBody: 'good-1'}, {MessageBody: 'bad'}, {MessageBody: 'good-2'}])

  const dead = await until(
    async () => (await cloud.sqs.send(new ReceiveMessageCommand({QueueUrl: cloud.url('dead'), WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All']}))).Messages ?? [],
    (messages) => messages.length > 0,
  )
  expect(dead.map((message) => message.Body)).toEqual(['bad'])
  expect(dead[0]?.Attributes?.DeadLetterQueueSourceArn).toBe(cloud.arn('orders'))
  const tries = readFileSync(attempts, 'utf8').trim().split('\n').flatMap((line) => JSON.parse(line) as string[])
  expect(tries.filter((body) => body === 'bad')).toHaveLength(2) // maxReceiveCount deliveries, then the dead-letter queue
  expect(tries.filter((body) => body.startsWith('good')).sort()).toEqual(['good-1', 'good-2']) // never returned
  expect(batches(out).flatMap((batch) => batch.bodies).sort()).toEqual(['good-1', 'good-2'])
  expect(await counts(cloud, 'orders')).toEqual({ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0'})
})

test('a FIFO queue keeps each message group in order, even when a batch fails and is retried', async () => {
  const cloud = await local()
  await cloud.sqs.send(new CreateQueueCommand({QueueName: 'steps.fifo', Attributes: {FifoQueue: 'true', ContentBasedDeduplication: 'true', VisibilityTimeout: '3'}}))
  const flag = path.join(cloud.dir, 'failed-once')
  const out = await recorder(cloud, 'steps', `if (event.Records.some((r) => r.body === 'a-3') && !fs.existsSync(${JSON.stringify(flag)})) { fs.writeFileSync(${JSON.stringify(flag)}, ''); throw new Error('a-3 fails once') }`, 3)
  await cloud.lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'steps', EventSourceArn: cloud.arn('steps.fifo'), BatchSize: 2}))
  const entries = []
  for (let i = 1; i <= 5; i++) for (const group of ['a', 'b']) entries.push({MessageBody: `${group}-${i}`, MessageGroupId: group})
  await sendAll(cloud, 'steps.fifo', entries)

  const done = await until(() => batches(out), (all) => all.flatMap((batch) => batch.bodies).length >= 10)
  const processed = done.flatMap((batch) => batch.bodies)
  expect(existsSync(flag)).toBe(true)
  for (const group of ['a', 'b']) expect(processed.filter((body) => body.startsWith(group))).toEqual([1, 2, 3, 4, 5].map((i) => `${group}-${i}`))
  expect(processed).toHaveLength(10)
})

test('a filter drops the messages that do not match (and deletes them), as Lambda does', async () => {
  const cloud = await local()
  await cloud.sqs.send(new CreateQueueCommand({QueueName: 'events'}))
  const out = await recorder(cloud, 'orders-only')
  await cloud.lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'orders-only', EventSourceArn: cloud.arn('events'), FilterCriteria: {Filters: [{Pattern: JSON.stringify({body: {type: ['order'], total: [{numeric: ['>', 10]}]}})}]}}))
  for (const body of [{type: 'order', total: 50}, {type: 'refund', total: 50}, {type: 'order', total: 5}, {type: 'order', total: 11}]) {
    await cloud.sqs.send(new SendMessageCommand({QueueUrl: cloud.url('events'), MessageBody: JSON.stringify(body)}))
  }
  await until(() => counts(cloud, 'events'), (c) => c?.ApproximateNumberOfMessages === '0' && c.ApproximateNumberOfMessagesNotVisible === '0')
  await new Promise((resolve) => setTimeout(resolve, 300))
  expect(batches(out).flatMap((batch) => batch.bodies).map((body) => (JSON.parse(body) as {total: number}).total).sort()).toEqual([11, 50])
})

test('a queue that does not exist, or a malformed filter, is refused with a clear error', async () => {
  const cloud = await local()
  await recorder(cloud, 'fn')
  const missing = await rejectionOf(cloud.lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'fn', EventSourceArn: cloud.arn('nowhere')})))
  expect(missing).toBeInstanceOf(InvalidParameterValueException)
  expect(missing.message).toContain('SQS Error Code: AWS.SimpleQueueService.NonExistentQueue')
  await cloud.sqs.send(new CreateQueueCommand({QueueName: 'q'}))
  const badFilter = await rejectionOf(cloud.lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'fn', EventSourceArn: cloud.arn('q'), FilterCriteria: {Filters: [{Pattern: '{"body": {"type": [{"wildcard": "o*"}]}}'}]}})))
  expect(badFilter).toBeInstanceOf(InvalidParameterValueException)
  expect(badFilter.message).toContain('Invalid filter pattern definition.')
  expect(badFilter.message).toContain('unknown operator "wildcard"')
})

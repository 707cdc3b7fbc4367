/** Event source mappings on SQS: the API (states, checks against the queue) and the poller delivering messages. */
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {
  CreateAliasCommand,
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  InvalidParameterValueException,
  ListEventSourceMappingsCommand,
  PublishVersionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  UpdateEventSourceMappingCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda'
import type {LambdaClient} from '@aws-sdk/client-lambda'
import {CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterEach, beforeEach, describe, expect, test} from 'vitest'

import {startLocalCloud} from '../../../../src/lib/local/server.js'
import {expectModeledError, expectOutputMatchesModel, modelHttp} from '../../../helpers/model.js'
import type {LambdaHarness} from './harness.js'
import {rejectionOf, ROLE, startLambda, zipOf} from './harness.js'

let h: LambdaHarness
let lambda: LambdaClient
let sqs: SQSClient
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:fn'
const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:jobs'

beforeEach(async () => {
  h = await startLambda({sqsPollMs: 20})
  lambda = h.lambda()
  sqs = new SQSClient({region: 'us-east-1', endpoint: h.cloud.endpoint, credentials: {accessKeyId: 'x', secretAccessKey: 'x'}, maxAttempts: 1})
  await sqs.send(new CreateQueueCommand({QueueName: 'jobs'}))
})
afterEach(async () => {
  sqs.destroy()
  await h.close()
})

/** A function that appends each event's bodies (and its version) to `<store>/calls.jsonl`, then runs `then`. */
async function recordingFunction(name: string, then = 'return {}', timeout = 3): Promise<string> {
  const out = path.join(h.storeDir, `${name}.jsonl`)
  const source = `const fs = require('fs')
exports.handler = async (event, context) => {
  fs.appendFileSync(${JSON.stringify(out)}, JSON.stringify({version: process.env.AWS_LAMBDA_FUNCTION_VERSION, bodies: event.Records.map((r) => r.body), ids: event.Records.map((r) => r.messageId)}) + '\\n')
  ${then}
}`
  await lambda.send(new CreateFunctionCommand({FunctionName: name, Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Timeout: timeout, Code: {ZipFile: await zipOf({'index.js': source})}}))
  return out
}

interface Call {
  readonly version: string
  readonly bodies: string[]
  readonly ids: string[]
}

/** The calls recorded so far (a line being appended while read is left for the next read). */
function calls(file: string): Call[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((line) => line.endsWith('}')).map((line) => JSON.parse(line) as Call) : []
}

async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() > deadline) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function send(bodies: readonly string[], queueUrl = `${h.cloud.endpoint}/000000000000/jobs`): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    await sqs.send(new SendMessageBatchCommand({QueueUrl: queueUrl, Entries: bodies.slice(i, i + 10).map((body, j) => ({Id: `m${j}`, MessageBody: body}))}))
  }
}

describe('the API', () => {
  test('create (Creating → Enabled), get, update (Disabling → Disabled), list and delete (Deleting, then gone)', async () => {
    await h.close()
    // Transitions last 1 s so the transient states (Creating, Disabling, Deleting) are still there when read under load.
    h = await startLambda({sqsPollMs: 20, stateDelayMs: 1000})
    lambda = h.lambda()
    sqs.destroy()
    sqs = new SQSClient({region: 'us-east-1', endpoint: h.cloud.endpoint, credentials: {accessKeyId: 'x', secretAccessKey: 'x'}, maxAttempts: 1})
    await sqs.send(new CreateQueueCommand({QueueName: 'jobs'}))
    await recordingFunction('fn')
    const created = await lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'fn', EventSourceArn: QUEUE}))
    expect(created.$metadata.httpStatusCode).toBe(modelHttp('lambda', 'CreateEventSourceMapping').responseCode)
    expectOutputMatchesModel('lambda', 'CreateEventSourceMapping', created)
    expect(created).toMatchObject({State: 'Creating', FunctionArn: ARN, EventSourceArn: QUEUE, BatchSize: 10, MaximumBatchingWindowInSeconds: 0, StateTransitionReason: 'USER_INITIATED', LastProcessingResult: 'No records processed'})
    const got = await until(() => lambda.send(new GetEventSourceMappingCommand({UUID: created.UUID})), (m) => m.State === 'Enabled')
    expectOutputMatchesModel('lambda', 'GetEventSourceMapping', got)
    expect(got.State).toBe('Enabled')
    const duplicate = await rejectionOf(lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'fn', EventSourceArn: QUEUE})))
    expect(duplicate).toBeInstanceOf(ResourceConflictException)
    const updated = await lambda.send(new UpdateEventSourceMappingCommand({UUID: created.UUID, Enabled: false, BatchSize: 5}))
    expect(updated).toMatchObject({State: 'Disabling', BatchSize: 5})
    expect((await until(() => lambda.send(new GetEventSourceMappingCommand({UUID: created.UUID})), (m) => m.State === 'Disabled')).State).toBe('Disabled')
    const listed = await lambda.send(new ListEventSourceMappingsCommand({FunctionName: 'fn'}))
    expectOutputMatchesModel('lambda', 'ListEventSourceMappings', listed)
    expect(listed.EventSourceMappings?.map((m) => m.UUID)).toEqual([created.UUID])
    const deleted = await lambda.send(new DeleteEventSourceMappingCommand({UUID: created.UUID}))
    expect(deleted.State).toBe('Deleting')
    expect((await lambda.send(new GetEventSourceMappingCommand({UUID: created.UUID}))).State).toBe('Deleting')
    const gone = await until(() => lambda.send(new GetEventSourceMappingCommand({UUID: created.UUID})).then(() => undefined, (error: unknown) => error), (error) => error !== undefined)
    expect(gone).toBeInstanceOf(ResourceNotFoundException)
    expectModeledError('lambda', 'GetEventSourceMapping', gone)
    expect((await lambda.send(new ListEventSourceMappingsCommand({FunctionName: 'fn'}))).EventSourceMappings).toEqual([])
  })

  test('a function that does not exist is ResourceNotFoundException; a queue that does not exist InvalidParameterValueException, as Lambda words it', async () => {
    const noFunction = await rejectionOf(lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'ghost', EventSourceArn: QUEUE})))
    expect(noFunction).toBeInstanceOf(ResourceNotFoundException)
    await recordingFunction('fn')
    const noQueue = await rejectionOf(lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'fn', EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:ghost'})))
    expect(noQueue).toBeInstanceOf(InvalidParameterValueException)
    expectModeledError('lambda', 'CreateEventSourceMapping', noQueue)
    expect(noQueue.message).toBe('Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist or you do not have access to it.')
  })

  test("Lambda's checks: batch window for batches over 10, FIFO limits, the queue's visibility timeout against the function's, filter patterns", async () => {
    await recordingFunction('fn', 'return {}', 60)
    await sqs.send(new CreateQueueCommand({QueueName: 'slow', Attributes: {VisibilityTimeout: '120'}}))
    await sqs.send(new CreateQueueCommand({QueueName: 'o.fifo', Attributes: {FifoQueue: 'true', VisibilityTimeout: '120'}}))
    const refused = async (input: Record<string, unknown>): Promise<string> => {
      const error = await rejectionOf(lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'fn', ...input})))
      expect(error).toBeInstanceOf(InvalidParameterValueException)
      return error.message
    }
    expect(await refused({EventSourceArn: QUEUE})).toBe('Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds')
    const slow = 'arn:aws:sqs:us-east-1:000000000000:slow'
    expect(await refused({EventSourceArn: slow, BatchSize: 50})).toBe('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10')
    expect(await refused({EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:o.fifo', BatchSize: 11, MaximumBatchingWindowInSeconds: 1})).toContain('not valid for FIFO queues')
    expect(await refused({EventSourceArn: slow, FilterCriteria: {Filters: [{Pattern: '{"body": "x"}'}]}})).toMatch(/^Invalid filter pattern definition\./)
    const range = await rejectionOf(lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'fn', EventSourceArn: slow, ScalingConfig: {MaximumConcurrency: 1}})))
    expect(range.name).toBe('ValidationException')
    const ok = await lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'fn', EventSourceArn: slow, BatchSize: 50, MaximumBatchingWindowInSeconds: 1}))
    expect(ok.BatchSize).toBe(50)
  })
})

describe('delivery', () => {
  test('a failed batch returns to the queue after its visibility timeout and LastProcessingResult says so; the next run succeeds', async () => {
    await sqs.send(new CreateQueueCommand({QueueName: 'retry', Attributes: {VisibilityTimeout: '3'}}))
    const out = await recordingFunction('fn', "if (!fs.existsSync(__filename + '.failed')) { fs.writeFileSync(__filename + '.failed', ''); throw new Error('first run fails') } return {}")
    const {UUID} = await lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'fn', EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:retry'}))
    await send(['only'], `${h.cloud.endpoint}/000000000000/retry`)
    const failed = await until(() => lambda.send(new GetEventSourceMappingCommand({UUID})), (m) => m.LastProcessingResult === 'PROBLEM: Function call failed')
    expect(failed.LastProcessingResult).toBe('PROBLEM: Function call failed')
    const both = await until(() => calls(out), (c) => c.length >= 2)
    expect(both.map((call) => call.bodies)).toEqual([['only'], ['only']])
    expect((await until(() => lambda.send(new GetEventSourceMappingCommand({UUID})), (m) => m.LastProcessingResult === 'OK')).LastProcessingResult).toBe('OK')
    const attributes = await until(() => sqs.send(new GetQueueAttributesCommand({QueueUrl: `${h.cloud.endpoint}/000000000000/retry`, AttributeNames: ['All']})), (a) => a.Attributes?.ApproximateNumberOfMessagesNotVisible === '0')
    expect(attributes.Attributes).toMatchObject({ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0'})
  })

  test('a mapping on an alias runs the version the alias points to; a disabled mapping delivers nothing until enabled', async () => {
    const out = await recordingFunction('fn')
    const {Version} = await lambda.send(new PublishVersionCommand({FunctionName: 'fn'}))
    await lambda.send(new CreateAliasCommand({FunctionName: 'fn', Name: 'live', FunctionVersion: Version}))
    await lambda.send(new UpdateFunctionCodeCommand({FunctionName: 'fn', ZipFile: await zipOf({'index.js': 'exports.handler = async () => { throw new Error("$LATEST must not run") }'})}))
    const {UUID} = await lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'fn:live', EventSourceArn: QUEUE, Enabled: false}))
    await send(['held'])
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(calls(out)).toEqual([])
    await lambda.send(new UpdateEventSourceMappingCommand({UUID, Enabled: true}))
    const delivered = await until(() => calls(out), (c) => c.length > 0)
    expect(delivered).toEqual([{version: Version, bodies: ['held'], ids: [expect.any(String)]}])
  })

  test('MaximumBatchingWindowInSeconds gathers messages sent apart into one batch', async () => {
    await sqs.send(new CreateQueueCommand({QueueName: 'gather'}))
    const out = await recordingFunction('fn')
    await lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'fn', EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:gather', BatchSize: 20, MaximumBatchingWindowInSeconds: 2}))
    for (const body of ['one', 'two', 'three']) {
      await send([body], `${h.cloud.endpoint}/000000000000/gather`)
      await new Promise((resolve) => setTimeout(resolve, 300))
    }
    const delivered = await until(() => calls(out), (c) => c.flatMap((call) => call.bodies).length >= 3)
    expect(delivered.map((call) => call.bodies)).toEqual([['one', 'two', 'three']])
  })

  test('ScalingConfig.MaximumConcurrency caps the batches running at once', async () => {
    const {out, concurrency} = await concurrencyProbe()
    await lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'fn', EventSourceArn: QUEUE, BatchSize: 1, ScalingConfig: {MaximumConcurrency: 2}}))
    await send(Array.from({length: 8}, (_, i) => `m${i}`))
    const all = await until(() => calls(out), (c) => c.length >= 8)
    expect(all.flatMap((call) => call.bodies).sort()).toEqual(Array.from({length: 8}, (_, i) => `m${i}`))
    expect(concurrency()).toBe(2)
  })

  test('two local clouds on one store: one of them polls a mapping; after a restart the mapping is polled again at once', async () => {
    const {out, concurrency} = await concurrencyProbe()
    await lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'fn', EventSourceArn: QUEUE, BatchSize: 1, ScalingConfig: {MaximumConcurrency: 2}}))
    const other = await startLocalCloud({storeDir: h.storeDir, settings: {stateDelayMs: 0, sqsPollMs: 20}})
    try {
      await send(Array.from({length: 8}, (_, i) => `m${i}`))
      await until(() => calls(out), (c) => c.length >= 8)
      expect(concurrency()).toBe(2) // both polling would have run up to 4 at once
    } finally {
      await other.close()
    }
    h = await h.restart()
    lambda = h.lambda()
    sqs.destroy()
    sqs = new SQSClient({region: 'us-east-1', endpoint: h.cloud.endpoint, credentials: {accessKeyId: 'x', secretAccessKey: 'x'}, maxAttempts: 1})
    await send(['after the restart'])
    const delivered = await until(() => calls(out), (c) => c.length >= 9, 5000)
    expect(delivered.at(-1)?.bodies).toEqual(['after the restart'])
  })
})

/** A function that sleeps 300 ms per batch and notes how many batches ran at once; `concurrency()` is the most seen. */
async function concurrencyProbe(): Promise<{out: string; concurrency: () => number}> {
  const marker = path.join(h.storeDir, 'running')
  const out = await recordingFunction('fn', `const now = fs.readdirSync(${JSON.stringify(h.storeDir)}).filter((f) => f.startsWith('running-')).length + 1
  fs.appendFileSync(${JSON.stringify(marker)}, now + '\\n')
  const me = ${JSON.stringify(`${marker}-`)} + context.awsRequestId
  fs.writeFileSync(me, '')
  await new Promise((r) => setTimeout(r, 300))
  fs.rmSync(me)
  return {}`)
  return {out, concurrency: () => Math.max(...readFileSync(marker, 'utf8').trim().split('\n').map(Number))}
}

test('a message attribute reaches the handler in the SQS event shape, and a sent message is deleted once processed', async () => {
  const out = path.join(h.storeDir, 'event.json')
  await lambda.send(new CreateFunctionCommand({FunctionName: 'fn', Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: await zipOf({'index.js': `const fs = require('fs'); exports.handler = async (e) => { fs.writeFileSync(${JSON.stringify(`${out}.tmp`)}, JSON.stringify(e)); fs.renameSync(${JSON.stringify(`${out}.tmp`)}, ${JSON.stringify(out)}) }`})}}))
  await lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'fn', EventSourceArn: QUEUE}))
  const {MessageId} = await sqs.send(new SendMessageCommand({QueueUrl: `${h.cloud.endpoint}/000000000000/jobs`, MessageBody: 'hello', MessageAttributes: {kind: {DataType: 'String', StringValue: 'greeting'}}}))
  const event = await until(() => (existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as {Records: Record<string, unknown>[]}) : undefined), (e) => e !== undefined)
  expect(event?.Records).toEqual([
    {
      messageId: MessageId,
      receiptHandle: expect.any(String),
      body: 'hello',
      attributes: {ApproximateReceiveCount: '1', SentTimestamp: expect.stringMatching(/^\d+$/), SenderId: expect.stringMatching(/^AIDA/), ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/)},
      messageAttributes: {kind: {stringValue: 'greeting', stringListValues: [], binaryListValues: [], dataType: 'String'}},
      md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
      md5OfBody: '5d41402abc4b2a76b9719d911017c592',
      eventSource: 'aws:sqs',
      eventSourceARN: QUEUE,
      awsRegion: 'us-east-1',
    },
  ])
  const drained = await until(() => sqs.send(new GetQueueAttributesCommand({QueueUrl: `${h.cloud.endpoint}/000000000000/jobs`, AttributeNames: ['All']})), (a) => a.Attributes?.ApproximateNumberOfMessagesNotVisible === '0')
  expect(drained.Attributes).toMatchObject({ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0'})
})

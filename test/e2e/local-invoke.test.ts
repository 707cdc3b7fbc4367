import {CloudWatchLogsClient, DescribeLogStreamsCommand, FilterLogEventsCommand} from '@aws-sdk/client-cloudwatch-logs'
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  RequestTooLargeException,
  ResourceConflictException,
  TooManyRequestsException,
  waitUntilFunctionActiveV2,
  waitUntilPublishedVersionActive,
} from '@aws-sdk/client-lambda'
import {afterEach, expect, test} from 'vitest'

import {startLocalCloud} from '../../src/lib/local/server.js'
import {sleep} from '../../src/lib/local/store.js'
import {tempDir} from '../helpers/cli.js'
import {expectModeledError, expectOutputMatchesModel} from '../helpers/model.js'
import {makeZip} from '../lib/local/runtime/helpers.js'

process.env.SLING_LOCAL_ASYNC_RETRY_MS = '20'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

// Another account's role: the local cloud checks only its own account's roles against its IAM.
const ROLE = 'arn:aws:iam::123456789012:role/lambda-role'
const credentials = {accessKeyId: 'x', secretAccessKey: 'x'}

async function cloud(stateDelayMs = 20): Promise<{lambda: LambdaClient; logs: CloudWatchLogsClient}> {
  const temp = await tempDir()
  const local = await startLocalCloud({storeDir: temp.dir, settings: {stateDelayMs}})
  const lambda = new LambdaClient({endpoint: local.endpoint, region: 'us-east-1', credentials, maxAttempts: 1})
  const logs = new CloudWatchLogsClient({endpoint: local.endpoint, region: 'us-east-1', credentials, maxAttempts: 1})
  cleanups.push(temp.cleanup, () => local.close(), () => Promise.resolve(lambda.destroy()), () => Promise.resolve(logs.destroy()))
  return {lambda, logs}
}

async function createFunction(lambda: LambdaClient, name: string, source: string, wait = true): Promise<void> {
  await lambda.send(new CreateFunctionCommand({FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: {ZipFile: await makeZip({'index.js': source})}}))
  if (wait) await waitUntilFunctionActiveV2({client: lambda, maxWaitTime: 30, minDelay: 1}, {FunctionName: name})
}

const decode = (payload: Uint8Array | undefined): unknown => JSON.parse(Buffer.from(payload ?? []).toString('utf8'))

async function logMessages(logs: CloudWatchLogsClient, group: string, filterPattern?: string): Promise<string[]> {
  const result = await logs.send(new FilterLogEventsCommand({logGroupName: group, filterPattern}))
  return (result.events ?? []).map((event) => event.message ?? '')
}

test('RequestResponse runs the handler, returns its payload and the log tail, and writes the log to CloudWatch Logs', async () => {
  const {lambda, logs} = await cloud()
  await createFunction(lambda, 'hello', 'exports.handler = async (event) => { console.log("got", JSON.stringify(event)); return {hello: event.name} }')
  const result = await lambda.send(new InvokeCommand({FunctionName: 'hello', Payload: JSON.stringify({name: 'ada'}), LogType: 'Tail'}))
  expectOutputMatchesModel('lambda', 'Invoke', {...result, Payload: undefined})
  expect(result.StatusCode).toBe(200)
  expect(result.ExecutedVersion).toBe('$LATEST')
  expect(result.FunctionError).toBeUndefined()
  expect(decode(result.Payload)).toEqual({hello: 'ada'})
  const tail = Buffer.from(result.LogResult ?? '', 'base64').toString('utf8')
  expect(tail).toMatch(/START RequestId: [0-9a-f-]{36} Version: \$LATEST\n/)
  expect(tail).toMatch(/\tINFO\tgot {"name":"ada"}\n/)
  expect(tail).toMatch(/REPORT RequestId: [0-9a-f-]{36}\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms/)

  const warm = await lambda.send(new InvokeCommand({FunctionName: 'hello', Payload: JSON.stringify({name: 'bob'}), LogType: 'Tail'}))
  expect(Buffer.from(warm.LogResult ?? '', 'base64').toString('utf8')).not.toContain('Init Duration')

  const messages = await logMessages(logs, '/aws/lambda/hello')
  expect(messages.filter((message) => message.startsWith('START RequestId:'))).toHaveLength(2)
  expect(await logMessages(logs, '/aws/lambda/hello', '"got {\\"name\\":\\"bob\\"}"')).toHaveLength(1)
  const streams = await logs.send(new DescribeLogStreamsCommand({logGroupName: '/aws/lambda/hello'}))
  expect(streams.logStreams?.map((stream) => stream.logStreamName)).toEqual([expect.stringMatching(/^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/)])
})

test('a function error answers 200 with X-Amz-Function-Error: Unhandled and the runtime error payload', async () => {
  const {lambda} = await cloud()
  await createFunction(lambda, 'broken', 'exports.handler = async () => { throw new RangeError("out of range") }')
  const result = await lambda.send(new InvokeCommand({FunctionName: 'broken'}))
  expect(result.StatusCode).toBe(200)
  expect(result.FunctionError).toBe('Unhandled')
  expect(decode(result.Payload)).toMatchObject({errorType: 'RangeError', errorMessage: 'out of range', trace: expect.arrayContaining(['RangeError: out of range'])})
})

test('DryRun answers 204; versions and aliases run the version they name', async () => {
  const {lambda} = await cloud()
  await createFunction(lambda, 'versions', 'exports.handler = async () => process.env.AWS_LAMBDA_FUNCTION_VERSION')
  const dry = await lambda.send(new InvokeCommand({FunctionName: 'versions', InvocationType: 'DryRun'}))
  expect(dry.StatusCode).toBe(204)
  const published = await lambda.send(new PublishVersionCommand({FunctionName: 'versions'}))
  // A new version is Pending for a moment, as on AWS.
  await waitUntilPublishedVersionActive({client: lambda, maxWaitTime: 30, minDelay: 1}, {FunctionName: 'versions', Qualifier: published.Version})
  await lambda.send(new CreateAliasCommand({FunctionName: 'versions', Name: 'live', FunctionVersion: published.Version}))
  const viaAlias = await lambda.send(new InvokeCommand({FunctionName: 'versions', Qualifier: 'live'}))
  expect(viaAlias.ExecutedVersion).toBe('1')
  expect(decode(viaAlias.Payload)).toBe('1')
})

test('Event invocations are queued (202) and retried twice when the function fails', async () => {
  const {lambda, logs} = await cloud()
  await createFunction(lambda, 'flaky', 'exports.handler = async (event) => { console.log("attempt", event.n); throw new Error("always fails") }')
  const queued = await lambda.send(new InvokeCommand({FunctionName: 'flaky', InvocationType: 'Event', Payload: JSON.stringify({n: 1})}))
  expect(queued.StatusCode).toBe(202)
  let starts: string[] = []
  for (let i = 0; i < 100 && starts.length < 3; i++) {
    await sleep(100)
    starts = await logMessages(logs, '/aws/lambda/flaky', 'START').catch(() => [])
  }
  await sleep(300)
  starts = await logMessages(logs, '/aws/lambda/flaky', 'START')
  expect(starts).toHaveLength(3)
  // Every retry carries the same request id, as on AWS.
  expect(new Set(starts.map((line) => line.split(' ')[2])).size).toBe(1)
})

test('payload limits: 6 MB synchronous, 1 MB asynchronous → RequestTooLargeException', async () => {
  const {lambda} = await cloud()
  await createFunction(lambda, 'big', 'exports.handler = async () => "ok"')
  const sync = await lambda.send(new InvokeCommand({FunctionName: 'big', Payload: JSON.stringify('x'.repeat(6 * 1024 * 1024))})).catch((error: unknown) => error)
  expect(sync).toBeInstanceOf(RequestTooLargeException)
  expectModeledError('lambda', 'Invoke', sync)
  const async = await lambda.send(new InvokeCommand({FunctionName: 'big', InvocationType: 'Event', Payload: JSON.stringify('x'.repeat(1024 * 1024))})).catch((error: unknown) => error)
  expect(async).toBeInstanceOf(RequestTooLargeException)
  const fine = await lambda.send(new InvokeCommand({FunctionName: 'big', InvocationType: 'Event', Payload: JSON.stringify('x'.repeat(512 * 1024))}))
  expect(fine.StatusCode).toBe(202)
})

test('a response over 6 MB is a function error as AWS reports it', async () => {
  const {lambda} = await cloud()
  await createFunction(lambda, 'huge', 'exports.handler = async () => "x".repeat(7 * 1024 * 1024)')
  const result = await lambda.send(new InvokeCommand({FunctionName: 'huge'}))
  expect(result.FunctionError).toBe('Unhandled')
  expect(decode(result.Payload)).toEqual({errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).', errorType: 'Function.ResponseSizeTooLarge'})
})

test('reserved concurrency 0 throttles every call; a Pending function is a ResourceConflictException', async () => {
  const {lambda} = await cloud(1500)
  await createFunction(lambda, 'pending', 'exports.handler = async () => "ok"', false)
  const pending = await lambda.send(new InvokeCommand({FunctionName: 'pending'})).catch((error: unknown) => error)
  expect(pending).toBeInstanceOf(ResourceConflictException)
  expect((pending as Error).message).toBe('The operation cannot be performed at this time. The function is currently in the following state: Pending')
  await waitUntilFunctionActiveV2({client: lambda, maxWaitTime: 30, minDelay: 1}, {FunctionName: 'pending'})
  await lambda.send(new PutFunctionConcurrencyCommand({FunctionName: 'pending', ReservedConcurrentExecutions: 0}))
  const throttled = await lambda.send(new InvokeCommand({FunctionName: 'pending'})).catch((error: unknown) => error)
  expect(throttled).toBeInstanceOf(TooManyRequestsException)
  expect(throttled).toMatchObject({Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded'})
  expectModeledError('lambda', 'Invoke', throttled)
})

/**
 * Every name AWS accepts fits the store: 512-character log group and stream names, non-ASCII stream
 * names, long documents ids, and a function logging to a 308-character group. No file name may exceed
 * 255 bytes, temporary files included.
 */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs'
import {CreateFunctionCommand, InvokeCommand, LambdaClient, waitUntilFunctionActiveV2} from '@aws-sdk/client-lambda'
import {readdir, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {afterEach, expect, test} from 'vitest'

import {startLocalCloud} from '../../../src/lib/local/server.js'
import {fileName, Store} from '../../../src/lib/local/store.js'
import {tempDir} from '../../helpers/cli.js'
import {makeZip} from './runtime/helpers.js'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const credentials = {accessKeyId: 'x', secretAccessKey: 'x'}
const LONG_GROUP = `/aws/${'g'.repeat(507)}` // 512 characters, AWS's maximum
const LONG_STREAM = `2025/01/01/[$LATEST]${'s'.repeat(492)}` // 512 characters
const ACCENTED_STREAM = 'é'.repeat(100)

async function storeDir(): Promise<string> {
  const tmp = await tempDir('sling-names-')
  cleanups.push(tmp.cleanup)
  return tmp.dir
}

/** Every file and directory name under `dir`, recursively. */
async function allNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, {withFileTypes: true, recursive: true})
  return entries.map((entry) => entry.name)
}

async function cloud(dir: string): Promise<{logs: CloudWatchLogsClient; lambda: LambdaClient}> {
  const local = await startLocalCloud({storeDir: dir, settings: {stateDelayMs: 0}})
  const logs = new CloudWatchLogsClient({endpoint: local.endpoint, region: 'us-east-1', credentials, maxAttempts: 1})
  const lambda = new LambdaClient({endpoint: local.endpoint, region: 'us-east-1', credentials, maxAttempts: 1})
  cleanups.push(() => local.close(), () => logs.destroy(), () => lambda.destroy())
  return {logs, lambda}
}

test('file names never exceed 255 bytes; names that fitted before keep their file', () => {
  for (const name of [LONG_GROUP, LONG_STREAM, ACCENTED_STREAM, 'k'.repeat(1024), '\ud800 lone surrogate']) {
    expect(Buffer.byteLength(fileName(name, '.json'))).toBeLessThanOrEqual(255)
  }
  expect(fileName('my-function', '.json')).toBe('my-function.json')
  expect(fileName('/aws/lambda/hello')).toBe('%2Faws%2Flambda%2Fhello')
  expect(fileName('..')).toBe('%2E%2E')
  expect(fileName(LONG_GROUP)).not.toBe(fileName(`${LONG_GROUP.slice(0, -1)}h`))
})

test('documents with any id round-trip through get, list and delete', async () => {
  const store = new Store(await storeDir())
  const ids = ['k'.repeat(1024), ACCENTED_STREAM, 'short', '\ud800 lone surrogate']
  for (const [n, id] of ids.entries()) await store.put('docs', id, {n})
  for (const [n, id] of ids.entries()) expect(await store.get('docs', id)).toEqual({n})
  expect((await store.list<{n: number}>('docs')).map((doc) => doc.n).sort()).toEqual([0, 1, 2, 3])
  await store.delete('docs', ids[0] ?? '')
  expect(await store.get('docs', ids[0] ?? '')).toBeUndefined()
  expect(Math.max(...(await allNames(store.dir)).map((name) => Buffer.byteLength(name)))).toBeLessThanOrEqual(255)
})

test('log groups and streams with the longest names AWS allows, or non-ASCII names, work end to end', async () => {
  const dir = await storeDir()
  const {logs} = await cloud(dir)
  await logs.send(new CreateLogGroupCommand({logGroupName: LONG_GROUP}))
  for (const stream of [LONG_STREAM, ACCENTED_STREAM]) {
    await logs.send(new CreateLogStreamCommand({logGroupName: LONG_GROUP, logStreamName: stream}))
    await logs.send(new PutLogEventsCommand({logGroupName: LONG_GROUP, logStreamName: stream, logEvents: [{timestamp: Date.now(), message: `hello ${stream.length}`}]}))
    const events = await logs.send(new GetLogEventsCommand({logGroupName: LONG_GROUP, logStreamName: stream, startFromHead: true}))
    expect(events.events?.map((event) => event.message)).toEqual([`hello ${stream.length}`])
  }
  const groups = await logs.send(new DescribeLogGroupsCommand({logGroupNamePrefix: '/aws/'}))
  expect(groups.logGroups?.map((group) => group.logGroupName)).toEqual([LONG_GROUP])
  const streams = await logs.send(new DescribeLogStreamsCommand({logGroupName: LONG_GROUP}))
  expect(streams.logStreams?.map((stream) => stream.logStreamName).sort()).toEqual([LONG_STREAM, ACCENTED_STREAM].sort())
  expect(Math.max(...(await allNames(dir)).map((name) => Buffer.byteLength(name)))).toBeLessThanOrEqual(255)
  await logs.send(new DeleteLogGroupCommand({logGroupName: LONG_GROUP}))
  expect((await logs.send(new DescribeLogGroupsCommand({}))).logGroups).toEqual([])
})

async function createFunction(lambda: LambdaClient, name: string, logGroup?: string): Promise<void> {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Role: 'arn:aws:iam::123456789012:role/lambda-role',
      Handler: 'index.handler',
      Code: {ZipFile: await makeZip({'index.js': 'exports.handler = async () => { console.log("ran"); return {ok: true} }'})},
      ...(logGroup ? {LoggingConfig: {LogGroup: logGroup, LogFormat: 'Text'}} : {}),
    }),
  )
  await waitUntilFunctionActiveV2({client: lambda, maxWaitTime: 30, minDelay: 1}, {FunctionName: name})
}

test('a function logging to a 308-character log group answers its result and writes its log there', async () => {
  const {lambda, logs} = await cloud(await storeDir())
  const group = `/custom/${'x'.repeat(300)}`
  await createFunction(lambda, 'long-log', group)
  const result = await lambda.send(new InvokeCommand({FunctionName: 'long-log'}))
  expect(result.StatusCode).toBe(200)
  expect(JSON.parse(Buffer.from(result.Payload ?? []).toString())).toEqual({ok: true})
  const events = await logs.send(new FilterLogEventsCommand({logGroupName: group, filterPattern: 'ran'}))
  expect(events.events?.length).toBe(1)
})

test('when the log can\'t be written, the result the handler produced is still the answer', async () => {
  const dir = await storeDir()
  const {lambda} = await cloud(dir)
  await createFunction(lambda, 'no-log-dir')
  await writeFile(path.join(dir, 'logs'), 'a file where the log directory belongs') // every log write now fails
  const stderr: string[] = []
  const write = process.stderr.write.bind(process.stderr)
  process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true))
  cleanups.push(() => void (process.stderr.write = write))
  const result = await lambda.send(new InvokeCommand({FunctionName: 'no-log-dir'}))
  expect(result.StatusCode).toBe(200)
  expect(result.FunctionError).toBeUndefined()
  expect(JSON.parse(Buffer.from(result.Payload ?? []).toString())).toEqual({ok: true})
  expect(stderr.join('')).toContain("couldn't write the log of no-log-dir to /aws/lambda/no-log-dir")
})

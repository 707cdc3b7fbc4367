/**
 * StartLiveTail as the local cloud serves it, driven by the AWS SDK for JavaScript (and, for the frames
 * themselves, by a raw HTTP/1.1 request decoded with the SDK's event-stream codec).
 */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  PutLogEventsCommand,
  StartLiveTailCommand,
} from '@aws-sdk/client-cloudwatch-logs'
import type {StartLiveTailResponseStream} from '@aws-sdk/client-cloudwatch-logs'
import {EventStreamCodec} from '@smithy/core/event-streams'
import {request} from 'node:http'

import {afterEach, expect, test} from 'vitest'

import {LogStore} from '../../../../src/lib/local/logs/events.js'
import {startLocalCloud} from '../../../../src/lib/local/server.js'
import type {LocalCloud} from '../../../../src/lib/local/server.js'
import {readLocalSettings} from '../../../../src/lib/local/settings.js'
import {Store} from '../../../../src/lib/local/store.js'
import {tempDir} from '../../../helpers/cli.js'
import {expectModeledError, modelViolations} from '../../../helpers/model.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function cloud(settings: Parameters<typeof startLocalCloud>[0]['settings'] = {}): Promise<{cloud: LocalCloud; client: CloudWatchLogsClient; dir: string}> {
  const temp = await tempDir('sling-live-tail-')
  const started = await startLocalCloud({storeDir: temp.dir, settings})
  // The model sends StartLiveTail to a "stream-" host prefix, which a local endpoint can't receive.
  const client = new CloudWatchLogsClient({endpoint: started.endpoint, region: 'us-east-1', credentials: {accessKeyId: 'x', secretAccessKey: 'x'}, maxAttempts: 1, disableHostPrefix: true})
  cleanups.push(temp.cleanup, () => started.close(), () => Promise.resolve(client.destroy()))
  return {cloud: started, client, dir: temp.dir}
}

async function group(client: CloudWatchLogsClient, name: string, streams: readonly string[]): Promise<void> {
  await client.send(new CreateLogGroupCommand({logGroupName: name}))
  for (const stream of streams) await client.send(new CreateLogStreamCommand({logGroupName: name, logStreamName: stream}))
}

function put(client: CloudWatchLogsClient, name: string, stream: string, messages: readonly string[]): Promise<unknown> {
  const now = Date.now()
  return client.send(new PutLogEventsCommand({logGroupName: name, logStreamName: stream, logEvents: messages.map((message, i) => ({timestamp: now + i, message}))}))
}

/** Reads a session's frames in the background; `until` waits for a condition on what arrived so far. */
function reader(stream: AsyncIterable<StartLiveTailResponseStream> | undefined): {frames: StartLiveTailResponseStream[]; ended: Promise<unknown>; until: (check: () => boolean, ms?: number) => Promise<void>} {
  const frames: StartLiveTailResponseStream[] = []
  const ended = (async () => {
    for await (const frame of stream ?? []) frames.push(frame)
  })().then(
    () => undefined,
    (error: unknown) => error,
  )
  const until = async (check: () => boolean, ms = 10_000): Promise<void> => {
    const deadline = Date.now() + ms
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out; frames so far: ${JSON.stringify(frames)}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
  return {frames, ended, until}
}

const messagesOf = (frames: readonly StartLiveTailResponseStream[]): string[] => frames.flatMap((frame) => frame.sessionUpdate?.sessionResults?.map((event) => event.message ?? '') ?? [])

test('a session starts at once, sends only events ingested after its start, about every second, and matches the model', async () => {
  const {client} = await cloud()
  await group(client, '/aws/lambda/fn', ['old'])
  await put(client, '/aws/lambda/fn', 'old', ['before the session'])
  const controller = new AbortController()
  cleanups.push(() => Promise.resolve(controller.abort()))

  const answer = await client.send(new StartLiveTailCommand({logGroupIdentifiers: ['arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/fn']}), {abortSignal: controller.signal})
  const session = reader(answer.responseStream)
  await session.until(() => session.frames.length >= 1)
  const start = session.frames[0]?.sessionStart
  expect(start).toMatchObject({logGroupIdentifiers: ['arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/fn'], sessionId: expect.any(String), requestId: expect.any(String)})
  expect(modelViolations('logs', 'LiveTailSessionStart', start)).toEqual([])

  // Idle: updates keep coming, empty.
  await session.until(() => session.frames.length >= 2)
  expect(session.frames[1]?.sessionUpdate).toEqual({sessionMetadata: {sampled: false}, sessionResults: []})

  // A group deleted and created again: its streams start over, and their events are new.
  await client.send(new DeleteLogGroupCommand({logGroupName: '/aws/lambda/fn'}))
  await group(client, '/aws/lambda/fn', ['old'])
  await put(client, '/aws/lambda/fn', 'old', ['one', 'two'])
  await client.send(new CreateLogStreamCommand({logGroupName: '/aws/lambda/fn', logStreamName: 'new'}))
  await put(client, '/aws/lambda/fn', 'new', ['three'])
  await session.until(() => messagesOf(session.frames).length >= 3)
  expect(messagesOf(session.frames)).toEqual(['one', 'two', 'three'])
  const update = session.frames.find((frame) => (frame.sessionUpdate?.sessionResults?.length ?? 0) > 0)?.sessionUpdate
  expect(update?.sessionResults?.[0]).toMatchObject({logStreamName: 'old', logGroupIdentifier: 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/fn', timestamp: expect.any(Number), ingestionTime: expect.any(Number)})
  expect(modelViolations('logs', 'LiveTailSessionUpdate', update)).toEqual([])
})

test('stream names, stream prefixes and the filter pattern are honoured; a writer through another store instance is seen', async () => {
  const {client, dir} = await cloud()
  await group(client, '/app', ['2025/01/01/[1]a', '2025/01/01/[2]b'])
  const controller = new AbortController()
  cleanups.push(() => Promise.resolve(controller.abort()))
  const byPrefix = reader((await client.send(new StartLiveTailCommand({logGroupIdentifiers: ['/app'], logStreamNamePrefixes: ['2025/01/01/[2]']}), {abortSignal: controller.signal})).responseStream)
  const byName = reader((await client.send(new StartLiveTailCommand({logGroupIdentifiers: ['/app'], logStreamNames: ['2025/01/01/[1]a'], logEventFilterPattern: 'ERROR'}), {abortSignal: controller.signal})).responseStream)
  await byPrefix.until(() => byPrefix.frames.length > 0)
  await byName.until(() => byName.frames.length > 0)

  await put(client, '/app', '2025/01/01/[1]a', ['INFO fine', 'ERROR broken'])
  // Another process on the same store writes through its own Store: the session reads the store, not this server's writes.
  await new LogStore(new Store(dir), 'us-east-1').append('/app', '2025/01/01/[2]b', [{timestamp: Date.now(), message: 'from elsewhere'}])
  await byPrefix.until(() => messagesOf(byPrefix.frames).length > 0)
  await byName.until(() => messagesOf(byName.frames).length > 0)
  // One more update: nothing else arrives.
  const seen = byName.frames.length
  await byName.until(() => byName.frames.length > seen + 1)
  expect(messagesOf(byPrefix.frames)).toEqual(['from elsewhere'])
  expect(messagesOf(byName.frames)).toEqual(['ERROR broken'])
})

test('at most 500 events per update: more are sampled down and the update says so', async () => {
  const {client} = await cloud()
  await group(client, '/busy', ['s'])
  const controller = new AbortController()
  cleanups.push(() => Promise.resolve(controller.abort()))
  const session = reader((await client.send(new StartLiveTailCommand({logGroupIdentifiers: ['/busy']}), {abortSignal: controller.signal})).responseStream)
  await session.until(() => session.frames.length > 0)
  await put(client, '/busy', 's', Array.from({length: 1200}, (_, i) => `line ${i}`))
  await session.until(() => messagesOf(session.frames).length > 0)
  const update = session.frames.find((frame) => (frame.sessionUpdate?.sessionResults?.length ?? 0) > 0)?.sessionUpdate
  expect(update?.sessionResults).toHaveLength(500)
  expect(update?.sessionMetadata?.sampled).toBe(true)
  const timestamps = update?.sessionResults?.map((event) => event.timestamp ?? 0) ?? []
  expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b))
})

test('the session times out with SessionTimeoutException after SLING_LOCAL_LIVE_TAIL_TIMEOUT_MS', async () => {
  const {liveTailTimeoutMs} = readLocalSettings({SLING_LOCAL_LIVE_TAIL_TIMEOUT_MS: '1500'})
  expect(liveTailTimeoutMs).toBe(1500)
  const {client} = await cloud({liveTailTimeoutMs})
  await group(client, '/short', [])
  const session = reader((await client.send(new StartLiveTailCommand({logGroupIdentifiers: ['/short']}))).responseStream)
  const error = await session.ended
  expect(error).toMatchObject({name: 'SessionTimeoutException'})
  expect(session.frames[0]?.sessionStart).toBeDefined()
  expect(session.frames.filter((frame) => frame.sessionUpdate)).toHaveLength(1)
})

test('refusals are modelled errors: a missing group, an ARN ending in :*, names with prefixes, more than 10 groups', async () => {
  const {client} = await cloud()
  await group(client, '/a', [])
  await group(client, '/b', [])
  const refused = (input: ConstructorParameters<typeof StartLiveTailCommand>[0]): Promise<unknown> => client.send(new StartLiveTailCommand(input)).then(() => undefined, (error: unknown) => error)

  const missing = await refused({logGroupIdentifiers: ['/a', '/nope']})
  expect(missing).toMatchObject({name: 'ResourceNotFoundException'})
  expectModeledError('logs', 'StartLiveTail', missing)
  for (const input of [
    {logGroupIdentifiers: ['arn:aws:logs:us-east-1:000000000000:log-group:/a:*']},
    {logGroupIdentifiers: ['/a'], logStreamNames: ['x'], logStreamNamePrefixes: ['y']},
    {logGroupIdentifiers: ['/a', '/b'], logStreamNames: ['x']},
    {logGroupIdentifiers: Array.from({length: 11}, () => '/a')},
    {logGroupIdentifiers: ['/a'], logEventFilterPattern: '{ $.x > }'},
  ]) {
    const error = await refused(input)
    expect(error, JSON.stringify(input)).toMatchObject({name: 'InvalidParameterException'})
    expectModeledError('logs', 'StartLiveTail', error)
  }
})

test('over plain HTTP/1.1: 200, the event-stream content type, initial-response first, then sessionStart', async () => {
  const {cloud: local, client} = await cloud()
  await group(client, '/raw', [])
  const codec = new EventStreamCodec((bytes) => new TextDecoder().decode(bytes), (text) => new TextEncoder().encode(text))
  const body = JSON.stringify({logGroupIdentifiers: ['/raw']})
  const {status, contentType, messages} = await new Promise<{status?: number; contentType?: string; messages: {type: string; body: unknown}[]}>((resolve, reject) => {
    const req = request(`${local.endpoint}/`, {method: 'POST', headers: {'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Logs_20140328.StartLiveTail', 'content-length': Buffer.byteLength(body)}}, (res) => {
      const messages: {type: string; body: unknown}[] = []
      res.on('data', (chunk: Buffer) => {
        codec.feed(chunk)
        for (const message of codec.getAvailableMessages().getMessages()) {
          messages.push({type: String(message.headers[':event-type']?.value), body: JSON.parse(new TextDecoder().decode(message.body))})
        }
        if (messages.length >= 2) {
          res.destroy()
          resolve({status: res.statusCode, contentType: res.headers['content-type'], messages})
        }
      })
    })
    req.on('error', reject)
    req.end(body)
  })
  expect(status).toBe(200)
  expect(contentType).toBe('application/vnd.amazon.eventstream')
  expect(messages.map((message) => message.type)).toEqual(['initial-response', 'sessionStart'])
  expect(messages[0]?.body).toEqual({})
})

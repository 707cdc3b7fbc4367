import {CreateFunctionCommand, InvokeCommand, InvokeWithResponseStreamCommand, LambdaClient, ResourceNotFoundException, waitUntilFunctionActiveV2} from '@aws-sdk/client-lambda'
import type {InvokeWithResponseStreamCommandOutput} from '@aws-sdk/client-lambda'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'

import {afterEach, expect, test} from 'vitest'

import {startLocalCloud} from '../../../../src/lib/local/server.js'
import {rejectionOf, zipOf} from '../../../helpers/aws.js'
import {tempDir} from '../../../helpers/cli.js'
import {expectModeledError, expectOutputMatchesModel} from '../../../helpers/model.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function cloud(): Promise<{lambda: LambdaClient; dir: string}> {
  const temp = await tempDir()
  const local = await startLocalCloud({storeDir: path.join(temp.dir, 'store'), settings: {stateDelayMs: 0}})
  const lambda = new LambdaClient({endpoint: local.endpoint, region: 'us-east-1', credentials: {accessKeyId: 'x', secretAccessKey: 'x'}, maxAttempts: 1})
  cleanups.push(temp.cleanup, () => local.close(), () => Promise.resolve(lambda.destroy()))
  return {lambda, dir: temp.dir}
}

async function createFunction(lambda: LambdaClient, name: string, source: string): Promise<void> {
  await lambda.send(new CreateFunctionCommand({FunctionName: name, Runtime: 'nodejs22.x', Role: 'arn:aws:iam::123456789012:role/r', Handler: 'index.handler', Code: {ZipFile: await zipOf({'index.js': source})}}))
  await waitUntilFunctionActiveV2({client: lambda, maxWaitTime: 30, minDelay: 1}, {FunctionName: name})
}

type StreamEvent = {chunk: string} | {complete: Record<string, unknown>}

async function read(output: InvokeWithResponseStreamCommandOutput, onChunk?: (text: string) => Promise<void>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = []
  for await (const event of output.EventStream ?? []) {
    if (event.PayloadChunk) {
      const text = Buffer.from(event.PayloadChunk.Payload ?? []).toString('utf8')
      events.push({chunk: text})
      await onChunk?.(text)
    }
    if (event.InvokeComplete) events.push({complete: {...event.InvokeComplete}})
  }
  return events
}

// The handler writes its first chunk, then waits for a file the test creates only once that chunk arrived:
// the second chunk can't exist before the first was received, so this proves the chunks stream.
const HANDSHAKE = `
const fs = require('fs')
exports.handler = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.setContentType('text/plain')
  responseStream.write('first;')
  while (!fs.existsSync(event.go)) await new Promise((resolve) => setTimeout(resolve, 5))
  responseStream.write('second;')
  responseStream.end('last')
})`

test('InvokeWithResponseStream sends each chunk as the handler writes it, then InvokeComplete', async () => {
  const {lambda, dir} = await cloud()
  await createFunction(lambda, 'streamer', HANDSHAKE)
  const go = path.join(dir, 'go')

  const output = await lambda.send(new InvokeWithResponseStreamCommand({FunctionName: 'streamer', Payload: JSON.stringify({go})}))
  const events = await read(output, async (text) => {
    if (text === 'first;') await writeFile(go, '')
  })

  expectOutputMatchesModel('lambda', 'InvokeWithResponseStream', {...output, EventStream: undefined})
  expect(output.StatusCode).toBe(200)
  expect(output.ExecutedVersion).toBe('$LATEST')
  expect(output.ResponseStreamContentType).toBe('application/vnd.amazon.eventstream')
  expect(events).toEqual([{chunk: 'first;'}, {chunk: 'second;'}, {chunk: 'last'}, {complete: {}}])
})

test('a function that does not stream answers in one chunk; Invoke of a streaming function returns the whole response', async () => {
  const {lambda} = await cloud()
  await createFunction(lambda, 'plain', 'exports.handler = async (event) => ({hello: event.name})')
  await createFunction(lambda, 'chunky', 'exports.handler = awslambda.streamifyResponse(async (event, stream) => { stream.write("a"); stream.write({b: 1}); stream.end() })')

  const plain = await read(await lambda.send(new InvokeWithResponseStreamCommand({FunctionName: 'plain', Payload: '{"name":"ada"}'})))
  const whole = await lambda.send(new InvokeCommand({FunctionName: 'chunky'}))

  expect(plain).toEqual([{chunk: '{"hello":"ada"}'}, {complete: {}}])
  expect(Buffer.from(whole.Payload ?? []).toString('utf8')).toBe('a{"b":1}')
  expect(whole.FunctionError).toBeUndefined()
})

test('a streaming function that fails after a chunk ends with InvokeComplete naming the error, and the log tail when asked', async () => {
  const {lambda} = await cloud()
  await createFunction(lambda, 'breaks', 'exports.handler = awslambda.streamifyResponse(async (event, stream) => { stream.write("partial"); console.log("about to fail"); throw new TypeError("disk on fire") })')

  const events = await read(await lambda.send(new InvokeWithResponseStreamCommand({FunctionName: 'breaks', LogType: 'Tail'})))

  expect(events[0]).toEqual({chunk: 'partial'})
  const complete = (events[1] as {complete: {ErrorCode: string; ErrorDetails: string; LogResult: string}}).complete
  expect(complete).toMatchObject({ErrorCode: 'TypeError', ErrorDetails: 'disk on fire'})
  expect(Buffer.from(complete.LogResult, 'base64').toString('utf8')).toMatch(/about to fail[\s\S]*REPORT RequestId/)
})

test('HttpResponseStream.from puts its JSON prelude and 8 NUL bytes before the body, as function URLs read it', async () => {
  const {lambda} = await cloud()
  await createFunction(lambda, 'http', `exports.handler = awslambda.streamifyResponse(async (event, stream) => {
    stream = awslambda.HttpResponseStream.from(stream, {statusCode: 201, headers: {'x-sling': 'yes'}})
    stream.write('created')
    stream.end()
  })`)

  const events = await read(await lambda.send(new InvokeWithResponseStreamCommand({FunctionName: 'http'})))

  const body = events.flatMap((event) => ('chunk' in event ? [event.chunk] : [])).join('')
  expect(body).toBe(`{"statusCode":201,"headers":{"x-sling":"yes"}}${'\u0000'.repeat(8)}created`)
})

test('errors before the function runs are ordinary modelled errors', async () => {
  const {lambda} = await cloud()

  const error = await rejectionOf(lambda.send(new InvokeWithResponseStreamCommand({FunctionName: 'missing'})))

  expect(error).toBeInstanceOf(ResourceNotFoundException)
  expectModeledError('lambda', 'InvokeWithResponseStream', error)
})

import {InvokeCommand, InvokeWithResponseStreamCommand, LambdaClient, ResourceConflictException} from '@aws-sdk/client-lambda'
import type {InvokeWithResponseStreamResponseEvent} from '@aws-sdk/client-lambda'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, expect, test} from 'vitest'

import {createLambdaApi} from '../../../src/lib/aws/lambda.js'
import type {InvokeStreamEvent} from '../../../src/lib/aws/types.js'
import {fakeClock} from '../../helpers/clock.js'

const lambdaMock = mockClient(LambdaClient)
afterEach(() => {
  lambdaMock.reset()
})

const api = () => createLambdaApi(new LambdaClient({region: 'eu-west-1'}), {region: 'eu-west-1'}, {clock: fakeClock(), conflictRetry: {attempts: 3, baseDelayMs: 1}})

async function* events(...items: InvokeWithResponseStreamResponseEvent[]): AsyncIterable<InvokeWithResponseStreamResponseEvent> {
  for (const item of items) yield await Promise.resolve(item)
}

test('invoke sends the client context base64-encoded and returns the request id and attempts', async () => {
  lambdaMock.on(InvokeCommand).resolves({StatusCode: 200, $metadata: {requestId: 'req-7', attempts: 2}})

  const result = await api().invoke('hello', '{}', {clientContext: '{"custom":{"a":1}}'})

  expect(lambdaMock).toHaveReceivedCommandWith(InvokeCommand, {FunctionName: 'hello', ClientContext: Buffer.from('{"custom":{"a":1}}').toString('base64')})
  expect(result).toMatchObject({statusCode: 200, requestId: 'req-7', attempts: 2})
})

test('invokeStream retries "not ready" before the stream starts, then yields the chunks and the completion with the decoded log tail', async () => {
  lambdaMock
    .on(InvokeWithResponseStreamCommand)
    .rejectsOnce(new ResourceConflictException({message: 'The operation cannot be performed at this time. The function is currently in the following state: Pending', $metadata: {httpStatusCode: 409}}))
    .resolves({
      StatusCode: 200, ExecutedVersion: '3', ResponseStreamContentType: 'application/vnd.amazon.eventstream', $metadata: {requestId: 'req-9'},
      EventStream: events({PayloadChunk: {Payload: Buffer.from('a')}}, {PayloadChunk: {Payload: Buffer.from('b')}}, {InvokeComplete: {ErrorCode: 'Error', ErrorDetails: 'boom', LogResult: Buffer.from('REPORT').toString('base64')}}),
    })

  const stream = await api().invokeStream('hello', '{"x":1}', {qualifier: 'live', logTail: true, clientContext: '{}'})
  const seen: InvokeStreamEvent[] = []
  for await (const event of stream.events) seen.push(event)

  expect(lambdaMock).toHaveReceivedCommandTimes(InvokeWithResponseStreamCommand, 2)
  expect(lambdaMock).toHaveReceivedCommandWith(InvokeWithResponseStreamCommand, {FunctionName: 'hello', Qualifier: 'live', LogType: 'Tail', ClientContext: 'e30=', Payload: new TextEncoder().encode('{"x":1}')})
  expect(stream).toMatchObject({statusCode: 200, executedVersion: '3', requestId: 'req-9', contentType: 'application/vnd.amazon.eventstream'})
  expect(seen).toEqual([
    {kind: 'chunk', payload: Buffer.from('a')},
    {kind: 'chunk', payload: Buffer.from('b')},
    {kind: 'complete', errorCode: 'Error', errorDetails: 'boom', logTail: 'REPORT'},
  ])
})

/**
 * InvokeWithResponseStream, as Lambda answers it: 200 with an `application/vnd.amazon.eventstream` body
 * of `PayloadChunk` events (the response's bytes, as the handler writes them) and one `InvokeComplete`
 * event ({ErrorCode, ErrorDetails, LogResult}) at the end. Frames are encoded with the SDK's own event
 * stream codec. A function that doesn't stream answers in one chunk. Errors before the function starts
 * (not found, throttled, a bad request) are ordinary JSON errors; after it started, only InvokeComplete
 * can say what went wrong.
 */
import {randomUUID} from 'node:crypto'
import type {ServerResponse} from 'node:http'

import {EventStreamCodec} from '@smithy/core/event-streams'
import type {Message} from '@smithy/core/event-streams'

import type {LocalRequest} from '../contract.js'
import type {InvocationRequest, InvocationResult} from '../runtime/runtime.js'
import {logTail} from '../runtime/runtime.js'
import {readInvokePayload} from './payload.js'
import {validationError} from './protocol.js'

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (text) => new Uint8Array(Buffer.from(text, 'utf8')),
)

export interface StreamInvocation {
  readonly request: LocalRequest
  readonly response: ServerResponse
  readonly executedVersion: string
  /** Throws the Lambda error that stops the call before it runs (state, runtime). */
  readonly check: () => void
  /** Runs the function once (and writes its log), with the chunks going to `onChunk`. */
  readonly run: (call: Omit<InvocationRequest, 'invokedFunctionArn'>) => Promise<InvocationResult>
}

/** The invocation types InvokeWithResponseStream accepts (the model's ResponseStreamingInvocationType). */
const TYPES = ['RequestResponse', 'DryRun']

export async function streamInvocation(call: StreamInvocation): Promise<void> {
  const {request, response} = call
  const type = header(request, 'x-amz-invocation-type') ?? 'RequestResponse'
  if (!TYPES.includes(type)) throw validationError([`Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [RequestResponse, DryRun]`])
  const logType = header(request, 'x-amz-log-type') ?? 'None'
  if (logType !== 'None' && logType !== 'Tail') throw validationError([`Value '${logType}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [Tail, None]`])
  const payload = await readInvokePayload(request, 'RequestResponse', false)
  call.check()
  const requestId = randomUUID()
  let started = false
  // Headers go out with the first chunk: until then a throttle can still be an ordinary error.
  const start = (): void => {
    if (started) return
    started = true
    response.writeHead(200, {'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': requestId, 'x-amz-executed-version': call.executedVersion})
  }
  const chunk = (data: Buffer): void => {
    start()
    if (data.length > 0) response.write(frame('PayloadChunk', 'application/octet-stream', data))
  }
  // AWS runs the function for DryRun here too (it validates and streams as usual).
  let result: InvocationResult
  try {
    result = await call.run({requestId, payload: payload.toString('utf8'), onChunk: chunk})
  } catch (error) {
    if (!started) throw error
    response.end(complete({ErrorCode: 'ServiceException', ErrorDetails: error instanceof Error ? error.message : String(error)}))
    return
  }
  start()
  if (!result.streamed && !result.functionError) chunk(Buffer.from(result.payload))
  const failure = result.functionError ? {ErrorCode: result.error?.errorType ?? 'Unhandled', ErrorDetails: result.error?.errorMessage ?? result.payload} : {}
  response.end(complete({...failure, ...(logType === 'Tail' ? {LogResult: logTail(result.logs)} : {})}))
}

function complete(fields: {ErrorCode?: string; ErrorDetails?: string; LogResult?: string}): Uint8Array {
  return frame('InvokeComplete', 'application/json', Buffer.from(JSON.stringify(fields)))
}

function frame(eventType: string, contentType: string, body: Uint8Array): Uint8Array {
  const message: Message = {
    headers: {
      ':event-type': {type: 'string', value: eventType},
      ':message-type': {type: 'string', value: 'event'},
      ':content-type': {type: 'string', value: contentType},
    },
    body,
  }
  return codec.encode(message)
}

function header(request: LocalRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

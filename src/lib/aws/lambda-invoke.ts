import {InvokeWithResponseStreamCommand} from '@aws-sdk/client-lambda'
import type {InvokeWithResponseStreamResponseEvent} from '@aws-sdk/client-lambda'

import type {LambdaCore} from './lambda-core.js'
import type {LambdaApi} from './lambda.js'
import type {InvokeStreamEvent} from './types.js'

type InvokeOps = Pick<LambdaApi, 'invokeStream'>

/** InvokeWithResponseStream: the SDK parses the event stream; this turns its union events into sling's. */
export function createInvokeOps(core: LambdaCore): InvokeOps {
  const {client} = core
  return {
    async invokeStream(name, payload, {qualifier, logTail, clientContext, signal} = {}) {
      // Retried like Invoke only until the stream starts: "update in progress" means the function didn't run.
      const result = await core.send({functionName: name}, (abortSignal) => client.send(new InvokeWithResponseStreamCommand({
        FunctionName: name, Qualifier: qualifier, LogType: logTail ? 'Tail' : undefined,
        ClientContext: clientContext === undefined ? undefined : Buffer.from(clientContext).toString('base64'),
        Payload: typeof payload === 'string' ? new TextEncoder().encode(payload) : payload,
      }), {abortSignal}), {busy: true, signal})
      return {
        statusCode: result.StatusCode ?? 0,
        executedVersion: result.ExecutedVersion,
        requestId: metadataOf(result).requestId,
        contentType: result.ResponseStreamContentType,
        events: streamEvents(result.EventStream),
      }
    },
  }
}

async function* streamEvents(stream: AsyncIterable<InvokeWithResponseStreamResponseEvent> | undefined): AsyncIterable<InvokeStreamEvent> {
  if (!stream) return
  for await (const event of stream) {
    if (event.PayloadChunk) yield {kind: 'chunk', payload: event.PayloadChunk.Payload ?? new Uint8Array()}
    if (event.InvokeComplete) {
      const {ErrorCode, ErrorDetails, LogResult} = event.InvokeComplete
      yield {kind: 'complete', errorCode: ErrorCode, errorDetails: ErrorDetails, logTail: LogResult === undefined ? undefined : Buffer.from(LogResult, 'base64').toString('utf8')}
    }
  }
}

/** The response metadata, which mocked clients may leave out. */
export function metadataOf(output: {$metadata?: {requestId?: string; attempts?: number} | undefined}): {requestId?: string | undefined; attempts?: number | undefined} {
  return output.$metadata ?? {}
}

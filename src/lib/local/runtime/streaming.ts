/**
 * Response streaming in the worker, as the Node.js runtime offers it: the `awslambda` global with
 * `streamifyResponse` (marks a handler `(event, responseStream, context)`) and `HttpResponseStream.from`
 * (a JSON prelude with the status code and headers, then 8 NUL bytes, before the body, which function
 * URLs turn into an HTTP response). The response stream is a Writable whose chunks leave the worker as
 * they are written, with backpressure from the IPC channel. Node.js built-ins only: the worker must start fast.
 */
import {Writable} from 'node:stream'

/** The runtime's marks on a handler that streamifyResponse wrapped. */
const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming')
const STREAM_RESPONSE = 'response'
const HTTP_INTEGRATION = 'application/vnd.awslambda.http-integration-response'
const DEFAULT_CONTENT_TYPE = 'application/octet-stream'

type Write = (chunk: unknown) => void

/** The handler's responseStream: a Writable plus what the runtime's adds. */
export interface ResponseStream extends Writable {
  setContentType(contentType: string): void
  /** Set by HttpResponseStream.from: writes the prelude before the first chunk. */
  _onBeforeFirstWrite?: ((write: Write) => void) | undefined
}

/** Installs `awslambda` (unless AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA says not to, as the runtime allows). */
export function installAwslambdaGlobal(): void {
  const off = process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA
  if (off === '1' || off === 'true') return
  const global = globalThis as {awslambda?: Record<string, unknown>}
  global.awslambda = {
    ...global.awslambda,
    streamifyResponse: (handler: object) => {
      ;(handler as Record<symbol, unknown>)[STREAMING] = STREAM_RESPONSE
      return handler
    },
    HttpResponseStream: {
      from(stream: ResponseStream, prelude: Record<string, unknown>): ResponseStream {
        stream.setContentType(HTTP_INTEGRATION)
        const text = JSON.stringify(prelude)
        stream._onBeforeFirstWrite = (write) => {
          write(text)
          write(new Uint8Array(8))
        }
        return stream
      },
    },
  }
}

export function isStreamingHandler(handler: unknown): boolean {
  return typeof handler === 'function' && (handler as unknown as Record<symbol, unknown>)[STREAMING] === STREAM_RESPONSE
}

export interface StreamSink {
  /** Sends one chunk; `done` once it left the process (the stream's backpressure). */
  send(data: Buffer, done: (error?: Error | null) => void): void
  /** The most a response may carry: past it, the write fails. */
  readonly limitBytes: number
}

/** The response stream of one invocation, and what the runtime reads back from it. */
export function createResponseStream(sink: StreamSink): {stream: ResponseStream; contentType(): string; tooLarge(): boolean} {
  let contentType = DEFAULT_CONTENT_TYPE
  let written = false
  let bytes = 0
  let over = false
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length
      if (bytes > sink.limitBytes) {
        over = true
        const error = new Error(`Response payload size exceeded maximum allowed payload size (${sink.limitBytes} bytes).`)
        error.name = 'Function.ResponseSizeTooLarge'
        callback(error)
        return
      }
      sink.send(chunk, callback)
    },
  }) as ResponseStream
  // A failed write reaches the handler through its own write callbacks or pipeline; unheard, it must not crash the worker.
  stream.on('error', () => undefined)
  stream.setContentType = (type: string) => {
    if (written) throw new Error('Cannot set content-type, too late.')
    contentType = type
  }
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean
  // As the runtime does: objects are written as JSON, and the prelude goes before the first chunk.
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const data = typeof chunk === 'string' || chunk instanceof Uint8Array ? chunk : JSON.stringify(chunk)
    if (!written) {
      written = true
      stream._onBeforeFirstWrite?.((piece) => write(piece))
    }
    return write(data, ...rest)
  }) as ResponseStream['write']
  // Writable.end(chunk) writes without going through write(): route the last chunk through it too.
  const end = stream.end.bind(stream) as (...args: unknown[]) => ResponseStream
  stream.end = ((...args: unknown[]) => {
    const [chunk] = args
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return end(...args)
    const encoding = args.slice(1).find((arg): arg is BufferEncoding => typeof arg === 'string')
    if (encoding) stream.write(chunk, encoding)
    else stream.write(chunk)
    return end(...args.filter((arg) => typeof arg === 'function'))
  }) as ResponseStream['end']
  return {stream, contentType: () => contentType, tooLarge: () => over}
}

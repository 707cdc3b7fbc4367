/** Messages between the local cloud (parent) and a worker process running one execution environment. */

/** The error payload shape of the Node.js runtime: what a caller receives as the Invoke payload. */
export interface ErrorPayload {
  readonly errorType: string
  readonly errorMessage: string
  readonly trace?: readonly string[]
}

/** Parent → worker: run the handler once. */
export interface InvokeMessage {
  readonly type: 'invoke'
  readonly requestId: string
  /** The event, as JSON text. */
  readonly event: string
  /** Epoch ms after which the invocation times out (for getRemainingTimeInMillis). */
  readonly deadline: number
  readonly invokedFunctionArn: string
  /** Decoded X-Amz-Client-Context (JSON text), synchronous invocations only. */
  readonly clientContext?: string
  readonly traceId: string
}

export type WorkerMessage =
  /** Module init finished; the handler is loaded. */
  | {readonly type: 'ready'; readonly initDurationMs: number}
  /** Module init failed (import error, syntax error, handler not found, init code threw). */
  | {readonly type: 'init-error'; readonly initDurationMs: number; readonly error: ErrorPayload}
  /** One log event (a formatted console line). */
  | {readonly type: 'log'; readonly timestamp: number; readonly message: string}
  /** The invocation finished; `payload` is the JSON response text. */
  | {readonly type: 'result'; readonly requestId: string; readonly payload: string; readonly maxMemoryMb: number}
  /** The handler failed; `exit` when the worker exits right after (uncaught exception, unhandled rejection). */
  | {readonly type: 'error'; readonly requestId: string; readonly error: ErrorPayload; readonly maxMemoryMb: number; readonly exit?: boolean}

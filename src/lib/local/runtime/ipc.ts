/** Messages between the local cloud (parent) and a worker process running one execution environment. */

/**
 * The largest log event a function's output becomes; a longer line is split into events of this size, as
 * Lambda splits function output into events of at most 256 KB (CloudWatch Logs' event limit until April
 * 2025; PutLogEvents now accepts events of up to 1 MB).
 */
export const LOG_EVENT_LIMIT_BYTES = 256 * 1024

/**
 * Log output kept for one invocation (or one init). Past this, lines are dropped and one line says so:
 * a handler that logs in a loop must not grow the local cloud's memory, the log file and the
 * X-Amz-Log-Result work without bound.
 */
export const LOG_BUFFER_LIMIT_BYTES = 8 * 1024 * 1024

/**
 * The largest response or error payload a worker sends: Lambda's synchronous response limit. A larger
 * one never leaves the worker, which sends a `too-large` answer instead: the server's memory must not
 * depend on what a handler returns.
 */
export const RESPONSE_LIMIT_BYTES = 6_291_456

/** Lambda's limit on a streamed response (InvokeWithResponseStream): 200 MB. */
export const STREAMED_RESPONSE_LIMIT_BYTES = 209_715_200

/**
 * The watchdog thread ends a worker that went over MemorySize with this signal (SIGKILL follows if a
 * handler catches it): the exit status is the one message that reaches the parent after the worker is gone.
 */
export const OUT_OF_MEMORY_SIGNAL = 'SIGUSR2'

/** Slots of the Int32Array the worker's main thread shares with its watchdog thread. */
export const WATCHDOG_SLOTS = {
  /** The peak resident memory in KiB, written by the watchdog. */
  peakKib: 0,
  /** 1 while init or an invocation runs (the watchdog looks more often), written by the main thread. */
  busy: 1,
} as const

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
  /**
   * One log event: a formatted console line, or a piece of one longer than LOG_EVENT_LIMIT_BYTES (`split`
   * on its first piece). `dropped` more pieces of it were not sent: they could never fit the log buffer.
   */
  | {readonly type: 'log'; readonly timestamp: number; readonly message: string; readonly split?: true; readonly dropped?: number}
  /**
   * The invocation finished; `payload` is the JSON response text. A streaming handler's response went out
   * in `chunk` messages before it: `streamed` is then set and `payload` is empty.
   */
  | {readonly type: 'result'; readonly requestId: string; readonly payload: string; readonly maxMemoryMb: number; readonly streamed?: {readonly contentType: string}}
  /** A piece of a streaming handler's response (awslambda.streamifyResponse), base64: IPC carries JSON. */
  | {readonly type: 'chunk'; readonly requestId: string; readonly data: string}
  /** The handler failed; `exit` when the worker exits right after (uncaught exception, unhandled rejection). */
  | {readonly type: 'error'; readonly requestId: string; readonly error: ErrorPayload; readonly maxMemoryMb: number; readonly exit?: boolean}
  /** The response (or error payload) was `bytes` long, over RESPONSE_LIMIT_BYTES: only its size is sent. */
  | {readonly type: 'too-large'; readonly requestId: string; readonly bytes: number; readonly maxMemoryMb: number; readonly exit?: boolean}

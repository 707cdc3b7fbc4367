/**
 * What one invocation returned, as `sling invoke --json` prints it, and how a function's error payload
 * reads: the Node.js runtime's {errorType, errorMessage, trace}, Python's stackTrace, and Lambda's own
 * timeout error (Sandbox.Timedout, "Task timed out after 3.00 seconds").
 */
import {ExitCode} from '../errors.js'

/**
 * `succeeded`; `function-error` and `timed-out` (the call worked, the function failed: exit 3);
 * `queued` (--async, 202); `dry-run` (204: allowed, and the payload was accepted; nothing ran).
 */
export type InvokeStatus = 'succeeded' | 'function-error' | 'timed-out' | 'queued' | 'dry-run'

export interface FunctionErrorInfo {
  /** X-Amz-Function-Error: "Unhandled" (or "Handled"). */
  readonly kind: string
  readonly errorType: string
  readonly errorMessage: string
  readonly stackTrace: readonly string[]
}

/** The `--json` document of one invocation. */
export interface InvokeSummary {
  readonly status: InvokeStatus
  readonly functionName: string
  readonly qualifier?: string | undefined
  /** The version that ran: an alias resolves to a number (a weighted one to either of its versions). */
  readonly executedVersion?: string | undefined
  readonly statusCode: number
  readonly requestId?: string | undefined
  /** The round trip as sling measured it, in milliseconds. */
  readonly durationMs: number
  /** The response, parsed when it is JSON, else its text; absent for --async and --dry-run. */
  readonly payload?: unknown
  readonly functionError?: FunctionErrorInfo | undefined
  /** Set when the function ran out of time: its timeout, in seconds, as Lambda reported it. */
  readonly timedOutAfterSeconds?: number | undefined
  /** The decoded tail of the invocation's log (--log). */
  readonly log?: string | undefined
  /** --stream: the status code and headers a function wrote with awslambda.HttpResponseStream. */
  readonly httpResponse?: Record<string, unknown> | undefined
  /** --from-source: how long bundling took, and what the runtime reported (as the REPORT line says). */
  readonly fromSource?: SourceRunReport | undefined
  /** 3 for a function error: scripts and CI tell it from sling's own failures (1). */
  readonly exitCode?: number | undefined
}

export interface SourceRunReport {
  readonly buildMs: number
  /** Set on a cold start (every --from-source run starts a fresh worker). */
  readonly initDurationMs?: number | undefined
  readonly billedDurationMs: number
  readonly maxMemoryUsedMb: number
  readonly memorySizeMb: number
}

/** The payload parsed when it is JSON, else as text. */
export function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/** Reads a function's error payload; anything that isn't one of the runtimes' shapes is kept as the message. */
export function readFunctionError(kind: string, text: string): FunctionErrorInfo {
  const parsed = parsePayload(text)
  if (typeof parsed !== 'object' || parsed === null) return {kind, errorType: 'Error', errorMessage: String(parsed), stackTrace: []}
  const body = parsed as {errorType?: unknown; errorMessage?: unknown; trace?: unknown; stackTrace?: unknown}
  const trace = Array.isArray(body.trace) ? body.trace : Array.isArray(body.stackTrace) ? body.stackTrace : []
  return {
    kind,
    errorType: typeof body.errorType === 'string' ? body.errorType : 'Error',
    errorMessage: typeof body.errorMessage === 'string' ? body.errorMessage : text,
    stackTrace: trace.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))),
  }
}

/** The function's timeout in seconds when the error is Lambda's timeout, else undefined. */
export function timeoutOf(error: FunctionErrorInfo): number | undefined {
  const seconds = /Task timed out after ([\d.]+) seconds/.exec(error.errorMessage)?.[1]
  if (seconds !== undefined) return Number(seconds)
  return error.errorType === 'Sandbox.Timedout' ? Number.NaN : undefined
}

/** The status and exit code an answer with `functionError` (or none) gets. */
export function outcomeOf(error: FunctionErrorInfo | undefined): Pick<InvokeSummary, 'status' | 'exitCode' | 'timedOutAfterSeconds'> {
  if (!error) return {status: 'succeeded'}
  const seconds = timeoutOf(error)
  if (seconds !== undefined) return {status: 'timed-out', exitCode: ExitCode.FunctionError, ...(Number.isNaN(seconds) ? {} : {timedOutAfterSeconds: seconds})}
  return {status: 'function-error', exitCode: ExitCode.FunctionError}
}

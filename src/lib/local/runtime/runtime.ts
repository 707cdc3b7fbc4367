import {createHash, randomUUID} from 'node:crypto'

import type {Store} from '../store.js'
import {prepareCode, touchCopies} from './code.js'
import type {FunctionSpec, LogEvent, RawInvocation} from './environment.js'
import {ExecutionEnvironment} from './environment.js'
import {tailBytes} from './log-buffer.js'
import type {ErrorPayload} from './ipc.js'

export type {FunctionSpec, LogEvent} from './environment.js'
export type {ErrorPayload} from './ipc.js'

/** One call of a function. */
export interface InvocationRequest {
  /** @default a random UUID */
  readonly requestId?: string
  /** The event as JSON text ("" means `{}`, as Lambda passes an empty payload). */
  readonly payload: string
  /** The ARN the caller invoked (qualified when a version or alias was named). */
  readonly invokedFunctionArn: string
  /** Decoded ClientContext JSON (synchronous invocations only). */
  readonly clientContext?: string
  /** Takes a streaming handler's chunks as they come (InvokeWithResponseStream); without it they make the payload. */
  readonly onChunk?: (data: Buffer) => void
}

/** What Lambda reports about one invocation. */
export interface InvocationResult {
  readonly requestId: string
  /** The response payload (JSON text), or the error payload when `functionError` is set. */
  readonly payload: string
  /** "Unhandled" when the function failed (X-Amz-Function-Error). */
  readonly functionError?: 'Unhandled'
  /** The error, when the function failed. */
  readonly error?: ErrorPayload
  readonly logGroup: string
  readonly logStream: string
  /** Every log event of this invocation, START to REPORT. */
  readonly logs: readonly LogEvent[]
  /** Set when a streaming handler answered: its chunks went to `onChunk` (or into `payload`). */
  readonly streamed?: {readonly contentType: string}
  readonly durationMs: number
  readonly billedDurationMs: number
  readonly initDurationMs?: number
  readonly maxMemoryMb: number
}

/** The function's reserved concurrency is in use: Invoke answers TooManyRequestsException. */
export class ConcurrencyLimitError extends Error {
  readonly reason = 'ReservedFunctionConcurrentInvocationLimitExceeded'
  constructor(functionName: string) {
    super('Rate Exceeded.')
    this.name = 'ConcurrencyLimitError'
    void functionName
  }
}

/** The function's runtime can't run locally (only Node.js handlers do). */
export class UnsupportedRuntimeError extends Error {
  constructor(readonly runtime: string) {
    super(`The sling local cloud runs Node.js handlers only; runtime "${runtime}" can't be invoked locally.`)
    this.name = 'UnsupportedRuntimeError'
  }
}

export interface RuntimeOptions {
  readonly store: Store
  /** Idle environments are stopped after this long. @default 300000 (5 minutes) */
  readonly idleTimeoutMs?: number
  /** Environments running at once across all functions; further calls wait for one. @default 32 */
  readonly maxEnvironments?: number
  /** The local cloud's endpoint, given to handlers as AWS_ENDPOINT_URL. */
  readonly endpoint?: () => string
  /** How often live environments mark their unzipped copies used (store maintenance spares those). @default 30000 */
  readonly touchEveryMs?: number
}

/** Runs Node.js handlers in warm, reusable worker processes, as Lambda runs execution environments. */
export interface LambdaRuntime {
  /** Throws ConcurrencyLimitError (reserved concurrency reached) or UnsupportedRuntimeError. */
  invoke(spec: FunctionSpec, request: InvocationRequest): Promise<InvocationResult>
  /** How many environments are alive (busy or idle). */
  environments(): number
  close(): Promise<void>
}

export function isNodeRuntime(runtime: string | undefined): boolean {
  return runtime !== undefined && /^nodejs\d+\.x$/.test(runtime)
}

/** Configuration that, when changed, needs fresh environments (UpdateFunctionCode/Configuration of $LATEST). */
function fingerprint(spec: FunctionSpec): string {
  const {reservedConcurrency: _ignored, ...rest} = spec
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 16)
}

export function createLambdaRuntime(options: RuntimeOptions): LambdaRuntime {
  const idleTimeoutMs = options.idleTimeoutMs ?? 300_000
  const maxEnvironments = options.maxEnvironments ?? 32
  const idle = new Map<string, ExecutionEnvironment[]>()
  const busy = new Set<ExecutionEnvironment>()
  const inFlight = new Map<string, number>()
  const waiting: (() => void)[] = []
  let closed = false

  /** The unzipped copies each live environment runs from: kept marked as used (see touchCopies). */
  const copies = new Map<ExecutionEnvironment, readonly string[]>()
  const countIdle = (): number => [...idle.values()].reduce((sum, list) => sum + list.length, 0)
  const reaper = setInterval(() => reap(Date.now() - idleTimeoutMs), Math.min(idleTimeoutMs, 30_000))
  reaper.unref()
  const toucher = setInterval(() => void touchInUse(), options.touchEveryMs ?? 30_000)
  toucher.unref()

  /** Refreshes the copies running environments use, so store maintenance never collects them. */
  async function touchInUse(): Promise<void> {
    for (const env of copies.keys()) if (env.dead) copies.delete(env)
    const dirs = new Set([...copies.values()].flat())
    // A failure (the lock busy, the store closing) is retried at the next tick, well within the collector's hour.
    if (dirs.size > 0) await touchCopies(options.store, [...dirs]).catch(() => undefined)
  }

  function reap(before: number): void {
    for (const [key, list] of idle) {
      const keep = list.filter((env) => {
        if (env.lastUsed >= before && !env.dead) return true
        env.kill()
        return false
      })
      if (keep.length === 0) idle.delete(key)
      else idle.set(key, keep)
    }
  }

  /** An idle environment for `key`, or a slot for a new one (evicting another function's idle one if needed). */
  async function acquire(key: string, start: () => Promise<ExecutionEnvironment>): Promise<ExecutionEnvironment> {
    for (;;) {
      if (closed) throw new Error('The local Lambda runtime is shut down.')
      const list = idle.get(key) ?? []
      let env: ExecutionEnvironment | undefined
      while ((env = list.pop()) && env.dead) env = undefined
      if (env) return env
      if (busy.size + countIdle() >= maxEnvironments) {
        const victim = oldestIdle()
        if (victim) victim.kill()
        else {
          await new Promise<void>((resolve) => waiting.push(resolve))
          continue
        }
      }
      return start()
    }
  }

  function oldestIdle(): ExecutionEnvironment | undefined {
    let oldest: {key: string; env: ExecutionEnvironment} | undefined
    for (const [key, list] of idle) for (const env of list) if (!oldest || env.lastUsed < oldest.env.lastUsed) oldest = {key, env}
    if (oldest) idle.set(oldest.key, (idle.get(oldest.key) ?? []).filter((env) => env !== oldest.env))
    return oldest?.env
  }

  function release(key: string, env: ExecutionEnvironment): void {
    busy.delete(env)
    if (!env.dead && !closed) idle.set(key, [...(idle.get(key) ?? []), env])
    waiting.shift()?.()
  }

  /** Environments of an older code or configuration of the same version are stopped once idle. */
  function retireStale(spec: FunctionSpec, key: string): void {
    const prefix = `${spec.functionName}:${spec.version}:`
    for (const [other, list] of idle) {
      if (other.startsWith(prefix) && other !== key) {
        for (const env of list) env.kill()
        idle.delete(other)
      }
    }
  }

  return {
    async invoke(spec, request) {
      if (!isNodeRuntime(spec.runtime)) throw new UnsupportedRuntimeError(spec.runtime)
      const running = inFlight.get(spec.functionName) ?? 0
      if (spec.reservedConcurrency !== undefined && running >= spec.reservedConcurrency) throw new ConcurrencyLimitError(spec.functionName)
      inFlight.set(spec.functionName, running + 1)
      const key = `${spec.functionName}:${spec.version}:${fingerprint(spec)}`
      try {
        retireStale(spec, key)
        const env = await acquire(key, async () => {
          const code = await prepareCode(options.store, spec.codeSha256, spec.layerSha256s)
          const env = new ExecutionEnvironment(spec, code, key, options.endpoint?.())
          copies.set(env, code.dirs)
          return env
        })
        busy.add(env)
        try {
          const requestId = request.requestId ?? randomUUID()
          const started = Date.now()
          const raw = await env.invoke(
            {requestId, event: request.payload, invokedFunctionArn: request.invokedFunctionArn, clientContext: request.clientContext, traceId: traceId()},
            spec.timeout * 1000,
            request.onChunk,
          )
          return describeInvocation(spec, env.logStream, requestId, started, raw)
        } finally {
          release(key, env)
        }
      } finally {
        const now = (inFlight.get(spec.functionName) ?? 1) - 1
        if (now <= 0) inFlight.delete(spec.functionName)
        else inFlight.set(spec.functionName, now)
      }
    },
    environments: () => busy.size + countIdle(),
    async close() {
      closed = true
      clearInterval(reaper)
      clearInterval(toucher)
      for (const list of idle.values()) for (const env of list) env.kill()
      for (const env of busy) env.kill()
      idle.clear()
      copies.clear()
      for (const wake of waiting.splice(0)) wake()
      await Promise.resolve()
    },
  }
}

export function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16)
  return `Root=1-${epoch}-${randomUUID().replaceAll('-', '').slice(0, 24)};Parent=${randomUUID().replaceAll('-', '').slice(0, 16)};Sampled=0;Lineage=1:${randomUUID().slice(0, 8)}:0`
}

/** Turns a raw run into what Lambda reports: the payload, the function error, and the START/END/REPORT lines. */
export function describeInvocation(spec: FunctionSpec, logStream: string, requestId: string, started: number, raw: RawInvocation): InvocationResult {
  const timeoutText = `Task timed out after ${spec.timeout.toFixed(2)} seconds`
  let error: ErrorPayload | undefined
  let status: string | undefined
  switch (raw.outcome.kind) {
    case 'result':
      break
    case 'error':
      error = raw.outcome.error
      if (raw.outcome.fatal) status = `error\tError Type: ${error.errorType}`
      break
    case 'timeout':
      error = {errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: ${timeoutText}`}
      status = 'timeout'
      break
    case 'exit':
      error = {errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${raw.outcome.description}`}
      status = `error\tError Type: Runtime.ExitError`
      break
    case 'too-large':
      // What Lambda answers (its message says 6291556, not the 6291456 it enforces).
      error = {errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).', errorType: 'Function.ResponseSizeTooLarge'}
      break
    case 'oom':
      // Lambda's sandbox kills the runtime; the REPORT line's Max Memory Used is then the limit.
      error = {errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`}
      status = `error\tError Type: Runtime.OutOfMemory`
      break
    default:
      break
  }
  const durationMs = raw.outcome.kind === 'timeout' ? spec.timeout * 1000 : raw.durationMs
  // Since August 2025 Lambda bills the INIT phase of managed runtimes too.
  const billedDurationMs = Math.max(1, Math.ceil(durationMs)) + (raw.initDurationMs === undefined ? 0 : Math.ceil(raw.initDurationMs))
  const end = Date.now()
  const maxMemoryMb = raw.outcome.kind === 'oom' ? spec.memorySize : Math.max(1, raw.maxMemoryMb)
  const report = [
    `REPORT RequestId: ${requestId}`,
    `Duration: ${durationMs.toFixed(2)} ms`,
    `Billed Duration: ${billedDurationMs} ms`,
    `Memory Size: ${spec.memorySize} MB`,
    `Max Memory Used: ${maxMemoryMb} MB`,
    ...(raw.initDurationMs === undefined ? [] : [`Init Duration: ${raw.initDurationMs.toFixed(2)} ms`]),
    ...(status ? [`Status: ${status}`] : []),
  ].join('\t')
  // Lines written during init (a cold start) come before START, as in Lambda's log stream.
  const logs: LogEvent[] = [
    ...raw.initLogs,
    {timestamp: started, message: `START RequestId: ${requestId} Version: ${spec.version}`},
    ...raw.logs.map((event) => ({timestamp: Math.max(started, event.timestamp), message: event.message})),
    ...(raw.outcome.kind === 'timeout' ? [{timestamp: end, message: `${new Date(end).toISOString()} ${requestId} ${timeoutText}`}] : []),
    {timestamp: end, message: `END RequestId: ${requestId}`},
    {timestamp: end, message: `${report}\t`},
  ]
  const payload = error ? JSON.stringify(error) : raw.outcome.kind === 'result' ? raw.outcome.payload : 'null'
  return {
    requestId,
    payload,
    ...(error ? {functionError: 'Unhandled' as const, error} : {}),
    ...(raw.outcome.kind === 'result' && raw.outcome.streamed ? {streamed: raw.outcome.streamed} : {}),
    logGroup: spec.logGroup ?? `/aws/lambda/${spec.functionName}`,
    logStream,
    logs,
    durationMs,
    billedDurationMs,
    ...(raw.initDurationMs === undefined ? {} : {initDurationMs: raw.initDurationMs}),
    maxMemoryMb,
  }
}

/** The last 4 KB of an invocation's log, base64: Invoke's X-Amz-Log-Result with LogType Tail. */
export function logTail(logs: readonly LogEvent[]): string {
  return tailBytes(logs, 4096).toString('base64')
}

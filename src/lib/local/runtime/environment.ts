import type {ChildProcess} from 'node:child_process'
import {fork} from 'node:child_process'

import type {PreparedCode} from './code.js'
import {bootstrapPath, killWorkerGroup, lambdaEnvironment, logStreamName, WORKER_GROUPS} from './launch.js'
import type {LogEvent} from './log-buffer.js'
import {LogBuffer, readLines} from './log-buffer.js'
import {MemoryWatch} from './memory.js'
import type {ErrorPayload, InvokeMessage, WorkerMessage} from './ipc.js'
import {LOG_EVENT_LIMIT_BYTES, OUT_OF_MEMORY_SIGNAL, RESPONSE_LIMIT_BYTES} from './ipc.js'

export type {LogEvent} from './log-buffer.js'
export {LOG_BUFFER_LIMIT_BYTES, LOG_EVENT_LIMIT_BYTES} from './ipc.js'

/** What the runtime needs to know about the function version it runs. */
export interface FunctionSpec {
  readonly functionName: string
  /** Unqualified function ARN. */
  readonly functionArn: string
  /** "$LATEST" or a version number. */
  readonly version: string
  readonly region: string
  readonly runtime: string
  readonly handler: string
  readonly memorySize: number
  /** Seconds. */
  readonly timeout: number
  readonly environment: Readonly<Record<string, string>>
  /** Hex SHA-256 of the code zip blob in the store. */
  readonly codeSha256: string
  /** Hex SHA-256 of each layer zip blob, in the function's order. */
  readonly layerSha256s: readonly string[]
  /** Reserved concurrency (PutFunctionConcurrency), when set. */
  readonly reservedConcurrency?: number
  /** @default `/aws/lambda/<functionName>` */
  readonly logGroup?: string
}

/** How one run of the handler ended, before the runtime dresses it up as Lambda reports it. */
export type RawOutcome =
  /** `streamed`: a streaming handler's response, sent as chunks (`payload` holds them when nobody took them as they came). */
  | {readonly kind: 'result'; readonly payload: string; readonly streamed?: {readonly contentType: string}}
  | {readonly kind: 'error'; readonly error: ErrorPayload; readonly fatal: boolean}
  | {readonly kind: 'timeout'}
  | {readonly kind: 'exit'; readonly description: string}
  /** The worker went over MemorySize and was stopped. */
  | {readonly kind: 'oom'}
  /** The response (or error payload) was over Lambda's limit; the worker kept it. */
  | {readonly kind: 'too-large'; readonly bytes: number}

export interface RawInvocation {
  readonly outcome: RawOutcome
  /** The log events written during init (cold start only). */
  readonly initLogs: LogEvent[]
  /** The log events written during the invocation. */
  readonly logs: LogEvent[]
  readonly durationMs: number
  /** Set on the environment's first invocation. */
  readonly initDurationMs?: number
  readonly maxMemoryMb: number
}

const SIGNALS: Record<string, string> = {
  SIGKILL: 'killed',
  SIGABRT: 'aborted (core dumped)',
  SIGTERM: 'terminated',
  SIGSEGV: 'segmentation fault (core dumped)',
  SIGINT: 'interrupt',
}

/** How Lambda (a Go process) describes a runtime's exit: "exit status 1", "signal: killed". */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `signal: ${SIGNALS[signal] ?? signal}`
  return `exit status ${code ?? 0}`
}

type InitState = {ok: true; initDurationMs: number} | {ok: false; initDurationMs: number; outcome: RawOutcome}

/** Lambda gives init 10 seconds on its own; locally at least as long as the function's timeout. */
const INIT_TIMEOUT_MS = 10_000

/** One warm execution environment: a worker process that loaded the handler once. */
export class ExecutionEnvironment {
  readonly logStream: string
  /** A fingerprint of the code and configuration it was started with. */
  readonly key: string
  lastUsed = Date.now()
  private readonly child: ChildProcess
  private readonly init: Promise<InitState>
  private readonly logs = new LogBuffer()
  private readonly memory: MemoryWatch
  /** Init and invocations are watched closely; an idle worker less often. */
  private busy = true
  private outOfMemory = false
  private waiter: ((message: WorkerMessage | {type: 'exit'; description: string}) => void) | undefined
  private exited: string | undefined
  private invocations = 0
  private killed = false
  /** Where the running invocation's streamed chunks go. */
  private chunkSink: ((data: Buffer) => void) | undefined

  constructor(spec: FunctionSpec, code: PreparedCode, key: string, endpoint?: string) {
    this.key = key
    this.logStream = logStreamName(spec.version)
    // V8's heap is sized from MemorySize as the Lambda runtime does; resident memory is watched too.
    const heapMb = Math.max(32, Math.floor(spec.memorySize * 0.9))
    // The worker's watchdog thread needs this process's pid: it ends the worker once this process is gone.
    // Each worker leads its own process group (detached, but never unref'd: the server still owns it), so
    // what a handler spawns is stopped with it: see kill().
    this.child = fork(bootstrapPath(), [String(process.pid)], {
      cwd: code.taskRoot,
      env: lambdaEnvironment(spec, code, this.logStream, endpoint),
      execArgv: [`--max-old-space-size=${heapMb}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
      detached: WORKER_GROUPS,
    })
    for (const stream of [this.child.stdout, this.child.stderr]) {
      // Raw writes to stdout/stderr (not through console) land in the log unformatted, one event per line.
      if (stream) readLines(stream, LOG_EVENT_LIMIT_BYTES, {line: (piece) => this.logs.add(Date.now(), piece), split: () => this.logs.countSplit()})
    }
    this.child.on('message', (message: WorkerMessage) => this.receive(message))
    this.child.on('exit', (code, signal) => {
      // A worker that ended on its own (process.exit, a crash, the watchdog) may leave a handler's children.
      killWorkerGroup(this.child.pid)
      this.memory.stop()
      if (signal === OUT_OF_MEMORY_SIGNAL) this.outOfMemory = true
      this.exited = describeExit(code, this.outOfMemory ? 'SIGKILL' : signal)
      this.waiter?.({type: 'exit', description: this.exited})
    })
    this.child.on('error', () => undefined) // surfaces as 'exit'
    this.memory = new MemoryWatch(this.child.pid, spec.memorySize * 1024 * 1024, () => this.busy, () => {
      this.outOfMemory = true
      this.kill()
    })
    this.init = this.waitForInit(Math.max(INIT_TIMEOUT_MS, spec.timeout * 1000))
  }

  /** True once the worker died or was killed: it never runs again. */
  get dead(): boolean {
    return this.exited !== undefined || this.killed
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  private receive(message: WorkerMessage): void {
    // A handler can send anything over the channel itself: nothing it sends may break the server.
    if (typeof message !== 'object' || message === null) return
    if (message.type === 'chunk') {
      this.chunkSink?.(Buffer.from(String(message.data), 'base64'))
      return
    }
    if (message.type !== 'log') {
      this.waiter?.(message)
      return
    }
    if (message.split) this.logs.countSplit()
    this.logs.add(Number(message.timestamp) || Date.now(), String(message.message))
    if (message.dropped) this.logs.countDropped(Number(message.dropped) || 0)
  }

  private next(timeoutMs: number): Promise<WorkerMessage | {type: 'exit'; description: string} | {type: 'timeout'}> {
    if (this.exited) return Promise.resolve({type: 'exit', description: this.exited})
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined
        resolve({type: 'timeout'})
      }, timeoutMs)
      this.waiter = (message) => {
        clearTimeout(timer)
        this.waiter = undefined
        resolve(message)
      }
    })
  }

  /** How a worker's exit reads: out of memory when it was stopped for going over MemorySize. */
  private exitOutcome(description: string): RawOutcome {
    return this.outOfMemory ? {kind: 'oom'} : {kind: 'exit', description}
  }

  private async waitForInit(timeoutMs: number): Promise<InitState> {
    const started = performance.now()
    const message = await this.next(timeoutMs)
    const initDurationMs = performance.now() - started
    this.busy = false
    switch (message.type) {
      case 'ready':
        return {ok: true, initDurationMs: message.initDurationMs}
      case 'init-error':
        return {ok: false, initDurationMs: message.initDurationMs, outcome: {kind: 'error', error: message.error, fatal: true}}
      case 'timeout':
        return {ok: false, initDurationMs, outcome: {kind: 'timeout'}}
      case 'exit':
        return {ok: false, initDurationMs, outcome: this.exitOutcome(message.description)}
      default:
        return {ok: false, initDurationMs, outcome: {kind: 'exit', description: 'unexpected message during init'}}
    }
  }

  /**
   * Runs one invocation; on a timeout, a crash or an init failure the worker is killed and must be discarded.
   * A streaming handler's chunks go to `onChunk` as they arrive; without one they are collected (up to
   * Lambda's 6 MB response limit) into the payload, as Invoke answers a streaming function.
   */
  async invoke(message: Omit<InvokeMessage, 'type' | 'deadline'>, timeoutMs: number, onChunk?: (data: Buffer) => void): Promise<RawInvocation> {
    const cold = this.invocations++ === 0
    const init = await this.init
    const initDurationMs = cold ? init.initDurationMs : undefined
    const initLogs = cold ? this.takeLogs(init.ok ? undefined : init.outcome) : []
    if (!init.ok) {
      this.kill()
      return {outcome: init.outcome, initLogs, logs: [], durationMs: 0, initDurationMs, maxMemoryMb: this.peakMb()}
    }
    const started = performance.now()
    const collected = new ChunkCollector()
    this.chunkSink = onChunk ?? ((data) => collected.add(data))
    const reply = this.next(timeoutMs)
    this.busy = true
    this.memory.sample()
    this.child.send({...message, type: 'invoke', deadline: Date.now() + timeoutMs} satisfies InvokeMessage)
    const answer = await reply
    // Output read in the same turn as the answer is handled before the log is taken.
    await new Promise((resolve) => setImmediate(resolve))
    this.busy = false
    const durationMs = performance.now() - started
    this.lastUsed = Date.now()
    this.chunkSink = undefined
    const outcome = answer.type === 'result' && answer.streamed ? collected.outcome(answer.streamed, onChunk !== undefined) : await this.outcomeOf(answer)
    const reported = answer.type === 'result' || answer.type === 'error' || answer.type === 'too-large' ? answer.maxMemoryMb : 0
    return {outcome, initLogs, logs: this.takeLogs(outcome), durationMs, initDurationMs, maxMemoryMb: Math.max(reported, this.peakMb())}
  }

  private async outcomeOf(answer: WorkerMessage | {type: 'exit'; description: string} | {type: 'timeout'}): Promise<RawOutcome> {
    switch (answer.type) {
      case 'result':
        return {kind: 'result', payload: answer.payload}
      case 'error':
        if (answer.exit) await this.waitForExit()
        return {kind: 'error', error: answer.error, fatal: answer.exit === true}
      case 'too-large':
        if (answer.exit) await this.waitForExit()
        return {kind: 'too-large', bytes: Number(answer.bytes) || 0}
      case 'timeout':
        this.kill()
        return {kind: 'timeout'}
      case 'exit':
        return this.exitOutcome(answer.description)
      default:
        this.kill()
        return {kind: 'exit', description: 'unexpected message'}
    }
  }

  /** The peak resident memory the parent saw, in MB. */
  private peakMb(): number {
    return Math.ceil(this.memory.peakBytes / 1024 / 1024)
  }

  private takeLogs(outcome?: RawOutcome): LogEvent[] {
    const logs = this.logs.take()
    if (outcome?.kind === 'oom') {
      logs.push({timestamp: Date.now(), message: `sling local cloud: the function's resident memory went over its MemorySize; the worker was stopped, as Lambda stops a function that runs out of memory`})
    }
    return logs
  }

  private waitForExit(): Promise<void> {
    if (this.exited) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.kill()
        resolve()
      }, 1000)
      this.child.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
    })
  }

  /** Stops the worker and every process a handler started from it (its process group). */
  kill(): void {
    this.memory.stop()
    this.killed = true
    if (this.exited !== undefined) return
    if (!killWorkerGroup(this.child.pid)) this.child.kill('SIGKILL')
  }
}

/** A streamed response nobody takes as it comes: kept for the payload, up to Lambda's response limit. */
class ChunkCollector {
  private readonly chunks: Buffer[] = []
  private bytes = 0

  add(data: Buffer): void {
    this.bytes += data.length
    if (this.bytes <= RESPONSE_LIMIT_BYTES) this.chunks.push(data)
  }

  outcome(streamed: {readonly contentType: string}, taken: boolean): RawOutcome {
    if (this.bytes > RESPONSE_LIMIT_BYTES) return {kind: 'too-large', bytes: this.bytes}
    return {kind: 'result', payload: taken ? '' : Buffer.concat(this.chunks).toString('utf8'), streamed: {contentType: String(streamed.contentType)}}
  }
}

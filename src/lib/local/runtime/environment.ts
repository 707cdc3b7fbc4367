import type {ChildProcess} from 'node:child_process'
import {fork} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {existsSync} from 'node:fs'
import path from 'node:path'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'

import type {PreparedCode} from './code.js'
import type {ErrorPayload, InvokeMessage, WorkerMessage} from './protocol.js'

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

/** One CloudWatch Logs event. */
export interface LogEvent {
  readonly timestamp: number
  readonly message: string
}

/** How one run of the handler ended, before the runtime dresses it up as Lambda reports it. */
export type RawOutcome =
  | {readonly kind: 'result'; readonly payload: string}
  | {readonly kind: 'error'; readonly error: ErrorPayload; readonly fatal: boolean}
  | {readonly kind: 'timeout'}
  | {readonly kind: 'exit'; readonly description: string}

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

/** The worker script, next to this module in dist/; from sources (tests), the built copy in dist/. */
export function bootstrapPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const sibling = path.join(here, 'bootstrap.js')
  if (existsSync(sibling)) return sibling
  const built = path.join(here, '..', '..', '..', '..', 'dist', 'lib', 'local', 'runtime', 'bootstrap.js')
  if (existsSync(built)) return built
  throw new Error(`The local runtime's worker script is missing (${sibling}); run "npm run build".`)
}

/** Lambda's log stream name: `YYYY/MM/DD/[<version>]<32 hex>`, one per execution environment. */
export function logStreamName(version: string, now = new Date()): string {
  const date = now.toISOString().slice(0, 10).replaceAll('-', '/')
  return `${date}/[${version}]${randomBytes(16).toString('hex')}`
}

const FAKE_CREDENTIALS = {AWS_ACCESS_KEY_ID: 'sling-local', AWS_SECRET_ACCESS_KEY: 'sling-local', AWS_SESSION_TOKEN: 'sling-local'}

/**
 * The environment Lambda gives a function, with paths mapped to where the local cloud keeps the
 * code (/var/task) and the layers (/opt). The developer's own environment is never passed on: no
 * credentials or secrets leak into handlers.
 */
export function lambdaEnvironment(spec: FunctionSpec, code: PreparedCode, logStream: string, endpoint?: string): Record<string, string> {
  const major = /^nodejs(\d+)/.exec(spec.runtime)?.[1] ?? process.versions.node.split('.')[0] ?? '20'
  const opt = code.optDir
  const runtimeDir = path.dirname(bootstrapPath())
  return {
    PATH: [path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin', path.join(opt, 'bin')].join(path.delimiter),
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LD_LIBRARY_PATH: [path.join(opt, 'lib')].join(path.delimiter),
    NODE_PATH: [path.join(opt, 'nodejs', `node${major}`, 'node_modules'), path.join(opt, 'nodejs', 'node_modules'), runtimeDir, code.taskRoot].join(path.delimiter),
    LAMBDA_TASK_ROOT: code.taskRoot,
    LAMBDA_RUNTIME_DIR: runtimeDir,
    _HANDLER: spec.handler,
    AWS_REGION: spec.region,
    AWS_DEFAULT_REGION: spec.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: spec.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: spec.logGroup ?? `/aws/lambda/${spec.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStream,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    ...FAKE_CREDENTIALS,
    // Handlers that call AWS through the SDK reach the local cloud too.
    ...(endpoint ? {AWS_ENDPOINT_URL: endpoint} : {}),
    ...spec.environment,
  }
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

/**
 * Log output kept for one invocation (or one init). A handler that logs in a loop must not grow the
 * local cloud's memory, the log file and the X-Amz-Log-Result work without bound; past this, lines
 * are dropped and one line says so.
 */
export const LOG_BUFFER_LIMIT_BYTES = 8 * 1024 * 1024

/** One warm execution environment: a worker process that loaded the handler once. */
export class ExecutionEnvironment {
  readonly logStream: string
  /** A fingerprint of the code and configuration it was started with. */
  readonly key: string
  lastUsed = Date.now()
  private readonly child: ChildProcess
  private readonly init: Promise<InitState>
  private logs: LogEvent[] = []
  private logBytes = 0
  private droppedLines = 0
  private waiter: ((message: WorkerMessage | {type: 'exit'; description: string}) => void) | undefined
  private exited: string | undefined
  private invocations = 0

  constructor(spec: FunctionSpec, code: PreparedCode, key: string, endpoint?: string) {
    this.key = key
    this.logStream = logStreamName(spec.version)
    // V8's heap is sized from MemorySize as the Lambda runtime does; the worker also watches its RSS.
    const heapMb = Math.max(32, Math.floor(spec.memorySize * 0.9))
    this.child = fork(bootstrapPath(), [], {
      cwd: code.taskRoot,
      env: lambdaEnvironment(spec, code, this.logStream, endpoint),
      execArgv: [`--max-old-space-size=${heapMb}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    })
    for (const stream of [this.child.stdout, this.child.stderr]) {
      // Raw writes to stdout/stderr (not through console) land in the log unformatted, one event per line.
      if (stream) createInterface({input: stream}).on('line', (line) => this.log({timestamp: Date.now(), message: line}))
    }
    this.child.on('message', (message: WorkerMessage) => {
      if (message.type === 'log') this.log({timestamp: message.timestamp, message: message.message})
      else this.waiter?.(message)
    })
    this.child.on('exit', (code, signal) => {
      this.exited = describeExit(code, signal)
      this.waiter?.({type: 'exit', description: this.exited})
    })
    this.child.on('error', () => undefined) // surfaces as 'exit'
    this.init = this.waitForInit(Math.max(INIT_TIMEOUT_MS, spec.timeout * 1000))
  }

  /** True once the worker died or was killed: it never runs again. */
  get dead(): boolean {
    return this.exited !== undefined || this.child.killed
  }

  get pid(): number | undefined {
    return this.child.pid
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

  private async waitForInit(timeoutMs: number): Promise<InitState> {
    const started = performance.now()
    const message = await this.next(timeoutMs)
    const initDurationMs = performance.now() - started
    switch (message.type) {
      case 'ready':
        return {ok: true, initDurationMs: message.initDurationMs}
      case 'init-error':
        return {ok: false, initDurationMs: message.initDurationMs, outcome: {kind: 'error', error: message.error, fatal: true}}
      case 'timeout':
        return {ok: false, initDurationMs, outcome: {kind: 'timeout'}}
      case 'exit':
        return {ok: false, initDurationMs, outcome: {kind: 'exit', description: message.description}}
      default:
        return {ok: false, initDurationMs, outcome: {kind: 'exit', description: 'unexpected message during init'}}
    }
  }

  /** Runs one invocation; on a timeout, a crash or an init failure the worker is killed and must be discarded. */
  async invoke(message: Omit<InvokeMessage, 'type' | 'deadline'>, timeoutMs: number): Promise<RawInvocation> {
    const cold = this.invocations++ === 0
    const init = await this.init
    const initDurationMs = cold ? init.initDurationMs : undefined
    const initLogs = cold ? this.takeLogs() : []
    if (!init.ok) {
      this.kill()
      return {outcome: init.outcome, initLogs, logs: [], durationMs: 0, initDurationMs, maxMemoryMb: 0}
    }
    const started = performance.now()
    const reply = this.next(timeoutMs)
    this.child.send({...message, type: 'invoke', deadline: Date.now() + timeoutMs} satisfies InvokeMessage)
    const answer = await reply
    const durationMs = performance.now() - started
    this.lastUsed = Date.now()
    let outcome: RawOutcome
    let maxMemoryMb = 0
    switch (answer.type) {
      case 'result':
        outcome = {kind: 'result', payload: answer.payload}
        maxMemoryMb = answer.maxMemoryMb
        break
      case 'error':
        outcome = {kind: 'error', error: answer.error, fatal: answer.exit === true}
        maxMemoryMb = answer.maxMemoryMb
        if (answer.exit) await this.waitForExit()
        break
      case 'timeout':
        outcome = {kind: 'timeout'}
        this.kill()
        break
      case 'exit':
        outcome = {kind: 'exit', description: answer.description}
        break
      default:
        outcome = {kind: 'exit', description: 'unexpected message'}
        this.kill()
    }
    return {outcome, initLogs, logs: this.takeLogs(), durationMs, initDurationMs, maxMemoryMb}
  }

  private log(event: LogEvent): void {
    this.logBytes += event.message.length
    if (this.logBytes > LOG_BUFFER_LIMIT_BYTES) this.droppedLines++
    else this.logs.push(event)
  }

  private takeLogs(): LogEvent[] {
    const logs = this.logs
    if (this.droppedLines > 0) {
      logs.push({timestamp: Date.now(), message: `sling local cloud: ${this.droppedLines} log lines dropped (over ${LOG_BUFFER_LIMIT_BYTES / 1024 / 1024} MiB of output in one invocation)`})
    }
    this.logs = []
    this.logBytes = 0
    this.droppedLines = 0
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

  kill(): void {
    if (this.exited === undefined) this.child.kill('SIGKILL')
  }
}

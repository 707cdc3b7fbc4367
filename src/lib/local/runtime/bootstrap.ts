/**
 * The worker process of one execution environment: sling's stand-in for Lambda's Node.js runtime
 * interface client. Forked by environment.ts with the environment Lambda gives a function (never the
 * parent's), it loads the handler once (the INIT phase), then runs invocations sent over IPC.
 *
 * It follows the behaviour of aws-lambda-nodejs-runtime-interface-client: handler resolution
 * (`dir/file.export.nested`, .js/.mjs/.cjs, package.json "type"), the error types it reports
 * (Runtime.ImportModuleError, Runtime.UserCodeSyntaxError, Runtime.HandlerNotFound,
 * Runtime.MalformedHandlerName, Runtime.UnhandledPromiseRejection), the `{errorType, errorMessage,
 * trace}` payload, console lines `<ISO time>\t<request id>\t<LEVEL>\t<message>`, callback handlers
 * with callbackWaitsForEmptyEventLoop, and a `null` response when the event loop empties before the
 * handler answers. Only Node.js built-ins and the runtime's own small modules are imported: it must
 * start fast. A watchdog thread (watchdog.ts) ends the worker when the local cloud is gone or memory runs out.
 */
import {existsSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {finished} from 'node:stream/promises'
import {format, types} from 'node:util'
import {Worker} from 'node:worker_threads'

import {splitMessage} from './log-buffer.js'
import type {ErrorPayload, InvokeMessage, WorkerMessage} from './ipc.js'
import {LOG_BUFFER_LIMIT_BYTES, LOG_EVENT_LIMIT_BYTES, RESPONSE_LIMIT_BYTES, STREAMED_RESPONSE_LIMIT_BYTES, WATCHDOG_SLOTS} from './ipc.js'
import {createResponseStream, installAwslambdaGlobal, isStreamingHandler} from './streaming.js'
import type {WatchdogData} from './watchdog.js'

type Handler = (event: unknown, context: Record<string, unknown>, callback: (error?: unknown, result?: unknown) => void) => unknown

const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd()
const handlerString = process.env._HANDLER ?? ''
const memoryLimitMb = Number(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? 128)
const nodeRequire = createRequire(path.join(taskRoot, 'index.js'))

let currentRequestId: string | undefined
/** Shared with the watchdog thread: see WATCHDOG_SLOTS. Init runs first, so the worker starts busy. */
const shared = new Int32Array(new SharedArrayBuffer(8))
Atomics.store(shared, WATCHDOG_SLOTS.busy, 1)

/** Tells the watchdog whether the handler runs: it looks at memory more often then. */
function setBusy(busy: boolean): void {
  Atomics.store(shared, WATCHDOG_SLOTS.busy, busy ? 1 : 0)
  Atomics.notify(shared, WATCHDOG_SLOTS.busy)
}

function send(message: WorkerMessage): void {
  process.send?.(message)
}

// --- console, as Lambda's text log format writes it ---------------------------------------------

/** Pieces of one console message sent at most: more could never fit the invocation's log buffer. */
const MAX_PIECES = Math.ceil(LOG_BUFFER_LIMIT_BYTES / LOG_EVENT_LIMIT_BYTES) + 1

/** Sends one console line, split into log events of at most LOG_EVENT_LIMIT_BYTES. */
function sendLog(timestamp: number, message: string): void {
  // Each UTF-16 unit is at least one byte: this prefix holds every piece that can be sent.
  const limit = MAX_PIECES * LOG_EVENT_LIMIT_BYTES
  const pieces = splitMessage(message.length > limit ? message.slice(0, limit) : message, LOG_EVENT_LIMIT_BYTES)
  if (pieces.length === 1) {
    send({type: 'log', timestamp, message})
    return
  }
  const sent = pieces.slice(0, MAX_PIECES)
  const sentBytes = sent.reduce((sum, piece) => sum + Buffer.byteLength(piece), 0)
  const dropped = Math.ceil((Buffer.byteLength(message) - sentBytes) / LOG_EVENT_LIMIT_BYTES)
  sent.forEach((piece, i) => {
    send({type: 'log', timestamp, message: piece, ...(i === 0 ? {split: true as const} : {}), ...(i === sent.length - 1 && dropped > 0 ? {dropped} : {})})
  })
}

function patchConsole(): void {
  const levels: [keyof Console, string][] = [
    ['log', 'INFO'],
    ['info', 'INFO'],
    ['warn', 'WARN'],
    ['error', 'ERROR'],
    ['debug', 'DEBUG'],
    ['trace', 'TRACE'],
  ]
  for (const [method, level] of levels) {
    ;(console as unknown as Record<string, (...args: unknown[]) => void>)[method] = (...args: unknown[]) => {
      const now = new Date()
      sendLog(now.getTime(), `${now.toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${format(...args)}`)
    }
  }
}

// --- errors, as the runtime reports them ------------------------------------------------------------

class RuntimeError extends Error {
  constructor(name: string, message: string) {
    super(message)
    this.name = name
  }
}

function toPayload(error: unknown): ErrorPayload {
  if (types.isNativeError(error) || (error instanceof Object && 'message' in error && 'name' in error)) {
    const err = error as Error
    return {errorType: String(err.name), errorMessage: String(err.message), trace: String(err.stack ?? '').split('\n')}
  }
  return {errorType: typeof error, errorMessage: String(error), trace: []}
}

/** The JSON the runtime logs after "Invoke Error" / "Uncaught Exception": the stack as `stack`. */
function formatted(error: unknown): string {
  const {errorType, errorMessage, trace} = toPayload(error)
  return `\t${JSON.stringify({errorType, errorMessage, stack: trace})}`
}

// --- INIT: load the handler -------------------------------------------------------------------------

function hasTypeModule(file: string): boolean {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json')
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, 'utf8')) as {type?: string}).type === 'module'
      } catch {
        return false
      }
    }
    if (path.dirname(dir) === dir) return false
  }
}

function tryRequire(file: string): unknown {
  return existsSync(file) ? (nodeRequire(file) as unknown) : undefined
}

async function tryImport(file: string): Promise<unknown> {
  return existsSync(file) ? ((await import(pathToFileURL(file).href)) as unknown) : undefined
}

/** The same lookup order as the runtime: extensionless, .js (CommonJS), .js (ES module), .mjs, .cjs, then a package. */
async function loadModule(moduleRoot: string, moduleName: string): Promise<unknown> {
  const base = path.resolve(taskRoot, moduleRoot, moduleName)
  const extensionless = tryRequire(base)
  if (extensionless) return extensionless
  const esm = hasTypeModule(base)
  if (!esm) {
    const cjs = tryRequire(`${base}.js`)
    if (cjs) return cjs
  }
  const loaded = (esm ? await tryImport(`${base}.js`) : undefined) ?? (await tryImport(`${base}.mjs`)) ?? tryRequire(`${base}.cjs`)
  if (loaded) return loaded
  return nodeRequire(nodeRequire.resolve(moduleName, {paths: [taskRoot, path.resolve(taskRoot, moduleRoot)]}))
}

async function loadHandler(): Promise<Handler> {
  if (handlerString.includes('..')) throw new RuntimeError('Runtime.MalformedHandlerName', "'../' not allowed in handler name")
  const base = path.basename(handlerString)
  const moduleRoot = handlerString.slice(0, handlerString.length - base.length)
  const match = /^([^.]*)\.(.*)$/.exec(base)
  if (!match?.[1] || !match[2]) throw new RuntimeError('Runtime.MalformedHandlerName', 'Bad handler')
  const [, moduleName, handlerPath] = match
  let userModule: unknown
  try {
    userModule = await loadModule(moduleRoot, moduleName)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (error instanceof SyntaxError) throw new RuntimeError('Runtime.UserCodeSyntaxError', String(error))
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') throw new RuntimeError('Runtime.ImportModuleError', String(error))
    throw error
  }
  const handler = handlerPath.split('.').reduce<unknown>((object, key) => (object as Record<string, unknown> | undefined)?.[key], userModule)
  if (handler === undefined || handler === null) throw new RuntimeError('Runtime.HandlerNotFound', `${handlerString} is undefined or not exported`)
  if (typeof handler !== 'function') throw new RuntimeError('Runtime.HandlerNotFound', `${handlerString} is not a function`)
  return handler as Handler
}

// --- INVOKE --------------------------------------------------------------------------------------------

/** Set while an invocation waits for the event loop to empty (callback handlers, never-settling promises). */
let onEmptyLoop: (() => void) | undefined

process.on('beforeExit', () => {
  const pending = onEmptyLoop
  if (!pending) return
  onEmptyLoop = undefined
  pending()
})

/** Calls `then` once what the handler wrote to stdout and stderr has left this process. */
function afterOutput(then: () => void): void {
  let pending = 2
  const done = (): void => {
    if (--pending === 0) then()
  }
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.writableLength === 0 || !stream.writable) done()
    else stream.write('', done)
  }
}

function finish(message: WorkerMessage): void {
  onEmptyLoop = undefined
  currentRequestId = undefined
  setBusy(false)
  // Between invocations the IPC channel keeps the worker alive, waiting for the next one.
  process.channel?.ref()
  // The answer goes last, so the parent has the invocation's whole output when it reads it.
  afterOutput(() => send(message))
}

/**
 * `message`, or only the size of its payload when that is over Lambda's response limit: measured here,
 * so a handler returning 300 MB costs the server nothing (Lambda answers Function.ResponseSizeTooLarge).
 */
function bounded(message: WorkerMessage & {type: 'result' | 'error'}): WorkerMessage {
  const bytes = Buffer.byteLength(message.type === 'result' ? message.payload : JSON.stringify(message.error))
  if (bytes <= RESPONSE_LIMIT_BYTES) return message
  return {type: 'too-large', requestId: message.requestId, bytes, maxMemoryMb: message.maxMemoryMb, ...(message.type === 'error' && message.exit ? {exit: true} : {})}
}

function respond(requestId: string, result: unknown): void {
  let payload: string
  try {
    payload = JSON.stringify(result === undefined ? null : result) ?? 'null'
  } catch (error) {
    fail(requestId, error)
    return
  }
  finish(bounded({type: 'result', requestId, payload, maxMemoryMb: maxMemoryMb()}))
}

function fail(requestId: string, error: unknown): void {
  console.error('Invoke Error', formatted(error))
  finish(bounded({type: 'error', requestId, error: toPayload(error), maxMemoryMb: maxMemoryMb()}))
}

function invoke(handler: Handler, message: InvokeMessage): void {
  if (isStreamingHandler(handler)) {
    invokeStreaming(handler as unknown as StreamingHandler, message)
    return
  }
  const {requestId} = message
  currentRequestId = requestId
  setBusy(true)
  process.env._X_AMZN_TRACE_ID = message.traceId
  let settled = false
  const context = buildContext(message, (error, result) => done(error, result))
  function complete(error: unknown, result: unknown): void {
    if (settled) return
    settled = true
    if (error !== undefined && error !== null) fail(requestId, error)
    else respond(requestId, result)
  }
  function done(error: unknown, result: unknown): void {
    if (context.callbackWaitsForEmptyEventLoop) onEmptyLoop = () => complete(error, result)
    else complete(error, result)
  }
  // As the runtime does: when the event loop empties before the handler answers, the answer is null.
  onEmptyLoop = () => complete(undefined, null)
  // While the handler runs, only its own work keeps the process alive: "beforeExit" then means an empty event loop.
  process.channel?.unref()
  let event: unknown
  try {
    event = message.event === '' ? {} : JSON.parse(message.event)
    const returned = handler(event, context, (error?: unknown, result?: unknown) => done(error, result))
    if (types.isPromise(returned)) {
      returned.then(
        (result: unknown) => complete(undefined, result),
        (error: unknown) => complete(error ?? new Error('Promise rejected without a reason'), undefined),
      )
    }
  } catch (error) {
    complete(error, undefined)
  }
}

type StreamingHandler = (event: unknown, responseStream: unknown, context: Record<string, unknown>) => unknown

/**
 * A handler awslambda.streamifyResponse wrapped: (event, responseStream, context). Its chunks leave as it
 * writes them; it is done once its promise settled and the stream ended (as the runtime requires: a
 * handler that never ends its stream runs until it times out, unless the event loop empties first).
 */
function invokeStreaming(handler: StreamingHandler, message: InvokeMessage): void {
  const {requestId} = message
  currentRequestId = requestId
  setBusy(true)
  process.env._X_AMZN_TRACE_ID = message.traceId
  const response = createResponseStream({
    limitBytes: STREAMED_RESPONSE_LIMIT_BYTES,
    send(data, done) {
      if (!process.send) return done()
      process.send({type: 'chunk', requestId, data: data.toString('base64')} satisfies WorkerMessage, undefined, {}, (error) => done(error))
    },
  })
  let settled = false
  const complete = (error: unknown): void => {
    if (settled) return
    settled = true
    if (error !== undefined) fail(requestId, error)
    else finish({type: 'result', requestId, payload: '', maxMemoryMb: maxMemoryMb(), streamed: {contentType: response.contentType()}})
  }
  onEmptyLoop = () => complete(response.stream.writableFinished ? undefined : new Error('Response stream is not finished.'))
  process.channel?.unref()
  try {
    const event: unknown = message.event === '' ? {} : JSON.parse(message.event)
    const returned = handler(event, response.stream, buildContext(message, () => undefined))
    if (!types.isPromise(returned)) throw new Error('Streaming does not support non-async handlers.')
    returned.then(
      (result: unknown) => {
        if (result !== undefined) console.warn('Streaming handlers ignore return values.')
        finished(response.stream).then(() => complete(undefined), (error: unknown) => complete(error))
      },
      (error: unknown) => complete(error ?? new Error('Promise rejected without a reason')),
    )
  } catch (error) {
    complete(error)
  }
}

interface Context extends Record<string, unknown> {
  callbackWaitsForEmptyEventLoop: boolean
}

function buildContext(message: InvokeMessage, legacyDone: (error: unknown, result: unknown) => void): Context {
  let clientContext: unknown
  if (message.clientContext) {
    try {
      clientContext = JSON.parse(message.clientContext)
    } catch {
      clientContext = undefined
    }
  }
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: String(memoryLimitMb),
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    invokedFunctionArn: message.invokedFunctionArn,
    awsRequestId: message.requestId,
    clientContext,
    identity: undefined,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
    succeed: (result: unknown) => legacyDone(undefined, result),
    fail: (error: unknown) => legacyDone(error ?? 'handled', undefined),
    done: legacyDone,
  }
}

function toMb(bytes: number): number {
  return Math.ceil(bytes / 1024 / 1024)
}

/** Max Memory Used so far: the watchdog's samples, and now. */
function maxMemoryMb(): number {
  return toMb(Math.max(process.memoryUsage.rss(), Atomics.load(shared, WATCHDOG_SLOTS.peakKib) * 1024))
}

// --- start ---------------------------------------------------------------------------------------------

/**
 * Starts the watchdog thread. The parent's pid comes as the first argument: by the time this runs the
 * parent may already be gone, and the worker's ppid then names its new adopter.
 */
function startWatchdog(): void {
  const parentPid = Number(process.argv[2] ?? process.ppid)
  const workerData: WatchdogData = {parentPid, limitBytes: memoryLimitMb * 1024 * 1024, shared}
  const watchdog = new Worker(new URL('./watchdog.js', import.meta.url), {workerData, resourceLimits: {maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2}})
  // The thread must not keep the process alive: an empty event loop is how a run without an answer ends.
  watchdog.unref()
  // If the thread fails, the parent still samples the worker's memory (on Linux) and stops it on a timeout.
  watchdog.on('error', () => undefined)
  // A worker that isn't busy follows the IPC channel: it closes when the parent is gone. What the handler
  // spawned goes too: the worker leads its own process group (see environment.ts).
  process.on('disconnect', () => {
    try {
      process.kill(-process.pid, 'SIGKILL')
    } catch {
      // not a group leader (Windows): the worker alone
    }
    // eslint-disable-next-line no-restricted-properties -- a worker process, not the CLI: nothing is left to serve
    process.exit(0)
  })
}

function exitWithError(label: string, error: unknown, code: number): void {
  console.error(label, formatted(error))
  const requestId = currentRequestId
  const message: WorkerMessage | undefined = requestId ? bounded({type: 'error', requestId, error: toPayload(error), maxMemoryMb: maxMemoryMb(), exit: true}) : undefined
  process.channel?.ref()
  // The runtime posts the error, then exits (129 after an uncaught exception, 128 after an unhandled rejection).
  // eslint-disable-next-line no-restricted-properties -- a worker process, not the CLI: exiting is the runtime's behaviour
  const exit = (): never => process.exit(code)
  if (message && process.send) process.send(message, undefined, {}, exit)
  else exit()
}

async function main(): Promise<void> {
  patchConsole()
  installAwslambdaGlobal()
  startWatchdog()
  process.on('uncaughtException', (error) => exitWithError('Uncaught Exception', error, 129))
  process.on('unhandledRejection', (reason) => {
    const error = new RuntimeError('Runtime.UnhandledPromiseRejection', String(reason))
    exitWithError('Unhandled Promise Rejection', error, 128)
  })
  const started = performance.now()
  let handler: Handler
  try {
    handler = await loadHandler()
  } catch (error) {
    console.error('Uncaught Exception', formatted(error))
    send({type: 'init-error', initDurationMs: performance.now() - started, error: toPayload(error)})
    return
  }
  process.on('message', (message: InvokeMessage) => {
    if (message.type === 'invoke') invoke(handler, message)
  })
  setBusy(false)
  send({type: 'ready', initDurationMs: performance.now() - started})
}

void main()

import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {afterEach, describe, expect, test} from 'vitest'

import type {InvocationRequest, LambdaRuntime} from '../../../../src/lib/local/runtime/runtime.js'
import {ConcurrencyLimitError, createLambdaRuntime, logTail, UnsupportedRuntimeError} from '../../../../src/lib/local/runtime/runtime.js'
import {LOG_BUFFER_LIMIT_BYTES, LOG_EVENT_LIMIT_BYTES} from '../../../../src/lib/local/runtime/environment.js'
import {residentBytes} from '../../../../src/lib/local/runtime/memory.js'
import {Store} from '../../../../src/lib/local/store.js'
import {tempDir} from '../../../helpers/cli.js'
import {aFunction, ARN} from './helpers.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setup(): Promise<{store: Store; runtime: LambdaRuntime}> {
  const temp = await tempDir()
  const store = new Store(temp.dir)
  const runtime = createLambdaRuntime({store, endpoint: () => 'http://127.0.0.1:4566'})
  cleanups.push(temp.cleanup, () => runtime.close())
  return {store, runtime}
}

const call = (payload: unknown = {}): InvocationRequest => ({payload: JSON.stringify(payload), invokedFunctionArn: ARN})
const bytesOf = (logs: readonly {message: string}[]): number => logs.reduce((sum, event) => sum + Buffer.byteLength(event.message), 0)
const notes = (logs: readonly {message: string}[]): string[] => logs.map((event) => event.message).filter((line) => line.startsWith('sling local cloud: '))
/** Waits (up to 5 s) for `pid` to be gone; a zombie (dead, not yet reaped) counts as gone. */
async function waitUntilGone(pid: number): Promise<void> {
  const deadline = Date.now() + 5000
  const running = (): boolean => {
    try {
      process.kill(pid, 0)
    } catch {
      return false
    }
    const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : ''
    return !/\) Z /.test(stat)
  }
  while (running()) {
    if (Date.now() > deadline) throw new Error(`process ${pid} is still running`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- payloads are checked field by field
const json = (text: string): any => JSON.parse(text)

describe('handlers', () => {
  test('a CommonJS handler gets the Lambda environment and context, and none of the parent environment', async () => {
    process.env.SLING_TEST_SECRET = 'do-not-leak'
    const {store, runtime} = await setup()
    const spec = await aFunction(
      store,
      {
        'index.js': `exports.handler = async (event, context) => ({
          event, env: process.env, remaining: context.getRemainingTimeInMillis(),
          context: {awsRequestId: context.awsRequestId, invokedFunctionArn: context.invokedFunctionArn, functionName: context.functionName,
            functionVersion: context.functionVersion, memoryLimitInMB: context.memoryLimitInMB, logGroupName: context.logGroupName,
            logStreamName: context.logStreamName, waits: context.callbackWaitsForEmptyEventLoop},
        })`,
      },
      {environment: {GREETING: 'hi'}, memorySize: 512, timeout: 7},
    )
    const result = await runtime.invoke(spec, {...call({a: 1}), requestId: 'req-1'})
    const body = json(result.payload)
    expect(result.functionError).toBeUndefined()
    expect(body.event).toEqual({a: 1})
    expect(body.env).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: 'fn',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/fn',
      AWS_LAMBDA_LOG_STREAM_NAME: result.logStream,
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      _HANDLER: 'index.handler',
      TZ: ':UTC',
      GREETING: 'hi',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_ACCESS_KEY_ID: 'sling-local',
    })
    expect(body.env.NODE_PATH).toContain('nodejs/node20/node_modules')
    expect(body.env.SLING_TEST_SECRET).toBeUndefined()
    expect(body.context).toEqual({
      awsRequestId: 'req-1',
      invokedFunctionArn: ARN,
      functionName: 'fn',
      functionVersion: '$LATEST',
      memoryLimitInMB: '512',
      logGroupName: '/aws/lambda/fn',
      logStreamName: result.logStream,
      waits: true,
    })
    expect(body.remaining).toBeGreaterThan(0)
    expect(body.remaining).toBeLessThanOrEqual(7000)
    expect(result.logStream).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/)
  })

  test('ES modules load from .mjs, and from .js under package.json "type": "module", also in sub-directories', async () => {
    const {store, runtime} = await setup()
    const mjs = await aFunction(store, {'app.mjs': 'export const handler = async () => "from mjs"'}, {handler: 'app.handler'})
    const typed = await aFunction(
      store,
      {'package.json': '{"type":"module"}', 'src/api/main.js': 'export const handlers = {get: async (e) => `from esm ${e.n}`}'},
      {handler: 'src/api/main.handlers.get', functionName: 'fn2'},
    )
    expect((await runtime.invoke(mjs, call())).payload).toBe('"from mjs"')
    expect((await runtime.invoke(typed, call({n: 2}))).payload).toBe('"from esm 2"')
  })

  test('a callback handler answers once the event loop is empty, unless callbackWaitsForEmptyEventLoop is false', async () => {
    const {store, runtime} = await setup()
    const source = `exports.handler = (event, context, callback) => {
      context.callbackWaitsForEmptyEventLoop = event.wait
      setTimeout(() => console.log('timer fired'), 300)
      callback(null, {ok: true})
    }`
    const spec = await aFunction(store, {'index.js': source})
    const waited = await runtime.invoke(spec, call({wait: true}))
    expect(waited.payload).toBe('{"ok":true}')
    expect(waited.logs.map((event) => event.message).join('\n')).toContain('timer fired')
    const early = await runtime.invoke(spec, call({wait: false}))
    expect(early.payload).toBe('{"ok":true}')
    expect(early.logs.map((event) => event.message).join('\n')).not.toContain('timer fired')
  })

  test('console output is written as Lambda formats it, between START and END/REPORT', async () => {
    const {store, runtime} = await setup()
    const spec = await aFunction(store, {
      'index.js': `console.log('init line'); exports.handler = async () => { console.log('hello %s', 'world'); console.warn('careful'); console.error(new Error('bad').message); console.debug('dbg'); console.info('fyi'); return 1 }`,
    })
    const result = await runtime.invoke(spec, {...call(), requestId: 'r-42'})
    const messages = result.logs.map((event) => event.message)
    expect(messages[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z\tundefined\tINFO\tinit line$/)
    expect(messages[1]).toBe('START RequestId: r-42 Version: $LATEST')
    expect(messages.slice(2, 7).map((line) => line.split('\t').slice(1).join('\t'))).toEqual([
      'r-42\tINFO\thello world',
      'r-42\tWARN\tcareful',
      'r-42\tERROR\tbad',
      'r-42\tDEBUG\tdbg',
      'r-42\tINFO\tfyi',
    ])
    expect(messages.at(-2)).toBe('END RequestId: r-42')
    expect(messages.at(-1)).toMatch(/^REPORT RequestId: r-42\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 256 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms\t$/)
    expect(Buffer.from(logTail(result.logs), 'base64').toString()).toContain('END RequestId: r-42\nREPORT RequestId: r-42')
  })

  test('a handler that floods its log keeps a bounded log: the excess is dropped and one line says so', async () => {
    const {store, runtime} = await setup()
    const spec = await aFunction(store, {
      'index.js': `exports.handler = async (event) => { if (event.flood) for (let i = 0; i < 200; i++) console.log('x'.repeat(65536)); console.log('done'); return 1 }`,
    })
    const flooded = await runtime.invoke(spec, call({flood: true}))
    expect(bytesOf(flooded.logs)).toBeLessThan(LOG_BUFFER_LIMIT_BYTES + 4096)
    expect(flooded.logs.map((event) => event.message).filter((line) => line.includes('log lines dropped'))).toHaveLength(1)
    expect(flooded.logs.at(-1)?.message).toMatch(/^REPORT RequestId: /)
    const next = await runtime.invoke(spec, call())
    expect(next.logs.map((event) => event.message.split('\t').slice(2).join('\t'))).toContain('INFO\tdone')
    expect(next.logs.some((event) => event.message.includes('dropped'))).toBe(false)
  })

  test('layers are merged where /opt would be and resolve through NODE_PATH', async () => {
    const {store, runtime} = await setup()
    const spec = await aFunction(store, {'index.js': `const lib = require('greeter'); exports.handler = async () => lib.greet()`}, {
      layers: [
        {'nodejs/node_modules/greeter/index.js': 'exports.greet = () => "v1"', 'bin/tool': 'x'},
        {'nodejs/node_modules/greeter/index.js': 'exports.greet = () => "layer two wins"'},
      ],
    })
    expect((await runtime.invoke(spec, call())).payload).toBe('"layer two wins"')
  })
})

describe('warm environments', () => {
  test('module init runs once per environment; only the first invocation reports Init Duration', async () => {
    const {store, runtime} = await setup()
    const spec = await aFunction(store, {'index.js': 'let inits = (globalThis.inits ?? 0) + 1; let calls = 0; exports.handler = async () => ({inits, calls: ++calls, pid: process.pid})'})
    const first = await runtime.invoke(spec, call())
    const second = await runtime.invoke(spec, call())
    expect(json(first.payload)).toMatchObject({inits: 1, calls: 1})
    expect(json(second.payload)).toMatchObject({inits: 1, calls: 2, pid: json(first.payload).pid})
    expect(first.initDurationMs).toBeGreaterThan(0)
    expect(second.initDurationMs).toBeUndefined()
    expect(second.logs.at(-1)?.message).not.toContain('Init Duration')
  })

  test('concurrent invocations run in separate environments', async () => {
    const {store, runtime} = await setup()
    const spec = await aFunction(store, {'index.js': 'exports.handler = async () => { await new Promise((r) => setTimeout(r, 400)); return process.pid }'})
    const results = await Promise.all([1, 2, 3].map(() => runtime.invoke(spec, call())))
    expect(new Set(results.map((result) => result.payload)).size).toBe(3)
    expect(runtime.environments()).toBe(3)
  })

  test('beyond the reserved concurrency, invocations are throttled', async () => {
    const {store, runtime} = await setup()
    const spec = await aFunction(store, {'index.js': 'exports.handler = async () => { await new Promise((r) => setTimeout(r, 400)); return "done" }'}, {reservedConcurrency: 1})
    const results = await Promise.allSettled([runtime.invoke(spec, call()), runtime.invoke(spec, call())])
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1)
    const rejected = results.find((result) => result.status === 'rejected')
    expect(rejected?.reason).toBeInstanceOf(ConcurrencyLimitError)
    expect((rejected?.reason as ConcurrencyLimitError).reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded')
    await expect(runtime.invoke({...spec, reservedConcurrency: 0}, call())).rejects.toBeInstanceOf(ConcurrencyLimitError)
  })

  test('idle environments are stopped after the idle timeout', async () => {
    const temp = await tempDir()
    const store = new Store(temp.dir)
    const runtime = createLambdaRuntime({store, idleTimeoutMs: 100})
    cleanups.push(temp.cleanup, () => runtime.close())
    const spec = await aFunction(store, {'index.js': 'exports.handler = async () => 1'})
    await runtime.invoke(spec, call())
    expect(runtime.environments()).toBe(1)
    for (let i = 0; i < 50 && runtime.environments() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(runtime.environments()).toBe(0)
    expect((await runtime.invoke(spec, call())).initDurationMs).toBeGreaterThan(0)
  })

  test('a new code version gets fresh environments', async () => {
    const {store, runtime} = await setup()
    const v1 = await aFunction(store, {'index.js': 'exports.handler = async () => "one"'})
    const v2 = await aFunction(store, {'index.js': 'exports.handler = async () => "two"'})
    expect((await runtime.invoke(v1, call())).payload).toBe('"one"')
    expect((await runtime.invoke(v2, call())).payload).toBe('"two"')
    expect(runtime.environments()).toBe(1)
  })
})

describe('errors, as the Node.js runtime reports them', () => {
  test('a handler that throws answers the error payload with errorType, errorMessage and trace', async () => {
    const {store, runtime} = await setup()
    const spec = await aFunction(store, {'index.js': 'class ValidationError extends Error { name = "ValidationError" }\nexports.handler = async () => { throw new ValidationError("bad input") }'})
    const result = await runtime.invoke(spec, call())
    expect(result.functionError).toBe('Unhandled')
    const body = json(result.payload)
    expect(body).toMatchObject({errorType: 'ValidationError', errorMessage: 'bad input'})
    expect(body.trace[0]).toBe('ValidationError: bad input')
    expect(result.logs.some((event) => /\tERROR\tInvoke Error \t\{"errorType":"ValidationError","errorMessage":"bad input","stack":\[/.test(event.message))).toBe(true)
    // The environment stays warm after a handled error.
    expect((await runtime.invoke(spec, call())).initDurationMs).toBeUndefined()
  })

  test('callback(error) with a string reports errorType "string"', async () => {
    const {store, runtime} = await setup()
    const spec = await aFunction(store, {'index.js': 'exports.handler = (e, c, cb) => cb("nope")'})
    expect(json((await runtime.invoke(spec, call())).payload)).toEqual({errorType: 'string', errorMessage: 'nope', trace: []})
  })

  test.each([
    ['a missing module', {'other.js': ''}, 'index.handler', 'Runtime.ImportModuleError', /^Error: Cannot find module 'index'/],
    ['a missing export', {'index.js': 'exports.other = 1'}, 'index.handler', 'Runtime.HandlerNotFound', /^index\.handler is undefined or not exported$/],
    ['a syntax error', {'index.js': 'exports.handler = async () => {'}, 'index.handler', 'Runtime.UserCodeSyntaxError', /^SyntaxError: /],
    ['a malformed handler', {'index.js': ''}, 'index', 'Runtime.MalformedHandlerName', /^Bad handler$/],
    ['init code that throws', {'index.js': 'throw new TypeError("no config")'}, 'index.handler', 'TypeError', /^no config$/],
  ])('%s fails the invocation at init', async (_name, files, handler, errorType, message) => {
    const {store, runtime} = await setup()
    const result = await runtime.invoke(await aFunction(store, files, {handler}), call())
    expect(result.functionError).toBe('Unhandled')
    expect(json(result.payload)).toMatchObject({errorType})
    expect(json(result.payload).errorMessage).toMatch(message)
  })

  test('an unhandled promise rejection fails the invocation and recycles the environment', async () => {
    const {store, runtime} = await setup()
    const spec = await aFunction(store, {'index.js': 'exports.handler = async () => { Promise.reject(new Error("floating")); await new Promise((r) => setTimeout(r, 200)); return "late" }'})
    const result = await runtime.invoke(spec, call())
    expect(json(result.payload)).toMatchObject({errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: 'Error: floating'})
    expect((await runtime.invoke(spec, call())).initDurationMs).toBeGreaterThan(0)
  })

  test('process.exit in a handler is a Runtime.ExitError', async () => {
    const {store, runtime} = await setup()
    const spec = await aFunction(store, {'index.js': 'exports.handler = async () => process.exit(3)'})
    const result = await runtime.invoke(spec, {...call(), requestId: 'r-exit'})
    expect(json(result.payload)).toEqual({errorType: 'Runtime.ExitError', errorMessage: 'RequestId: r-exit Error: Runtime exited with error: exit status 3'})
    expect(result.logs.at(-1)?.message).toContain('Status: error\tError Type: Runtime.ExitError')
  })

  test('the timeout is enforced: Sandbox.Timedout, the log says so, and the environment is recycled', async () => {
    const {store, runtime} = await setup()
    const spec = await aFunction(store, {'index.js': 'exports.handler = async () => new Promise((r) => setTimeout(r, 60_000))'}, {timeout: 1})
    const result = await runtime.invoke(spec, {...call(), requestId: 'r-slow'})
    expect(json(result.payload)).toEqual({errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: r-slow Error: Task timed out after 1.00 seconds'})
    expect(result.logs.some((event) => event.message.endsWith('r-slow Task timed out after 1.00 seconds'))).toBe(true)
    expect(result.logs.at(-1)?.message).toContain('Status: timeout')
    expect(runtime.environments()).toBe(0)
  })

  test.runIf(process.platform !== 'win32')('processes a handler spawns are stopped with its environment: on a timeout, after process.exit, and at shutdown', async () => {
    const {store, runtime} = await setup()
    const pidFile = (name: string): string => path.join(store.dir, `${name}.pid`)
    // The sleep ignores its stdio, as a daemon would: nothing but its process group ties it to the worker.
    const spawnSleep = `const {spawn} = require('child_process'); const child = spawn('sleep', ['1000'], {stdio: 'ignore'}); require('fs').writeFileSync(process.env.PID_FILE + '-' + event.name, String(child.pid))`
    const spec = await aFunction(store, {'index.js': `exports.handler = async (event) => { ${spawnSleep}; if (event.name === 'timeout') await new Promise(() => setInterval(() => {}, 1000)); if (event.name === 'exit') process.exit(2); return 'left running' }`}, {timeout: 1, environment: {PID_FILE: pidFile('sleep')}})
    const sleepPid = (name: string): number => Number(readFileSync(`${pidFile('sleep')}-${name}`, 'utf8'))

    expect(json((await runtime.invoke(spec, call({name: 'timeout'}))).payload).errorType).toBe('Sandbox.Timedout')
    expect(json((await runtime.invoke(spec, call({name: 'exit'}))).payload).errorType).toBe('Runtime.ExitError')
    expect((await runtime.invoke(spec, call({name: 'shutdown'}))).payload).toBe('"left running"')
    await runtime.close()

    for (const name of ['timeout', 'exit', 'shutdown']) await waitUntilGone(sleepPid(name))
  })

  test('a handler whose promise never settles answers null once the event loop is empty', async () => {
    const {store, runtime} = await setup()
    const spec = await aFunction(store, {'index.js': 'exports.handler = () => new Promise(() => {})'})
    const result = await runtime.invoke(spec, call())
    expect(result.functionError).toBeUndefined()
    expect(result.payload).toBe('null')
  })

  test('going over MemorySize stops the environment: Runtime.OutOfMemory, Max Memory Used is the limit', async () => {
    const {store, runtime} = await setup()
    const spec = await aFunction(store, {'index.js': 'const keep = []; exports.handler = async () => { for (;;) { keep.push(Buffer.alloc(16 * 1024 * 1024, 1)); await new Promise((r) => setTimeout(r, 1)) } }'}, {memorySize: 128})
    const result = await runtime.invoke(spec, {...call(), requestId: 'r-oom'})
    expect(json(result.payload)).toEqual({errorType: 'Runtime.OutOfMemory', errorMessage: 'RequestId: r-oom Error: Runtime exited with error: signal: killed'})
    expect(result.logs.at(-1)?.message).toMatch(/\tMemory Size: 128 MB\tMax Memory Used: 128 MB\t.*Status: error\tError Type: Runtime\.OutOfMemory\t$/)
  })

  test('other runtimes than Node.js are refused clearly', async () => {
    const {store, runtime} = await setup()
    const spec = await aFunction(store, {'main.py': ''}, {runtime: 'python3.12'})
    await expect(runtime.invoke(spec, call())).rejects.toBeInstanceOf(UnsupportedRuntimeError)
  })
})

describe('hostile handlers: the local cloud stays up and bounded', () => {
  test('a 600 MB line on stdout without a newline is split into 256 KiB events, bounded, and the runtime keeps serving', async () => {
    const {store, runtime} = await setup()
    const spec = await aFunction(
      store,
      {'index.js': `const chunk = Buffer.alloc(1 << 20, 'x'); exports.handler = async (event) => { if (event.flood) { for (let i = 0; i < 600; i++) process.stdout.write(chunk); await new Promise((r) => process.stdout.write('', r)) } return 'done' }`},
      {memorySize: 1024, timeout: 60},
    )
    const flooded = await runtime.invoke(spec, call({flood: true}))
    expect(flooded.payload).toBe('"done"')
    const pieces = flooded.logs.filter((event) => event.message.startsWith('xxx'))
    expect(pieces.length).toBeGreaterThan(1)
    expect(Math.max(...flooded.logs.map((event) => Buffer.byteLength(event.message)))).toBe(LOG_EVENT_LIMIT_BYTES)
    expect(bytesOf(flooded.logs)).toBeLessThan(LOG_BUFFER_LIMIT_BYTES + 4096)
    expect(notes(flooded.logs)).toEqual([
      'sling local cloud: 1 log lines longer than 256 KiB were split into events of at most 256 KiB',
      expect.stringMatching(/^sling local cloud: \d+ log lines dropped \(over 8 MiB of output in one invocation\)$/),
    ])
    // The tail is the last 4 KB of the bounded log.
    const tail = Buffer.from(logTail(flooded.logs), 'base64')
    expect(tail.length).toBe(4096)
    expect(tail.toString()).toMatch(/REPORT RequestId: .*\t\n$/)
    expect((await runtime.invoke(spec, call())).payload).toBe('"done"')
  })

  test('stderr lines are split at UTF-8 character boundaries, in bytes', async () => {
    const {store, runtime} = await setup()
    // 300,000 two-byte characters: 600,000 bytes in 300,000 UTF-16 units.
    const spec = await aFunction(store, {'index.js': `exports.handler = async () => { process.stderr.write('é'.repeat(300000) + '\\nshort\\n'); return 1 }`})
    const result = await runtime.invoke(spec, call())
    const pieces = result.logs.filter((event) => event.message.startsWith('é'))
    expect(pieces.map((event) => Buffer.byteLength(event.message))).toEqual([LOG_EVENT_LIMIT_BYTES, LOG_EVENT_LIMIT_BYTES, 600_000 - 2 * LOG_EVENT_LIMIT_BYTES])
    expect(pieces.map((event) => event.message).join('')).toBe('é'.repeat(300000))
    expect(result.logs.map((event) => event.message)).toContain('short')
    expect(notes(result.logs)).toEqual(['sling local cloud: 1 log lines longer than 256 KiB were split into events of at most 256 KiB'])
  })

  test('a console message of 20 MB is split into 256 KiB events and cut at the log limit', async () => {
    const {store, runtime} = await setup()
    const spec = await aFunction(store, {'index.js': `exports.handler = async () => { console.log('y'.repeat(20 * 1024 * 1024)); console.log('next'); return 1 }`})
    const result = await runtime.invoke(spec, call())
    const pieces = result.logs.filter((event) => /^[^\t]+\t[^\t]+\tINFO\ty|^y/.test(event.message))
    expect(pieces.length).toBeGreaterThan(1)
    expect(Math.max(...pieces.map((event) => Buffer.byteLength(event.message)))).toBe(LOG_EVENT_LIMIT_BYTES)
    expect(bytesOf(result.logs)).toBeLessThan(LOG_BUFFER_LIMIT_BYTES + 4096)
    expect(notes(result.logs)).toEqual([
      'sling local cloud: 1 log lines longer than 256 KiB were split into events of at most 256 KiB',
      expect.stringMatching(/^sling local cloud: \d+ log lines dropped/),
    ])
  })

  test('a response or error over 6 MB stays in the worker: the runtime answers Function.ResponseSizeTooLarge and keeps serving', async () => {
    const {store, runtime} = await setup()
    const spec = await aFunction(
      store,
      {'index.js': `exports.handler = async (event) => { if (event.big) return 'x'.repeat(40 * 1024 * 1024); if (event.bigError) throw new Error('e'.repeat(7 * 1024 * 1024)); if (event.edge) return 'y'.repeat(6291456 - 2); return 'small' }`},
      {memorySize: 512},
    )
    const tooLarge = {errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).', errorType: 'Function.ResponseSizeTooLarge'}
    for (const event of [{big: true}, {bigError: true}]) {
      const result = await runtime.invoke(spec, call(event))
      expect(result.functionError).toBe('Unhandled')
      expect(json(result.payload)).toEqual(tooLarge)
    }
    // Exactly at the limit (the JSON string's quotes included) is still a response.
    expect(Buffer.byteLength((await runtime.invoke(spec, call({edge: true}))).payload)).toBe(6291456)
    expect((await runtime.invoke(spec, call())).payload).toBe('"small"')
    expect(runtime.environments()).toBe(1)
  })

  test('messages a handler sends over the runtime channel itself (null, a malformed log) do not break the runtime', async () => {
    const {store, runtime} = await setup()
    const spec = await aFunction(store, {'index.js': `exports.handler = async () => { process.send(null); process.send({type: 'log', timestamp: 'x', message: {a: 1}}); return 'still here' }`})
    const result = await runtime.invoke(spec, call())
    expect(result.payload).toBe('"still here"')
    expect(result.logs.map((event) => event.message)).toContain('[object Object]')
  })

  test('a busy loop allocating 8 MB at a time is stopped near MemorySize (Runtime.OutOfMemory), and the next call gets a fresh environment', async () => {
    const {store, runtime} = await setup()
    const pidFile = path.join(store.dir, 'worker.pid')
    const spec = await aFunction(
      store,
      {'index.js': `require('fs').writeFileSync(process.env.PID_FILE, String(process.pid)); const a = []; exports.handler = async (event) => { if (event.grow) for (;;) a.push(Buffer.alloc(8 << 20, 1)); return 'fresh' }`},
      {memorySize: 128, timeout: 5, environment: {PID_FILE: pidFile}},
    )
    // Watch the worker from outside, as an independent witness of how far its memory got.
    let peak = 0
    const watch = setInterval(() => {
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined
      if (pid) peak = Math.max(peak, residentBytes(pid) ?? 0)
    }, 2)
    const result = await runtime.invoke(spec, {...call({grow: true}), requestId: 'r-grow'}).finally(() => clearInterval(watch))
    expect(json(result.payload)).toEqual({errorType: 'Runtime.OutOfMemory', errorMessage: 'RequestId: r-grow Error: Runtime exited with error: signal: killed'})
    expect(result.logs.at(-1)?.message).toContain('\tMax Memory Used: 128 MB\tInit Duration: ')
    expect(result.logs.at(-1)?.message).toContain('\tStatus: error\tError Type: Runtime.OutOfMemory\t')
    expect(notes(result.logs)).toEqual([expect.stringContaining('resident memory went over its MemorySize')])
    // Sampled every 10 ms from both sides: at 8 MB per allocation it is stopped within tens of MB of the limit
    // on an idle machine; a loaded CI runner delays the sampler, so the bound leaves room for that. Unbounded, the
    // worker reached 3 GB before its timeout.
    if (process.platform === 'linux') expect(peak / 1024 / 1024).toBeLessThanOrEqual(128 + 256)
    expect(runtime.environments()).toBe(0)
    const next = await runtime.invoke(spec, call())
    expect(next.payload).toBe('"fresh"')
    expect(next.initDurationMs).toBeGreaterThan(0)
  })
})

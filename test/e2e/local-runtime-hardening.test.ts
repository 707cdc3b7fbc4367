/**
 * The local cloud must never go down because of what a handler does, and must not leave workers behind
 * when it goes down itself. These run `sling local serve` (the built CLI) as a real server process.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {CreateFunctionCommand, InvokeCommand, LambdaClient, ListFunctionsCommand, waitUntilFunctionActiveV2} from '@aws-sdk/client-lambda'
import {afterEach, expect, test} from 'vitest'

import {residentBytes} from '../../src/lib/local/runtime/memory.js'
import {tempDir} from '../helpers/cli.js'
import {makeZip} from '../lib/local/runtime/helpers.js'
import {serve as serveWith} from './local-serve-helper.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

// Another account's role: the local cloud checks only its own account's roles against its IAM.
const ROLE = 'arn:aws:iam::123456789012:role/lambda-role'
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

async function server(): Promise<{lambda: LambdaClient; served: Awaited<ReturnType<typeof serveWith>>; scratch: string}> {
  const store = await tempDir('sling-hardening-')
  const scratch = await tempDir('sling-hardening-pids-')
  cleanups.push(store.cleanup, scratch.cleanup)
  const served = await serveWith(['--port', '0', '--store', store.dir, '--state-delay', '0'], cleanups)
  const lambda = new LambdaClient({endpoint: served.info.endpoint, region: 'us-east-1', credentials: {accessKeyId: 'x', secretAccessKey: 'x'}, maxAttempts: 1})
  cleanups.push(() => Promise.resolve(lambda.destroy()))
  return {lambda, served, scratch: scratch.dir}
}

async function createFunction(lambda: LambdaClient, name: string, source: string, config: {MemorySize?: number; Timeout?: number; Variables?: Record<string, string>} = {}): Promise<void> {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Role: ROLE,
      Handler: 'index.handler',
      Code: {ZipFile: await makeZip({'index.js': source})},
      MemorySize: config.MemorySize ?? 128,
      Timeout: config.Timeout ?? 30,
      Environment: {Variables: config.Variables ?? {}},
    }),
  )
  await waitUntilFunctionActiveV2({client: lambda, maxWaitTime: 30, minDelay: 1}, {FunctionName: name})
}

/** True while `pid` runs; a zombie (dead, not yet reaped by whoever adopted it) counts as gone. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  if (process.platform !== 'linux') return true
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; the command name may contain spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(25)
  }
}

test('workers die with a server killed by SIGKILL: one waiting on setInterval, one in a busy loop', async () => {
  const {lambda, served, scratch} = await server()
  const pidFile = (name: string): string => path.join(scratch, `${name}.pid`)
  const writePid = `require('fs').writeFileSync(process.env.PID_FILE, String(process.pid))`
  await createFunction(lambda, 'ticker', `exports.handler = () => { ${writePid}; return new Promise(() => setInterval(() => {}, 1000)) }`, {Variables: {PID_FILE: pidFile('ticker')}})
  await createFunction(lambda, 'spinner', `exports.handler = () => { ${writePid}; for (;;) {} }`, {Variables: {PID_FILE: pidFile('spinner')}})
  // In flight when the server dies: the calls never get an answer.
  for (const name of ['ticker', 'spinner']) lambda.send(new InvokeCommand({FunctionName: name})).catch(() => undefined)
  const pids = await waitFor('both handlers to run', () => {
    const found = ['ticker', 'spinner'].filter((name) => existsSync(pidFile(name))).map((name) => Number(readFileSync(pidFile(name), 'utf8')))
    return found.length === 2 && found.every((pid) => pid > 0) ? found : undefined
  }, 20_000)
  expect(pids.every(alive)).toBe(true)

  served.child.kill('SIGKILL')
  expect(await served.exited).toEqual({code: null, signal: 'SIGKILL'})
  // The watchdog thread looks for the parent every 100 ms.
  await waitFor('both workers to exit', () => (pids.some(alive) ? undefined : true), 5000)
})

test.runIf(process.platform !== 'win32')('processes a handler spawned die with a server killed by SIGKILL', async () => {
  const {lambda, served, scratch} = await server()
  const pidFile = path.join(scratch, 'sleep.pid')
  await createFunction(
    lambda,
    'spawner',
    `exports.handler = async () => { const child = require('child_process').spawn('sleep', ['1000'], {stdio: 'ignore'}); require('fs').writeFileSync(process.env.PID_FILE, String(child.pid)); return 'spawned' }`,
    {Variables: {PID_FILE: pidFile}},
  )
  expect(Buffer.from((await lambda.send(new InvokeCommand({FunctionName: 'spawner'}))).Payload ?? []).toString()).toBe('"spawned"')
  const sleepPid = Number(readFileSync(pidFile, 'utf8'))
  expect(alive(sleepPid)).toBe(true)

  served.child.kill('SIGKILL')
  await served.exited
  await waitFor('the spawned process to exit', () => (alive(sleepPid) ? undefined : true), 5000)
})

test('a server survives a handler writing a 600 MB line and one allocating past MemorySize, and keeps serving', async () => {
  const {lambda, served} = await server()
  await createFunction(
    lambda,
    'flood',
    `const chunk = Buffer.alloc(1 << 20, 'x'); exports.handler = async () => { for (let i = 0; i < 600; i++) process.stdout.write(chunk); await new Promise((r) => process.stdout.write('', r)); return 'flooded' }`,
    {MemorySize: 1024},
  )
  await createFunction(lambda, 'hog', `const a = []; exports.handler = async () => { for (;;) a.push(Buffer.alloc(8 << 20, 1)) }`, {MemorySize: 128, Timeout: 10})

  const flood = await lambda.send(new InvokeCommand({FunctionName: 'flood', LogType: 'Tail'}))
  expect(flood.FunctionError).toBeUndefined()
  expect(Buffer.from(flood.Payload ?? []).toString()).toBe('"flooded"')
  const tail = Buffer.from(flood.LogResult ?? '', 'base64')
  expect(tail.length).toBe(4096)
  expect(tail.toString()).toMatch(/log lines dropped \(over 8 MiB of output in one invocation\)\nEND RequestId: [^\n]+\nREPORT RequestId: [^\n]+\n$/)

  const hog = await lambda.send(new InvokeCommand({FunctionName: 'hog', LogType: 'Tail'}))
  expect(hog.FunctionError).toBe('Unhandled')
  expect(JSON.parse(Buffer.from(hog.Payload ?? []).toString())).toMatchObject({errorType: 'Runtime.OutOfMemory'})
  expect(Buffer.from(hog.LogResult ?? '', 'base64').toString()).toMatch(/\tMemory Size: 128 MB\tMax Memory Used: 128 MB\t.*Status: error\tError Type: Runtime\.OutOfMemory\t\n$/)

  expect((await lambda.send(new ListFunctionsCommand({}))).Functions?.map((fn) => fn.FunctionName).sort()).toEqual(['flood', 'hog'])
  expect(served.child.exitCode).toBeNull()
})

/** The pids whose parent is `parent` (Linux). */
function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent
      } catch {
        return false
      }
    })
    .map(Number)
}

// A longer soak, outside `npm test`: SLING_TEST_SOAK=1 (rounds: SLING_TEST_SOAK_ROUNDS, default 20).
test.runIf(process.env.SLING_TEST_SOAK === '1' && process.platform === 'linux')('soak: rounds of floods, out-of-memory handlers and a server kill leave a bounded server and no workers', async () => {
  const {lambda, served} = await server()
  const rounds = Number(process.env.SLING_TEST_SOAK_ROUNDS ?? 20)
  await createFunction(lambda, 'flood', `const chunk = Buffer.alloc(1 << 20, 'x'); exports.handler = async () => { for (let i = 0; i < 600; i++) process.stdout.write(chunk); console.log('z'.repeat(50 << 20)); return 1 }`, {MemorySize: 1024})
  await createFunction(lambda, 'hog', `const a = []; exports.handler = async () => { for (;;) a.push(Buffer.alloc(8 << 20, 1)) }`, {MemorySize: 128, Timeout: 10})
  await createFunction(lambda, 'idle-ticker', `exports.handler = (e, c, cb) => { c.callbackWaitsForEmptyEventLoop = false; setInterval(() => console.log('tick'), 5); cb(null, 1) }`)
  for (let round = 0; round < rounds; round++) {
    const answers = await Promise.all(['flood', 'hog', 'idle-ticker', 'flood'].map((name) => lambda.send(new InvokeCommand({FunctionName: name}))))
    expect(answers.map((answer) => answer.FunctionError)).toEqual([undefined, 'Unhandled', undefined, undefined])
    expect(residentBytes(served.info.pid) ?? 0).toBeLessThan(512 * 1024 * 1024)
  }
  const workers = childrenOf(served.info.pid)
  expect(workers.length).toBeGreaterThan(0)
  served.child.kill('SIGKILL')
  await served.exited
  await waitFor('every worker to exit', () => (workers.some(alive) ? undefined : true), 5000)
}, 600_000)

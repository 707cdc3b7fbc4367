/** One `sling local serve` per store: at the same moment, after a crash, and across processes. */
import {spawn} from 'node:child_process'
import {readdir} from 'node:fs/promises'

import {afterEach, expect, test} from 'vitest'

import {UserError} from '../../../src/lib/errors.js'
import {silentOutput} from '../../../src/lib/output.js'
import type {ServeInfo} from '../../../src/lib/local/serve.js'
import {serveLocalCloud} from '../../../src/lib/local/serve.js'
import {BIN, tempDir} from '../../helpers/cli.js'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function storeDir(): Promise<string> {
  const tmp = await tempDir('sling-serve-')
  cleanups.push(tmp.cleanup)
  return tmp.dir
}

/** Starts a server in this process; `listening` resolves with its info, `stop` ends it. */
function serveHere(store: string): {listening: Promise<ServeInfo>; done: Promise<ServeInfo>; stop: () => void} {
  let stop!: () => void
  const stopped = new Promise<void>((resolve) => (stop = resolve))
  let listened!: (info: ServeInfo) => void
  const listening = new Promise<ServeInfo>((resolve) => (listened = resolve))
  const done = serveLocalCloud({storeDir: store, port: 0, stopped, settings: {stateDelayMs: 0}}, {output: silentOutput(), onListening: listened})
  cleanups.push(async () => {
    stop()
    await done.catch(() => undefined)
  })
  return {listening, done, stop}
}

/** `sling local serve --json` as a separate process (the built CLI). */
function serveCli(store: string): {stdout: () => string; exited: Promise<number | null>; kill: () => void} {
  const child = spawn(process.execPath, [BIN, 'local', 'serve', '--json', '--port', '0', '--store', store], {
    env: {PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'},
  })
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  cleanups.push(async () => {
    child.kill('SIGKILL')
    await exited
  })
  return {stdout: () => stdout, exited, kill: () => child.kill('SIGKILL')}
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20))
}

test('of two servers started at the same moment on one store, exactly one runs', async () => {
  const store = await storeDir()
  const [a, b] = [serveHere(store), serveHere(store)]
  const outcomes = await Promise.race([Promise.allSettled([a.done, b.done]), Promise.any([a.listening, b.listening]).then(() => undefined)])
  expect(outcomes).toBeUndefined() // one is listening
  const refused = await Promise.race([a.done, b.done].map((done) => done.then(() => undefined, (error: unknown) => error)))
  expect(refused).toBeInstanceOf(UserError)
  expect((refused as UserError).code).toBe('LocalServerRunning')
  expect((refused as UserError).message).toContain(`pid ${process.pid}`)
})

test('two `sling local serve` processes started together: one listens, the other refuses', async () => {
  const store = await storeDir()
  const servers = [serveCli(store), serveCli(store)]
  const refusal = await Promise.race(servers.map(async (server, i) => ({i, code: await server.exited})))
  expect(refusal.code).toBe(1)
  expect(JSON.parse(servers[refusal.i]?.stdout() ?? '')).toMatchObject({error: {code: 'LocalServerRunning'}})
  const running = servers[1 - refusal.i]
  await until(() => running?.stdout().includes('"endpoint"') ?? true)
  expect(JSON.parse(running?.stdout() ?? '')).toMatchObject({store})
})

test('a server killed with SIGKILL leaves the store to the next one', async () => {
  const store = await storeDir()
  const first = serveCli(store)
  await until(() => first.stdout().includes('"endpoint"'))
  first.kill()
  await first.exited
  const next = serveHere(store)
  const info = await next.listening
  expect(info.pid).toBe(process.pid)
  next.stop()
  await next.done
  expect((await readdir(store)).filter((name) => name.startsWith('server.'))).toEqual([]) // lock and record removed on the way out
})

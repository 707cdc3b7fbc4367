import {spawn} from 'node:child_process'
import path from 'node:path'

import {afterEach, expect, test} from 'vitest'

import type {AsyncJob} from '../../../../src/lib/local/runtime/async-queue.js'
import {AsyncQueue} from '../../../../src/lib/local/runtime/async-queue.js'
import {sleep, Store} from '../../../../src/lib/local/store.js'
import {ROOT, tempDir} from '../../../helpers/cli.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function aStore(): Promise<Store> {
  const temp = await tempDir()
  cleanups.push(temp.cleanup)
  return new Store(temp.dir)
}

const JOB = {requestId: 'r-1', region: 'us-east-1', functionName: 'fn', version: '$LATEST', invokedFunctionArn: 'arn', maxRetries: 2}

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i++) await sleep(20)
}

test('a failing event runs three times (two retries), then leaves the queue', async () => {
  const store = await aStore()
  const runs: string[] = []
  const queue = new AsyncQueue({store, retryDelayMs: 10, pollMs: 10, run: (job, payload) => (runs.push(`${job.attempts}:${payload.toString()}`), Promise.resolve('retry'))})
  cleanups.push(() => queue.close())
  await queue.enqueue(JOB, Buffer.from('{"n":1}'))
  await until(async () => runs.length >= 3 && (await queue.pending()).length === 0)
  await sleep(100)
  expect(runs).toEqual(['0:{"n":1}', '1:{"n":1}', '2:{"n":1}'])
  expect(await queue.pending()).toEqual([])
})

test('events queued by a process that stopped are run by the next one on the same store', async () => {
  const store = await aStore()
  const first = new AsyncQueue({store, pollMs: 60_000, run: () => Promise.resolve('done')})
  await first.close() // stops before polling: the event stays queued
  const queued = await first.enqueue(JOB, Buffer.from('{}'))
  expect((await first.pending()).map((job) => job.id)).toEqual([queued.id])

  const ran: AsyncJob[] = []
  const second = new AsyncQueue({store, pollMs: 10, run: (job) => (ran.push(job), Promise.resolve('done'))})
  cleanups.push(() => second.close())
  await until(async () => ran.length === 1 && (await second.pending()).length === 0)
  expect(ran.map((job) => job.requestId)).toEqual(['r-1'])
  expect(await second.pending()).toEqual([])
})

test('an event claimed by a process that was killed runs at once on the next start, not after its lease', async () => {
  const store = await aStore()
  // The built queue (dist/), as `sling` runs it: claims the event, starts it, and is killed meanwhile.
  const script = `
    import {AsyncQueue} from ${JSON.stringify(path.join(ROOT, 'dist/lib/local/runtime/async-queue.js'))}
    import {Store} from ${JSON.stringify(path.join(ROOT, 'dist/lib/local/store.js'))}
    const queue = new AsyncQueue({store: new Store(${JSON.stringify(store.dir)}), pollMs: 10, run: () => (console.log('running'), new Promise(() => {}))})
    await queue.enqueue(${JSON.stringify(JOB)}, Buffer.from('{}'))
    setInterval(() => {}, 1000)
  `
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit']})
  const exited = new Promise((resolve) => child.on('exit', resolve))
  cleanups.push(() => Promise.resolve(void child.kill('SIGKILL')))
  await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('running') && resolve()))
  child.kill('SIGKILL')
  await exited
  const [leased] = await store.list<AsyncJob>('lambda-async-queue')
  expect(leased?.leaseUntil).toBeGreaterThan(Date.now() + 60_000) // the dead process's lease has long to run

  const ran: AsyncJob[] = []
  const next = new AsyncQueue({store, pollMs: 10, run: (job) => (ran.push(job), Promise.resolve('done'))})
  cleanups.push(() => next.close())
  await until(async () => ran.length === 1 && (await next.pending()).length === 0)
  expect(ran.map((job) => job.requestId)).toEqual(['r-1'])
})

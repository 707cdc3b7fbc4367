/**
 * The store lock under crashes and contention: processes SIGKILLed while holding it, contenders racing
 * to take over a dead holder's lock, releases by a process that no longer holds it, and live holders
 * whose lock looks old. Child processes run the built store (dist/), as `sling` does.
 */
import type {ChildProcess} from 'node:child_process'
import {spawn} from 'node:child_process'
import {readdir, readFile, rm, utimes, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {afterEach, expect, test} from 'vitest'

import {FileLock, LockTimeoutError, LockWaitAborted} from '../../../src/lib/local/file-lock.js'
import {currentProcess, isProcessAlive} from '../../../src/lib/local/process-identity.js'
import {sleep, Store} from '../../../src/lib/local/store.js'
import {ROOT, tempDir} from '../../helpers/cli.js'

const STORE_JS = JSON.stringify(path.join(ROOT, 'dist/lib/local/store.js'))
/** A pid no process has (above Linux's pid_max and macOS's 99999). */
const DEAD_PID = 2 ** 22 + 4321
/** More contenders and increments for a soak: SLING_TEST_SOAK=1. */
const SOAK = process.env.SLING_TEST_SOAK === '1'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function storeDir(): Promise<string> {
  const tmp = await tempDir('sling-lock-')
  cleanups.push(tmp.cleanup)
  return tmp.dir
}

/** A node child running `script` (an ES module); resolves `line` when it prints that line. */
function child(script: string): {proc: ChildProcess; printed: (line: string) => Promise<void>; exited: Promise<number | null>} {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', script], {cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit']})
  let out = ''
  const waiters: {line: string; resolve: () => void}[] = []
  proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
    for (const waiter of waiters) if (out.split('\n').includes(waiter.line)) waiter.resolve()
  })
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
  cleanups.push(() => void proc.kill('SIGKILL'))
  return {
    proc,
    exited,
    printed: (line) => new Promise((resolve) => (out.split('\n').includes(line) ? resolve() : waiters.push({line, resolve}))),
  }
}

/** A process that enters a transaction and stays inside, killed with SIGKILL once inside. */
async function killedInsideTransaction(root: string): Promise<void> {
  const holder = child(`
    import {Store} from ${STORE_JS}
    setInterval(() => {}, 1000)
    await new Store(${JSON.stringify(root)}).transaction(async () => { console.log('inside'); await new Promise(() => {}) })
  `)
  await holder.printed('inside')
  holder.proc.kill('SIGKILL')
  await holder.exited
}

test('after a holder is SIGKILLed inside a transaction, processes incrementing through the store lose nothing', async () => {
  const root = await storeDir()
  const store = new Store(root)
  await store.put('counters', 'n', {value: 0})
  await killedInsideTransaction(root)
  const [processes, increments] = SOAK ? [8, 500] : [4, 40]
  const go = path.join(root, 'go')
  const workers = Array.from({length: processes}, () =>
    child(`
      import {existsSync} from 'node:fs'
      import {Store} from ${STORE_JS}
      const store = new Store(${JSON.stringify(root)})
      console.log('ready')
      while (!existsSync(${JSON.stringify(go)})) await new Promise((resolve) => setTimeout(resolve, 1))
      // Four chains of transactions per process: more contenders find the dead lock at once.
      await Promise.all([0, 1, 2, 3].map(async () => {
        for (let i = 0; i < ${increments / 4}; i++) {
          await store.transaction(async () => {
            const doc = await store.get('counters', 'n')
            await store.put('counters', 'n', {value: doc.value + 1})
          })
        }
      }))
    `),
  )
  await Promise.all(workers.map((worker) => worker.printed('ready')))
  await writeFile(go, '') // all of them find the dead holder's lock at once
  expect(await Promise.all(workers.map((worker) => worker.exited))).toEqual(workers.map(() => 0))
  expect(await store.get('counters', 'n')).toEqual({value: processes * increments})
})

test('workers SIGKILLed at random while incrementing: no acknowledged increment is lost, and the store stays usable', async () => {
  const root = await storeDir()
  const store = new Store(root)
  await store.put('counters', 'n', {value: 0})
  let acknowledged = 0
  const worker = (): ReturnType<typeof child> => {
    const started = child(`
      import {Store} from ${STORE_JS}
      const store = new Store(${JSON.stringify(root)})
      // Four chains of transactions per process: several waiters see each death.
      await Promise.all([0, 1, 2, 3].map(async () => {
        for (;;) {
          await store.transaction(async () => {
            const doc = await store.get('counters', 'n')
            await store.put('counters', 'n', {value: doc.value + 1})
          })
          process.stdout.write('+\\n')
        }
      }))
    `)
    started.proc.stdout?.on('data', (chunk: string) => (acknowledged += chunk.split('+').length - 1))
    return started
  }
  const workers = [worker(), worker(), worker()]
  for (let kill = 0; kill < (SOAK ? 60 : 4); kill++) {
    await sleep(100 + Math.random() * 150)
    const victim = Math.floor(Math.random() * workers.length)
    workers[victim]?.proc.kill('SIGKILL') // mid-transaction, often: holding the lock or waiting for it
    await workers[victim]?.exited
    workers[victim] = worker()
  }
  await sleep(200)
  for (const running of workers) running.proc.kill('SIGKILL')
  await Promise.all(workers.map((running) => running.exited))
  const {value} = (await store.get<{value: number}>('counters', 'n')) ?? {value: 0}
  expect(acknowledged).toBeGreaterThan(0)
  expect(value).toBeGreaterThanOrEqual(acknowledged) // a killed worker's last increment may be written unacknowledged
  expect(await store.transaction(() => Promise.resolve('usable'))).toBe('usable')
})

test('of many contenders finding a dead holder\'s lock, one at a time is inside', async () => {
  const root = await storeDir()
  let inside = 0
  let most = 0
  for (let round = 0; round < 20; round++) {
    await writeFile(path.join(root, 'store.lock'), `${DEAD_PID}\n`) // as an older sling left it
    // Separate Store objects contend through the lock file, as separate processes do.
    await Promise.all(
      Array.from({length: 8}, async (_, i) => {
        await sleep(i % 3)
        await new Store(root).transaction(async () => {
          most = Math.max(most, ++inside)
          await sleep(2)
          inside--
        })
      }),
    )
  }
  expect(most).toBe(1)
})

test('a live holder is never broken into, however old its lock looks', async () => {
  const root = await storeDir()
  const leave = path.join(root, 'leave')
  const holder = child(`
    import {existsSync} from 'node:fs'
    import {Store} from ${STORE_JS}
    const store = new Store(${JSON.stringify(root)})
    await store.transaction(async () => {
      console.log('inside')
      while (!existsSync(${JSON.stringify(leave)})) await new Promise((resolve) => setTimeout(resolve, 5))
      await store.put('state', 'holder', {left: true})
    })
  `)
  await holder.printed('inside')
  // As if it had been inside for an hour (older slings broke a lock after 30 s).
  const anHourAgo = new Date(Date.now() - 3_600_000)
  await utimes(path.join(root, 'store.lock'), anHourAgo, anHourAgo)
  const contender = new Store(root).transaction(() => new Store(root).get('state', 'holder'))
  await sleep(300)
  await writeFile(leave, '')
  expect(await contender).toEqual({left: true}) // it entered only after the holder left
  expect(await holder.exited).toBe(0)
})

test('leaving a transaction never removes a lock another process holds', async () => {
  const root = await storeDir()
  const lockFile = path.join(root, 'store.lock')
  const other = {...(await currentProcess()), token: 'someone-else'}
  await new Store(root).transaction(async () => {
    // What a takeover by another process would leave: its own record in the lock file.
    await writeFile(lockFile, JSON.stringify(other))
  })
  expect(JSON.parse(await readFile(lockFile, 'utf8'))).toEqual(other)
})

test('a takeover interrupted by a crash is finished by the next contender; a live one is waited for', async () => {
  const root = await storeDir()
  const file = path.join(root, 'store.lock')
  const dead = {pid: DEAD_PID, host: os.hostname(), token: 'dead-holder'}
  await writeFile(file, JSON.stringify(dead))
  // A breaker that is itself alive: nobody else may remove the lock meanwhile.
  await writeFile(`${file}.break-dead-holder.0`, JSON.stringify({...(await currentProcess()), token: 'live-breaker'}))
  expect(await new FileLock(file).tryAcquire()).toBeUndefined()
  // That breaker died: the next generation takes over.
  await writeFile(`${file}.break-dead-holder.0`, JSON.stringify({pid: DEAD_PID, host: os.hostname(), token: 'dead-breaker'}))
  const held = await new FileLock(file).tryAcquire()
  expect(held).toBeDefined()
  expect(await readdir(root)).toEqual(['store.lock'])
  expect(await held?.release()).toBe(true)
  expect(await readdir(root)).toEqual([])
})

test('a process is alive only while the same process runs under its pid', async () => {
  const me = await currentProcess()
  expect(await isProcessAlive(me)).toBe(true)
  expect(await isProcessAlive({pid: DEAD_PID, host: os.hostname()})).toBe(false)
  // Another host's process can't be checked: it counts as alive, so its lock is never broken.
  expect(await isProcessAlive({pid: DEAD_PID, host: `not-${os.hostname()}`})).toBe(true)
  // Our pid with another start identity: a process that had this pid before (pid reuse) and is gone.
  if (me.start !== undefined) expect(await isProcessAlive({...me, start: 'an earlier process'})).toBe(false)
})

test.runIf(process.platform === 'linux')('a holder whose /proc entry can\'t be read (EMFILE) counts as alive: its lock is waited for, not broken', async () => {
  const me = await currentProcess()
  const identity = path.join(ROOT, 'dist/lib/local/process-identity.js')
  // A child with few file descriptors uses them all up, then asks whether this (live) process runs.
  const script = `
    import {openSync} from 'node:fs'
    import {isProcessAlive} from ${JSON.stringify(identity)}
    const held = []
    try { for (;;) held.push(openSync('/dev/null', 'r')) } catch (error) { if (error.code !== 'EMFILE') throw error }
    const alive = await isProcessAlive(${JSON.stringify(me)})
    console.log(JSON.stringify({alive, exhausted: held.length > 0}))
  `
  const proc = spawn('sh', ['-c', `ulimit -n 64 && exec "${process.execPath}" --input-type=module -e "$0"`, script], {cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit']})
  cleanups.push(() => void proc.kill('SIGKILL'))
  let out = ''
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  await new Promise((resolve) => proc.on('exit', resolve))

  expect(JSON.parse(out)).toEqual({alive: true, exhausted: true})
})

/** What a container killed while holding the lock leaves: a holder on a host this machine can't check. */
async function foreignLock(root: string, token = 'killed-container'): Promise<string> {
  const file = path.join(root, 'store.lock')
  await writeFile(file, JSON.stringify({pid: 4242, host: 'gone-container', token, acquired: '2025-01-01T00:00:00.000Z'}))
  return file
}

test('a long wait for the lock says once who holds it and how to clear it, and gives up after the longer bound', async () => {
  const root = await storeDir()
  const file = await foreignLock(root)
  const warnings: string[] = []
  const store = new Store(root, {lockWarnMs: 50, lockTimeoutMs: 400, warn: (message) => void warnings.push(message)})

  const first = await store.transaction(() => Promise.resolve('never')).catch((error: unknown) => error)
  const second = await store.transaction(() => Promise.resolve('never')).catch((error: unknown) => error)

  for (const error of [first, second]) {
    expect(error).toBeInstanceOf(LockTimeoutError)
    expect((error as Error).message).toMatch(/^The store is busy: gave up after \d+ s waiting for its lock\. pid 4242 on host "gone-container" holds it/)
  }
  expect(warnings).toHaveLength(1) // one line per holder, however many requests wait
  expect(warnings[0]).toContain(`pid 4242 on host "gone-container" holds it since 2025-01-01T00:00:00.000Z`)
  expect(warnings[0]).toContain(`if that process is gone, delete ${file}.`)
  await rm(file)
  expect(await store.transaction(() => Promise.resolve('in'))).toBe('in')
})

test('closing the store stops transactions waiting for the lock, so a server can stop', async () => {
  const root = await storeDir()
  await foreignLock(root)
  const store = new Store(root, {warn: () => undefined})
  const waiting = store.transaction(() => Promise.resolve('never')).catch((error: unknown) => error)
  const queued = store.transaction(() => Promise.resolve('never')).catch((error: unknown) => error)
  await sleep(100)

  store.close()

  expect(await waiting).toBeInstanceOf(LockWaitAborted)
  expect(await queued).toBeInstanceOf(LockWaitAborted)
})

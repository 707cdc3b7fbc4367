import {spawn} from 'node:child_process'
import {EventEmitter} from 'node:events'
import {existsSync} from 'node:fs'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {expect, test, vi} from 'vitest'

import {toUserError} from '../../src/lib/aws/errors.js'
import {abortReason} from '../../src/lib/clock.js'
import {ExitCode} from '../../src/lib/errors.js'
import type {InterruptMode} from '../../src/lib/interrupt.js'
import {createInterrupts} from '../../src/lib/interrupt.js'
import {ROOT, tempDir} from '../helpers/cli.js'

/** Starts a node process that registers a cleanup, waits, and gets `signal` once it is ready. */
function interruptChild(signal: NodeJS.Signals, marker: string): Promise<{code: number | null; stderr: string}> {
  const module = pathToFileURL(path.join(ROOT, 'dist/lib/interrupt.js')).href
  const script = `
    import {writeFileSync} from 'node:fs'
    const {createInterrupts} = await import(${JSON.stringify(module)})
    const interrupts = createInterrupts({mode: 'exit', report: (m) => process.stderr.write(m + '\\n'), exit: (code) => process.exit(code)})
    interrupts.listen(process)
    interrupts.onInterrupt(async () => { await new Promise((r) => setTimeout(r, 20)); writeFileSync(${JSON.stringify(marker)}, String(interrupts.signal.aborted)) })
    process.stdout.write('ready\\n')
    setTimeout(() => {}, 30_000)
  `
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdout.on('data', () => child.kill(signal))
    child.on('close', (code) => resolve({code, stderr}))
  })
}

test('Ctrl-C runs the registered cleanups, aborts the signal and exits 130', async () => {
  const {dir, cleanup} = await tempDir()
  try {
    const marker = path.join(dir, 'cleaned')
    const {code, stderr} = await interruptChild('SIGINT', marker)
    expect(code).toBe(130)
    expect(stderr).toContain('Interrupted; cleaning up')
    expect(existsSync(marker)).toBe(true)
  } finally {
    await cleanup()
  }
})

test('SIGTERM cleans up too and exits 143', async () => {
  const {dir, cleanup} = await tempDir()
  try {
    const marker = path.join(dir, 'cleaned')
    const {code} = await interruptChild('SIGTERM', marker)
    expect(code).toBe(143)
    expect(existsSync(marker)).toBe(true)
  } finally {
    await cleanup()
  }
})

function interruptsFor(mode: InterruptMode) {
  const exit = vi.fn<(code: number) => void>()
  const report = vi.fn<(message: string) => void>()
  const signals = new EventEmitter()
  const interrupts = createInterrupts({mode, exit, report})
  const stop = interrupts.listen(signals)
  return {interrupts, exit, report, signals, stop}
}

test('the signal aborts with an AbortError, which the AWS core reports as "Interrupted" (exit 130)', () => {
  const {interrupts, signals} = interruptsFor('exit')
  signals.emit('SIGINT')
  expect(interrupts.signal.aborted).toBe(true)
  const reason = abortReason(interrupts.signal)
  expect(reason.name).toBe('AbortError')
  expect(toUserError(reason)).toMatchObject({code: 'Interrupted', exitCode: ExitCode.Interrupted})
})

test('exit mode: cleanups run (a failing one doesn\'t stop the others), then the process exits; settled() waits for them', async () => {
  const {interrupts, exit, report, signals} = interruptsFor('exit')
  const ran: string[] = []
  interrupts.onInterrupt(() => Promise.reject(new Error('broken cleanup')))
  interrupts.onInterrupt(async () => {
    await new Promise((resolve) => setTimeout(resolve, 10))
    ran.push('slow')
  })
  const forget = interrupts.onInterrupt(() => void ran.push('done work'))
  forget()
  signals.emit('SIGTERM')
  expect(report).toHaveBeenCalledWith('Terminated; cleaning up…')
  expect(exit).not.toHaveBeenCalled()
  await interrupts.settled()
  expect(ran).toEqual(['slow'])
  await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(143))
  expect(interrupts.exitCode()).toBe(143)
})

test('graceful mode: the signal aborts, nothing else happens until a second Ctrl-C, which exits at once', () => {
  const {interrupts, exit, report, signals} = interruptsFor('graceful')
  const cleanup = vi.fn()
  interrupts.onInterrupt(cleanup)
  expect(interrupts.exitCode()).toBeUndefined()
  signals.emit('SIGINT')
  expect(interrupts.signal.aborted).toBe(true)
  expect(interrupts.exitCode()).toBe(130)
  expect(report).not.toHaveBeenCalled()
  expect(cleanup).not.toHaveBeenCalled()
  expect(exit).not.toHaveBeenCalled()
  signals.emit('SIGINT')
  expect(exit).toHaveBeenCalledWith(130)
})

test('a second Ctrl-C in exit mode exits at once, without waiting for the cleanups', () => {
  const {interrupts, exit, signals} = interruptsFor('exit')
  interrupts.onInterrupt(() => new Promise(() => undefined)) // never finishes
  signals.emit('SIGINT')
  signals.emit('SIGINT')
  expect(exit).toHaveBeenCalledWith(130)
})

test('each run has its own interrupts, and stops listening when told', () => {
  const first = interruptsFor('exit')
  const second = createInterrupts({mode: 'exit', exit: vi.fn(), report: vi.fn()})
  first.stop()
  first.signals.emit('SIGINT')
  expect(first.interrupts.signal.aborted).toBe(false)
  expect(second.signal.aborted).toBe(false)
  expect(first.signals.listenerCount('SIGINT') + first.signals.listenerCount('SIGTERM')).toBe(0)
})

import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {expect, test} from 'vitest'

import {ROOT, tempDir} from '../helpers/cli.js'

/** Starts a node process that registers a cleanup, waits, and gets `signal` once it is ready. */
function interruptChild(signal: NodeJS.Signals, marker: string): Promise<{code: number | null; stderr: string}> {
  const module = pathToFileURL(path.join(ROOT, 'dist/lib/interrupt.js')).href
  const script = `
    import {writeFileSync} from 'node:fs'
    const {installInterruptHandlers, onInterrupt, interruptSignal} = await import(${JSON.stringify(module)})
    installInterruptHandlers((m) => process.stderr.write(m + '\\n'), (code) => process.exit(code))
    onInterrupt(async () => { await new Promise((r) => setTimeout(r, 20)); writeFileSync(${JSON.stringify(marker)}, String(interruptSignal.aborted)) })
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

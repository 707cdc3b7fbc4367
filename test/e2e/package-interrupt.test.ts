import type {ChildProcess} from 'node:child_process'
import {spawn} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {chmod, mkdir, readdir, readFile, stat, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterEach, expect, test} from 'vitest'

import {BIN, ROOT, runCli, tempDir} from '../helpers/cli.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

const HANDLER = 'export const handler = async () => ({statusCode: 200})\n'
/** Random bytes don't compress: zipping this takes long enough to interrupt part-way, and a second or two in all. */
const BIG = 48 * 1024 * 1024

/** Two bundle: false functions: "small" zips in an instant, "big" holds `bigBytes` of random data. */
async function twoFunctions(bigBytes: number): Promise<{dir: string; config: string; outDir: string; write: (bytes: number) => Promise<void>}> {
  const {dir, cleanup} = await tempDir('sling-e2e-interrupt-')
  cleanups.push(cleanup)
  const write = async (bytes: number): Promise<void> => {
    await mkdir(path.join(dir, 'small'), {recursive: true})
    await mkdir(path.join(dir, 'big'), {recursive: true})
    await writeFile(path.join(dir, 'small', 'index.mjs'), `${HANDLER}// ${bytes}\n`)
    await writeFile(path.join(dir, 'big', 'index.mjs'), HANDLER)
    await writeFile(path.join(dir, 'big', 'data.bin'), randomBytes(bytes))
  }
  await write(bigBytes)
  const config = path.join(dir, 'sling.config.json')
  await writeFile(config, JSON.stringify({service: 'demo', functions: {small: {bundle: false, source: 'small'}, big: {bundle: false, source: 'big'}}}))
  return {dir, config, outDir: path.join(dir, '.sling', 'build'), write}
}

/** Starts the built CLI (through `wrapper`, a command and its arguments, when given); `done` settles when it exits. */
function startCli(args: readonly string[], wrapper: readonly string[] = []): {child: ChildProcess; done: Promise<{code: number | null; signal: NodeJS.Signals | null; stderr: string}>} {
  const env = {PATH: process.env.PATH, HOME: os.tmpdir(), CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0'}
  const [command, ...rest] = [...wrapper, process.execPath, BIN, ...args] as [string, ...string[]]
  const child = spawn(command, rest, {cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  const done = new Promise<{code: number | null; signal: NodeJS.Signals | null; stderr: string}>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stderr})
    }),
  )
  return {child, done}
}

/** Waits until the big zip is being written and past `bytes` (by then "small" has long been zipped). */
async function zippingBig(outDir: string, bytes: number): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const names = await readdir(path.join(outDir, 'functions')).catch(() => [])
    const temp = names.find((name) => /^big\.zip\..*\.tmp$/.test(name))
    if (temp && (await stat(path.join(outDir, 'functions', temp)).then((s) => s.size, () => 0)) > bytes) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('the big zip was never started')
}

/** manifest.json, after checking every zip it names has exactly the recorded SHA-256; plus the files of the build. */
async function buildState(outDir: string): Promise<{manifest: string; files: string[]}> {
  const manifest = await readFile(path.join(outDir, 'manifest.json'), 'utf8')
  const parsed = JSON.parse(manifest) as {functions: Record<string, {artifact: string; codeSha256: string}>}
  for (const entry of Object.values(parsed.functions)) {
    expect(createHash('sha256').update(await readFile(path.join(outDir, entry.artifact))).digest('base64'), entry.artifact).toBe(entry.codeSha256)
  }
  return {manifest, files: (await readdir(path.join(outDir, 'functions'))).sort()}
}

test('Ctrl-C while zipping leaves the previous build exactly as it was, with no temporary file', async () => {
  const project = await twoFunctions(1024)
  expect((await runCli(['package', '--config', project.config])).code).toBe(0)
  const before = await buildState(project.outDir)
  await project.write(BIG)

  const {child, done} = startCli(['package', '--config', project.config])
  await zippingBig(project.outDir, 1024 * 1024)
  child.kill('SIGINT')
  const {code, stderr} = await done

  expect(code).toBe(130)
  expect(stderr).toContain('Interrupted; cleaning up')
  expect(await buildState(project.outDir)).toEqual(before)
})

test('after a kill -9 mid-build, the previous build still holds, and the next run removes the partial zips', async () => {
  const project = await twoFunctions(1024)
  expect((await runCli(['package', '--config', project.config])).code).toBe(0)
  const before = await buildState(project.outDir)
  await project.write(BIG)

  const {child, done} = startCli(['package', '--config', project.config])
  await zippingBig(project.outDir, 1024 * 1024)
  child.kill('SIGKILL')
  await done

  const killed = await buildState(project.outDir)
  expect(killed.manifest).toBe(before.manifest)
  expect(killed.files.filter((file) => file.endsWith('.tmp')).length).toBeGreaterThan(0) // nothing runs on SIGKILL
  await project.write(1024)
  expect((await runCli(['package', '--config', project.config])).code).toBe(0)
  expect((await buildState(project.outDir)).files.filter((file) => file.endsWith('.tmp'))).toEqual([])
})

test('an unreadable directory in a bundle: false source is an error naming it, not a zip without its files', async () => {
  const {dir, cleanup} = await tempDir('sling-e2e-unreadable-')
  cleanups.push(cleanup)
  await mkdir(path.join(dir, 'app', 'private'), {recursive: true})
  await writeFile(path.join(dir, 'app', 'index.mjs'), HANDLER)
  await writeFile(path.join(dir, 'app', 'private', 'data.json'), '{}\n')
  await writeFile(path.join(dir, 'sling.config.json'), JSON.stringify({service: 'demo', functions: {raw: {bundle: false, source: 'app'}}}))
  await chmod(path.join(dir, 'app', 'private'), 0o000)
  cleanups.unshift(() => chmod(path.join(dir, 'app', 'private'), 0o755))
  // root reads any directory through its capabilities: drop them (util-linux's setpriv), staying uid 0.
  const wrapper = process.getuid?.() === 0 ? ['setpriv', '--inh-caps=-all', '--bounding-set=-all'] : []

  const {done} = startCli(['package', '--config', path.join(dir, 'sling.config.json')], wrapper)
  const {code, stderr} = await done

  expect(code).toBe(1)
  expect(stderr).toContain(`Can't read ${path.join(dir, 'app', 'private')} (EACCES)`)
  expect(await readdir(path.join(dir, '.sling', 'build', 'functions')).catch(() => [])).toEqual([])
})

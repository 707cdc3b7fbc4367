import {spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import {cp, readdir, readFile, utimes, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {afterEach, expect, test} from 'vitest'

import {UserError} from '../../../src/lib/errors.js'
import {silentOutput} from '../../../src/lib/output.js'
import type {PackageDeps} from '../../../src/lib/package/package.js'
import {packageFunctions} from '../../../src/lib/package/package.js'
import {aProject, HELLO_HANDLER} from './helpers.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

/** A bundled function, a bundle: false function and a directory layer: every kind of artifact. */
async function threeArtifacts() {
  const created = await aProject(
    {'src/api.ts': HELLO_HANDLER, 'app/index.mjs': HELLO_HANDLER, 'shared/nodejs/node_modules/greet/index.js': 'module.exports = 1\n'},
    {functions: {api: {entry: 'src/api.ts'}, raw: {bundle: false, source: 'app'}}, layers: {shared: {directory: 'shared'}}},
  )
  cleanups.push(created.cleanup)
  const change = async (): Promise<void> => {
    await writeFile(path.join(created.dir, 'src/api.ts'), `${HELLO_HANDLER}export const v = 2\n`)
    await writeFile(path.join(created.dir, 'app/index.mjs'), `${HELLO_HANDLER}// v2\n`)
    await writeFile(path.join(created.dir, 'shared/nodejs/node_modules/greet/index.js'), 'module.exports = 2\n')
  }
  return {...created, change}
}

/** No-op interrupt registration: these tests abort through the injected signal. */
const deps = (extra: Partial<PackageDeps> = {}): PackageDeps => ({output: silentOutput(), onInterrupt: () => () => {}, ...extra})

interface BuildDir {
  readonly manifest: unknown
  /** Every file under functions/ and layers/, and any temporary file in the output directory. */
  readonly files: string[]
}

/**
 * What a deploy would see if sling died right now: manifest.json, and every zip it names present
 * with exactly the recorded SHA-256 and size.
 */
async function consistentBuild(outDir: string): Promise<BuildDir> {
  const manifest = JSON.parse(await readFile(path.join(outDir, 'manifest.json'), 'utf8')) as {functions: Record<string, Entry>; layers: Record<string, Entry>}
  for (const entry of [...Object.values(manifest.functions), ...Object.values(manifest.layers)]) {
    const zip = await readFile(path.join(outDir, entry.artifact))
    expect(createHash('sha256').update(zip).digest('base64'), entry.artifact).toBe(entry.codeSha256)
    expect(zip.length).toBe(entry.zippedSize)
  }
  const files = (await readdir(outDir, {recursive: true})).filter((file) => file.endsWith('.tmp') || /^(functions|layers)\/./.test(file)).sort()
  return {manifest, files}
}

interface Entry {
  readonly artifact: string
  readonly codeSha256: string
  readonly zippedSize: number
}

test('whenever sling could be killed while committing a build, the manifest and the zips it names agree', async () => {
  const {dir, load, change} = await threeArtifacts()
  const outDir = path.join(dir, '.sling', 'build')
  await packageFunctions({config: await load()}, deps())
  const before = await consistentBuild(outDir)
  await change()

  const seen: {step: string; manifest: unknown}[] = []
  await packageFunctions({config: await load()}, deps({checkpoint: async (step) => void seen.push({step, manifest: (await consistentBuild(outDir)).manifest})}))

  const after = await consistentBuild(outDir)
  expect(after.manifest).not.toEqual(before.manifest)
  const committed = seen.findIndex(({step}) => step === 'manifest')
  expect(committed).toBeGreaterThan(0)
  expect(seen.slice(0, committed).every(({manifest}) => JSON.stringify(manifest) === JSON.stringify(before.manifest))).toBe(true)
  expect(seen.slice(committed).every(({manifest}) => JSON.stringify(manifest) === JSON.stringify(after.manifest))).toBe(true)
  // The steps a kill was checked at: each zip written, put in place, the manifest, each old zip removed.
  expect(seen.filter(({step}) => /^(zip|renamed|removed) /.test(step))).toHaveLength(9)
  expect(after.files).toHaveLength(3) // the old zips are gone, and no temporary file is left
})

test('Ctrl-C at any step leaves either the previous build exactly as it was, or the complete new one', async () => {
  const {dir, load, change} = await threeArtifacts()
  const first = path.join(dir, 'first')
  await packageFunctions({config: await load(), outDir: first}, deps())
  const before = await consistentBuild(first)
  await change()
  const steps: string[] = []
  await packageFunctions({config: await load(), outDir: path.join(dir, 'probe')}, deps({checkpoint: (step) => void steps.push(step)}))

  const outcomes: string[] = []
  for (let at = 0; at < steps.length; at++) {
    const outDir = path.join(dir, `run-${at}`)
    await cp(first, outDir, {recursive: true})
    const controller = new AbortController()
    let count = 0
    const checkpoint = (): void => {
      if (count++ === at) controller.abort()
    }
    const outcome = await packageFunctions({config: await load(), outDir}, deps({signal: controller.signal, checkpoint})).then(() => 'new', (error: unknown) => error)
    const state = await consistentBuild(outDir)
    if (outcome === 'new') {
      expect(state.manifest).not.toEqual(before.manifest)
      expect(state.files).toHaveLength(3)
    } else {
      expect(outcome).toBeInstanceOf(UserError)
      expect((outcome as UserError).code).toBe('Interrupted')
      expect((outcome as UserError).exitCode).toBe(130)
      expect(state).toEqual(before) // same manifest, same zips, no temporary file
    }
    outcomes.push(outcome === 'new' ? 'new' : 'previous')
  }
  // Interrupted while zipping or before the commit: the previous build; once the commit has started: the new one.
  expect(outcomes).toEqual([...steps.map((step) => (/^(zip |commit$)/.test(step) ? 'previous' : 'new'))])
  expect(outcomes).toContain('previous')
  expect(outcomes).toContain('new')
})

test('a run removes the temporary files of killed runs, but not those of a run still going', async () => {
  const {dir, load} = await threeArtifacts()
  const outDir = path.join(dir, '.sling', 'build')
  await packageFunctions({config: await load()}, deps())
  const dead = await deadPid()
  const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], {stdio: 'ignore'})
  cleanups.push(() => Promise.resolve(void alive.kill()))
  const stale = [`functions/api.zip.${dead}.0123456789ab.tmp`, `layers/shared.zip.${dead}.0123456789ab.tmp`, `manifest.json.${dead}.01234567.tmp`, 'functions/api.zip.0123456789ab.tmp']
  const kept = [`functions/raw.zip.${alive.pid}.0123456789ab.tmp`, 'functions/notes.tmp']
  for (const file of [...stale, ...kept]) await writeFile(path.join(outDir, file), 'partial')
  const longAgo = new Date(Date.now() - 3_600_000)
  await utimes(path.join(outDir, 'functions/api.zip.0123456789ab.tmp'), longAgo, longAgo) // sling before pids in temp names

  await packageFunctions({config: await load()}, deps())

  const left = (await consistentBuild(outDir)).files.filter((file) => file.endsWith('.tmp'))
  expect(left).toEqual(kept.sort())
})

test('after a commit, the zips no manifest names are removed: only sling\'s own, never other files', async () => {
  const {dir, load} = await threeArtifacts()
  const outDir = path.join(dir, '.sling', 'build')
  await packageFunctions({config: await load()}, deps())
  // A zip put in place by a commit that was killed, a zip of sling before content names, and someone else's zip.
  for (const file of ['functions/api-0123456789abcdef.zip', 'functions/api.zip', 'layers/shared.zip', 'functions/notes.zip']) await writeFile(path.join(outDir, file), 'zip')

  await packageFunctions({config: await load()}, deps())

  const {files} = await consistentBuild(outDir)
  expect(files.filter((file) => !/-[\da-f]{16}\.zip$/.test(file) || file.includes('0123456789abcdef'))).toEqual(['functions/notes.zip'])
  expect(files).toHaveLength(4)
})

test('two runs committing to one directory at once keep both builds in the manifest', async () => {
  const {dir, load} = await threeArtifacts()
  const outDir = path.join(dir, '.sling', 'build')
  const config = await load()
  let resume = (): void => {}
  const paused = new Promise<void>((resolve) => (resume = resolve))
  let holding = false
  const first = packageFunctions({config, functions: ['api']}, deps({checkpoint: async (step) => (step.startsWith('renamed') ? ((holding = true), paused) : undefined)}))
  await waitFor(() => holding) // the first run is inside its commit
  const reached: string[] = []
  const second = packageFunctions({config, functions: ['raw']}, deps({checkpoint: (step) => void reached.push(step)}))

  await waitFor(() => reached.includes('commit'))
  await new Promise((resolve) => setTimeout(resolve, 300))
  expect(reached.some((step) => step.startsWith('renamed'))).toBe(false) // waiting for the first run's commit
  resume()
  await Promise.all([first, second])

  const {manifest, files} = await consistentBuild(outDir)
  expect(Object.keys((manifest as {functions: object}).functions)).toEqual(['api', 'raw'])
  expect(files).toHaveLength(2)
})

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 50))
  expect(condition()).toBe(true)
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], {stdio: 'ignore'})
  await new Promise((resolve) => child.on('exit', resolve))
  return child.pid!
}

import {mkdtemp, readdir, readFile, rm, stat, utimes, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {expect, test} from 'vitest'

import type {ProjectConfig} from '../../../src/lib/config/load.js'
import {silentOutput} from '../../../src/lib/output.js'
import type {PackageOptions} from '../../../src/lib/package/package.js'
import {fingerprint, measureFileClock} from '../../../src/lib/package/cache.js'
import {packageFunctions} from '../../../src/lib/package/package.js'
import {readZip, tempProjects, writeFiles} from './helpers.js'

const {project, removeAfterEach} = tempProjects()

/**
 * Dates every file and directory under `dir` modified in the last 30 s a minute back. The cache keeps no
 * record of a build whose inputs were modified while it ran (or just before, the file system's clock being
 * coarse), and a test writes its files milliseconds before it packages. Older entries are left alone:
 * dating a file changes its change time (ctime), which the cache reads as an edit.
 */
async function settle(dir: string): Promise<void> {
  const past = new Date(Date.now() - 60_000)
  const entries = (await readdir(dir, {withFileTypes: true, recursive: true})).map((entry) => path.join(entry.parentPath, entry.name))
  let touched = false
  for (const entry of [...entries, dir]) {
    if ((await stat(entry)).mtimeMs <= Date.now() - 30_000) continue
    await utimes(entry, past, past)
    touched = true
  }
  // Dating a file is a change (its ctime is now): one just before a build makes the build keep no record.
  if (touched) await new Promise((resolve) => setTimeout(resolve, 50))
}

/** Packages, and returns the one function's artifact with its bytes; the project is settled before. */
async function build(dir: string, config: ProjectConfig, options: Partial<PackageOptions> = {}) {
  await settle(dir)
  const result = await packageFunctions({config, ...options}, {output: silentOutput()})
  const fn = result.functions[0]!
  return {...fn, bytes: await readFile(fn.artifact)}
}

/** The same function built afresh outside the project, without the cache: what the artifact must be byte for byte. */
async function fresh(dir: string, config: ProjectConfig): Promise<Buffer> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'sling-fresh-'))
  removeAfterEach(async () => rm(outDir, {recursive: true, force: true}))
  return (await build(dir, config, {useCache: false, outDir})).bytes
}

const HANDLER = "import {message} from './message'\nexport const handler = async () => message\n"

test('an unchanged project reuses its zip, byte for byte, and --no-cache builds it again', async () => {
  const {dir, load} = await project({'src/index.ts': HANDLER, 'src/message.js': "export const message = 'one'\n"}, {functions: {api: {entry: 'src/index.ts'}}})
  const config = await load()

  const first = await build(dir, config)
  const second = await build(dir, config)
  const forced = await build(dir, config, {useCache: false})

  expect(first.cached).toBe(false)
  expect(second).toMatchObject({cached: true, artifact: first.artifact, codeSha256: first.codeSha256, handler: 'index.handler', unzippedSize: first.unzippedSize, largest: first.largest})
  expect(second.bytes).toEqual(first.bytes)
  expect(forced.cached).toBe(false)
  expect(forced.bytes).toEqual(first.bytes)
  expect((await build(dir, config)).cached).toBe(true) // --no-cache left a record too
})

test.each([
  ['a source edit', {'src/message.js': "export const message = 'two'\n"}, 'two'],
  ['a new import', {'src/index.ts': `import {extra} from './extra'\n${HANDLER.replace('message\n', 'message + extra\n')}`, 'src/extra.ts': "export const extra = 'EXTRA'\n"}, 'EXTRA'],
  // './message' resolved to message.js; esbuild now prefers the new message.ts, which the bundle never read.
  ['a new file that an import now resolves to', {'src/message.ts': "export const message = 'from ts'\n"}, 'from ts'],
  ['a dependency upgraded', {'node_modules/dep/package.json': '{"name": "dep", "version": "2.0.0", "main": "index.js"}', 'node_modules/dep/index.js': "exports.dep = 'DEP2'\n"}, 'DEP2'],
  // The same code under another version number: the dependency's package.json is an input too.
  ['a dependency whose package.json alone changed', {'node_modules/dep/package.json': '{"name": "dep", "version": "1.0.1", "main": "index.js"}'}, 'DEP1'],
  // A nearer node_modules wins over the project's own.
  ['a nearer copy of a dependency', {'src/node_modules/dep/package.json': '{"name": "dep", "version": "3.0.0", "main": "index.js"}', 'src/node_modules/dep/index.js': "exports.dep = 'NEARER'\n"}, 'NEARER'],
])('%s rebuilds the function, as a fresh build would', async (_what, change, expected) => {
  const files = {
    'src/index.ts': "import {message} from './message'\nimport {dep} from 'dep'\nexport const handler = async () => message + dep\n",
    'src/message.js': "export const message = 'one'\n",
    'node_modules/dep/package.json': '{"name": "dep", "version": "1.0.0", "main": "index.js"}',
    'node_modules/dep/index.js': "exports.dep = 'DEP1'\n",
  }
  const {dir, load} = await project(files, {functions: {api: {entry: 'src/index.ts', format: 'cjs'}}})
  const config = await load()
  await build(dir, config)
  await writeFiles(dir, change)

  const rebuilt = await build(dir, config)

  expect(rebuilt.cached).toBe(false)
  expect(rebuilt.bytes.equals(await fresh(dir, config))).toBe(true)
  expect((await readZipText(rebuilt.artifact))).toContain(expected)
  expect((await build(dir, config)).cached).toBe(true)
})

test.each([
  ['minify', {minify: true}],
  ['environment', {environment: {STAGE: 'prod'}}],
  ['runtime', {runtime: 'nodejs22.x'}],
  ['external', {external: ['left-out']}],
])('a change of %s in the config rebuilds the function', async (_what, settings) => {
  const {dir, load} = await project({'src/index.ts': HANDLER, 'src/message.js': "export const message = 'one'\n"}, {functions: {api: {entry: 'src/index.ts'}}})
  await build(dir, await load())
  await writeFile(path.join(dir, 'sling.config.json'), JSON.stringify({service: 'demo', functions: {api: {entry: 'src/index.ts', ...settings}}}))
  const config = await load()

  const rebuilt = await build(dir, config)

  expect(rebuilt.cached).toBe(false)
  expect(rebuilt.bytes.equals(await fresh(dir, config))).toBe(true)
})

test('a file rewritten with its size and modification date kept (as npm extracts packages, at a fixed date) rebuilds the function', async () => {
  const {dir, load} = await project({'src/index.ts': HANDLER, 'src/message.js': "export const message = 'one'\n"}, {functions: {api: {entry: 'src/index.ts'}}})
  const config = await load()
  await build(dir, config)
  const file = path.join(dir, 'src', 'message.js')
  const before = await stat(file)
  await writeFile(file, "export const message = 'two'\n") // same length
  await utimes(file, before.atime, before.mtime)

  const rebuilt = await build(dir, config)

  expect((await stat(file)).mtimeMs).toBe(before.mtimeMs)
  expect(rebuilt.cached).toBe(false)
  expect(await readZipText(rebuilt.artifact)).toContain('two')
})

test('a deleted or altered zip is built again', async () => {
  const {dir, load} = await project({'src/index.ts': HANDLER, 'src/message.js': "export const message = 'one'\n"}, {functions: {api: {entry: 'src/index.ts'}}})
  const config = await load()
  const first = await build(dir, config)

  await rm(first.artifact)
  const afterDelete = await build(dir, config)
  await writeFile(afterDelete.artifact, 'not the zip any more')
  const afterAltering = await build(dir, config)

  expect(afterDelete).toMatchObject({cached: false, codeSha256: first.codeSha256})
  expect(afterDelete.bytes).toEqual(first.bytes)
  expect(afterAltering).toMatchObject({cached: false, codeSha256: first.codeSha256})
  expect(afterAltering.bytes).toEqual(first.bytes)
})

test('a build whose input was modified while it ran keeps no record, so the next one rebuilds', async () => {
  const {dir, load} = await project({'src/index.ts': HANDLER, 'src/message.js': "export const message = 'one'\n"}, {functions: {api: {entry: 'src/index.ts'}}})
  const config = await load()
  await settle(dir)
  const later = new Date(Date.now() + 60_000) // as if saved after the build had read it
  await utimes(path.join(dir, 'src', 'message.js'), later, later)

  await packageFunctions({config}, {output: silentOutput()})
  const next = await packageFunctions({config}, {output: silentOutput()})

  expect(next.functions[0]?.cached).toBe(false)
})

test('an input rewritten while the build ran, with its old modification time put back (cp -p), keeps no record', async () => {
  const {dir, load} = await project({'src/index.ts': HANDLER, 'src/message.js': "export const message = 'one'\n"}, {functions: {api: {entry: 'src/index.ts'}}})
  const config = await load()
  await settle(dir)
  const file = path.join(dir, 'src', 'message.js')
  const before = await stat(file)
  // After esbuild has read the file, before the zip is written and the inputs fingerprinted.
  const checkpoint = async (step: string): Promise<void> => {
    if (!step.startsWith('zip functions/')) return
    await writeFile(file, "export const message = 'two'\n") // same size
    await utimes(file, before.atime, before.mtime)
  }

  await packageFunctions({config}, {output: silentOutput(), checkpoint})
  const next = await packageFunctions({config}, {output: silentOutput()})

  expect(next.functions[0]?.cached).toBe(false)
  expect(await readZipText(next.functions[0]!.artifact)).toContain('two')
})

test('an unbundled function reuses its zip until a file is added, changed or made executable', async () => {
  const {dir, load} = await project({'fn/index.js': 'exports.handler = async () => 1\n', 'fn/lib/a.js': 'module.exports = 1\n'}, {functions: {worker: {bundle: false, source: 'fn', runtime: 'nodejs22.x'}}})
  const config = await load()
  const first = await build(dir, config)
  const unchanged = await build(dir, config)
  await writeFiles(dir, {'fn/lib/deep/b.js': 'module.exports = 2\n'})
  const added = await build(dir, config)
  await writeFiles(dir, {'fn/lib/a.js': 'module.exports = 3\n'})
  const changed = await build(dir, config)

  expect([first.cached, unchanged.cached, added.cached, changed.cached]).toEqual([false, true, false, false])
  expect(unchanged.bytes).toEqual(first.bytes)
  expect(changed.bytes.equals(await fresh(dir, config))).toBe(true)
})

test('a new file matching "include" rebuilds a bundled function', async () => {
  const {dir, load} = await project({'src/index.ts': HANDLER, 'src/message.js': "export const message = 'one'\n", 'assets/a.txt': 'A'}, {functions: {api: {entry: 'src/index.ts', include: ['assets/**']}}})
  const config = await load()
  await build(dir, config)
  await writeFiles(dir, {'assets/b.txt': 'B'})

  const rebuilt = await build(dir, config)

  expect(rebuilt.cached).toBe(false)
  expect(rebuilt.bytes.equals(await fresh(dir, config))).toBe(true)
})

async function readZipText(file: string): Promise<string> {
  return (await readZip(file)).map((e) => e.data.toString()).join('\n')
}

test('on a file system that stamps to the second, or whose clock runs behind, a file saved just before the build keeps no record', async () => {
  const {dir} = await project({'src/index.ts': HANDLER, 'src/message.js': "export const message = 'one'\n"}, {functions: {api: {entry: 'src/index.ts'}}})
  const file = path.join(dir, 'src', 'message.js')
  const startedAt = Date.now() + 1000 // the build's start; the file's change time (the dating below) is well before it
  const stampedAt = async (ms: number): Promise<void> => utimes(file, new Date(ms), new Date(ms))

  await stampedAt(Math.floor((startedAt - 500) / 1000) * 1000) // saved just before the build, stamped to the whole second
  const precise = await fingerprint([file], [], startedAt)
  const coarse = await fingerprint([file], [], startedAt, undefined, {lagMs: 0, slackMs: 2000})
  await stampedAt(startedAt - 4000) // saved just before the build by a server whose clock is 5 s behind ours
  const ahead = await fingerprint([file], [], startedAt)
  const behind = await fingerprint([file], [], startedAt, undefined, {lagMs: 5000, slackMs: 20})

  expect(precise).toBeDefined()
  expect(coarse).toBeUndefined()
  expect(ahead).toBeDefined()
  expect(behind).toBeUndefined()
})

test('the file clock probe measures this file system as precise and leaves nothing behind', async () => {
  const {dir} = await project({'src/index.ts': HANDLER}, {functions: {api: {entry: 'src/index.ts'}}})

  const clock = await measureFileClock(path.join(dir, 'clock.probe.tmp'))

  expect(clock.slackMs).toBe(20)
  expect(clock.lagMs).toBeLessThan(1000)
  expect(await readdir(dir)).not.toContain('clock.probe.tmp')
})

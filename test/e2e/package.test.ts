import {appendFile, cp, readFile, readdir, stat, utimes} from 'node:fs/promises'
import {createHash} from 'node:crypto'
import path from 'node:path'
import {afterEach, expect, test} from 'vitest'

import {ROOT, runCli, tempDir} from '../helpers/cli.js'

const EXAMPLE = path.join(ROOT, 'examples', 'hello-api')
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'package')

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

/** A copy of a project in a temp dir, so runs don't share .sling/build. */
async function copyOf(source: string): Promise<string> {
  const {dir, cleanup} = await tempDir('sling-e2e-package-')
  cleanups.push(cleanup)
  await cp(source, dir, {recursive: true, filter: (file) => !file.includes(`${path.sep}.sling`)})
  return dir
}

test('sling package packages the example project and prints the size table', async () => {
  const dir = await copyOf(EXAMPLE)

  const {code, stdout, stderr} = await runCli(['package', '--config', path.join(dir, 'sling.config.json')])

  expect(code).toBe(0)
  expect(stdout).toMatch(/^Function\s+Handler\s+Zipped\s+of 50 MB\s+Unzipped\s+\+ layers\s+of 250 MB\s+Env of 4 KB\s+Layers$/m)
  expect(stdout).toMatch(/^api\s+index\.handler\s+[\d.]+ (B|KB)\s+<?[\d.]+%/m)
  expect(stdout).toMatch(/^worker\s+index\.handler\s.*1\/5$/m)
  expect(stdout).toMatch(/^shared\s+directory\s/m)
  expect(stderr).toContain('Packaged 3 artifacts')
  expect((await readdir(path.join(dir, '.sling', 'build', 'functions'))).sort()).toEqual([expect.stringMatching(/^api-[\da-f]{16}\.zip$/), expect.stringMatching(/^worker-[\da-f]{16}\.zip$/)])
  expect(await readdir(path.join(dir, '.sling', 'build', 'layers'))).toEqual([expect.stringMatching(/^shared-[\da-f]{16}\.zip$/)])
})

test('sling package --json prints one document with artifacts, sizes and SHA-256, and the zips are reproducible', async () => {
  const dir = await copyOf(EXAMPLE)
  const config = path.join(dir, 'sling.config.json')

  const first = await runCli(['package', 'api', '--json', '--config', config, '--out-dir', path.join(dir, 'a')])
  const second = await runCli(['package', 'api', '--json', '--config', config, '--out-dir', path.join(dir, 'b')])

  expect(first.code).toBe(0)
  const result = JSON.parse(first.stdout)
  expect(result).toMatchObject({status: 'packaged', outDir: path.join(dir, 'a'), manifest: path.join(dir, 'a', 'manifest.json'), layers: [], warnings: []})
  expect(result.functions).toHaveLength(1)
  const fn = result.functions[0]
  expect(fn).toMatchObject({key: 'api', name: 'hello-api-api', handler: 'index.handler', runtime: 'nodejs24.x', bundled: true})
  expect(fn.artifact).toMatch(new RegExp(`^${path.join(dir, 'a', 'functions')}/api-[\\da-f]{16}\\.zip$`))
  expect(fn.codeSha256).toBe(createHash('sha256').update(await readFile(fn.artifact)).digest('base64'))
  expect(fn.limits.zipped).toEqual({used: fn.zippedSize, limit: 52_428_800, share: fn.zippedSize / 52_428_800})
  expect(fn.limits.unzipped.limit).toBe(262_144_000)
  expect(fn.limits.environment.limit).toBe(4096)
  expect(JSON.parse(second.stdout).functions[0].codeSha256).toBe(fn.codeSha256)
})

test('sling package --analyze draws the largest modules of each bundle', async () => {
  const dir = await copyOf(EXAMPLE)
  const {code, stdout} = await runCli(['package', 'api', '--analyze', '--config', path.join(dir, 'sling.config.json')])
  expect(code).toBe(0)
  expect(stdout).toMatch(/api: largest modules in the bundle/)
  expect(stdout).toMatch(/\d+ B\s+[\d.]+%\s+█+\s+src\/api\.ts/)
  expect(stdout).toMatch(/█+\s+src\/respond\.ts/)
})

test('a syntax error exits 1 with esbuild\'s file:line:column and writes no artifact', async () => {
  const dir = await copyOf(path.join(FIXTURES, 'broken'))

  const {code, stdout, stderr} = await runCli(['package', '--config', path.join(dir, 'sling.config.json')])

  expect(code).toBe(1)
  expect(stdout).toBe('')
  expect(stderr).toContain('Error: esbuild couldn\'t bundle src/api.js')
  expect(stderr).toContain('src/api.js:2:33: Unexpected "}"')
  expect(await readdir(path.join(dir, '.sling', 'build', 'functions')).catch(() => [])).toEqual([])
})

test('errors under --json are one JSON document with the error code', async () => {
  const dir = await copyOf(path.join(FIXTURES, 'broken'))
  const {code, stdout} = await runCli(['package', '--json', '--config', path.join(dir, 'sling.config.json')])
  expect(code).toBe(1)
  expect(JSON.parse(stdout)).toMatchObject({error: {code: 'BundleFailed'}})
})

test('an invalid config exits 2 and names the key', async () => {
  const {code, stderr} = await runCli(['package', '--config', path.join(FIXTURES, 'invalid', 'sling.config.json')])
  expect(code).toBe(2)
  expect(stderr).toContain('functions.api.memmorySize: unknown key. Did you mean "memorySize"?')
})

test('an unknown function name exits 2 and lists the declared ones', async () => {
  const {code, stderr} = await runCli(['package', 'nope', '--config', path.join(EXAMPLE, 'sling.config.json'), '--out-dir', path.join(EXAMPLE, '.sling', 'unused')])
  expect(code).toBe(2)
  expect(stderr).toContain('declares no function "nope"')
  expect(stderr).toContain('Declared: api, worker.')
})

/** Dates the project's files a minute back: the build cache keeps no record of a build whose inputs were modified while it ran. */
async function settle(dir: string): Promise<void> {
  // Only what was written in the last 30 s: dating a file changes its change time, which the cache reads as an edit.
  const past = new Date(Date.now() - 60_000)
  const entries = (await readdir(dir, {withFileTypes: true, recursive: true})).map((entry) => path.join(entry.parentPath, entry.name))
  for (const entry of [...entries, dir]) if ((await stat(entry)).mtimeMs > Date.now() - 30_000) await utimes(entry, past, past)
}

test('sling package reuses the zips of unchanged functions (cached: true), rebuilds an edited one, and --no-cache or SLING_CACHE=false rebuilds all, to the same bytes', async () => {
  const dir = await copyOf(EXAMPLE)
  const config = path.join(dir, 'sling.config.json')
  const run = async (args: string[] = [], env: Record<string, string> = {}) => {
    await settle(dir)
    const {code, stdout} = await runCli(['package', '--json', '--config', config, ...args], {env})
    expect(code).toBe(0)
    return Object.fromEntries((JSON.parse(stdout) as {functions: {key: string; cached: boolean; codeSha256: string}[]}).functions.map((f) => [f.key, f]))
  }

  const first = await run()
  const second = await run()
  await appendFile(path.join(dir, 'src', 'worker.ts'), '\n// edited\n')
  const edited = await run()
  const noCache = await run(['--no-cache'])
  const envNoCache = await run([], {SLING_CACHE: 'false'})

  expect([first.api?.cached, first.worker?.cached]).toEqual([false, false])
  expect(second).toEqual({api: {...first.api, cached: true}, worker: {...first.worker, cached: true}})
  expect([edited.api?.cached, edited.worker?.cached]).toEqual([true, false])
  expect([noCache.api?.cached, noCache.worker?.cached, envNoCache.api?.cached, envNoCache.worker?.cached]).toEqual([false, false, false, false])
  expect([noCache.api?.codeSha256, noCache.worker?.codeSha256]).toEqual([first.api?.codeSha256, edited.worker?.codeSha256])
})

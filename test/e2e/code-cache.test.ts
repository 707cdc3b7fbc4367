// V8's code cache of @oclif/core's bundle (src/lib/code-cache.ts): written once, privately, under
// $XDG_CACHE_HOME/sling; used as is after that; a damaged or stale one replaced; none with SLING_CODE_CACHE=false.
// Every command runs the same either way.
import {mkdir, readFile, readdir, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {afterEach, expect, test} from 'vitest'

import {runCli, tempDir} from '../helpers/cli.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

async function cacheHome(): Promise<{home: string; dir: string; env: Record<string, string>}> {
  const {dir: home, cleanup} = await tempDir('sling-e2e-code-cache-')
  cleanups.push(cleanup)
  return {home, dir: path.join(home, 'sling', 'code-cache'), env: {XDG_CACHE_HOME: home}}
}

const oclifCaches = async (dir: string): Promise<string[]> => (await readdir(dir).catch(() => [])).filter((name) => name.startsWith('oclif-core.cjs-'))

test('the first command writes the cache, privately; later ones use it without writing; the output is the same', async () => {
  const {dir, env} = await cacheHome()

  const first = await runCli(['versions', 'list', '--help'], {env})
  const [written] = await oclifCaches(dir)
  const before = await stat(path.join(dir, written!))
  const second = await runCli(['versions', 'list', '--help'], {env})
  const after = await stat(path.join(dir, written!))

  expect(first.code).toBe(0)
  expect(second).toEqual(first)
  expect(written).toMatch(new RegExp(`^oclif-core\\.cjs-[0-9a-f]{16}-${process.version.replaceAll('.', '\\.')}-${process.arch}\\.bin$`))
  expect(before.size).toBeGreaterThan(10_000)
  if (process.platform !== 'win32') {
    expect(before.mode & 0o777).toBe(0o600)
    expect((await stat(dir)).mode & 0o777).toBe(0o700)
  }
  expect(after.mtimeMs).toBe(before.mtimeMs)
  expect(after.ino).toBe(before.ino)
})

test('a damaged cache is rewritten, and a stale one (an earlier build) removed; the command runs as usual', async () => {
  const {dir, env} = await cacheHome()
  await runCli(['--version'], {env}) // answered without oclif: no cache
  expect(await oclifCaches(dir)).toEqual([])
  await runCli(['alias', 'list', '--help'], {env})
  const [name] = await oclifCaches(dir)
  await writeFile(path.join(dir, name!), 'not bytecode')
  await writeFile(path.join(dir, 'oclif-core.cjs-0000000000000000-v0.0.0-x64.bin'), 'an earlier build')

  const result = await runCli(['alias', 'list', '--help'], {env})

  expect(result.code).toBe(0)
  expect(result.stdout).toContain('USAGE')
  expect(await oclifCaches(dir)).toEqual([name])
  expect((await readFile(path.join(dir, name!))).length).toBeGreaterThan(10_000)
})

test('SLING_CODE_CACHE=false neither reads nor writes a cache', async () => {
  const {home, env} = await cacheHome()
  await mkdir(home, {recursive: true})

  const result = await runCli(['versions', 'list', '--help'], {env: {...env, SLING_CODE_CACHE: 'false'}})

  expect(result.code).toBe(0)
  expect(await readdir(home)).toEqual([])
})

// V8's code cache of @oclif/core's bundle (src/lib/code-cache.ts): written once, privately, under
// $XDG_CACHE_HOME/sling; used as is after that; a damaged one replaced, old ones pruned; none in a directory others
// can write to, none with SLING_CODE_CACHE=false. Every command runs the same either way.
import {chmod, mkdir, readFile, readdir, stat, utimes, writeFile} from 'node:fs/promises'
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
  // Named by the bundle's content hash, its size and mtime, the Node.js version and the architecture.
  expect(written).toMatch(new RegExp(`^oclif-core\\.cjs-[0-9a-f]{16}\\.[0-9a-z]+\\.[0-9a-z]+-${process.version.replaceAll('.', '\\.')}-${process.arch}\\.bin$`))
  expect(before.size).toBeGreaterThan(10_000)
  if (process.platform !== 'win32') {
    expect(before.mode & 0o777).toBe(0o600)
    expect((await stat(dir)).mode & 0o777).toBe(0o700)
  }
  expect(after.mtimeMs).toBe(before.mtimeMs)
  expect(after.ino).toBe(before.ino)
})

test('a damaged cache is rewritten; of the caches of other builds or Node.js versions, the newest three are kept', async () => {
  const {dir, env} = await cacheHome()
  await runCli(['--version'], {env}) // answered without oclif: no cache
  expect(await oclifCaches(dir)).toEqual([])
  await runCli(['alias', 'list', '--help'], {env})
  const [name] = await oclifCaches(dir)
  await writeFile(path.join(dir, name!), 'not bytecode')
  const others = ['0000000000000000.1.1-v0.0.1-x64.bin', '0000000000000000.1.1-v0.0.2-x64.bin', '0000000000000000.1.1-v0.0.3-x64.bin', '0000000000000000.1.1-v0.0.4-x64.bin']
  for (const [i, other] of others.entries()) {
    await writeFile(path.join(dir, `oclif-core.cjs-${other}`), 'an earlier build')
    await utimes(path.join(dir, `oclif-core.cjs-${other}`), 1_000_000 + i, 1_000_000 + i) // the first is the oldest
  }

  const result = await runCli(['alias', 'list', '--help'], {env})

  expect(result.code).toBe(0)
  expect(result.stdout).toContain('USAGE')
  expect((await oclifCaches(dir)).sort()).toEqual([name, ...others.slice(1).map((other) => `oclif-core.cjs-${other}`)].sort())
  expect((await readFile(path.join(dir, name!))).length).toBeGreaterThan(10_000)
})

test.skipIf(process.platform === 'win32')('a cache directory others can write to is neither read nor written: its files could be anyone\'s code', async () => {
  const {dir, env} = await cacheHome()
  await runCli(['alias', 'list', '--help'], {env})
  const [name] = await oclifCaches(dir)
  await writeFile(path.join(dir, name!), 'planted')
  await chmod(dir, 0o777)

  const result = await runCli(['alias', 'list', '--help'], {env})

  expect(result.code).toBe(0)
  expect(result.stdout).toContain('USAGE')
  expect(await readFile(path.join(dir, name!), 'utf8')).toBe('planted')
  expect(await oclifCaches(dir)).toEqual([name])
})

test('SLING_CODE_CACHE=false neither reads nor writes a cache', async () => {
  const {home, env} = await cacheHome()
  await mkdir(home, {recursive: true})

  const result = await runCli(['versions', 'list', '--help'], {env: {...env, SLING_CODE_CACHE: 'false'}})

  expect(result.code).toBe(0)
  expect(await readdir(home)).toEqual([])
})

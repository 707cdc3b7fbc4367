import {spawn} from 'node:child_process'
import {readdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {Readable} from 'node:stream'

import {afterEach, expect, test} from 'vitest'

import {Store} from '../../../src/lib/local/store.js'
import {writeAtomic} from '../../../src/lib/fs.js'
import {ROOT, tempDir} from '../../helpers/cli.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function dir(): Promise<string> {
  const tmp = await tempDir('sling-store-')
  cleanups.push(tmp.cleanup)
  return tmp.dir
}

test('documents round-trip, list in id order, and vanish on delete', async () => {
  const store = new Store(await dir())
  expect(await store.get('fns', 'missing')).toBeUndefined()
  expect(await store.list('fns')).toEqual([])
  await store.put('fns', 'b/with slash', {n: 2})
  await store.put('fns', 'a', {n: 1})
  expect(await store.get('fns', 'b/with slash')).toEqual({n: 2})
  expect(await store.list('fns')).toEqual([{n: 1}, {n: 2}])
  await store.delete('fns', 'a')
  expect(await store.list('fns')).toEqual([{n: 2}])
})

test('blobs are content-addressed: the same bytes (buffer or stream) are stored once', async () => {
  const store = new Store(await dir())
  const a = await store.putBlob(Buffer.from('zip bytes'))
  const b = await store.putBlob(Readable.from([Buffer.from('zip '), Buffer.from('bytes')]))
  expect(b).toEqual(a)
  expect(a.size).toBe(9)
  expect(a.sha256Base64).toBe(Buffer.from(a.sha256, 'hex').toString('base64'))
  expect((await store.blobBytes(a.sha256)).toString()).toBe('zip bytes')
  const files = await readdir(path.dirname(store.blobPath(a.sha256)))
  expect(files).toEqual([a.sha256])
})

test('writeAtomic leaves the whole new content and no temporary files', async () => {
  const root = await dir()
  const file = path.join(root, 'deep', 'doc.json')
  await writeAtomic(file, 'old')
  await writeAtomic(file, 'new')
  expect(await readFile(file, 'utf8')).toBe('new')
  expect(await readdir(path.dirname(file))).toEqual(['doc.json'])
})

test('transactions serialise read-modify-write cycles across processes', async () => {
  const root = await dir()
  const store = new Store(root)
  await store.put('counters', 'n', {value: 0})
  const script = `
    import {Store} from ${JSON.stringify(path.join(ROOT, 'dist/lib/local/store.js'))}
    const store = new Store(${JSON.stringify(root)})
    await Promise.all(Array.from({length: 25}, () => store.transaction(async () => {
      const doc = await store.get('counters', 'n')
      await store.put('counters', 'n', {value: doc.value + 1})
    })))
  `
  const child = (): Promise<number | null> =>
    new Promise((resolve) => {
      // The built store (the global setup builds dist/): the same code `sling` runs.
      const proc = spawn(process.execPath, ['--input-type=module', '-e', script], {cwd: ROOT, stdio: 'inherit'})
      proc.on('exit', resolve)
    })
  const inProcess = Promise.all(
    Array.from({length: 25}, () =>
      store.transaction(async () => {
        const doc = await store.get<{value: number}>('counters', 'n')
        await store.put('counters', 'n', {value: (doc?.value ?? 0) + 1})
      }),
    ),
  )
  const [codeA, codeB] = await Promise.all([child(), child(), inProcess])
  expect([codeA, codeB]).toEqual([0, 0])
  expect(await store.get('counters', 'n')).toEqual({value: 75})
})

test('a transaction on a store that doesn\'t exist yet creates it', async () => {
  const store = new Store(path.join(await dir(), 'new', 'store'))
  expect(await store.transaction(() => Promise.resolve('ran'))).toBe('ran')
})

test('a lock left by a dead process is taken over', async () => {
  const root = await dir()
  await writeFile(path.join(root, 'store.lock'), `${2 ** 22 + 4321}\n`)
  const store = new Store(root)
  expect(await store.transaction(() => Promise.resolve('ran'))).toBe('ran')
})

test('a collection never names a directory outside the store state', async () => {
  const store = new Store(await dir())
  await expect(store.put('logs/..', 'x', {})).rejects.toThrow('Invalid store collection "logs/..".')
  await expect(store.list('a/../../b')).rejects.toThrow('Invalid store collection')
})

test('a transaction started inside another fails at once instead of waiting for itself', async () => {
  const store = new Store(await dir())
  const nested = store.transaction(() => store.transaction(() => Promise.resolve('inner')))
  await expect(nested).rejects.toThrow('A store transaction must not start another one.')
  expect(await store.transaction(() => Promise.resolve('after'))).toBe('after') // the lock was released
})

test('a document under a hashed file name keeps its real id inside', async () => {
  const store = new Store(await dir())
  const id = 'x'.repeat(300)
  await store.put('docs', id, {n: 1})
  const [file] = await readdir(path.join(store.dir, 'state', 'docs'))
  expect(file).toMatch(/^@[0-9a-f]{64}\.json$/)
  expect(JSON.parse(await readFile(path.join(store.dir, 'state', 'docs', file ?? ''), 'utf8'))).toEqual({id, value: {n: 1}})
})

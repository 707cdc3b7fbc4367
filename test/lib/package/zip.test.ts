import {createHash, randomBytes} from 'node:crypto'
import {chmod, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {afterEach, expect, test} from 'vitest'

import {UserError} from '../../../src/lib/errors.js'
import type {ZipEntry} from '../../../src/lib/package/zip.js'
import {writeZip} from '../../../src/lib/package/zip.js'
import {tempDir} from '../../helpers/cli.js'
import {readZip} from './helpers.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

async function someFiles(): Promise<{dir: string; entries: ZipEntry[]}> {
  const {dir, cleanup} = await tempDir()
  cleanups.push(cleanup)
  await writeFile(path.join(dir, 'b.js'), 'exports.b = 1\n')
  await writeFile(path.join(dir, 'run.sh'), '#!/bin/sh\necho hi\n')
  await chmod(path.join(dir, 'run.sh'), 0o700)
  await chmod(path.join(dir, 'b.js'), 0o600)
  const entries: ZipEntry[] = [
    {name: 'run.sh', file: path.join(dir, 'run.sh'), stats: await stat(path.join(dir, 'run.sh'))},
    {name: 'index.mjs', data: Buffer.from('export const handler = () => 1\n')},
    {name: 'lib/b.js', file: path.join(dir, 'b.js'), stats: await stat(path.join(dir, 'b.js'))},
  ]
  return {dir, entries}
}

test('the same inputs give a byte-identical zip and the same SHA-256', async () => {
  const {dir, entries} = await someFiles()
  const first = await writeZip(entries, path.join(dir, 'out', 'one.zip'))
  await new Promise((resolve) => setTimeout(resolve, 1100)) // a different wall-clock second must not matter
  const second = await writeZip([...entries].reverse(), path.join(dir, 'out', 'two.zip'))

  expect(second.sha256).toBe(first.sha256)
  expect(await readFile(path.join(dir, 'out', 'two.zip'))).toEqual(await readFile(path.join(dir, 'out', 'one.zip')))
})

test('the SHA-256 is the base64 digest of the file, as Lambda reports CodeSha256', async () => {
  const {dir, entries} = await someFiles()
  const zip = path.join(dir, 'code.zip')
  const result = await writeZip(entries, zip)
  const bytes = await readFile(zip)

  expect(result.sha256).toBe(createHash('sha256').update(bytes).digest('base64'))
  expect(result.sha256).toMatch(/^[A-Za-z0-9+/]{43}=$/)
  expect(result.zippedSize).toBe(bytes.length)
})

test('entries are sorted, dated 1980-01-01 00:00 and have 0644 or 0755 permissions', async () => {
  const {dir, entries} = await someFiles()
  await writeZip(entries, path.join(dir, 'code.zip'))
  const read = await readZip(path.join(dir, 'code.zip'))

  expect(read.map((e) => e.name)).toEqual(['index.mjs', 'lib/b.js', 'run.sh'])
  expect(read.map((e) => e.mode)).toEqual([0o644, 0o644, 0o755])
  for (const entry of read) {
    expect(entry.dosDate).toBe((0 << 9) | (1 << 5) | 1) // 1980, January, 1st
    expect(entry.dosTime).toBe(0)
  }
  expect(read[2]?.data.toString()).toBe('#!/bin/sh\necho hi\n')
})

test('reports unzipped size as the sum of the entries', async () => {
  const {dir, entries} = await someFiles()
  const result = await writeZip(entries, path.join(dir, 'code.zip'))

  expect(result.unzippedSize).toBe(14 + 18 + 31)
  expect(result.entries).toBe(3)
})

test('a file that disappears while zipping fails clearly and leaves no artifact, not even a temp file', async () => {
  const {dir, entries} = await someFiles()
  await rm(path.join(dir, 'b.js'))
  const out = path.join(dir, 'out')

  const error = await writeZip(entries, path.join(out, 'code.zip')).catch((e: unknown) => e)

  expect(error).toBeInstanceOf(UserError)
  expect((error as UserError).message).toContain('b.js')
  expect(await readdir(out)).toEqual([])
})

test('two entries with the same name are refused', async () => {
  const {dir} = await someFiles()
  const entries: ZipEntry[] = [
    {name: 'index.mjs', data: Buffer.from('a')},
    {name: 'index.mjs', data: Buffer.from('b')},
  ]
  await expect(writeZip(entries, path.join(dir, 'x.zip'))).rejects.toThrow(/index\.mjs/)
})

test('an abort while zipping stops at once and removes the partial zip', async () => {
  const {dir} = await someFiles()
  const out = path.join(dir, 'out')
  const controller = new AbortController()
  // Random bytes don't compress: deflating 32 MB takes long enough to abort part-way.
  const writing = writeZip([{name: 'big.bin', data: randomBytes(32 * 1024 * 1024)}], path.join(out, 'code.zip.tmp'), {signal: controller.signal})
  await waitForFile(path.join(out, 'code.zip.tmp'))
  controller.abort()

  const error = await writing.catch((e: unknown) => e)

  expect(error).toBeInstanceOf(UserError)
  expect((error as UserError).code).toBe('Interrupted')
  expect(await readdir(out)).toEqual([])
})

async function waitForFile(file: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await stat(file).then(() => true, () => false)) return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

test('the bytes do not depend on the time zone of the machine that zips', async () => {
  const {dir, entries} = await someFiles()
  const zoned = async (zone: string): Promise<Buffer> => {
    const before = process.env.TZ
    process.env.TZ = zone // Node.js reads TZ again when it changes
    try {
      await writeZip(entries, path.join(dir, `${zone.replace('/', '-')}.zip`))
      return await readFile(path.join(dir, `${zone.replace('/', '-')}.zip`))
    } finally {
      if (before === undefined) delete process.env.TZ
      else process.env.TZ = before
    }
  }

  const utc = await zoned('UTC')
  const kiribati = await zoned('Pacific/Kiritimati') // UTC+14
  const hawaii = await zoned('Pacific/Honolulu') // UTC-10

  expect(kiribati.equals(utc)).toBe(true)
  expect(hawaii.equals(utc)).toBe(true)
})

test('a file that changed size since it was listed fails clearly and leaves no artifact', async () => {
  const {dir, entries} = await someFiles()
  await writeFile(path.join(dir, 'b.js'), 'exports.b = "now longer than when it was listed"\n')
  const out = path.join(dir, 'out')

  const error = await writeZip(entries, path.join(out, 'code.zip')).catch((e: unknown) => e)

  expect(error).toBeInstanceOf(UserError)
  expect((error as UserError).code).toBe('FileChanged')
  expect((error as UserError).message).toContain(path.join(dir, 'b.js'))
  expect(await readdir(out)).toEqual([])
})

test('a name a zip can\'t carry (a leading drive letter) is refused with the name, and no artifact is left', async () => {
  const {dir, entries} = await someFiles()
  const out = path.join(dir, 'out')

  const error = await writeZip([...entries, {name: 'c:boot.ini', data: Buffer.from('x')}], path.join(out, 'code.zip')).catch((e: unknown) => e)

  expect(error).toBeInstanceOf(UserError)
  expect((error as UserError).code).toBe('UnzippableName')
  expect((error as UserError).message).toContain('"c:boot.ini"')
  expect(await readdir(out).catch(() => [])).toEqual([])
})

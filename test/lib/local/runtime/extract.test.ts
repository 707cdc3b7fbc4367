import {lstat, mkdir, readFile, readlink, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {afterEach, expect, test} from 'vitest'

import {extractZip} from '../../../../src/lib/local/runtime/extract.js'
import {tempDir} from '../../../helpers/cli.js'
import type {RawEntry} from '../../../helpers/raw-zip.js'
import {link, rawZip} from '../../../helpers/raw-zip.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** Extracts `entries` into `<tmp>/root/code`; returns the directories. */
async function extract(entries: readonly RawEntry[]): Promise<{root: string; code: string; result: Promise<void>}> {
  const tmp = await tempDir('sling-extract-')
  cleanups.push(tmp.cleanup)
  const root = path.join(tmp.dir, 'root')
  const code = path.join(root, 'code')
  await mkdir(code, {recursive: true})
  const zipFile = path.join(tmp.dir, 'code.zip')
  await writeFile(zipFile, rawZip(entries))
  return {root, code, result: extractZip(zipFile, code)}
}

async function kind(file: string): Promise<'link' | 'file' | 'dir' | 'missing'> {
  try {
    const info = await lstat(file)
    return info.isSymbolicLink() ? 'link' : info.isDirectory() ? 'dir' : 'file'
  } catch {
    return 'missing'
  }
}

test('symbolic links are extracted as links, to files and to directories, as Lambda extracts them', async () => {
  const {code, result} = await extract([
    {name: 'real/index.mjs', data: 'export const handler = 1\n'},
    {name: 'data/config.json', data: '{"ok":true}'},
    link('lib', 'real'),
    link('config.json', 'data/config.json'),
    link('data/again.json', './config.json'),
  ])
  await result
  expect(await kind(path.join(code, 'lib'))).toBe('link')
  expect(await readlink(path.join(code, 'lib'))).toBe('real')
  expect(await readFile(path.join(code, 'lib', 'index.mjs'), 'utf8')).toBe('export const handler = 1\n')
  expect(await readFile(path.join(code, 'config.json'), 'utf8')).toBe('{"ok":true}')
  expect(await readFile(path.join(code, 'data', 'again.json'), 'utf8')).toBe('{"ok":true}')
})

test('links that lead outside the code directory are left out, even through a chain of links', async () => {
  const {root, code, result} = await extract([
    {name: 'index.mjs', data: 'export const handler = 1\n'},
    link('absolute', '/etc/hostname'),
    link('up', '../outside'),
    link('here', '.'),
    link('chained', 'here/..'), // inside by its text, outside once "here" is followed
    link('loop-a', 'loop-b'),
    link('loop-b', 'loop-a'),
  ])
  await writeFile(path.join(root, 'outside'), 'secret')
  await result
  expect(await kind(path.join(code, 'absolute'))).toBe('missing')
  expect(await kind(path.join(code, 'up'))).toBe('missing')
  expect(await kind(path.join(code, 'chained'))).toBe('missing')
  expect(await kind(path.join(code, 'loop-a'))).toBe('missing')
  expect(await kind(path.join(code, 'here'))).toBe('link')
  expect(await kind(path.join(code, 'index.mjs'))).toBe('file')
})

test('no entry is written through a link, and a link where the archive has a directory gives way to it', async () => {
  const {root, code, result} = await extract([
    link('lib', '.'),
    {name: 'lib/'},
    {name: 'lib/file.txt', data: 'in lib'},
    link('escape', '..'),
    {name: 'escape/planted.txt', data: 'planted'},
  ])
  await result
  expect(await kind(path.join(code, 'lib'))).toBe('dir')
  expect(await readFile(path.join(code, 'lib', 'file.txt'), 'utf8')).toBe('in lib')
  expect(await kind(path.join(code, 'escape'))).toBe('dir')
  expect(await kind(path.join(root, 'planted.txt'))).toBe('missing')
})

test('an entry named outside the archive root is refused (zip slip)', async () => {
  const {root, result} = await extract([{name: '../evil.mjs', data: 'boom'}])
  await expect(result).rejects.toThrow(/outside the archive root|invalid relative path/)
  expect(await kind(path.join(root, 'evil.mjs'))).toBe('missing')
})

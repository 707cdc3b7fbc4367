/**
 * Extracts a deployment package or layer as Lambda does: files with their Unix modes, and symbolic
 * links as links. Nothing is ever written outside the target directory: entries that escape it are
 * refused, and links are created last (so no entry is written through one) and kept only when they
 * resolve inside it.
 */
import {createWriteStream} from 'node:fs'
import {chmod, lstat, mkdir, realpath, rm, symlink} from 'node:fs/promises'
import path from 'node:path'
import type {Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import yauzl from 'yauzl'

const FILE_TYPE = 0o170000
const SYMLINK = 0o120000
/** A link's target is the entry's content: a path, never more than PATH_MAX. */
const MAX_LINK_TARGET = 4096

interface LinkEntry {
  /** Where the link goes, absolute. */
  readonly at: string
  /** What it points to, as stored. */
  readonly target: string
}

/** Extracts every entry of `zipFile` under `dir`, keeping Unix modes and symbolic links; refuses entries that escape `dir`. */
export async function extractZip(zipFile: string, dir: string): Promise<void> {
  const links = await extractEntries(zipFile, dir)
  await createLinks(dir, links)
}

function isInside(dir: string, target: string): boolean {
  return target === dir || target.startsWith(dir + path.sep)
}

/** Writes files and directories; returns the links, to be created once every file is in place. */
function extractEntries(zipFile: string, dir: string): Promise<LinkEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipFile, {lazyEntries: true, strictFileNames: false}, (openError, zip) => {
      if (openError) return reject(openError)
      const links: LinkEntry[] = []
      const fail = (error: unknown): void => {
        zip.close()
        reject(error instanceof Error ? error : new Error(String(error)))
      }
      zip.on('error', fail)
      zip.on('end', () => resolve(links))
      zip.on('entry', (entry: yauzl.Entry) => {
        const target = path.resolve(dir, entry.fileName)
        if (!isInside(dir, target)) return fail(new Error(`Zip entry "${entry.fileName}" is outside the archive root.`))
        if (entry.fileName.endsWith('/')) {
          mkdir(target, {recursive: true}).then(() => zip.readEntry(), fail)
          return
        }
        const mode = entry.externalFileAttributes >>> 16
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return fail(streamError)
          const written = (mode & FILE_TYPE) === SYMLINK ? readTarget(stream).then((text) => void links.push({at: target, target: text})) : writeEntry(stream, target, mode & 0o777)
          written.then(() => zip.readEntry(), fail)
        })
      })
      zip.readEntry()
    })
  })
}

async function readTarget(stream: Readable): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_LINK_TARGET) throw new Error(`A symbolic link's target is longer than ${MAX_LINK_TARGET} bytes.`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

async function writeEntry(stream: Readable, target: string, mode: number): Promise<void> {
  await mkdir(path.dirname(target), {recursive: true})
  await pipeline(stream, createWriteStream(target))
  if (mode !== 0) await chmod(target, mode | 0o400)
}

/**
 * Creates the links whose target, read from where the link sits, stays inside `dir`. Links to
 * absolute paths point into Lambda's own file system (/opt, /tmp), which isn't this machine's: they
 * are left out, and so is a link where the archive already put a file or directory.
 */
async function createLinks(dir: string, links: readonly LinkEntry[]): Promise<void> {
  const wanted = links.filter((link) => !path.isAbsolute(link.target) && isInside(dir, path.resolve(path.dirname(link.at), link.target)))
  // Every parent is a real directory before the first link exists, so no link is created through another.
  for (const link of wanted) await mkdir(path.dirname(link.at), {recursive: true})
  const created: string[] = []
  for (const link of wanted) {
    if (await lstat(link.at).then(() => true, () => false)) continue
    await symlink(link.target, link.at)
    created.push(link.at)
  }
  await dropEscapingLinks(dir, created)
}

/**
 * Each link stays inside on its own, but a chain can still lead out (`a -> .` then `b -> a/..`):
 * links that don't resolve inside `dir` (or don't resolve) are removed until none is left.
 */
async function dropEscapingLinks(dir: string, created: string[]): Promise<void> {
  const root = await realpath(dir)
  for (let removed = true; removed; ) {
    removed = false
    for (const link of [...created]) {
      const resolved = await realpath(link).catch(() => undefined)
      if (resolved !== undefined && isInside(root, resolved)) continue
      await rm(link, {force: true})
      created.splice(created.indexOf(link), 1)
      removed = true
    }
  }
}

import {createHash, randomBytes} from 'node:crypto'
import {createReadStream, createWriteStream} from 'node:fs'
import {mkdir, open, readdir, readFile, rename, rm, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'
import type {Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {writeAtomic} from '../fs.js'

/** Where the local cloud keeps its state unless told otherwise. */
export const DEFAULT_STORE_DIR = path.join('.sling', 'local')

export function resolveStoreDir(dir?: string): string {
  return path.resolve(dir ?? process.env.SLING_LOCAL_STORE ?? DEFAULT_STORE_DIR)
}

/** A stored blob (a code or layer zip, an S3 object body), addressed by its SHA-256. */
export interface BlobRef {
  /** Hex SHA-256, the blob's file name. */
  readonly sha256: string
  /** Base64 SHA-256, as Lambda reports CodeSha256. */
  readonly sha256Base64: string
  readonly size: number
}

const LOCK_STALE_MS = 30_000

/**
 * A name (a log group, a region, a bucket) as one path segment: percent-encoded, and never "." or
 * "..", which encodeURIComponent keeps and the file system reads as this or the parent directory.
 */
export function pathSegment(name: string): string {
  const encoded = encodeURIComponent(name)
  if (encoded === '') return '%' // no name encodes to a lone "%"
  return encoded === '.' || encoded === '..' ? encoded.replaceAll('.', '%2E') : encoded
}

/** Refuses a collection that would name a directory outside `state/` or a parent of another collection. */
function checkCollection(collection: string): string {
  if (collection.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new Error(`Invalid store collection "${collection}".`)
  }
  return collection
}

/**
 * The local cloud's state on disk: JSON documents in collections, plus content-addressed blobs.
 *
 * - Every write goes to a temporary file that is renamed into place, so a crash never leaves a torn
 *   document.
 * - `transaction` holds a store-wide lock (an exclusive lock file, taken over when its owner died),
 *   so several sling processes sharing one store serialise their read-modify-write cycles.
 * - Documents are read from disk on every call: another process may have changed them.
 */
export class Store {
  readonly dir: string

  constructor(dir: string) {
    this.dir = path.resolve(dir)
  }

  private docPath(collection: string, id: string): string {
    return path.join(this.dir, 'state', checkCollection(collection), `${encodeURIComponent(id)}.json`)
  }

  async get<T>(collection: string, id: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.docPath(collection, id), 'utf8')) as T
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
  }

  /** Every document of a collection, ordered by id. */
  async list<T>(collection: string): Promise<T[]> {
    const dir = path.join(this.dir, 'state', checkCollection(collection))
    let names: string[]
    try {
      names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort()
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    const docs = await Promise.all(names.map((name) => this.get<T>(collection, decodeURIComponent(name.slice(0, -5)))))
    return docs.filter((doc) => doc !== undefined)
  }

  async put(collection: string, id: string, value: unknown): Promise<void> {
    await writeAtomic(this.docPath(collection, id), `${JSON.stringify(value, null, 1)}\n`)
  }

  async delete(collection: string, id: string): Promise<void> {
    await rm(this.docPath(collection, id), {force: true})
  }

  /** Runs `work` while holding the store-wide lock. Keep it short: other processes wait. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.lock()
    try {
      return await work()
    } finally {
      await release()
    }
  }

  private async lock(): Promise<() => Promise<void>> {
    const lockFile = path.join(this.dir, 'store.lock')
    await mkdir(this.dir, {recursive: true})
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await open(lockFile, 'wx')
        await handle.writeFile(`${process.pid}\n`)
        await handle.close()
        return () => rm(lockFile, {force: true})
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
        if (await isStaleLock(lockFile)) await rm(lockFile, {force: true})
        else await sleep(Math.min(2 + attempt, 25))
      }
    }
  }

  blobPath(sha256: string): string {
    return path.join(this.dir, 'blobs', sha256.slice(0, 2), sha256)
  }

  /** Stores bytes by SHA-256; storing the same bytes twice keeps one copy. */
  async putBlob(data: Buffer | Readable): Promise<BlobRef> {
    const hash = createHash('sha256')
    const temp = path.join(this.dir, 'blobs', `.tmp-${randomBytes(6).toString('hex')}`)
    await mkdir(path.dirname(temp), {recursive: true})
    let size = 0
    try {
      if (Buffer.isBuffer(data)) {
        hash.update(data)
        size = data.length
        await writeFile(temp, data)
      } else {
        data.on('data', (chunk: Buffer) => {
          hash.update(chunk)
          size += chunk.length
        })
        await pipeline(data, createWriteStream(temp))
      }
      const digest = hash.digest()
      const sha256 = digest.toString('hex')
      const target = this.blobPath(sha256)
      await mkdir(path.dirname(target), {recursive: true})
      await rename(temp, target)
      return {sha256, sha256Base64: digest.toString('base64'), size}
    } finally {
      await rm(temp, {force: true})
    }
  }

  readBlob(sha256: string): Readable {
    return createReadStream(this.blobPath(sha256))
  }

  async blobBytes(sha256: string): Promise<Buffer> {
    return readFile(this.blobPath(sha256))
  }
}


async function isStaleLock(lockFile: string): Promise<boolean> {
  try {
    const [info, text] = await Promise.all([stat(lockFile), readFile(lockFile, 'utf8')])
    const pid = Number(text.trim())
    if (pid > 0 && !isAlive(pid)) return true
    return Date.now() - info.mtimeMs > LOCK_STALE_MS
  } catch {
    return false // gone already, or being written: try again
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

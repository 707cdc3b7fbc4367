import {AsyncLocalStorage} from 'node:async_hooks'
import {createHash} from 'node:crypto'
import {createReadStream, createWriteStream} from 'node:fs'
import {mkdir, readdir, readFile, rename, rm, utimes, writeFile} from 'node:fs/promises'
import path from 'node:path'
import type {Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {tempName, writeAtomic} from '../fs.js'
import {FileLock, LockTimeoutError, sleep} from './file-lock.js'
import {describeLockHolder} from './lock-wait.js'

export {sleep}

/** A stored blob (a code or layer zip, an S3 object body), addressed by its SHA-256. */
export interface BlobRef {
  /** Hex SHA-256, the blob's file name. */
  readonly sha256: string
  /** Base64 SHA-256, as Lambda reports CodeSha256. */
  readonly sha256Base64: string
  readonly size: number
}

/** The longest file name (in bytes) of common file systems (ext4, APFS, NTFS in UTF-16 units). */
const MAX_FILE_NAME_BYTES = 255
/** Hashed file names start with "@", which encodeURIComponent always encodes: no readable name looks like one. */
const HASHED = '@'

/**
 * A name (a log group, a region, a bucket, a document id) as one file name ending in `extension`:
 * percent-encoded (never "." or "..", which the file system reads as this or the parent directory),
 * or, when that would exceed 255 bytes (AWS allows 512-character log names, 1024-byte keys),
 * "@" and the name's SHA-256. Names that fitted before keep their file, so existing stores read as they were.
 */
export function fileName(name: string, extension = ''): string {
  let encoded: string
  try {
    encoded = encodeURIComponent(name)
  } catch {
    encoded = '' // a lone surrogate can't be percent-encoded: hash it
  }
  if (name !== '' && encoded === '') return `${HASHED}${sha256Hex(name)}${extension}`
  if (extension === '') {
    if (encoded === '') encoded = '%' // no name encodes to a lone "%"
    else if (encoded === '.' || encoded === '..') encoded = encoded.replaceAll('.', '%2E')
  }
  return encoded.length + extension.length <= MAX_FILE_NAME_BYTES ? `${encoded}${extension}` : `${HASHED}${sha256Hex(name)}${extension}`
}

/** A name as one directory name (see fileName). */
export function pathSegment(name: string): string {
  return fileName(name)
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** A document under a hashed file name keeps its real id beside it. */
interface HashedDoc {
  readonly id: string
  readonly value: unknown
}

/** Refuses a collection that would name a directory outside `state/` or a parent of another collection. */
function checkCollection(collection: string): string {
  if (collection.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new Error(`Invalid store collection "${collection}".`)
  }
  return collection
}

export interface StoreOptions {
  /** After waiting this long for the store lock, say once per holder (through `warn`) who holds it. @default 10000 */
  readonly lockWarnMs?: number
  /** A transaction that can't get the lock for this long fails (its request answers the protocol's 5xx). @default 60000 */
  readonly lockTimeoutMs?: number
  /** @default a line on stderr */
  readonly warn?: (message: string) => void
}

/**
 * The local cloud's state on disk: JSON documents in collections, plus content-addressed blobs.
 *
 * - Every write goes to a temporary file in `tmp/` that is renamed into place, so a crash never
 *   leaves a torn document; what a crash leaves in `tmp/` is removed at the next start (maintenance.ts).
 * - `transaction` holds the store-wide lock (file-lock.ts: taken over only when its holder is dead),
 *   so several sling processes sharing one store serialise their read-modify-write cycles.
 * - Documents are read from disk on every call: another process may have changed them.
 */
export class Store {
  readonly dir: string
  private readonly lock: FileLock
  /** This process's transactions queue here, so only one at a time contends for the lock file. */
  private queue: Promise<void> = Promise.resolve()
  private readonly inside = new AsyncLocalStorage<{active: boolean}>()
  private readonly options: StoreOptions
  /** Aborted by close(): transactions waiting for the lock give up, so a server can stop. */
  private readonly closing = new AbortController()
  /** Lock holders already reported (one line per holder, however many requests wait for it). */
  private readonly reported = new Set<string>()

  constructor(dir: string, options: StoreOptions = {}) {
    this.dir = path.resolve(dir)
    this.lock = new FileLock(path.join(this.dir, 'store.lock'))
    this.options = options
  }

  /** Stops every wait for the store lock (they reject); transactions that hold it finish normally. */
  close(): void {
    this.closing.abort()
  }

  /** Where temporary files live until renamed into place. */
  get tmpDir(): string {
    return path.join(this.dir, 'tmp')
  }

  private docPath(collection: string, id: string): string {
    return path.join(this.dir, 'state', checkCollection(collection), fileName(id, '.json'))
  }

  async get<T>(collection: string, id: string): Promise<T | undefined> {
    return readDoc<T>(this.docPath(collection, id))
  }

  /** Every document of a collection, ordered by file name. */
  async list<T>(collection: string): Promise<T[]> {
    const dir = path.join(this.dir, 'state', checkCollection(collection))
    let names: string[]
    try {
      names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort()
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    const docs = await Promise.all(names.map((name) => readDoc<T>(path.join(dir, name))))
    return docs.filter((doc) => doc !== undefined)
  }

  async put(collection: string, id: string, value: unknown): Promise<void> {
    const file = this.docPath(collection, id)
    const doc = path.basename(file).startsWith(HASHED) ? ({id, value} satisfies HashedDoc) : value
    await writeAtomic(file, `${JSON.stringify(doc, null, 1)}\n`, this.tmpDir)
  }

  async delete(collection: string, id: string): Promise<void> {
    await rm(this.docPath(collection, id), {force: true})
  }

  /** Runs `work` while holding the store-wide lock. Keep it short: other processes wait. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    // The lock isn't re-entrant: a nested transaction would wait for itself forever.
    if (this.inside.getStore()?.active) throw new Error('A store transaction must not start another one.')
    const previous = this.queue
    let done!: () => void
    this.queue = new Promise((resolve) => (done = resolve))
    try {
      const started = Date.now()
      await previous
      const held = await this.lock
        .acquire({
          signal: this.closing.signal,
          slowAt: started + (this.options.lockWarnMs ?? 10_000),
          onSlow: (holder) => this.reportWait(holder, Date.now() - started),
          giveUpAt: started + (this.options.lockTimeoutMs ?? 60_000),
        })
        .catch((error: unknown) => {
          if (!(error instanceof LockTimeoutError)) throw error
          const waited = Math.round((Date.now() - started) / 1000)
          throw new LockTimeoutError(`The store is busy: gave up after ${waited} s waiting for its lock. ${describeLockHolder(this.lock.file, error.holder)}`, error.holder)
        })
      const flag = {active: true}
      try {
        return await this.inside.run(flag, work)
      } finally {
        flag.active = false
        await held.release()
      }
    } finally {
      done()
    }
  }

  private reportWait(holder: Parameters<typeof describeLockHolder>[1], waitedMs: number): void {
    if (holder && this.reported.has(holder.token)) return
    if (holder) this.reported.add(holder.token)
    const message = `Waiting ${Math.round(waitedMs / 1000)} s for the store lock ${this.lock.file}: ${describeLockHolder(this.lock.file, holder)}`
    if (this.options.warn) this.options.warn(message)
    else process.stderr.write(`sling local cloud: ${message}\n`)
  }

  /** Removes lock records and takeover markers crashed processes left beside the store lock. */
  removeLockLeftovers(): Promise<void> {
    return this.lock.removeLeftovers()
  }

  blobPath(sha256: string): string {
    return path.join(this.dir, 'blobs', sha256.slice(0, 2), sha256)
  }

  /**
   * Stores bytes by SHA-256; storing the same bytes twice keeps one copy. The blob's modification time
   * is refreshed every time, which is what protects a blob from the garbage collector until the
   * caller's document references it (see maintenance.ts).
   */
  async putBlob(data: Buffer | Readable): Promise<BlobRef> {
    const hash = createHash('sha256')
    await mkdir(this.tmpDir, {recursive: true})
    const temp = path.join(this.tmpDir, tempName())
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
      await this.underLock(() => rename(temp, target))
      return {sha256, sha256Base64: digest.toString('base64'), size}
    } finally {
      await rm(temp, {force: true})
    }
  }

  /**
   * Marks blobs as just used, before a document starts referencing blobs it didn't put itself (a copied
   * object, a layer a function now uses): the garbage collector spares recently used blobs. Fails when
   * a blob is gone.
   */
  async keepBlobs(sha256s: Iterable<string>): Promise<void> {
    const blobs = [...new Set(sha256s)]
    if (blobs.length === 0) return
    await this.underLock(async () => {
      const now = new Date()
      for (const sha256 of blobs) await utimes(this.blobPath(sha256), now, now)
    })
  }

  /**
   * Runs a blob refresh (a put's rename, a keep's utimes) under the store lock, or in the transaction
   * already running: the collector re-checks a blob's time and deletes it under the same lock, so a
   * refresh lands either before its check (the blob is spared) or after its deletion (a put stores it
   * anew; a keep fails), never in between.
   */
  private underLock<T>(work: () => Promise<T>): Promise<T> {
    return this.inside.getStore()?.active ? work() : this.transaction(work)
  }

  readBlob(sha256: string): Readable {
    return createReadStream(this.blobPath(sha256))
  }

  async blobBytes(sha256: string): Promise<Buffer> {
    return readFile(this.blobPath(sha256))
  }
}

async function readDoc<T>(file: string): Promise<T | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  const doc = JSON.parse(text) as unknown
  return (path.basename(file).startsWith(HASHED) ? (doc as HashedDoc).value : doc) as T
}

/** Whether a process with this pid exists (without the start check of process-identity.ts). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

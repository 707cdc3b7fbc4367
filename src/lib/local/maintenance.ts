/**
 * Keeping a store tidy while processes share it: temporary files a crash left behind, blobs no
 * document references any more (overwritten S3 objects, replaced code, finished event payloads), and
 * the unzipped copies of code and layers under `runtime/` that nothing uses any more.
 *
 * Blob collection is safe beside concurrent writers: a writer puts (or `keepBlobs`) a blob before its
 * document references it, which refreshes the blob's modification time, and only blobs untouched for
 * `graceMs` that no document mentions are candidates. A candidate's time is checked once more and the
 * blob unlinked with the store lock held; writers refresh blobs under the same lock (Store.underLock).
 * So a writer's refresh comes either before that check (the blob is spared) or after the unlink (a put
 * stores the bytes anew, a keep fails before any document references the blob). The blob's path is
 * never moved aside and back: a blob that may be referenced never goes missing, even for a moment.
 */
import {randomBytes} from 'node:crypto'
import {mkdir, readdir, readFile, rename, rm, stat} from 'node:fs/promises'
import path from 'node:path'

import {writeAtomic} from '../fs.js'
import {BUILDING, runtimeDir} from './runtime/code.js'
import {isAlive} from './store.js'
import type {Store} from './store.js'

export interface MaintenanceOptions {
  /** Blobs and legacy temporary files younger than this are left alone. @default one hour */
  readonly graceMs?: number
  /** Stops the work between two files (a `--local` command exiting). */
  readonly signal?: AbortSignal
}

export interface CollectResult {
  readonly removed: number
  readonly bytes: number
}

const HOUR = 3_600_000
/** A temporary file of a writer that is still alive is spared, unless it is this old (a reused pid). */
const LIVE_TEMP_MS = 24 * HOUR
const SHA256_HEX = /^[0-9a-f]{64}$/
const QUOTED_SHA256 = /"([0-9a-f]{64})"/g
const UNLINK_BATCH = 256
/** The kinds of unzipped copies under `<store>/runtime/`, and where the collector sets copies aside. */
const COPY_KINDS = ['code', 'layers', 'opt'] as const
const TRASH = 'trash'

/** Removes temporary files of writers that died (tmp/), and those of older sling versions. */
export async function removeTemporaries(store: Store, options: MaintenanceOptions = {}): Promise<number> {
  let removed = 0
  const now = Date.now()
  for (const name of await names(store.tmpDir)) {
    if (options.signal?.aborted) break
    const file = path.join(store.tmpDir, name)
    const pid = Number(/^\.(\d+)-/.exec(name)?.[1])
    const info = await stat(file).catch(() => undefined)
    if (info && (!isAlive(pid) || now - info.mtimeMs > LIVE_TEMP_MS)) removed += await remove(file)
  }
  removed += await removeBuildingCopies(store, now, options.signal)
  // Older versions wrote blob temporaries as blobs/.tmp-<random>, with no pid to check: age decides.
  const blobs = path.join(store.dir, 'blobs')
  for (const name of await names(blobs)) {
    if (!name.startsWith('.tmp-')) continue
    const info = await stat(path.join(blobs, name)).catch(() => undefined)
    if (info && now - info.mtimeMs > (options.graceMs ?? HOUR)) removed += await remove(path.join(blobs, name))
  }
  return removed
}

/** Deletes blobs that no document references and nobody used for `graceMs`. */
export async function collectBlobs(store: Store, options: MaintenanceOptions = {}): Promise<CollectResult> {
  const graceMs = options.graceMs ?? HOUR
  const candidates = await oldBlobs(store, Date.now() - graceMs)
  if (candidates.size === 0) return {removed: 0, bytes: 0}
  // Read after listing the candidates: a document written since references a blob that was put or kept since.
  const referenced = await referencedBlobs(store, graceMs, options.signal)
  const unused = [...candidates].filter(([sha256]) => !referenced.has(sha256))
  let removed = 0
  let bytes = 0
  // A batch per transaction: other processes wait for the lock at most a few hundred unlinks.
  for (let at = 0; at < unused.length && !options.signal?.aborted; at += UNLINK_BATCH) {
    const batch = unused.slice(at, at + UNLINK_BATCH)
    const gone = await store.transaction(async () => {
      const deleted: number[] = []
      for (const [sha256, size] of batch) if (await removeIfUnused(store, sha256, graceMs)) deleted.push(size)
      return deleted
    })
    removed += gone.length
    bytes += gone.reduce((sum, size) => sum + size, 0)
  }
  return {removed, bytes}
}

/** Unzipped copies half-built by a process that died (runtime/<kind>/<copy>.tmp-<pid>-<random>), and copies the collector had set aside. */
async function removeBuildingCopies(store: Store, now: number, signal?: AbortSignal): Promise<number> {
  let removed = 0
  const root = runtimeDir(store)
  for (const kind of COPY_KINDS) {
    for (const name of await names(path.join(root, kind))) {
      if (signal?.aborted) return removed
      const pid = Number(BUILDING.exec(name)?.[1])
      if (!pid) continue
      const info = await stat(path.join(root, kind, name)).catch(() => undefined)
      if (info && (!isAlive(pid) || now - info.mtimeMs > LIVE_TEMP_MS)) removed += await removeTree(path.join(root, kind, name))
    }
  }
  // A collector that died between setting copies aside and deleting them.
  for (const name of await names(path.join(root, TRASH))) removed += await removeTree(path.join(root, TRASH, name))
  return removed
}

/**
 * Removes (and counts) unzipped copies under `<store>/runtime/` (code, layers, merged /opt) that nobody used for
 * `graceMs`, unless a document still references their blob (a merged /opt is rebuilt from its layers
 * whenever it is needed again). Environments mark their copies used when they start and every 30 s while
 * they live (runtime/code.ts touchCopies, under the store lock), and the time is re-checked here under
 * the same lock, so a copy a running environment uses, or one about to start, is never removed.
 */
export async function collectCopies(store: Store, options: MaintenanceOptions = {}): Promise<number> {
  const graceMs = options.graceMs ?? HOUR
  const root = runtimeDir(store)
  const candidates: {kind: string; name: string}[] = []
  for (const kind of COPY_KINDS) {
    for (const name of await names(path.join(root, kind))) {
      if (BUILDING.test(name)) continue
      const info = await stat(path.join(root, kind, name)).catch(() => undefined)
      if (info && Date.now() - info.mtimeMs > graceMs) candidates.push({kind, name})
    }
  }
  if (candidates.length === 0) return 0
  const referenced = await referencedBlobs(store, graceMs, options.signal)
  const unused = candidates.filter(({kind, name}) => kind === 'opt' || !referenced.has(name))
  if (unused.length === 0 || options.signal?.aborted) return 0
  await mkdir(path.join(root, TRASH), {recursive: true})
  // Set aside under the lock (a rename), deleted after it: a copy may be hundreds of MB.
  const aside = await store.transaction(async () => {
    const moved: string[] = []
    for (const {kind, name} of unused) {
      const dir = path.join(root, kind, name)
      const info = await stat(dir).catch(() => undefined)
      if (!info || Date.now() - info.mtimeMs <= graceMs) continue // used again just now
      const trash = path.join(root, TRASH, `${kind}-${name}-${randomBytes(4).toString('hex')}`)
      await rename(dir, trash)
      moved.push(trash)
    }
    return moved
  })
  for (const trash of aside) await removeTree(trash)
  return aside.length
}

async function removeTree(dir: string): Promise<number> {
  await rm(dir, {recursive: true, force: true})
  return 1
}

async function oldBlobs(store: Store, before: number): Promise<Map<string, number>> {
  const old = new Map<string, number>()
  const root = path.join(store.dir, 'blobs')
  for (const prefix of await names(root)) {
    if (prefix.length !== 2) continue
    for (const name of await names(path.join(root, prefix))) {
      if (!SHA256_HEX.test(name)) continue
      const info = await stat(path.join(root, prefix, name)).catch(() => undefined)
      if (info && info.mtimeMs < before) old.set(name, info.size)
    }
  }
  return old
}

/**
 * Every SHA-256 any document mentions, whatever the field: the store doesn't know its services'
 * schemas, and keeping a blob too many is harmless. Old-style document temporaries go on the way.
 */
async function referencedBlobs(store: Store, graceMs: number, signal?: AbortSignal): Promise<Set<string>> {
  const referenced = new Set<string>()
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, {withFileTypes: true}).catch(() => [])) {
      if (signal?.aborted) return
      const file = path.join(dir, entry.name)
      if (entry.isDirectory()) await walk(file)
      else if (entry.name.endsWith('.json')) {
        const text = await readFile(file, 'utf8').catch(() => '')
        for (const match of text.matchAll(QUOTED_SHA256)) referenced.add(match[1] ?? '')
      } else if (entry.name.endsWith('.tmp')) {
        const info = await stat(file).catch(() => undefined)
        if (info && Date.now() - info.mtimeMs > graceMs) await remove(file)
      }
    }
  }
  await walk(path.join(store.dir, 'state'))
  if (signal?.aborted) throw new Error('Blob collection stopped.') // never delete on a partial scan
  return referenced
}

/** Deletes the blob unless it was put or kept within `graceMs`; call with the store lock held (see above). */
async function removeIfUnused(store: Store, sha256: string, graceMs: number): Promise<boolean> {
  const file = store.blobPath(sha256)
  const info = await stat(file).catch(() => undefined)
  if (!info || Date.now() - info.mtimeMs <= graceMs) return false // gone already, or used again just now
  await rm(file, {force: true})
  return true
}

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir)
  } catch {
    return []
  }
}

async function remove(file: string): Promise<number> {
  await rm(file, {force: true})
  return 1
}

/** Running maintenance for a local cloud; `stop` ends it between two files. */
export interface Maintenance {
  /** Settles when the first pass (temporaries, then blobs when due) is over. */
  readonly firstPass: Promise<void>
  stop(): Promise<void>
}

/**
 * At start: removes what crashed processes left (temporaries, lock records), then collects blobs if
 * no process did for an hour (`<store>/gc.json`); a long-running server repeats that every hour.
 * Problems are reported through `warn` and never stop the local cloud.
 */
export function startMaintenance(store: Store, options: {readonly warn: (message: string) => void; readonly graceMs?: number; readonly everyMs?: number}): Maintenance {
  const controller = new AbortController()
  const everyMs = options.everyMs ?? HOUR
  const settings = {signal: controller.signal, ...(options.graceMs === undefined ? {} : {graceMs: options.graceMs})}
  let running: Promise<void> = Promise.resolve()
  const pass = async (first: boolean): Promise<void> => {
    try {
      if (first) {
        await removeTemporaries(store, settings)
        await store.removeLockLeftovers()
      }
      const stamp = path.join(store.dir, 'gc.json')
      const last = await readFile(stamp, 'utf8').then((text) => (JSON.parse(text) as {at?: number}).at ?? 0, () => 0)
      if (Date.now() - last < everyMs || controller.signal.aborted) return
      await writeAtomic(stamp, `${JSON.stringify({at: Date.now(), pid: process.pid})}\n`, store.tmpDir)
      await collectBlobs(store, settings)
      await collectCopies(store, settings)
    } catch (error) {
      if (!controller.signal.aborted) options.warn(`Store maintenance of ${store.dir} failed: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  running = pass(true)
  const timer = setInterval(() => {
    running = running.then(() => pass(false))
  }, everyMs)
  timer.unref()
  return {
    firstPass: running,
    async stop() {
      clearInterval(timer)
      controller.abort()
      await running
    },
  }
}

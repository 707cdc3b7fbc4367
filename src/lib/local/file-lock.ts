/**
 * An inter-process lock file whose holder is judged by liveness, never by age.
 *
 * Hand-written on purpose. proper-lockfile (the well-kept choice) judges a holder stale by the age of
 * its lock's mtime, which a live holder must keep refreshing: a holder that is alive but slow to refresh
 * (a long transaction, a stopped process, a busy event loop) loses the lock, which sling's store must
 * never allow; and its takeover of a stale lock (remove, then mkdir) lets two contenders both win.
 * Native lock addons (flock/fcntl bindings) need a compiler at install time. What is below is small:
 * link() to take, a marker per takeover, a token to release.
 *
 * - Taking it: the owner record (pid, host, start identity, a fresh token) is written to a temporary
 *   file first, then hard-linked to the lock's name. link() fails when the name exists, so exactly one
 *   contender wins and nobody ever reads a half-written record.
 * - A live holder is never broken into, however long it holds the lock (a slow transaction, a
 *   debugger). Only a holder that is certainly dead (see isProcessAlive) is taken over.
 * - Taking over a dead holder's lock is atomic: a contender must first create the marker
 *   `<lock>.break-<token>.<n>` (again by link()), so only one process at a time may remove the lock
 *   carrying that token. Nobody else can remove or replace it meanwhile (its owner is dead), so checking
 *   the token and then removing it is safe. A breaker that dies leaves its marker to the next generation
 *   (n + 1), which may start once that breaker is dead.
 * - Releasing removes the lock only while it still carries the releaser's token.
 */
import {randomUUID} from 'node:crypto'
import {link, mkdir, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {setTimeout as delay} from 'node:timers/promises'

import type {ProcessIdentity} from './process-identity.js'
import {currentProcess, isProcessAlive} from './process-identity.js'

/** What a lock file holds. */
export interface LockOwner extends ProcessIdentity {
  /** Unique per acquisition: a release or takeover acts only on the lock carrying it. */
  readonly token: string
  /** ISO date, for people reading the file. */
  readonly acquired?: string
}

/** A lock this process holds. */
export interface HeldLock {
  readonly token: string
  /** Removes the lock if it still carries this token; false when it doesn't (it was never ours any more). */
  release(): Promise<boolean>
}

/** How long `acquire` may wait, and what to do meanwhile. Without any, it waits as long as the holder lives. */
export interface AcquireOptions {
  /** Stops waiting (a server shutting down): acquire rejects with LockWaitAborted. */
  readonly signal?: AbortSignal
  /** Epoch ms after which a wait is reported, once, through `onSlow` (with the holder then). */
  readonly slowAt?: number
  readonly onSlow?: (holder: LockOwner | undefined) => void
  /** Epoch ms after which waiting gives up with LockTimeoutError. */
  readonly giveUpAt?: number
}

/** A wait for the lock was given up: it was held past `giveUpAt`. */
export class LockTimeoutError extends Error {
  constructor(
    message: string,
    readonly holder: LockOwner | undefined,
  ) {
    super(message)
    this.name = 'LockTimeoutError'
  }
}

/** A wait for the lock was stopped through its signal. */
export class LockWaitAborted extends Error {
  constructor(file: string) {
    super(`Stopped waiting for the lock ${file}: shutting down.`)
    this.name = 'LockWaitAborted'
  }
}

export interface FileLockOptions {
  /** How to tell whether an owner still runs. @default isProcessAlive */
  readonly isAlive?: (owner: ProcessIdentity) => Promise<boolean>
}

/** Generations of takeover markers tried before giving up (each one needs a breaker that died). */
const MAX_GENERATIONS = 64

export class FileLock {
  private readonly isAlive: (owner: ProcessIdentity) => Promise<boolean>

  constructor(
    readonly file: string,
    options: FileLockOptions = {},
  ) {
    this.isAlive = options.isAlive ?? isProcessAlive
  }

  /**
   * Takes the lock, waiting as long as a live process holds it, or until `options` say to stop: a wait
   * is given up (LockTimeoutError) or stopped (LockWaitAborted); a live holder is never broken into.
   */
  async acquire(options: AcquireOptions = {}): Promise<HeldLock> {
    const temp = await this.writeRecord()
    try {
      let reported = false
      for (let attempt = 0; ; attempt++) {
        const held = await this.attempt(temp.path, temp.owner)
        if (held) return held
        const now = Date.now()
        if (!reported && options.slowAt !== undefined && now >= options.slowAt) {
          reported = true
          options.onSlow?.(await this.owner())
        }
        if (options.giveUpAt !== undefined && now >= options.giveUpAt) {
          const holder = await this.owner()
          throw new LockTimeoutError(`Gave up waiting for the lock ${this.file}${holder ? ` held by pid ${holder.pid}${holder.host ? ` on ${holder.host}` : ''}` : ''}.`, holder)
        }
        await pause(Math.min(2 + attempt, 25), options.signal, this.file)
      }
    } finally {
      await rm(temp.path, {force: true})
    }
  }

  /** Takes the lock unless a live process holds it; then returns undefined. */
  async tryAcquire(): Promise<HeldLock | undefined> {
    const temp = await this.writeRecord()
    try {
      return await this.attempt(temp.path, temp.owner)
    } finally {
      await rm(temp.path, {force: true})
    }
  }

  /** The current holder, if any (alive or not). */
  async owner(): Promise<LockOwner | undefined> {
    return readOwner(this.file)
  }

  /**
   * Removes what crashed processes left beside the lock: records never linked, and takeover markers
   * of a lock that is gone (a marker for the current lock stays: removing it could let two breakers in).
   */
  async removeLeftovers(): Promise<void> {
    const dir = path.dirname(this.file)
    const base = path.basename(this.file)
    const names = await readdir(dir).catch(() => [])
    // Read after listing: a listed marker was made after its lock was seen, so a lock that isn't current
    // now is gone for good (each token is linked once) and its markers can't matter any more.
    const current = await readOwner(this.file)
    for (const name of names) {
      if (!name.startsWith(`${base}.`)) continue
      const file = path.join(dir, name)
      if (name.endsWith('.new')) {
        const owner = await readOwner(file)
        if (owner && !(await this.isAlive(owner))) await rm(file, {force: true})
      } else if (name.startsWith(`${base}.break-`) && !(current && name.startsWith(`${base}.break-${safe(current.token)}.`))) {
        await rm(file, {force: true})
      }
    }
  }

  private async writeRecord(): Promise<{path: string; owner: LockOwner}> {
    const owner: LockOwner = {...(await currentProcess()), token: randomUUID(), acquired: new Date().toISOString()}
    const temp = `${this.file}.${owner.token}.new`
    await mkdir(path.dirname(this.file), {recursive: true})
    await writeFile(temp, `${JSON.stringify(owner)}\n`)
    return {path: temp, owner}
  }

  /** One try: link the record into place, or take over a dead holder's lock and try again. */
  private async attempt(temp: string, mine: LockOwner): Promise<HeldLock | undefined> {
    for (;;) {
      try {
        await link(temp, this.file)
        return {token: mine.token, release: () => this.release(mine.token)}
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      const holder = await readOwner(this.file)
      if (!holder) continue // released in between: try again at once
      if (await this.isAlive(holder)) return undefined
      if (!(await this.breakDead(temp, holder))) return undefined
    }
  }

  /** Removes the lock of a dead holder, unless another live process is doing so; true when it is gone. */
  private async breakDead(temp: string, dead: LockOwner): Promise<boolean> {
    const marker = (generation: number): string => `${this.file}.break-${safe(dead.token)}.${generation}`
    for (let generation = 0; generation < MAX_GENERATIONS; generation++) {
      try {
        await link(temp, marker(generation))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
        const breaker = await readOwner(marker(generation))
        if (!breaker) return true // that breaker finished: look at the lock again
        if (await this.isAlive(breaker)) return false
        continue // that breaker died mid-way: the next generation may go on
      }
      try {
        const current = await readOwner(this.file)
        if (current?.token === dead.token) await rm(this.file, {force: true})
      } finally {
        for (let g = generation; g >= 0; g--) await rm(marker(g), {force: true})
      }
      return true
    }
    return false
  }

  private async release(token: string): Promise<boolean> {
    // Nobody removes or replaces a lock whose holder is alive, so the token can't change after this read.
    if ((await readOwner(this.file))?.token !== token) return false
    await rm(this.file, {force: true})
    return true
  }
}

/**
 * The owner record of a lock file; undefined when there is none. The lock of an older sling (a bare
 * pid, written after the file was created) reads as that pid with a token naming the file instance.
 */
export async function readOwner(file: string): Promise<LockOwner | undefined> {
  let text: string
  let info: {ino: number; mtimeMs: number}
  try {
    ;[text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)])
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  try {
    const owner = JSON.parse(text) as LockOwner
    if (typeof owner.token === 'string' && typeof owner.pid === 'number') return owner
  } catch {
    // not a record of ours: an older sling's lock
  }
  const pid = Number(text.trim())
  const token = `legacy-${info.ino}-${Math.trunc(info.mtimeMs)}`
  // An old lock still being written (empty for a moment) belongs to a live writer; a later one is junk.
  if (!(pid > 0)) return {pid: Date.now() - info.mtimeMs < 10_000 ? process.pid : 0, token}
  return {pid, token}
}

function safe(token: string): string {
  return token.replaceAll(/[^\w-]/g, '_')
}

/** Sleeps `ms`, or rejects with LockWaitAborted as soon as `signal` aborts. */
async function pause(ms: number, signal: AbortSignal | undefined, file: string): Promise<void> {
  if (signal?.aborted) throw new LockWaitAborted(file)
  try {
    await delay(ms, undefined, signal ? {signal} : {})
  } catch (error) {
    if (signal?.aborted) throw new LockWaitAborted(file)
    throw error
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

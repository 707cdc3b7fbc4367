import {createHash, randomBytes} from 'node:crypto'
import {copyFile, link, mkdir, readdir, readFile, rename, rm, stat} from 'node:fs/promises'
import path from 'node:path'

import {displayPath} from '../paths.js'
import {UserError} from '../errors.js'
import type {BuildManifest, ManifestUpdate} from './manifest.js'
import {mergeManifest, readManifest, referencedArtifacts, writeManifest} from './manifest.js'
import type {ZipEntry, ZipResult} from './zip.js'
import {interruptedError, writeZip} from './zip.js'

/*
 * How a build stays all or nothing, even under SIGKILL.
 *
 * manifest.json is the single commit point. Each zip is written to a temporary name
 * ("<key>.zip.<pid>.<random>.tmp") and, once every artifact of the run is built, renamed to a
 * name that carries its content hash ("functions/api-<first 16 hex digits of the SHA-256>.zip"). Those names are new (or
 * hold byte-identical content, builds being deterministic), so no zip the current manifest refers
 * to ever changes. Then manifest.json is replaced in one rename: before it, the old manifest and
 * its zips are untouched; after it, the new manifest and its zips are all in place. Only then are
 * the zips no manifest refers to any more deleted. A kill at any moment leaves at worst unreferenced
 * zips or temporary files, which the next run removes.
 *
 * Ctrl-C before the commit starts discards the temporary files; once it has started (a few renames
 * and one small write), the interrupt waits for it to finish. The commit holds a lock on the output
 * directory, so concurrent runs merge their manifests and never delete each other's fresh zips.
 */

const ARTIFACT_DIRS = ['functions', 'layers'] as const
export type ArtifactKind = (typeof ARTIFACT_DIRS)[number]
/** sling's temporary files: "<name>.<pid>.<random hex>.tmp" (the pid tells whether a writer is still alive). */
const TEMP_FILE = /^.+\.(?:zip|json)\.(\d+)\.[\da-f]{8,12}\.tmp$/
/** Temporary zips of sling before the pid was in the name: nobody writes one that hasn't changed for a minute. */
const OLD_TEMP_ZIP = /^.+\.zip\.[\da-f]{12}\.tmp$/
const OLD_TEMP_AGE_MS = 60_000
const LOCK_FILE = '.commit.lock'
/** Hex digits of the SHA-256 in artifact names: 64 bits tell apart every build of one key. */
const HASH_CHARS = 16
const CONTENT_NAMED = new RegExp(`^.+-[\\da-f]{${HASH_CHARS}}\\.zip$`)

export interface StagedZip extends ZipResult {
  /** Where the zip will be once committed: absolute, and relative to the output directory. */
  readonly artifact: string
  readonly relative: string
}

export interface StagingOptions {
  readonly outDir: string
  /** Aborts the build (Ctrl-C). */
  readonly signal: AbortSignal
  /** Registers a cleanup to run before the process exits on Ctrl-C; returns its unregistration. */
  readonly onInterrupt: (cleanup: () => Promise<void>) => () => void
  /** Called before each zip is written and at each step of the commit (tests interrupt or inspect the directory there). */
  readonly checkpoint?: (step: string) => void | Promise<void>
}

/** Collects the zips of one run as temporary files, then commits them with the manifest in one step. */
export class Staging {
  private readonly temps = new Map<string, string>() // temporary file → final relative name
  private readonly writers = new Set<Promise<unknown>>()
  private committing: Promise<BuildManifest> | undefined
  private readonly forget: () => void

  constructor(private readonly options: StagingOptions) {
    this.forget = options.onInterrupt(async () => {
      if (this.committing) await this.committing.catch(() => undefined)
      else await this.removeTemps()
    })
  }

  /** Writes the zip of `key` to a temporary file; nothing the manifest refers to changes. */
  async write(kind: ArtifactKind, key: string, entries: readonly ZipEntry[]): Promise<StagedZip> {
    if (this.options.signal.aborted || this.committing) throw interruptedError()
    await this.options.checkpoint?.(`zip ${kind}/${key}`)
    const temp = tempName(path.join(this.options.outDir, kind, `${key}.zip`))
    this.temps.set(temp, '')
    const writing = writeZip(entries, temp, {signal: this.options.signal})
    this.writers.add(writing)
    try {
      const zip = await writing
      const relative = `${kind}/${key}-${zip.sha256Hex.slice(0, HASH_CHARS)}.zip`
      this.temps.set(temp, relative)
      return {...zip, relative, artifact: path.join(this.options.outDir, relative)}
    } catch (error) {
      this.temps.delete(temp)
      throw error
    } finally {
      this.writers.delete(writing)
    }
  }

  /**
   * Stages a zip of an earlier build again (the build cache): a hard link to it (a copy where links
   * aren't possible) under a temporary name, committed like a new zip, so a concurrent run that
   * removes the old file can't leave the manifest naming a missing one. Undefined when the file is
   * gone or its bytes don't hash to `sha256Hex`.
   */
  async reuse(kind: ArtifactKind, key: string, relative: string, sha256Hex: string): Promise<{readonly artifact: string; readonly relative: string; readonly sha256: string} | undefined> {
    if (this.options.signal.aborted || this.committing) throw interruptedError()
    const temp = tempName(path.join(this.options.outDir, kind, `${key}.zip`))
    const source = path.join(this.options.outDir, relative)
    this.temps.set(temp, '')
    try {
      await link(source, temp).catch(async () => copyFile(source, temp))
      const digest = createHash('sha256').update(await readFile(temp)).digest()
      if (digest.toString('hex') !== sha256Hex) throw new Error('changed')
      this.temps.set(temp, relative)
      return {artifact: source, relative, sha256: digest.toString('base64')}
    } catch {
      this.temps.delete(temp)
      await rm(temp, {force: true})
      return undefined
    }
  }

  /**
   * Puts the staged zips in place and applies `update` to manifest.json, all or nothing (see the
   * top of this file). Throws Interrupted, leaving the previous build as it was, when the signal
   * aborts before the commit has started.
   */
  async commit(update: ManifestUpdate): Promise<BuildManifest> {
    const {outDir, signal} = this.options
    try {
      await this.options.checkpoint?.('commit')
      if (signal.aborted) throw interruptedError()
      await mkdir(outDir, {recursive: true})
      const release = await lockBuild(outDir)
      if (signal.aborted) {
        await release()
        throw interruptedError()
      }
      // From here on the commit runs to its end; an interrupt waits for it.
      this.committing = this.commitLocked(update).finally(release)
      return await this.committing
    } catch (error) {
      await this.removeTemps()
      throw error
    } finally {
      this.forget()
    }
  }

  /** Gives the run up: removes its temporary files, leaving the previous build as it was. */
  async discard(): Promise<void> {
    await this.removeTemps()
    this.forget()
  }

  /** Removes the temporary files, once the writers still running have stopped. */
  private async removeTemps(): Promise<void> {
    await Promise.allSettled([...this.writers])
    await Promise.all([...this.temps.keys()].map((temp) => rm(temp, {force: true})))
    this.temps.clear()
  }

  private async commitLocked(update: ManifestUpdate): Promise<BuildManifest> {
    const {outDir} = this.options
    const checkpoint = async (step: string): Promise<void> => this.options.checkpoint?.(step)
    for (const [temp, relative] of this.temps) {
      if (relative === '') continue // not finished: never put a partial zip in place
      await rename(temp, path.join(outDir, relative))
      // A reused zip's temporary name is a hard link to the final one, and rename() between two links
      // to one file leaves both in place.
      await rm(temp, {force: true})
      this.temps.delete(temp)
      await checkpoint(`renamed ${relative}`)
    }
    const previous = await readManifest(outDir)
    const manifest = mergeManifest(previous, update)
    await writeManifest(outDir, manifest)
    await checkpoint('manifest')
    const referenced = referencedArtifacts(manifest)
    for (const kind of ARTIFACT_DIRS) {
      // Only sling's own zips: content-named ones, and "<key>.zip" of the keys it built before it named them so.
      const keys = new Set([...Object.keys(previous[kind]), ...Object.keys(update[kind] ?? {})])
      const ours = (name: string): boolean => CONTENT_NAMED.test(name) || (name.endsWith('.zip') && keys.has(name.slice(0, -4)))
      for (const name of await readdir(path.join(outDir, kind)).catch(() => [])) {
        const relative = `${kind}/${name}`
        if (!ours(name) || referenced.has(relative)) continue
        await rm(path.join(outDir, relative), {force: true})
        await checkpoint(`removed ${relative}`)
      }
    }
    return manifest
  }
}

/** A temporary name beside `file`, in sling's own pattern. */
export function tempName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
}

/**
 * Removes temporary files left in the output directory by sling runs that were killed: only names
 * in sling's pattern, and only when the process that wrote them is gone (a concurrent run's files
 * stay). Returns the names removed, relative to `outDir`.
 */
export async function removeStaleTemps(outDir: string): Promise<string[]> {
  const removed: string[] = []
  for (const dir of ['', ...ARTIFACT_DIRS]) {
    for (const name of await readdir(path.join(outDir, dir)).catch(() => [])) {
      const file = path.join(outDir, dir, name)
      if (!(await isStale(name, file))) continue
      await rm(file, {force: true})
      removed.push(dir === '' ? name : `${dir}/${name}`)
    }
  }
  return removed
}

async function isStale(name: string, file: string): Promise<boolean> {
  const pid = TEMP_FILE.exec(name)?.[1]
  if (pid !== undefined) return Number(pid) !== process.pid && !isRunning(Number(pid))
  if (!OLD_TEMP_ZIP.test(name)) return false
  const stats = await stat(file).catch(() => undefined)
  return stats !== undefined && Date.now() - stats.mtimeMs > OLD_TEMP_AGE_MS
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0) // signal 0 only checks the process exists
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' // alive, but another user's
  }
}

/** Waits (up to about a minute) for another run's commit to the same directory to finish. */
async function lockBuild(outDir: string): Promise<() => Promise<void>> {
  // Loaded on first use: it hooks process signals (to drop its locks on exit), which only a commit needs.
  const {default: lockfile} = await import('proper-lockfile')
  try {
    // A commit takes milliseconds; a lock not refreshed for 10 s belongs to a killed run.
    return await lockfile.lock(outDir, {lockfilePath: path.join(outDir, LOCK_FILE), realpath: false, stale: 10_000, retries: {retries: 120, minTimeout: 50, maxTimeout: 500}, onCompromised: () => {}})
  } catch (error) {
    throw new UserError('BuildLocked', `Another "sling package" is committing its build to ${displayPath(outDir)}.`, {
      cause: error,
      hints: ['Wait for it to finish, or pass --out-dir to build elsewhere.'],
    })
  }
}

import {createHash} from 'node:crypto'
import type {Stats} from 'node:fs'
import {readFileSync, statSync} from 'node:fs'
import {mkdir, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {createRequire} from 'node:module'
import path from 'node:path'

import {mapLimit} from '../async.js'
import {writeAtomic} from '../fs.js'

/*
 * The incremental build cache: `.sling/build/cache.json` remembers, per function key, what its last
 * artifact was built from. A later run reuses the artifact (no esbuild, no zip) only when all of
 * these are unchanged, and rebuilds on any doubt:
 *
 * - the key: the resolved function config (every field: bundling options, runtime, format, externals,
 *   sourcemap, include/exclude, environment…), the project directory, sling's and esbuild's versions,
 *   and the list of files collected from disk (for "bundle": false and "include": names, paths, modes);
 * - every input file as the file system describes it (size, inode, modification and change times, as git's
 *   index does): what esbuild read (its metafile), the files zipped from disk, and any package.json /
 *   tsconfig.json / jsconfig.json in the directories below. Nothing is read for this: a cold build pays a
 *   stat per input, not a read and a hash. Any write changes the change time, which no tool can set back,
 *   so an upgrade that keeps a file's size and npm's fixed modification date still shows; a file modified
 *   within RACY_MS before the build (a coarse clock may not tell its next change apart) is hashed as well;
 * - the listing (names and types) of every directory holding an input, and of its parents up to the
 *   project directory (or up to the directory it shares with the project): a file added that esbuild
 *   would now resolve instead (./util.ts beside ./util.js, a nearer node_modules/pkg, a new index
 *   file) changes a listing, and so does any new file there, which rebuilds needlessly but safely;
 * - the artifact: the zip the manifest names still exists and its bytes hash to the recorded SHA-256.
 *
 * A record is only written for a build that nothing touched while it ran: when an input file or
 * directory was modified after the build started (or within MTIME_SLACK_MS before, since file systems
 * stamp times with a coarse clock), the run keeps no record and the next one rebuilds.
 */

export const CACHE_FILE = 'cache.json'
const CACHE_VERSION = 2
const MTIME_SLACK_MS = 20
/** Files modified this recently before a build are hashed too: FAT and some network file systems stamp times to 2 s. */
const RACY_MS = 3000
/** Files read and hashed at once (well under the usual limit of open files). */
const READS_AT_ONCE = 32
/** Read for their content wherever a listed directory has them: they steer how esbuild resolves. */
const RESOLUTION_FILES = new Set(['package.json', 'tsconfig.json', 'jsconfig.json'])

/** What a function's artifact was built from, and the artifact's facts that a reuse reports. */
export interface CacheRecord {
  readonly key: string
  /** Absolute path → its stat signature (statSignature), with "#" and the content's SHA-256 (hex) for a racy file. */
  readonly files: Readonly<Record<string, string>>
  /** Absolute directory → SHA-256 (hex) of its sorted listing. */
  readonly dirs: Readonly<Record<string, string>>
  readonly artifact: CachedArtifact
}

export interface CachedArtifact {
  /** The zip, relative to the output directory (as in the manifest). */
  readonly relative: string
  readonly sha256Hex: string
  readonly zippedSize: number
  readonly unzippedSize: number
  readonly entries: number
  readonly handler: string
  readonly largest: readonly {readonly name: string; readonly bytes: number}[]
}

interface CacheFile {
  readonly version: typeof CACHE_VERSION
  readonly functions: Record<string, CacheRecord>
}

/** The records of the last builds in `outDir`; none when the file is missing, unreadable or of another version. */
export async function readBuildCache(outDir: string): Promise<Record<string, CacheRecord>> {
  try {
    const parsed = JSON.parse(await readFile(path.join(outDir, CACHE_FILE), 'utf8')) as Partial<CacheFile>
    if (parsed.version === CACHE_VERSION && typeof parsed.functions === 'object') return parsed.functions
  } catch {
    // no cache: everything is built
  }
  return {}
}

/**
 * Applies `updates` (undefined removes a record) to the cache file. Not under the build's lock: two
 * runs racing here lose a record at worst, and a lost record only means a rebuild.
 */
export async function writeBuildCache(outDir: string, updates: Readonly<Record<string, CacheRecord | undefined>>): Promise<void> {
  if (Object.keys(updates).length === 0) return
  const functions = {...(await readBuildCache(outDir))}
  for (const [key, record] of Object.entries(updates)) {
    if (record === undefined) delete functions[key]
    else functions[key] = record
  }
  const sorted = Object.fromEntries(Object.entries(functions).sort(([a], [b]) => (a < b ? -1 : 1)))
  await writeAtomic(path.join(outDir, CACHE_FILE), `${JSON.stringify({version: CACHE_VERSION, functions: sorted})}\n`)
}

/** SHA-256 (hex) of `parts` (with toolVersions() among them): the part of the key that isn't on disk. */
export function cacheKey(parts: unknown): string {
  return sha256(stableJson(parts))
}

/** True when every recorded file and directory is as it was. */
export async function inputsUnchanged(record: CacheRecord): Promise<boolean> {
  try {
    // A function's inputs are often a thousand or more files (its node_modules): stat them synchronously, a few
    // µs each, where a promise per file costs several times that in the event loop.
    const racy: [string, string][] = []
    for (const [file, recorded] of Object.entries(record.files)) {
      const [signature, hash] = recorded.split('#')
      if (statSignature(statSync(file)) !== signature) return false
      if (hash !== undefined) racy.push([file, hash])
    }
    const files = await mapLimit(racy, READS_AT_ONCE, async ([file, hash]) => (await hashFile(file)) === hash)
    const dirs = await mapLimit(Object.entries(record.dirs), READS_AT_ONCE, async ([dir, hash]) => (await hashListing(dir)).hash === hash)
    return files.every(Boolean) && dirs.every(Boolean)
  } catch {
    return false // something is gone or unreadable: rebuild
  }
}

/**
 * The fingerprint of `files` and of `dirs` (with their resolution files), or undefined when one can't
 * be read or was modified since `startedAt` (its content may not be what the build saw).
 */
export async function fingerprint(files: Iterable<string>, dirs: Iterable<string>, startedAt: number, ownChange?: DirSnapshot, clock: FileClock = PRECISE_CLOCK): Promise<Pick<CacheRecord, 'files' | 'dirs'> | undefined> {
  const modified = async (target: string): Promise<number> => (await stat(target)).mtimeMs
  // Times as the file system stamps them: behind ours by its lag, and only to its granularity.
  const fresh = (mtimeMs: number): boolean => mtimeMs >= startedAt - clock.lagMs - clock.slackMs
  try {
    const fileSignatures: Record<string, string> = {}
    const dirHashes: Record<string, string> = {}
    const toDescribe = new Set(files)
    const listed = await mapLimit([...new Set(dirs)], READS_AT_ONCE, async (dir) => ({dir, mtimeMs: await modified(dir), listing: await hashListing(dir)}))
    for (const {dir, mtimeMs, listing} of listed) {
      // Creating the output directory touched this one: that alone doesn't make it fresh.
      const ours = ownChange?.dir === dir && ownChange.mtimeMs === mtimeMs && ownChange.hash === listing.hash
      if (fresh(mtimeMs) && !ours) return undefined
      dirHashes[dir] = listing.hash
      for (const name of listing.resolutionFiles) toDescribe.add(path.join(dir, name))
    }
    // Synchronous stats, as in inputsUnchanged; only a file modified just before the build is read.
    const racy: {file: string; signature: string}[] = []
    for (const file of toDescribe) {
      const stats = statSync(file)
      // Rewritten while the build ran, even with its old mtime put back (cp -p, touch -r): its change time says so.
      if (fresh(stats.mtimeMs) || fresh(stats.ctimeMs)) return undefined
      fileSignatures[file] = statSignature(stats)
      if (Math.max(stats.mtimeMs, stats.ctimeMs) >= startedAt - clock.lagMs - RACY_MS) racy.push({file, signature: fileSignatures[file]})
    }
    for (const {file, signature} of racy) fileSignatures[file] = `${signature}#${await hashFile(file)}`
    return {files: fileSignatures, dirs: dirHashes}
  } catch {
    return undefined
  }
}

/**
 * How a file system stamps times, as one probe file written there shows: how far its clock is behind ours (an
 * NFS server's can be), and how finely it stamps (FAT, HFS+ and ext3 to the second or two). The "modified during
 * the build" check widens by both; on a fine, local file system the lag is 0 and the slack MTIME_SLACK_MS.
 */
export interface FileClock {
  readonly lagMs: number
  readonly slackMs: number
}

const PRECISE_CLOCK: FileClock = {lagMs: 0, slackMs: MTIME_SLACK_MS}
/** The slack where the probe's time is a whole second: the coarsest clock in use (FAT) stamps to 2 s. */
const COARSE_SLACK_MS = 2000

/** Writes, reads and removes `probe` (a temporary name in the output directory); a failure means no lag and the coarse slack. */
export async function measureFileClock(probe: string): Promise<FileClock> {
  try {
    const before = Date.now()
    await writeFile(probe, '')
    const {mtimeMs} = await stat(probe)
    return {lagMs: Math.max(0, before - mtimeMs), slackMs: mtimeMs % 1000 === 0 ? COARSE_SLACK_MS : MTIME_SLACK_MS}
  } catch {
    return {lagMs: 0, slackMs: COARSE_SLACK_MS}
  } finally {
    await rm(probe, {force: true}).catch(() => undefined)
  }
}

/** A directory as sling left it after changing it (creating the output directory in it). */
export interface DirSnapshot {
  readonly dir: string
  readonly mtimeMs: number
  readonly hash: string
}

/**
 * Creates `outDir` before anything is built, and returns the directory that creating it changed (as it
 * is right after): a first build into a new `.sling` changes the project directory, which holds inputs.
 */
export async function createOutDir(outDir: string): Promise<DirSnapshot | undefined> {
  const created = await mkdir(outDir, {recursive: true})
  if (created === undefined) return undefined
  const dir = path.dirname(created)
  // Listed after the stat: a change in between shows in the listing, or in a later mtime.
  const {mtimeMs} = await stat(dir)
  return {dir, mtimeMs, hash: (await hashListing(dir)).hash}
}

/**
 * The directories whose listing decides how esbuild resolved `inputs` (absolute files): each one's
 * directory and its parents, up to the directory it shares with `projectDir`.
 */
export function resolutionDirs(inputs: Iterable<string>, projectDir: string): Set<string> {
  const dirs = new Set<string>()
  for (const input of inputs) {
    let dir = path.dirname(input)
    if (dirs.has(dir)) continue // listed with its parents already
    const stop = commonAncestor(dir, projectDir)
    while (!dirs.has(dir)) {
      dirs.add(dir)
      if (dir === stop || path.dirname(dir) === dir) break
      dir = path.dirname(dir)
    }
  }
  return dirs
}

function commonAncestor(a: string, b: string): string {
  let dir = b
  while (dir !== path.dirname(dir) && path.relative(dir, a).startsWith('..')) dir = path.dirname(dir)
  return dir
}

/** What the file system says of a file's content without reading it: any write changes the change time (ctime). */
function statSignature(stats: Stats): string {
  return `${stats.size}:${stats.ino}:${stats.mtimeMs}:${stats.ctimeMs}`
}

async function hashFile(file: string): Promise<string> {
  return sha256(await readFile(file))
}

async function hashListing(dir: string): Promise<{hash: string; resolutionFiles: string[]}> {
  const entries = (await readdir(dir, {withFileTypes: true})).map((e) => `${e.isDirectory() ? 'd' : e.isSymbolicLink() ? 'l' : 'f'} ${e.name}`).sort()
  const resolutionFiles = entries.filter((e) => e.startsWith('f ') && RESOLUTION_FILES.has(e.slice(2))).map((e) => e.slice(2))
  return {hash: sha256(entries.join('\n')), resolutionFiles}
}

/** SHA-256 (hex) of a file's bytes: the artifact check. */
export async function artifactHash(file: string): Promise<string | undefined> {
  return hashFile(file).catch(() => undefined)
}

/** sling's and esbuild's versions: a new one may build other bytes from the same inputs. */
export function toolVersions(): {sling: string; esbuild: string} {
  // The same file from src/ (tests) and dist/ (the CLI): three levels below the package root.
  const read = (file: string | URL): string => (JSON.parse(readFileSync(file, 'utf8')) as {version: string}).version
  return {sling: read(new URL('../../../package.json', import.meta.url)), esbuild: read(createRequire(import.meta.url).resolve('esbuild/package.json'))}
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

/** JSON with object keys sorted, so equal values always give equal text. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : v))
}

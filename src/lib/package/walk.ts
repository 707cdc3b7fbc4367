import type {Dirent, Stats} from 'node:fs'
import {readdir, realpath, stat} from 'node:fs/promises'
import path from 'node:path'

import {displayPath} from '../paths.js'
import {UserError} from '../errors.js'

export interface WalkOptions {
  /** The source directory (absolute). */
  readonly root: string
  /** Whether to descend into the directory at this path (relative to root, "/"-separated). */
  readonly enter: (rel: string) => boolean
  /** Whether the symlink at this path may be followed although it leads out of the source. */
  readonly mayLeave: (rel: string) => boolean
  /** Real paths never entered (the build output). */
  readonly skip?: readonly string[]
}

export interface WalkedFile {
  /** Path relative to root, "/"-separated, exactly as named on disk. */
  readonly rel: string
  /** Where to read it. */
  readonly file: string
  /** Its real absolute path, all links resolved. */
  readonly real: string
  /**
   * Where it really is, relative to the source, or to the grandparent of an explicitly included target
   * outside it (so that target's own folder and name count): a link's *target* can be a secret.
   */
  readonly realRel: string
  /** Known when the file was reached through a link (its target's stats). */
  readonly stats?: Stats
}

/** A directory entry whose name isn't valid UTF-8: it can't be named in a zip, so it is refused, never dropped. */
export interface BadName {
  /** Its path, invalid bytes decoded as U+FFFD (which "?" in a pattern matches). */
  readonly rel: string
  /** Its path with each invalid byte escaped: caf\xe9.txt. */
  readonly shown: string
  /** A directory the walk would have entered (its files can't be named either). */
  readonly directory: boolean
}

export interface SkippedLink {
  readonly rel: string
  /** The real path it points to (empty when it points nowhere). */
  readonly target: string
  readonly directory: boolean
  /** outside: leads out of the source; loop: to a folder that contains it; dangling: to nothing. */
  readonly reason: 'outside' | 'loop' | 'dangling'
}

interface Bound {
  /** A real directory whose content may be packaged. */
  readonly real: string
  /** What `realRel` is relative to. */
  readonly base: string
}

interface Frame {
  readonly dir: string
  readonly rel: string
  readonly real: string
  /** Real directories from the root down to this one: a link back to any of them would loop. */
  readonly chain: readonly string[]
  readonly bounds: readonly Bound[]
  readonly bound: Bound
}

interface State {
  readonly skip: readonly string[]
  readonly options: WalkOptions
  readonly files: WalkedFile[]
  readonly skipped: SkippedLink[]
  readonly badNames: BadName[]
}

/**
 * Lists the files under `root`, following symlinks only where they stay inside it: a link out of
 * it (`cfg -> ~/.aws`, `up -> ..`) is skipped unless `mayLeave` allows it, and a link to a folder
 * that contains it is never followed, so no cycle loops and no file is zipped twice. An unreadable
 * directory is an error: silently dropping its files would ship a broken function.
 */
export async function walk(options: WalkOptions): Promise<{files: WalkedFile[]; skipped: SkippedLink[]; badNames: BadName[]}> {
  let real: string
  try {
    real = await realpath(options.root)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {files: [], skipped: [], badNames: []} // reported as "nothing to package"
    throw unreadable(options.root, error)
  }
  const bound = {real, base: real}
  // Skipped directories that contain the source (an --out-dir above it) don't hide it.
  const state: State = {skip: (options.skip ?? []).filter((dir) => !isWithin(real, dir)), options, files: [], skipped: [], badNames: []}
  await walkDir({dir: options.root, rel: '', real, chain: [real], bounds: [bound], bound}, state)
  return {files: state.files, skipped: state.skipped, badNames: state.badNames}
}

async function walkDir(frame: Frame, state: State): Promise<void> {
  if (state.skip.some((skip) => isWithin(frame.real, skip))) return
  let entries: Dirent<Buffer>[]
  try {
    // Names as bytes: read as strings, a name that isn't UTF-8 decodes to one that doesn't exist (ENOENT).
    entries = await readdir(frame.dir, {withFileTypes: true, encoding: 'buffer'})
  } catch (error) {
    throw unreadable(frame.dir, error)
  }
  await Promise.all(entries.map((entry) => visit(entry, frame, state)))
}

async function visit(entry: Dirent<Buffer>, frame: Frame, state: State): Promise<void> {
  const name = utf8(entry.name)
  const rel = frame.rel === '' ? (name ?? lossy(entry.name)) : `${frame.rel}/${name ?? lossy(entry.name)}`
  if (name === undefined) return badName(entry, rel, frame, state)
  const file = path.join(frame.dir, name)
  if (entry.isSymbolicLink()) return visitLink(rel, file, frame, state)
  const real = path.join(frame.real, name)
  if (entry.isDirectory()) {
    if (state.options.enter(rel)) await walkDir({...frame, dir: file, rel, real, chain: [...frame.chain, real]}, state)
  } else if (entry.isFile()) {
    state.files.push({rel, file, real, realRel: relative(frame.bound, real)})
  } // sockets, FIFOs and devices aren't files Lambda could use
}

async function visitLink(rel: string, file: string, frame: Frame, state: State): Promise<void> {
  let real: string
  let stats: Stats
  try {
    real = await realpath(file)
    stats = await stat(real)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') return void state.skipped.push({rel, target: '', directory: false, reason: 'dangling'})
    throw new UserError('FileUnreadable', `Can't follow the symlink ${displayPath(file)} (${code ?? String(error)}).`, {cause: error, hints: ['Make its target readable, or leave it out with an "exclude" pattern.']})
  }
  const directory = stats.isDirectory()
  let bounds = frame.bounds
  let bound = innermost(bounds, real)
  if (bound === undefined) {
    if (!state.options.mayLeave(rel)) return void state.skipped.push({rel, target: real, directory, reason: 'outside'})
    // Relative to the target's grandparent: its folder and name count (abscred -> ~/.aws/credentials is ".aws/credentials").
    bound = {real, base: path.dirname(path.dirname(real))}
    bounds = [...bounds, bound]
  }
  if (directory) {
    if (frame.chain.some((dir) => isWithin(dir, real))) return void state.skipped.push({rel, target: real, directory, reason: 'loop'})
    if (state.options.enter(rel)) await walkDir({dir: file, rel, real, chain: [...frame.chain, real], bounds, bound}, state)
  } else if (stats.isFile()) {
    state.files.push({rel, file, real, realRel: relative(bound, real), stats})
  }
}

function badName(entry: Dirent<Buffer>, rel: string, frame: Frame, state: State): void {
  const directory = entry.isDirectory()
  if (directory ? !state.options.enter(rel) : !entry.isFile() && !entry.isSymbolicLink()) return
  const shown = frame.rel === '' ? escapeBytes(entry.name) : `${frame.rel}/${escapeBytes(entry.name)}`
  state.badNames.push({rel, shown, directory})
}

const strict = new TextDecoder('utf-8', {fatal: true})
const loose = new TextDecoder('utf-8')

/** The name, or undefined when its bytes aren't valid UTF-8. */
function utf8(bytes: Buffer): string | undefined {
  try {
    return strict.decode(bytes)
  } catch {
    return undefined
  }
}

function lossy(bytes: Buffer): string {
  return loose.decode(bytes)
}

/** Valid UTF-8 as is, every other byte as \xNN. */
export function escapeBytes(bytes: Buffer): string {
  let shown = ''
  let at = 0
  while (at < bytes.length) {
    const length = [1, 2, 3, 4].find((n) => at + n <= bytes.length && utf8(bytes.subarray(at, at + n)) !== undefined)
    shown += length === undefined ? `\\x${bytes[at]!.toString(16).padStart(2, '0')}` : bytes.subarray(at, at + length).toString('utf8')
    at += length ?? 1
  }
  return shown
}

function innermost(bounds: readonly Bound[], real: string): Bound | undefined {
  return bounds.filter((bound) => isWithin(real, bound.real)).sort((a, b) => b.real.length - a.real.length)[0]
}

/** True when `child` is `parent` or inside it. */
export function isWithin(child: string, parent: string): boolean {
  const rel = path.relative(parent, child)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel))
}

function relative(bound: Bound, real: string): string {
  return path.relative(bound.base, real).split(path.sep).join('/')
}

function unreadable(dir: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error)
  return new UserError('DirectoryUnreadable', `Can't read ${displayPath(dir)} (${code}), so the files in it can't be packaged.`, {
    cause: error,
    hints: ['Make it readable (chmod), or leave it out with an "exclude" pattern.'],
  })
}

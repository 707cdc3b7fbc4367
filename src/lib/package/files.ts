import type {Stats} from 'node:fs'
import {stat} from 'node:fs/promises'
import path from 'node:path'
import picomatch from 'picomatch'
import {glob} from 'tinyglobby'

import {ExitCode, UserError} from '../errors.js'
import type {ZipEntry} from './zip.js'

/**
 * Files that usually hold secrets or local state. They never go into a zip unless an "include"
 * pattern names them explicitly (e.g. ".env.production" or "certs/*.pem", not "**").
 */
export const SENSITIVE_PATTERNS = [
  '.env', '.env.*', '.envrc', '.git', '.sling', '.npmrc', '.netrc', '.aws', '.ssh',
  '*.pem', '*.key', '*.p12', '*.pfx', 'id_rsa*', 'id_dsa*', 'id_ecdsa*', 'id_ed25519*',
] as const

const isSensitiveName = picomatch([...SENSITIVE_PATTERNS], {dot: true})
const STAT_CONCURRENCY = 64

export interface CollectOptions {
  /** The directory patterns are relative to; zip entry names are relative to it too. */
  readonly cwd: string
  /** @default ['**'] */
  readonly include?: readonly string[]
  readonly exclude?: readonly string[]
  /** Prepended to every entry name (e.g. "nodejs/node_modules/lodash/"). */
  readonly prefix?: string
  /** Absolute directories never collected (the build output directory). */
  readonly skipDirs?: readonly string[]
}

export interface CollectedFiles {
  readonly entries: ZipEntry[]
  /** Paths (relative to cwd) left out because they look like secrets or local state. */
  readonly sensitive: string[]
  /** "include" patterns that matched no file: most likely a typo or a path relative to the wrong directory. */
  readonly unmatched: string[]
}

/** Lists the files to zip under `cwd`, following symlinks, with their stats; content isn't read here. */
export async function collectFiles(options: CollectOptions): Promise<CollectedFiles> {
  const include = options.include && options.include.length > 0 ? options.include.map(slashes) : ['**']
  const ignore = [...(options.exclude ?? []).map(slashes), ...skipPatterns(options.cwd, options.skipDirs ?? [])]
  let found: string[]
  try {
    found = await glob([...include], {cwd: options.cwd, dot: true, onlyFiles: true, followSymbolicLinks: true, ignore})
  } catch (error) {
    throw new UserError('DirectoryUnreadable', `Can't list the files in ${options.cwd} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, {cause: error})
  }
  const unmatched = options.include && options.include.length > 0 ? unmatchedPatterns(include, found) : []
  const explicit = explicitSensitivePatterns(include)
  const sensitive: string[] = []
  const kept: string[] = []
  for (const file of found) {
    if (isSensitivePath(file) && !explicit(file)) sensitive.push(file)
    else kept.push(file)
  }
  const prefix = options.prefix ?? ''
  const entries = await mapLimit(kept, STAT_CONCURRENCY, async (file): Promise<ZipEntry | undefined> => {
    const full = path.join(options.cwd, file)
    const stats = await statFile(full)
    return stats?.isFile() ? {name: prefix + toPosix(file), file: full, stats} : undefined
  })
  return {entries: entries.filter((entry): entry is ZipEntry => entry !== undefined), sensitive: sensitive.sort(), unmatched}
}

/**
 * Globs take "/" only (a backslash escapes the next character), but a config written on Windows
 * may say "assets\*.txt" and mean a folder: read every backslash as a separator, on every platform.
 */
function slashes(pattern: string): string {
  return pattern.replaceAll('\\', '/')
}

/** Ignore patterns for the build output inside `cwd`; output that *is* `cwd` would zip earlier artifacts, so it is refused. */
function skipPatterns(cwd: string, skipDirs: readonly string[]): string[] {
  const patterns: string[] = []
  for (const dir of skipDirs) {
    const rel = path.relative(cwd, dir)
    if (rel === '') {
      throw new UserError('OutDirInSource', `The output directory ${dir} is the directory being zipped, so earlier artifacts would end up in the zip.`, {
        exitCode: ExitCode.Usage,
        hints: [`Pass --out-dir a directory outside ${cwd} (or inside it, e.g. "build"), or leave it out to use .sling/build.`],
      })
    }
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) patterns.push(`${toPosix(rel)}/**`)
  }
  return patterns
}

function unmatchedPatterns(patterns: readonly string[], found: readonly string[]): string[] {
  return patterns.filter((pattern) => {
    const matches = picomatch(pattern, {dot: true})
    return !found.some((file) => matches(file))
  })
}

/** True when a segment of the path is a secret-looking name. Files inside node_modules are published packages: only VCS/state dirs count there. */
export function isSensitivePath(file: string): boolean {
  const segments = toPosix(file).split('/')
  const inPackage = segments.includes('node_modules')
  return segments.some((segment) => (inPackage ? segment === '.git' || segment === '.sling' : isSensitiveName(segment)))
}

/** A matcher for paths that an include pattern names explicitly: one of its own segments is a sensitive name. */
function explicitSensitivePatterns(include: readonly string[]): (file: string) => boolean {
  const explicit = include.filter((pattern) => pattern.split('/').some((segment) => isSensitiveName(segment)))
  if (explicit.length === 0) return () => false
  return picomatch(explicit, {dot: true})
}

async function statFile(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined // a dangling symlink: nothing to package
    throw new UserError('FileUnreadable', `Can't read ${file} (${code ?? String(error)}).`, {cause: error})
  }
}

export function toPosix(file: string): string {
  return file.split(path.sep).join('/')
}

/**
 * Runs `task` over `items` with at most `limit` in flight, keeping the order of `items`. After a
 * failure no new task starts, and the first error is thrown once the running ones have settled
 * (so nothing is still writing when the caller reports it).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  const errors: unknown[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length && errors.length === 0) {
      const index = next++
      try {
        results[index] = await task(items[index] as T, index)
      } catch (error) {
        errors.push(error)
      }
    }
  }
  await Promise.all(Array.from({length: Math.max(1, Math.min(limit, items.length))}, worker))
  if (errors.length > 0) throw errors[0]
  return results
}

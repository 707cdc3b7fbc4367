import type {Stats} from 'node:fs'
import {realpath, stat} from 'node:fs/promises'
import path from 'node:path'
import picomatch from 'picomatch'

import {mapLimit} from '../async.js'
import {displayPath} from '../paths.js'
import {ExitCode, UserError} from '../errors.js'
import {explicitlyNamed, isSensitivePath} from './sensitive.js'
import type {SkippedLink, WalkedFile, WalkOptions} from './walk.js'
import {walk} from './walk.js'
import type {ZipEntry} from './zip.js'

const STAT_CONCURRENCY = 64
/**
 * A zip can't carry these faithfully: unzip tools read a backslash as a folder separator (yazl
 * even rewrites it to "/"), and control characters such as a newline break every tool that lists
 * the names. Such files are refused, never renamed or dropped.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this finds
const UNSUPPORTED_CHARACTERS = /[\\\u0000-\u001F\u007F]/g

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
  /** Paths (relative to cwd) left out because they, or what they link to, look like secrets or local state. */
  readonly sensitive: string[]
  /** "include" patterns that matched no file: most likely a typo or a path relative to the wrong directory. */
  readonly unmatched: string[]
  /** Symlinks not followed: out of cwd (unless "include" names them), looping back, or dangling. */
  readonly skippedLinks: SkippedLink[]
}

/**
 * Lists the files to zip under `cwd` with their stats; content isn't read here. Symlinks are
 * followed while they stay inside `cwd`; one leading out is followed only when an "include"
 * pattern names its path ("shared/**" for a link "shared"), never through "**".
 */
export async function collectFiles(options: CollectOptions): Promise<CollectedFiles> {
  const hasInclude = (options.include ?? []).length > 0
  const include = hasInclude ? (options.include ?? []).map(slashes) : ['**']
  const exclude = (options.exclude ?? []).map(slashes)
  checkOutDir(options.cwd, options.skipDirs ?? [])
  const isIncluded = picomatch(include, {dot: true})
  const isExcluded = exclude.length > 0 ? picomatch(exclude, {dot: true}) : () => false
  const walked = await walk({root: options.cwd, skip: await realDirs(options.skipDirs ?? []), ...walkFilters(include, isExcluded)})
  const explicit = explicitlyNamed(include)
  const prefix = options.prefix ?? ''
  const found: string[] = []
  const sensitive: string[] = []
  const unsupported: Unsupported[] = []
  const kept: WalkedFile[] = []
  for (const bad of walked.badNames) {
    const name = matchable(bad.rel)
    if (bad.directory || (isIncluded(name) && !isExcluded(name))) unsupported.push({shown: `"${bad.shown}"`, pattern: name.replaceAll('\uFFFD', '?')})
  }
  for (const file of walked.files) {
    const name = matchable(file.rel)
    if (!isIncluded(name) || isExcluded(name)) continue
    found.push(name)
    // Judged by its path and by where it really is (a link's target can be a secret); the node_modules
    // exemption holds only when the real file is inside a node_modules directory too.
    const installed = file.real.split(path.sep).includes('node_modules')
    // Naming a link in "include" vouches for the link's own name only: a secret it leads to
    // (abscred -> ~/.aws/credentials) stays out unless "include" names that file itself too.
    const real = matchable(file.realRel)
    if (real !== name) found.push(real) // an include pattern naming the secret file behind a link matches it
    const secret = (isSensitivePath(prefix + name, installed) && !explicit(name)) || (isSensitivePath(prefix + real, installed) && !explicit(real))
    if (secret) sensitive.push(file.rel)
    else if (name !== file.rel) unsupported.push({shown: JSON.stringify(file.rel), pattern: name})
    else kept.push(file)
  }
  if (unsupported.length > 0) throw unsupportedNames(options.cwd, unsupported.sort((a, b) => (a.shown < b.shown ? -1 : 1)))
  const entries = await mapLimit(kept, STAT_CONCURRENCY, async (file): Promise<ZipEntry | undefined> => {
    const stats = file.stats ?? (await statFile(file.file))
    return stats?.isFile() ? {name: prefix + file.rel, file: file.file, stats} : undefined
  })
  return {
    entries: entries.filter((entry): entry is ZipEntry => entry !== undefined).sort((a, b) => (a.name < b.name ? -1 : 1)),
    sensitive: sensitive.sort(),
    unmatched: hasInclude ? unmatchedPatterns(include, found) : [],
    skippedLinks: walked.skipped.sort((a, b) => (a.rel < b.rel ? -1 : 1)),
  }
}

/**
 * Which directories the walk enters: those an include pattern can match in (its static base, e.g.
 * "assets" for "assets/**", is above, at or below them) and that aren't excluded. Which links may
 * lead out of the source: those whose path an include pattern's static base names.
 */
function walkFilters(include: readonly string[], isExcluded: (name: string) => boolean): Pick<WalkOptions, 'enter' | 'mayLeave'> {
  const bases = include.map((pattern) => picomatch.scan(pattern).base)
  return {
    enter: (rel) => {
      const name = matchable(rel)
      return !isExcluded(name) && bases.some((base) => base === '' || base === name || base.startsWith(`${name}/`) || name.startsWith(`${base}/`))
    },
    mayLeave: (rel) => {
      const name = matchable(rel)
      return bases.some((base) => base === name || base.startsWith(`${name}/`))
    },
  }
}

/**
 * Globs take "/" only (a backslash escapes the next character), but a config written on Windows
 * may say "assets\*.txt" and mean a folder: read every backslash as a separator, on every platform.
 */
function slashes(pattern: string): string {
  return pattern.replaceAll('\\', '/')
}

/** The name patterns are matched against: picomatch's "**" never matches a newline, so odd characters become "?" (and are refused later). */
function matchable(rel: string): string {
  return rel.replace(UNSUPPORTED_CHARACTERS, '?')
}

/** A name a zip can't carry: how to show it (quoted, escaped) and an "exclude" pattern that leaves it out. */
interface Unsupported {
  readonly shown: string
  readonly pattern: string
}

function unsupportedNames(cwd: string, names: readonly Unsupported[]): UserError {
  const shown = names.slice(0, 5).map((name) => name.shown).join(', ') + (names.length > 5 ? `, and ${names.length - 5} more` : '')
  return new UserError('UnsupportedFileName', `Can't package ${shown} from ${displayPath(cwd)}: a zip entry name can't hold a backslash (unzip reads it as a folder separator), a control character such as a newline, or bytes that aren't UTF-8 (Lambda reads entry names as UTF-8).`, {
    hints: [`Rename the file, or leave it out with an "exclude" pattern, e.g. "${names[0]?.pattern ?? ''}" (each "?" stands for one odd character).`],
  })
}

/** Output that *is* `cwd` would zip earlier artifacts, so it is refused (output inside `cwd` is skipped). */
function checkOutDir(cwd: string, skipDirs: readonly string[]): void {
  for (const dir of skipDirs) {
    if (path.relative(cwd, dir) !== '') continue
    throw new UserError('OutDirInSource', `The output directory ${dir} is the directory being zipped, so earlier artifacts would end up in the zip.`, {
      exitCode: ExitCode.Usage,
      hints: [`Pass --out-dir a directory outside ${cwd} (or inside it, e.g. "build"), or leave it out to use .sling/build.`],
    })
  }
}

/** Real paths of `dirs` (an output directory that doesn't exist yet is taken as is). */
function realDirs(dirs: readonly string[]): Promise<string[]> {
  return Promise.all(dirs.map((dir) => realpath(dir).catch(() => path.resolve(dir))))
}

function unmatchedPatterns(patterns: readonly string[], found: readonly string[]): string[] {
  return patterns.filter((pattern) => {
    const matches = picomatch(pattern, {dot: true})
    return !found.some((file) => matches(file))
  })
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

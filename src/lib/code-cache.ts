/**
 * Loads a CommonJS bundle of dist/vendor, or esbuild's API, with V8's code cache (README "Performance"): the
 * bytecode V8 compiled for it on an earlier run, kept on disk, instead of parsing and compiling it again.
 * @oclif/core's bundle is 350 KB that every command runs: compiling it, and the functions it calls, cost ~18 ms
 * of each start.
 *
 * Node.js 22.1+ has this built in (module.enableCompileCache, which bin/run.js turns on), but not Node.js 20,
 * and v8-compile-cache (the package that did it for require()) breaks a bundle's dynamic import(), which oclif
 * uses to load commands: vm.Script has no loader for it without an experimental flag. So the bundle is
 * compiled here, with vm.Script and cachedData, its import() calls rewritten at build time
 * (scripts/bundle-vendor.js) to call `__dynamicImport`, which this module supplies.
 *
 * The cache is written once, after the first run that used the bundle (so it holds the functions that run
 * called as well), to $XDG_CACHE_HOME/sling/code-cache (~/.cache/sling/code-cache; %LOCALAPPDATA%\sling\code-cache
 * on Windows). V8 checks only that cached data fits the source's length, its own version and its flags, and runs
 * what it finds, so:
 * - a cache's name carries what identifies its source: the bundle's content hash (computed at build time) and
 *   the file's size and mtime (or esbuild's version, size, mtime and inode), the Node.js version and the
 *   architecture; V8 rejects data from another V8 or other flags, and the bundle then compiles as if there were
 *   no cache, and the cache is rewritten;
 * - on POSIX systems the cache is used only in directories that are the user's own and that no one else can
 *   write to, and from files likewise (a planted file would run as the user); anything else: no cache.
 * SLING_CODE_CACHE=false turns it off. Any failure to read or write it only costs the time it would have saved.
 */
import type {Stats} from 'node:fs'
import {lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import vm from 'node:vm'

type DynamicImport = (specifier: string) => Promise<unknown>
type Wrapper = (exports: object, require: NodeJS.Require, module: {exports: object}, filename: string, dirname: string, dynamicImport: DynamicImport) => void

/** The dynamic import() of the bundle, made from this ES module (the bundle's calls pass absolute URLs, and no options). */
const dynamicImport: DynamicImport = (specifier) => import(specifier)

/** Caches of other builds or Node.js versions kept beside the current one (a global and a local sling, nvm). */
const KEEP_OTHERS = 3
/** A temporary file this old was left by a process that died while writing. */
const STALE_TEMP_MS = 60 * 60 * 1000

/** The directory sling's code cache lives in, or undefined when it is turned off. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  if (/^(0|false|no|off)$/i.test(env.SLING_CODE_CACHE ?? '')) return undefined
  if (platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local'), 'sling', 'code-cache')
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache')
  return path.join(base, 'sling', 'code-cache')
}

/**
 * Whether `stats` (from lstat) is safe to take code from: the user's own, a directory or file as expected (not a
 * link), and writable by no one else. Always true where there are no POSIX owners (Windows: the per-user
 * LOCALAPPDATA).
 */
export function trusted(stats: Stats, kind: 'directory' | 'file', uid: number | null = process.getuid?.() ?? null): boolean {
  if (uid === null) return true
  const isKind = kind === 'directory' ? stats.isDirectory() : stats.isFile()
  return isKind && stats.uid === uid && (stats.mode & 0o022) === 0
}

/** The code cache's directory when it exists and is trusted (with its parent), undefined when it doesn't exist; false when it must not be used. */
function trustedDir(dir: string): boolean | undefined {
  try {
    if (!trusted(lstatSync(path.dirname(dir)), 'directory')) return false
  } catch {
    return undefined // neither exists yet: they will be created, privately
  }
  try {
    return trusted(lstatSync(dir), 'directory')
  } catch {
    return undefined
  }
}

/**
 * Runs the CommonJS bundle `file` (a URL or path) as require() would, and returns its exports. `key` identifies
 * its source (with the file's size and mtime, added here) in the cache's name, which starts with `name` (by
 * default the file's).
 */
export function loadWithCodeCache(file: string, key: string, name?: string): Record<string, unknown> {
  const filename = file.startsWith('file:') ? fileURLToPath(file) : file
  return run(filename, readFileSync(filename, 'utf8'), key, name)
}

/** Runs `source`, read from `filename` (whose `stats` the caller may have already), with the code cache. */
function run(filename: string, source: string, key: string, name: string | undefined, stats?: Stats): Record<string, unknown> {
  const cache = cacheFileFor(filename, key, name, stats)
  let cachedData: Buffer | undefined
  if (cache?.trusted) {
    try {
      const stats = lstatSync(cache.file)
      if (trusted(stats, 'file')) cachedData = readFileSync(cache.file)
    } catch {
      // No cache yet (or unreadable): compile.
    }
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __dynamicImport) {${source}\n})`, {filename, cachedData})
  const wrapper = script.runInThisContext() as Wrapper
  const module = {exports: {}}
  wrapper.call(module.exports, module.exports, createRequire(filename), module, filename, path.dirname(filename), dynamicImport)
  if (cache !== undefined && cache.trusted !== false && (cachedData === undefined || script.cachedDataRejected === true)) {
    // At exit, so that the cache holds the bytecode of what this run called too (V8 compiles functions lazily).
    process.once('exit', () => writeCache(script, cache.file, cache.prefix))
  }
  return module.exports
}

function cacheFileFor(filename: string, key: string, name: string | undefined, stats?: Stats): {file: string; prefix: string; trusted: boolean | undefined} | undefined {
  const dir = codeCacheDir()
  if (dir === undefined) return undefined
  const {size, mtimeMs} = stats ?? statSync(filename)
  const prefix = `${name ?? path.basename(filename)}-`
  const file = path.join(dir, `${prefix}${key}.${size.toString(36)}.${Math.trunc(mtimeMs).toString(36)}-${process.version}-${process.arch}.bin`)
  return {file, prefix, trusted: trustedDir(dir)}
}

/**
 * An installed CommonJS package's entry with the code cache (esbuild's API: 97 KB, compiled by every build),
 * keyed by the package's version and the file's inode. Loaded by require() instead when it has an import() this
 * module can't serve.
 */
export function loadInstalledWithCodeCache(file: string, name: string): Record<string, unknown> {
  const source = readFileSync(file, 'utf8')
  if (source.includes('import(')) return createRequire(file)(file) as Record<string, unknown>
  let version = 'unknown'
  try {
    version = (JSON.parse(readFileSync(path.join(path.dirname(file), '..', 'package.json'), 'utf8')) as {version?: string}).version ?? version
  } catch {
    // Not beside its package.json: the file's inode, size and mtime still name it.
  }
  const stats = statSync(file)
  return run(file, source, `${version}.${stats.ino.toString(36)}`, name, stats)
}

function writeCache(script: vm.Script, cacheFile: string, prefix: string): void {
  try {
    const dir = path.dirname(cacheFile)
    mkdirSync(dir, {recursive: true, mode: 0o700})
    if (trustedDir(dir) !== true) return
    pruneSiblings(dir, cacheFile, prefix)
    const temp = `${cacheFile}.${process.pid}.tmp`
    writeFileSync(temp, script.createCachedData(), {mode: 0o600})
    renameSync(temp, cacheFile) // another sling may be writing the same: each rename is whole
  } catch {
    // A read-only or full disk: start-up stays as it was.
  }
}

/** Keeps the newest KEEP_OTHERS caches of the same bundle beside the one being written; removes stale temporary files. */
function pruneSiblings(dir: string, cacheFile: string, prefix: string): void {
  const now = Date.now()
  const others: {file: string; mtimeMs: number}[] = []
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name)
    if (!name.startsWith(prefix) || file === cacheFile) continue
    const {mtimeMs} = statSync(file)
    if (name.endsWith('.tmp')) {
      if (now - mtimeMs > STALE_TEMP_MS) rmSync(file, {force: true})
    } else {
      others.push({file, mtimeMs})
    }
  }
  for (const {file} of others.sort((a, b) => b.mtimeMs - a.mtimeMs).slice(KEEP_OTHERS)) rmSync(file, {force: true})
}

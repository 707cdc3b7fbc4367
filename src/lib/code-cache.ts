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
 * calls as well), to $XDG_CACHE_HOME/sling (~/.cache/sling), private to the user. Its name carries the bundle's
 * content hash (computed at build time) and the Node.js version and architecture; V8 rejects data from another
 * V8 or with other flags, and the bundle then compiles as if there were no cache, and the cache is rewritten.
 * SLING_CODE_CACHE=false turns it off. Any failure to read or write it only costs the time it would have saved.
 */
import {mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import vm from 'node:vm'

type Wrapper = (exports: object, require: NodeJS.Require, module: {exports: object}, filename: string, dirname: string, dynamicImport: (specifier: string) => Promise<unknown>) => void

/** The dynamic import() of the bundle, made from this ES module: resolves what the bundle would. */
const dynamicImport = (specifier: string): Promise<unknown> => import(specifier)

/** The directory sling's code cache lives in, or undefined when it is turned off. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (/^(0|false|no|off)$/i.test(env.SLING_CODE_CACHE ?? '')) return undefined
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache')
  return path.join(base, 'sling', 'code-cache')
}

/**
 * Runs the CommonJS bundle `file` (a URL or path) as require() would, and returns its exports. `hash` is the
 * bundle's content hash, which names its cache, with `name` (by default the file's).
 */
export function loadWithCodeCache(file: string, hash: string, name?: string): Record<string, unknown> {
  const filename = file.startsWith('file:') ? fileURLToPath(file) : file
  const source = readFileSync(filename, 'utf8')
  const dir = codeCacheDir()
  const prefix = `${name ?? path.basename(filename)}-`
  const cacheFile = dir === undefined ? undefined : path.join(dir, `${prefix}${hash}-${process.version}-${process.arch}.bin`)
  let cachedData: Buffer | undefined
  try {
    if (cacheFile !== undefined) cachedData = readFileSync(cacheFile)
  } catch {
    // No cache yet (or unreadable): compile.
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __dynamicImport) {${source}\n})`, {filename, cachedData})
  const wrapper = script.runInThisContext() as Wrapper
  const module = {exports: {}}
  wrapper.call(module.exports, module.exports, createRequire(filename), module, filename, path.dirname(filename), dynamicImport)
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    // At exit, so that the cache holds the bytecode of what this run called too (V8 compiles functions lazily).
    process.once('exit', () => writeCache(script, cacheFile, prefix))
  }
  return module.exports
}

/**
 * An installed CommonJS package's entry (esbuild's API: 97 KB, compiled by every build) with the code cache, named
 * by the file's size, mtime and inode: an npm install that replaces it changes them.
 */
export function loadInstalledWithCodeCache(file: string, name: string): Record<string, unknown> {
  const {size, mtimeMs, ino} = statSync(file)
  return loadWithCodeCache(file, `${size.toString(36)}.${Math.trunc(mtimeMs).toString(36)}.${ino.toString(36)}`, name)
}

function writeCache(script: vm.Script, cacheFile: string, prefix: string): void {
  try {
    const dir = path.dirname(cacheFile)
    mkdirSync(dir, {recursive: true, mode: 0o700})
    // Caches of the bundle's earlier builds, or of another Node.js version, are only clutter now.
    for (const name of readdirSync(dir)) if (name.startsWith(prefix) && name !== path.basename(cacheFile)) rmSync(path.join(dir, name), {force: true})
    const temp = `${cacheFile}.${process.pid}.tmp`
    writeFileSync(temp, script.createCachedData(), {mode: 0o600})
    renameSync(temp, cacheFile) // another sling may be writing the same: each rename is whole
  } catch {
    // A read-only or full disk: start-up stays as it was.
  }
}

// esbuild is loaded when something is bundled: a build whose functions all come from the cache never needs it.
import type * as Esbuild from 'esbuild'
import type {BuildFailure, BuildOptions, Message, Metafile} from 'esbuild'
import {access} from 'node:fs/promises'
import {createRequire} from 'node:module'
import path from 'node:path'

import type {Runtime} from '../config/schema.js'
import {UserError} from '../errors.js'
import {toPosix} from '../paths.js'
import {preloadZipWriter} from './zip.js'
import {loadInstalledWithCodeCache} from '../code-cache.js'

/**
 * ESM bundles have no `require`, but CommonJS dependencies bundled into them often call
 * `require("node:fs")`; esbuild's shim throws "Dynamic require of fs is not supported" without one.
 */
export const CREATE_REQUIRE_BANNER = "import {createRequire as __slingCreateRequire} from 'node:module';const require = __slingCreateRequire(import.meta.url);"

/**
 * esbuild's JavaScript API is CommonJS: required, not imported (import() takes ~60 ms more: Node.js scans a
 * CommonJS module imported from ESM for its export names), and with V8's code cache (README "Performance").
 */
export function loadEsbuild(): typeof Esbuild {
  esbuild ??= loadInstalledWithCodeCache(createRequire(import.meta.url).resolve('esbuild'), 'esbuild') as unknown as typeof Esbuild
  return esbuild
}

let esbuild: typeof Esbuild | undefined

export interface BundleOptions {
  /** Absolute path of the entry file. */
  readonly entry: string
  /** The directory esbuild resolves from and reports paths relative to (the project dir). */
  readonly workingDir: string
  readonly runtime: Runtime
  readonly format: 'cjs' | 'esm'
  readonly minify: boolean
  readonly sourcemap: boolean | 'inline' | 'external'
  readonly external: readonly string[]
  /** Bundle @aws-sdk/* instead of using the copy the Node.js runtime provides. @default false */
  readonly bundleAwsSdk: boolean
}

export interface BundleOutput {
  /** The files to zip: index.mjs (or index.js) and its source map. */
  readonly files: readonly {readonly name: string; readonly data: Buffer}[]
  /** The file Lambda loads, without extension: "index". */
  readonly module: string
  /** Names the bundle exports, or undefined when they can't be known without running it (a CommonJS entry bundled as CommonJS). */
  readonly exports: readonly string[] | undefined
  readonly metafile: Metafile
}

/** The esbuild settings sling uses for a function; the benchmark's floor uses the same ones. */
export function esbuildOptions(options: BundleOptions): BuildOptions & {metafile: true; write: false} {
  const esm = options.format === 'esm'
  return {
    entryPoints: [{in: options.entry, out: 'index'}],
    outdir: path.join(options.workingDir, '.sling', 'bundle'),
    absWorkingDir: options.workingDir,
    bundle: true,
    platform: 'node',
    target: nodeTarget(options.runtime),
    format: options.format,
    outExtension: esm ? {'.js': '.mjs'} : {},
    // Prefer packages' ESM builds when emitting ESM: they tree-shake (lodash-es, date-fns).
    mainFields: esm ? ['module', 'main'] : ['main', 'module'],
    banner: esm ? {js: CREATE_REQUIRE_BANNER} : {},
    minify: options.minify,
    sourcemap: options.sourcemap === true ? 'linked' : options.sourcemap,
    treeShaking: true,
    external: [...options.external, ...(options.bundleAwsSdk ? [] : ['@aws-sdk/*'])],
    metafile: true,
    write: false,
    logLevel: 'silent',
  }
}

/** "nodejs24.x" → "node24", the syntax level esbuild may emit for that runtime. */
export function nodeTarget(runtime: Runtime): string {
  const match = /^nodejs(\d+)\.x$/.exec(runtime)
  if (!match) {
    throw new UserError('BundleUnsupported', `Bundling needs a Node.js runtime; "${runtime}" isn't one.`, {
      hints: ['Set "bundle": false and "source" to the directory to zip as is.'],
    })
  }
  return `node${match[1]}`
}

/** Bundles one function with esbuild, in memory. Errors carry esbuild's file:line:column. */
export async function bundleFunction(options: BundleOptions): Promise<BundleOutput> {
  await access(options.entry).catch((error: unknown) => {
    throw new UserError('EntryNotFound', `The entry file ${relative(options)} doesn't exist.`, {
      cause: error,
      hints: ['Check "entry" in sling.config.json (it is relative to the config file).'],
    })
  })
  const {build} = loadEsbuild()
  let result
  try {
    const building = build(esbuildOptions(options))
    preloadZipWriter() // the zip comes next
    result = await building
  } catch (error) {
    throw bundleError(error, options)
  }
  const files = (result.outputFiles ?? []).map((file) => ({name: path.basename(file.path), data: Buffer.from(file.contents)}))
  const main = Object.values(result.metafile.outputs).find((output) => output.entryPoint !== undefined)
  const module = 'index'
  // esbuild's metafile lists the exports of ESM output only; a CommonJS bundle needs a probe.
  const exports = options.format === 'esm' ? (main?.exports ?? []) : await entryExports(options.entry, options.workingDir, options.runtime)
  return {files, module, exports, metafile: result.metafile}
}

/**
 * The names `entry` exports as an ES module, following its local re-exports with packages left
 * external (a quick pass: nothing runs). Undefined for a CommonJS entry: it assigns
 * module.exports at run time, so its exports aren't knowable without running it.
 */
export async function entryExports(entry: string, workingDir: string, runtime: Runtime): Promise<string[] | undefined> {
  const {build} = loadEsbuild()
  const probe = await build({
    entryPoints: [{in: entry, out: 'index'}],
    outdir: path.join(workingDir, '.sling', 'probe'),
    absWorkingDir: workingDir,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: nodeTarget(runtime),
    format: 'esm',
    metafile: true,
    write: false,
    logLevel: 'silent',
  })
  if (probe.metafile.inputs[toPosix(path.relative(workingDir, entry))]?.format === 'cjs') return undefined
  return Object.values(probe.metafile.outputs).find((output) => output.entryPoint !== undefined)?.exports ?? []
}

function bundleError(error: unknown, options: BundleOptions): unknown {
  const failure = error as Partial<BuildFailure>
  if (!Array.isArray(failure.errors) || failure.errors.length === 0) return error
  const messages = failure.errors.slice(0, 5).map(formatMessage)
  const unresolved = failure.errors.some((message) => message.text.startsWith('Could not resolve'))
  return new UserError('BundleFailed', `esbuild couldn't bundle ${relative(options)}:\n${messages.join('\n')}`, {
    cause: error,
    hints: unresolved
      ? ['Install the missing package (npm install NAME), or add it to "external" if the runtime or a layer provides it.']
      : ['Fix the error above, then run "sling package" again.'],
  })
}

/** esbuild's own position format (line 1-based, column 0-based, as its terminal output shows). */
export function formatMessage(message: Message): string {
  const location = message.location
  if (!location) return `  ${message.text}`
  return `  ${location.file}:${location.line}:${location.column}: ${message.text}\n      ${location.lineText.trim()}`
}

function relative(options: BundleOptions): string {
  return toPosix(path.relative(options.workingDir, options.entry)) || options.entry
}

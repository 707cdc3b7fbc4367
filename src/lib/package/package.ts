import os from 'node:os'
import path from 'node:path'

import type {FunctionConfig, LayerConfig, ProjectConfig} from '../config/load.js'
import {displayPath} from '../paths.js'
import {ExitCode, UserError} from '../errors.js'
import type {Output} from '../output.js'
import {bundleModules} from './analyze.js'
import {bundleFunction, entryExports} from './bundle.js'
import {mapLimit} from '../async.js'
import type {CacheRecord, DirSnapshot, FileClock} from './cache.js'
import {cacheKey, createOutDir, fingerprint, inputsUnchanged, measureFileClock, readBuildCache, resolutionDirs, toolVersions, writeBuildCache} from './cache.js'
import {toPosix} from '../paths.js'
import type {CollectedFiles} from './files.js'
import {collectFiles} from './files.js'
import {collectLayerFiles} from './layer.js'
import {reportLeftOut} from './left-out.js'
import type {Contributor, LimitReport} from './limits.js'
import {checkConfigLimits, checkUnzipped, groupByPackage, limitReport, zippedWarning} from './limits.js'
import type {BuildManifest, ManifestFunction, ManifestLayer} from './manifest.js'
import {MANIFEST_FILE, readManifest} from './manifest.js'
import {removeStaleTemps, Staging, tempName} from './staging.js'
import type {ZipEntry} from './zip.js'
import {entrySize} from './zip.js'

export const DEFAULT_OUT_DIR = path.join('.sling', 'build')

export interface PackageOptions {
  readonly config: ProjectConfig
  /** Function keys to package. @default every function (unless only `layers` are named) */
  readonly functions?: readonly string[]
  /** Layer keys to package; layers the packaged functions use are always built. */
  readonly layers?: readonly string[]
  /** Where zips and manifest.json go. @default "<project>/.sling/build" */
  readonly outDir?: string
  /** Show the largest modules of each bundle. @default false */
  readonly analyze?: boolean
  /** Functions packaged at once. @default the number of CPUs, 2 to 8 */
  readonly concurrency?: number
  /** Reuse the artifact of a function whose inputs haven't changed since the last build (cache.ts). @default true */
  readonly useCache?: boolean
}

export interface PackageDeps {
  readonly output: Output
  /** Aborts the build (Ctrl-C: the command passes its Interrupts' signal). @default never aborted */
  readonly signal?: AbortSignal
  /** Registers a cleanup run before the process exits on Ctrl-C (the command's Interrupts). @default none is run */
  readonly onInterrupt?: (cleanup: () => Promise<void>) => () => void
  /** Called at each step of writing and committing the build; tests interrupt or inspect there. */
  readonly checkpoint?: (step: string) => void | Promise<void>
}

interface ArtifactBase {
  readonly key: string
  readonly name: string
  /** Absolute path of the zip. */
  readonly artifact: string
  /** SHA-256 of the zip, base64, exactly as Lambda reports CodeSha256. */
  readonly codeSha256: string
  readonly zippedSize: number
  readonly unzippedSize: number
  /** Files left out because they look like secrets or local state (.env, *.pem, .git…). */
  readonly excludedSensitive: readonly string[]
}

export interface LayerArtifact extends ArtifactBase {
  readonly source: 'directory' | 'node_modules' | 'npm-install'
  /** Largest packages (or files), unzipped. */
  readonly largest: readonly Contributor[]
}

export interface FunctionArtifact extends ArtifactBase {
  /** The Lambda handler string, e.g. "index.handler". */
  readonly handler: string
  readonly runtime: string
  readonly architecture: string
  readonly bundled: boolean
  /** True when the zip of the last build was reused: nothing it is built from has changed. */
  readonly cached: boolean
  /** Layer keys and ARNs the function uses, in order. */
  readonly layers: readonly string[]
  /** Unzipped function plus the layers sling built (ARN layers can't be measured here). */
  readonly totalUnzippedSize: number
  readonly limits: LimitReport
  /** Largest modules of the bundle (or files), by bytes in the output. */
  readonly largest: readonly Contributor[]
}

export interface PackageResult {
  readonly status: 'packaged'
  readonly outDir: string
  readonly manifest: string
  readonly functions: readonly FunctionArtifact[]
  readonly layers: readonly LayerArtifact[]
  readonly warnings: readonly string[]
}

/**
 * Builds the zips of the chosen functions and layers, checks Lambda's limits, and commits them with
 * the manifest all or nothing (see staging.ts): an interrupted run leaves the previous build as it
 * was. A function or layer that fails is dropped from the manifest, so deploy can't pick up stale code.
 */
export async function packageFunctions(options: PackageOptions, deps: PackageDeps): Promise<PackageResult> {
  const {config} = options
  const {output} = deps
  const outDir = path.resolve(config.dir, options.outDir ?? DEFAULT_OUT_DIR)
  const {functions, layers} = select(config, options.functions ?? [], options.layers ?? [])
  const concurrency = options.concurrency ?? Math.min(8, Math.max(2, os.availableParallelism()))
  const warnings: string[] = []
  const warn = (message: string): void => {
    warnings.push(message)
    output.warn(message)
  }
  const removed = await removeStaleTemps(outDir)
  if (removed.length > 0) output.debug(`Removed temporary files of interrupted runs: ${removed.join(', ')}`)
  const signal = deps.signal ?? new AbortController().signal
  const staging = new Staging({outDir, signal, onInterrupt: deps.onInterrupt ?? (() => () => undefined), checkpoint: deps.checkpoint})
  const manifestLayers: Record<string, ManifestLayer | undefined> = {}
  const manifestFunctions: Record<string, ManifestFunction | undefined> = {}
  const ownChange = await createOutDir(outDir)
  const useCache = options.useCache ?? true
  const [cache, manifest] = useCache ? await Promise.all([readBuildCache(outDir), readManifest(outDir)]) : [{}, undefined]
  const cacheUpdates: Record<string, CacheRecord | undefined> = {}
  // Measured once, when the first function is built (a build served from the cache needs no fingerprint).
  let clock: Promise<FileClock> | undefined
  const fileClock = async (): Promise<FileClock> => (clock ??= measureFileClock(tempName(path.join(outDir, 'clock'))))
  const context: Context = {config, outDir, output, warn, analyze: options.analyze ?? false, staging, cache, manifest, cacheUpdates, tools: toolVersions(), ownChange, fileClock}
  let built
  try {
    built = await output.spin(`Packaging ${describeCount(functions.length, 'function')}${layers.length > 0 ? ` and ${describeCount(layers.length, 'layer')}` : ''}`, async () => {
      const builtLayers = await mapLimit(layers, concurrency, (layer) => track(manifestLayers, layer.key, () => packageLayer(layer, context), (a) => layerManifest(a, layer, outDir)))
      const sizes = new Map(builtLayers.map((layer) => [layer.key, layer.unzippedSize]))
      const fns = await mapLimit(functions, concurrency, (fn) => track(manifestFunctions, fn.key, () => packageFunction(fn, sizes, context), (a) => functionManifest(a, outDir)))
      return {layers: builtLayers, functions: fns}
    })
  } catch (error) {
    if (signal.aborted) await staging.discard()
    else {
      await staging.commit({functions: manifestFunctions, layers: manifestLayers}).catch((commitError: unknown) => output.debug(`The artifacts that did build weren't committed: ${String(commitError)}`))
      await writeBuildCache(outDir, cacheUpdates).catch(() => undefined)
    }
    throw error
  }
  await staging.commit({functions: manifestFunctions, layers: manifestLayers})
  // After the commit: a record never names a zip that isn't in place. A failed write only costs a rebuild.
  await writeBuildCache(outDir, cacheUpdates).catch((error: unknown) => output.debug(`The build cache wasn't updated: ${String(error)}`))
  return {status: 'packaged', outDir, manifest: path.join(outDir, MANIFEST_FILE), functions: built.functions, layers: built.layers, warnings}
}

interface Context {
  readonly config: ProjectConfig
  readonly outDir: string
  readonly output: Output
  readonly warn: (message: string) => void
  readonly analyze: boolean
  readonly staging: Staging
  /** The last builds' records (empty with --no-cache) and manifest (undefined with --no-cache). */
  readonly cache: Readonly<Record<string, CacheRecord>>
  readonly manifest: BuildManifest | undefined
  /** Records to write once the build is committed; undefined removes one. */
  readonly cacheUpdates: Record<string, CacheRecord | undefined>
  readonly tools: unknown
  /** The directory that creating the output directory changed, if this run created it. */
  readonly ownChange: DirSnapshot | undefined
  /** How the output's file system stamps times (measureFileClock). */
  readonly fileClock: () => Promise<FileClock>
}

/** Records a built artifact for the manifest; a failed one is recorded as removed, so deploy can't pick up its stale code. */
async function track<A extends ArtifactBase, M>(manifest: Record<string, M | undefined>, key: string, build: () => Promise<A>, toManifest: (artifact: A) => M): Promise<A> {
  try {
    const artifact = await build()
    manifest[key] = toManifest(artifact)
    return artifact
  } catch (error) {
    manifest[key] = undefined
    throw error
  }
}

function select(config: ProjectConfig, fnKeys: readonly string[], layerKeys: readonly string[]): {functions: FunctionConfig[]; layers: LayerConfig[]} {
  const find = <T extends {key: string}>(kind: string, all: readonly T[], key: string): T => {
    const found = all.find((item) => item.key === key)
    if (found) return found
    throw new UserError(kind === 'function' ? 'FunctionNotInConfig' : 'LayerNotInConfig', `${displayPath(config.file)} declares no ${kind} "${key}".`, {
      exitCode: ExitCode.Usage,
      hints: [all.length > 0 ? `Declared: ${all.map((item) => item.key).join(', ')}.` : `Declare it under "${kind === 'function' ? 'functions' : 'layers'}".`],
    })
  }
  // Container image functions have nothing to package: sling deploys their image as it is.
  const zipFunctions = config.functions.filter((fn) => fn.image === undefined)
  const functions = fnKeys.length === 0 && layerKeys.length > 0 ? [] : fnKeys.length === 0 ? zipFunctions : [...new Set(fnKeys)].map((key) => find('function', config.functions, key))
  const image = functions.find((fn) => fn.image !== undefined)
  if (image) {
    throw new UserError('NothingToPackage', `Function ${image.key} is a container image (${image.image ?? ''}): sling deploys images as they are and doesn't build them.`, {
      exitCode: ExitCode.Usage,
      hints: ['Build and push the image with docker, then run "sling deploy".'],
    })
  }
  const wanted = new Set(layerKeys.map((key) => find('layer', config.layers, key).key))
  if (fnKeys.length === 0 && layerKeys.length === 0) for (const layer of config.layers) wanted.add(layer.key)
  for (const fn of functions) for (const ref of fn.layers) if (!ref.startsWith('arn:')) wanted.add(ref)
  return {functions, layers: config.layers.filter((layer) => wanted.has(layer.key))}
}

async function packageLayer(layer: LayerConfig, context: Context): Promise<LayerArtifact> {
  const files = await collectLayerFiles(layer, context.outDir, (line) => context.output.debug(line))
  try {
    reportLeftOut(`layer ${layer.key}`, layer.directory ?? path.dirname(layer.packageJson ?? ''), files, context)
    if (files.source === 'directory' && !files.entries.some((e) => /^(nodejs|python|ruby|java|bin|lib|etc)\//.test(e.name))) {
      context.warn(`Layer ${layer.key}: ${displayPath(layer.directory ?? '')} has no nodejs/, python/, bin/ or lib/ folder at its top; Lambda extracts layers to /opt, and Node.js looks for modules in /opt/nodejs/node_modules.`)
    }
    const unzipped = files.entries.reduce((sum, entry) => sum + entrySize(entry), 0)
    const largest = [...files.packages].sort((a, b) => b.bytes - a.bytes).slice(0, 20)
    checkUnzipped(`Layer ${layer.key}`, unzipped, [], largest)
    const zip = await context.staging.write('layers', layer.key, files.entries)
    const warning = zippedWarning(`Layer ${layer.key}`, zip.zippedSize, largest)
    if (warning) context.warn(warning)
    context.output.debug(`Layer ${layer.key}: ${zip.entries} files from ${files.source}, sha256 ${zip.sha256}`)
    return {key: layer.key, name: layer.name, artifact: zip.artifact, codeSha256: zip.sha256, zippedSize: zip.zippedSize, unzippedSize: zip.unzippedSize, excludedSensitive: files.sensitive, source: files.source, largest}
  } finally {
    await files.cleanup()
  }
}

async function packageFunction(fn: FunctionConfig, layerSizes: ReadonlyMap<string, number>, context: Context): Promise<FunctionArtifact> {
  const where = `Function ${fn.key}`
  checkConfigLimits(where, fn.layers.length, fn.environment)
  const layers = fn.layers.filter((ref) => layerSizes.has(ref)).map((ref) => ({name: ref, bytes: layerSizes.get(ref) ?? 0}))
  if (fn.layers.some((ref) => ref.startsWith('arn:'))) context.output.debug(`${where}: layers given by ARN aren't counted in the 250 MB check (their size is only known to Lambda).`)
  context.cacheUpdates[fn.key] = undefined // until this build has a record of its own
  const startedAt = Date.now()
  const collected = await collectCode(fn, context)
  const key = cacheKey({tools: context.tools, dir: context.config.dir, outDir: context.outDir, fn, files: collected.entries.map((e) => ('file' in e ? [e.name, e.file, e.stats.mode & 0o111] : [e.name]))})
  const reused = await reuseArtifact(fn, key, context)
  if (reused) {
    context.cacheUpdates[fn.key] = reused.record
    return artifactOf(fn, reused.zip, reused.record.artifact, layers, collected.sensitive, true, context)
  }
  const code = fn.bundle ? await bundledCode(fn, collected, context) : await directoryCode(fn, collected, context)
  const unzipped = code.entries.reduce((sum, entry) => sum + entrySize(entry), 0)
  checkUnzipped(where, unzipped, layers, code.contributors)
  const zip = await context.staging.write('functions', fn.key, code.entries)
  const facts = {relative: zip.relative, sha256Hex: zip.sha256Hex, zippedSize: zip.zippedSize, unzippedSize: zip.unzippedSize, entries: zip.entries, handler: code.handler, largest: code.contributors.slice(0, 20)}
  const inputs = await fingerprint(code.inputs, fn.bundle ? resolutionDirs(code.inputs, context.config.dir) : [], startedAt, context.ownChange, await context.fileClock())
  if (inputs) context.cacheUpdates[fn.key] = {key, ...inputs, artifact: facts}
  else context.output.debug(`${where}: an input changed while it was built (or can't be read), so the next build won't reuse this one.`)
  return artifactOf(fn, zip, facts, layers, collected.sensitive, false, context)
}

/** The zip of the last build, staged again, when nothing it was built from has changed. */
async function reuseArtifact(fn: FunctionConfig, key: string, context: Context): Promise<{zip: {artifact: string; sha256: string}; record: CacheRecord} | undefined> {
  const record = context.cache[fn.key]
  const committed = context.manifest?.functions[fn.key]
  if (!record || record.key !== key || committed?.artifact !== record.artifact.relative) return undefined
  if (Buffer.from(committed.codeSha256, 'base64').toString('hex') !== record.artifact.sha256Hex || !(await inputsUnchanged(record))) return undefined
  const zip = await context.staging.reuse('functions', fn.key, record.artifact.relative, record.artifact.sha256Hex)
  if (zip) context.output.debug(`Function ${fn.key}: unchanged since the last build, reusing ${zip.relative}.`)
  return zip && {zip, record}
}

function artifactOf(fn: FunctionConfig, zip: {artifact: string; sha256: string}, facts: CacheRecord['artifact'], layers: readonly Contributor[], sensitive: readonly string[], cached: boolean, context: Context): FunctionArtifact {
  const where = `Function ${fn.key}`
  const total = checkUnzipped(where, facts.unzippedSize, layers, facts.largest)
  const warning = zippedWarning(where, facts.zippedSize, facts.largest)
  if (warning) context.warn(warning)
  context.output.debug(`${where}: ${facts.entries} files, handler ${facts.handler}, sha256 ${zip.sha256}`)
  return {
    key: fn.key, name: fn.name, artifact: zip.artifact, handler: facts.handler, runtime: fn.runtime, architecture: fn.architecture, bundled: fn.bundle, cached, layers: fn.layers,
    codeSha256: zip.sha256, zippedSize: facts.zippedSize, unzippedSize: facts.unzippedSize, totalUnzippedSize: total,
    limits: limitReport(facts.zippedSize, total, fn.layers.length, fn.environment), excludedSensitive: [...sensitive], largest: [...facts.largest],
  }
}

interface FunctionCode {
  readonly entries: ZipEntry[]
  readonly handler: string
  /** Largest first: modules of the bundle, or files/packages of the directory. */
  readonly contributors: Contributor[]
  /** Absolute paths of the files the zip was built from (the cache's fingerprint). */
  readonly inputs: string[]
}

const NO_FILES: CollectedFiles = {entries: [], sensitive: [], unmatched: [], skippedLinks: []}

/** The files taken from disk as they are: "source" unbundled, "include" beside a bundle. Runs on every build (a new file changes the cache key). */
async function collectCode(fn: FunctionConfig, context: Context): Promise<CollectedFiles> {
  const dir = fn.bundle ? context.config.dir : fn.source
  const files = !fn.bundle || fn.include.length > 0 ? await collectFiles({cwd: dir, include: fn.include, exclude: fn.exclude, skipDirs: [context.outDir]}) : NO_FILES
  warnUnmatched(fn, dir, files.unmatched, context)
  reportLeftOut(`function ${fn.key}`, dir, files, context, `functions.${fn.key}.include`)
  if (!fn.bundle && files.entries.length === 0) {
    throw new UserError('NothingToPackage', `Function ${fn.key}: no files to zip in ${displayPath(fn.source)}.`, {hints: ['Check "source", "include" and "exclude" in sling.config.json.']})
  }
  return files
}

async function bundledCode(fn: FunctionConfig, extra: CollectedFiles, context: Context): Promise<FunctionCode> {
  const entry = fn.entry as string // loadConfig requires it when bundling
  const bundle = await bundleFunction({entry, workingDir: context.config.dir, runtime: fn.runtime, format: fn.format, minify: fn.minify, sourcemap: fn.sourcemap, external: fn.external, bundleAwsSdk: fn.bundleAwsSdk})
  const handler = `${bundle.module}.${fn.handler}`
  if (bundle.exports === undefined) context.output.debug(`Function ${fn.key}: the entry is CommonJS, so its exports can't be checked without running it; "${fn.handler}" is assumed.`)
  else checkHandler(fn, handler, bundle.exports)
  const entries: ZipEntry[] = [...bundle.files.map((file) => ({name: file.name, data: file.data})), ...extra.entries]
  const contributors = [...bundleModules(bundle.metafile), ...extra.entries.map((e) => ({name: e.name, bytes: entrySize(e)}))].sort((a, b) => b.bytes - a.bytes)
  const inputs = [...Object.keys(bundle.metafile.inputs).map((input) => path.resolve(context.config.dir, input)), ...fileInputs(extra.entries)]
  return {entries, handler, contributors, inputs}
}

async function directoryCode(fn: FunctionConfig, files: CollectedFiles, context: Context): Promise<FunctionCode> {
  const module = fn.entry === undefined ? 'index' : toPosix(path.relative(fn.source, fn.entry)).replace(/\.[^./]+$/, '')
  const handler = `${module}.${fn.handler}`
  if (fn.entry !== undefined && fn.runtime.startsWith('nodejs')) {
    const inZip = files.entries.some((e) => e.name === toPosix(path.relative(fn.source, fn.entry as string)))
    if (!inZip) throw new UserError('EntryNotFound', `Function ${fn.key}: the entry ${displayPath(fn.entry)} isn't among the files zipped from ${displayPath(fn.source)}.`, {hints: ['Put the entry inside "source", and check "include"/"exclude".']})
    const exports = await entryExports(fn.entry, fn.source, fn.runtime).catch(() => undefined)
    if (exports !== undefined) checkHandler(fn, handler, exports)
  }
  const contributors = groupByPackage(files.entries.map((e) => ({name: e.name, bytes: entrySize(e)})))
  context.output.debug(`Function ${fn.key}: ${files.entries.length} files from ${displayPath(fn.source)}`)
  return {entries: [...files.entries], handler, contributors, inputs: fileInputs(files.entries)}
}

function fileInputs(entries: readonly ZipEntry[]): string[] {
  return entries.flatMap((e) => ('file' in e ? [e.file] : []))
}

function checkHandler(fn: FunctionConfig, handler: string, exports: readonly string[]): void {
  if (exports.includes(fn.handler)) return
  const onlyDefault = exports.length === 1 && exports[0] === 'default'
  throw new UserError('HandlerNotExported', `Function ${fn.key}: ${displayPath(fn.entry ?? fn.source)} doesn't export "${fn.handler}", so Lambda couldn't call ${handler}. It exports: ${exports.length > 0 ? exports.join(', ') : 'nothing'}.`, {
    hints: onlyDefault
      ? [`The entry looks like CommonJS (module.exports): write "export const ${fn.handler} = …", or set "format": "cjs".`]
      : [`Export it ("export const ${fn.handler} = async (event) => {…}"), or set functions.${fn.key}.handler to one of the exports.`],
  })
}

function warnUnmatched(fn: FunctionConfig, dir: string, patterns: readonly string[], context: Context): void {
  for (const pattern of patterns) context.warn(`Function ${fn.key}: the "include" pattern "${pattern}" matches no file in ${displayPath(dir)}; check functions.${fn.key}.include (patterns are relative to that directory).`)
}

function functionManifest(a: FunctionArtifact, outDir: string): ManifestFunction {
  return {key: a.key, name: a.name, artifact: toPosix(path.relative(outDir, a.artifact)), handler: a.handler, runtime: a.runtime, architecture: a.architecture, layers: a.layers, codeSha256: a.codeSha256, zippedSize: a.zippedSize, unzippedSize: a.unzippedSize}
}

function layerManifest(a: LayerArtifact, layer: LayerConfig, outDir: string): ManifestLayer {
  return {key: a.key, name: a.name, artifact: toPosix(path.relative(outDir, a.artifact)), codeSha256: a.codeSha256, zippedSize: a.zippedSize, unzippedSize: a.unzippedSize, compatibleRuntimes: layer.compatibleRuntimes, compatibleArchitectures: layer.compatibleArchitectures}
}

function describeCount(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

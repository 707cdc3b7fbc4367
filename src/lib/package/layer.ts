import {execFile} from 'node:child_process'
import {copyFile, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'

import type {LayerConfig} from '../config/load.js'
import {displayPath} from '../paths.js'
import {UserError} from '../errors.js'
import {mapLimit} from '../async.js'
import {collectFiles} from './files.js'
import type {CollectedFiles} from './files.js'
import {entrySize} from './zip.js'

const run = promisify(execFile)

interface PackageJson {
  readonly name?: string
  readonly dependencies?: Record<string, string>
  readonly optionalDependencies?: Record<string, string>
  readonly peerDependencies?: Record<string, string>
}

export interface LayerFiles extends CollectedFiles {
  /** Unzipped bytes per top-level package (or per file for a directory layer). */
  readonly packages: readonly {readonly name: string; readonly bytes: number}[]
  /** How the content was obtained. */
  readonly source: 'directory' | 'node_modules' | 'npm-install'
  /** Removes any temporary install directory; call after zipping. */
  readonly cleanup: () => Promise<void>
}

/**
 * The files of a layer zip. A directory is zipped as is (it should already hold Lambda's /opt
 * layout, e.g. nodejs/node_modules). A package.json contributes its production dependencies under
 * nodejs/node_modules: taken from the node_modules installed beside it when there is one, else
 * installed into a temporary directory with npm (`npm ci` when a lockfile is beside it). Nothing
 * under `outDir` (the build output) is collected.
 */
export async function collectLayerFiles(layer: LayerConfig, outDir: string, log: (line: string) => void): Promise<LayerFiles> {
  if (layer.directory !== undefined) {
    await mustExist(layer.directory, `layers.${layer.key}.directory`)
    const files = await collectFiles({cwd: layer.directory, exclude: layer.exclude, skipDirs: [outDir]})
    return {...files, packages: files.entries.map((e) => ({name: e.name, bytes: entrySize(e)})), source: 'directory', cleanup: async () => {}}
  }
  const packageJson = layer.packageJson as string
  await mustExist(packageJson, `layers.${layer.key}.packageJson`)
  const dir = path.dirname(packageJson)
  if (await exists(path.join(dir, 'node_modules'))) {
    return {...(await productionFiles(dir, layer.exclude)), source: 'node_modules', cleanup: async () => {}}
  }
  const temporary = await installProduction(packageJson, log)
  try {
    return {...(await productionFiles(temporary, layer.exclude)), source: 'npm-install', cleanup: () => rm(temporary, {recursive: true, force: true})}
  } catch (error) {
    await rm(temporary, {recursive: true, force: true})
    throw error
  }
}

/** The installed package directories that production code needs, as paths relative to `root` ("node_modules/a/node_modules/b"). */
export async function productionPackages(root: string): Promise<string[]> {
  const found = new Set<string>()
  const queue: {readonly at: string; readonly manifest: PackageJson}[] = [{at: '', manifest: await readPackageJson(path.join(root, 'package.json'))}]
  while (queue.length > 0) {
    const {at, manifest} = queue.shift()!
    const required = Object.keys(manifest.dependencies ?? {})
    const optional = [...Object.keys(manifest.optionalDependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]
    for (const [name, isRequired] of [...required.map((n) => [n, true] as const), ...optional.map((n) => [n, false] as const)]) {
      const location = await resolveInstalled(root, at, name)
      if (location === undefined) {
        if (!isRequired) continue
        throw new UserError('DependencyNotInstalled', `"${name}", a production dependency of ${manifest.name ?? 'the layer'}, isn't installed in ${displayPath(path.join(root, 'node_modules'))}.`, {
          hints: [`Run "npm install" in ${displayPath(root)}, or delete its node_modules so sling installs the dependencies itself.`],
        })
      }
      if (found.has(location)) continue
      found.add(location)
      queue.push({at: location, manifest: await readPackageJson(path.join(root, location, 'package.json'))})
    }
  }
  return [...found].sort()
}

/** Node's lookup: <at>/node_modules/<name>, then each enclosing package's node_modules, up to the root. */
async function resolveInstalled(root: string, at: string, name: string): Promise<string | undefined> {
  let base = at
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`
    if (await exists(path.join(root, candidate, 'package.json'))) return candidate
    if (base === '') return undefined
    const cut = base.lastIndexOf('/node_modules/')
    base = cut === -1 ? '' : base.slice(0, cut)
  }
}

async function productionFiles(root: string, exclude: readonly string[]): Promise<CollectedFiles & {packages: {name: string; bytes: number}[]}> {
  const locations = await productionPackages(root)
  const collected = await mapLimit(locations, 8, (location) =>
    // Nested node_modules are packages of their own: the closure above decides which are needed.
    collectFiles({cwd: path.join(root, location), exclude: ['node_modules/**', ...exclude], prefix: `nodejs/${location}/`}),
  )
  const entries = collected.flatMap((c) => c.entries)
  const sensitive = collected.flatMap((c, i) => c.sensitive.map((file) => `${locations[i]}/${file}`))
  const skippedLinks = collected.flatMap((c, i) => c.skippedLinks.map((link) => ({...link, rel: `${locations[i]}/${link.rel}`})))
  const packages = locations.map((location, i) => ({
    name: location.replace(/^node_modules\//, ''),
    bytes: (collected[i]?.entries ?? []).reduce((sum, e) => sum + entrySize(e), 0),
  }))
  return {entries, sensitive, unmatched: [], skippedLinks, packages}
}

async function installProduction(packageJson: string, log: (line: string) => void): Promise<string> {
  const dir = path.dirname(packageJson)
  const manifest = await readPackageJson(packageJson)
  const temporary = await mkdtemp(path.join(os.tmpdir(), 'sling-layer-'))
  // "file:" dependencies are relative to the original package.json: make them absolute.
  const absolute = (deps: Record<string, string> | undefined): Record<string, string> | undefined =>
    deps && Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, v.startsWith('file:') ? `file:${path.resolve(dir, v.slice(5))}` : v]))
  const hasFileDeps = JSON.stringify({...manifest.dependencies, ...manifest.optionalDependencies}).includes('"file:')
  await writeFile(path.join(temporary, 'package.json'), JSON.stringify({name: 'sling-layer', private: true, dependencies: absolute(manifest.dependencies), optionalDependencies: absolute(manifest.optionalDependencies)}))
  const lockfile = path.join(dir, 'package-lock.json')
  const useCi = !hasFileDeps && (await exists(lockfile))
  if (useCi) await copyFile(lockfile, path.join(temporary, 'package-lock.json'))
  const args = [useCi ? 'ci' : 'install', '--omit=dev', '--no-audit', '--no-fund', '--install-links', '--loglevel=error']
  log(`Installing production dependencies of ${displayPath(packageJson)} (npm ${args.join(' ')})`)
  try {
    await run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, {cwd: temporary, maxBuffer: 16 * 1024 * 1024})
  } catch (error) {
    await rm(temporary, {recursive: true, force: true})
    const stderr = String((error as {stderr?: string}).stderr ?? '').trim().split('\n').slice(-5).join('\n')
    throw new UserError('LayerInstallFailed', `npm couldn't install the dependencies of ${displayPath(packageJson)}:\n${stderr}`, {
      cause: error,
      hints: ['Run "npm install" beside that package.json yourself; sling then packages the installed node_modules.'],
    })
  }
  return temporary
}

async function readPackageJson(file: string): Promise<PackageJson> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as PackageJson
  } catch (error) {
    throw new UserError('PackageJsonInvalid', `Can't read ${displayPath(file)}: ${(error as Error).message}`, {cause: error})
  }
}

async function mustExist(file: string, key: string): Promise<void> {
  if (!(await exists(file))) throw new UserError('LayerSourceNotFound', `${displayPath(file)} (${key}) doesn't exist.`, {hints: ['Paths in sling.config.json are relative to the config file.']})
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  )
}

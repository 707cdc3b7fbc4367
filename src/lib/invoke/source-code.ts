/**
 * The code `sling invoke --from-source` runs: the function bundled by `sling package`'s own esbuild
 * settings (or its `source` directory as is, with bundle: false), and its layers where Lambda mounts
 * /opt. The bundle is written under `<project>/.sling/source/`, inside the project, so modules left
 * external (the AWS SDK, which the Node.js runtime provides) resolve from the project's node_modules.
 */
import {randomBytes} from 'node:crypto'
import {copyFile, cp, mkdir, rm, symlink, writeFile} from 'node:fs/promises'
import {existsSync} from 'node:fs'
import path from 'node:path'

import type {FunctionConfig, ProjectConfig} from '../config/load.js'
import type {PreparedCode} from '../local/runtime/code.js'
import type {BundleOptions} from '../package/bundle.js'
import {bundleFunction} from '../package/bundle.js'
import {collectFiles} from '../package/files.js'

/** A working directory for one run: the task root and /opt, removed by `remove`. */
export interface SourceDirs {
  readonly root: string
  readonly taskDir: string
  readonly optDir: string
  remove(): Promise<void>
}

/** Creates `<project>/.sling/source/<key>.<pid>.<random>/` with task/ and opt/ inside. */
export async function makeSourceDirs(config: ProjectConfig, fn: FunctionConfig): Promise<SourceDirs> {
  const root = path.join(config.dir, '.sling', 'source', `${fn.key}.${process.pid}.${randomBytes(4).toString('hex')}`)
  const taskDir = path.join(root, 'task')
  const optDir = path.join(root, 'opt')
  await mkdir(taskDir, {recursive: true})
  await mkdir(optDir, {recursive: true})
  return {root, taskDir, optDir, remove: () => rm(root, {recursive: true, force: true})}
}

/** esbuild's options for the function, exactly as `sling package` bundles it. */
export function bundleOptions(config: ProjectConfig, fn: FunctionConfig): BundleOptions {
  return {entry: fn.entry as string, workingDir: config.dir, runtime: fn.runtime, format: fn.format, minify: fn.minify, sourcemap: fn.sourcemap, external: fn.external, bundleAwsSdk: fn.bundleAwsSdk}
}

/** The handler string Lambda would get: `index.<handler>` for a bundle, `<entry>.<handler>` for a directory. */
export function handlerString(fn: FunctionConfig): string {
  if (fn.bundle || fn.entry === undefined) return `index.${fn.handler}`
  const relative = path.relative(fn.source, fn.entry).split(path.sep).join('/')
  return `${relative.replace(/\.(c|m)?[jt]s$/, '')}.${fn.handler}`
}

/** Bundles once (or points at `source`) and prepares /opt; the code the runtime runs. */
export async function prepareSourceCode(config: ProjectConfig, fn: FunctionConfig, dirs: SourceDirs, warn: (message: string) => void): Promise<PreparedCode> {
  let taskRoot = fn.source
  if (fn.bundle) {
    const bundle = await bundleFunction(bundleOptions(config, fn))
    for (const file of bundle.files) await writeFile(path.join(dirs.taskDir, file.name), file.data)
    await copyIncluded(config, fn, dirs.taskDir)
    taskRoot = dirs.taskDir
  }
  await prepareLayers(config, fn, dirs.optDir, warn)
  return {taskRoot, optDir: dirs.optDir, dirs: [taskRoot, dirs.optDir]}
}

/** The files a bundled function's `include` adds to its zip, beside the bundle, as `sling package` zips them. */
export async function copyIncluded(config: ProjectConfig, fn: FunctionConfig, taskDir: string): Promise<void> {
  if (fn.include.length === 0) return
  const files = await collectFiles({cwd: config.dir, include: fn.include, exclude: fn.exclude, skipDirs: [path.join(config.dir, '.sling')]})
  for (const entry of files.entries) {
    const target = path.join(taskDir, entry.name)
    await mkdir(path.dirname(target), {recursive: true})
    if ('data' in entry) await writeFile(target, entry.data)
    else await copyFile(entry.file, target)
  }
}

/**
 * Lays the function's layers out in /opt, later ones over earlier ones as Lambda extracts them: a
 * `directory` layer is copied, a `packageJson` layer's installed node_modules linked. Layers named by
 * ARN live only in AWS: said once, and skipped.
 */
export async function prepareLayers(config: ProjectConfig, fn: FunctionConfig, optDir: string, warn: (message: string) => void): Promise<void> {
  for (const ref of fn.layers) {
    const layer = config.layers.find((candidate) => candidate.key === ref)
    if (!layer) {
      warn(`Layer ${ref} is an ARN: its content is only in AWS, so it isn't in /opt when running from source.`)
      continue
    }
    if (layer.directory) {
      await cp(layer.directory, optDir, {recursive: true, force: true, verbatimSymlinks: true})
      continue
    }
    const modules = path.join(path.dirname(layer.packageJson ?? ''), 'node_modules')
    const target = path.join(optDir, 'nodejs', 'node_modules')
    if (!existsSync(modules)) {
      warn(`Layer ${layer.key}: ${modules} doesn't exist; run "npm install" beside its package.json for its modules to load from source.`)
      continue
    }
    await mkdir(path.dirname(target), {recursive: true})
    await rm(target, {recursive: true, force: true})
    await symlink(modules, target, 'dir')
  }
}

import {createHash, randomBytes} from 'node:crypto'
import {cp, mkdir, rename, rm, stat, utimes} from 'node:fs/promises'
import path from 'node:path'

import type {Store} from '../store.js'
import {extractZip} from './extract.js'

/** Where a function version's code and layers are on disk, ready to run. */
export interface PreparedCode {
  /** The extracted deployment package: LAMBDA_TASK_ROOT. */
  readonly taskRoot: string
  /** The layers merged in order, where Lambda mounts /opt. */
  readonly optDir: string
  /** Every directory the environment uses (code, each layer, /opt): see touchCopies. */
  readonly dirs: readonly string[]
}

/** `<store>/runtime/`: unzipped copies, rebuilt from the blobs whenever they are missing. */
export function runtimeDir(store: Store): string {
  return path.join(store.dir, 'runtime')
}

/** The name a copy is built under before it is renamed into place: `<copy>.tmp-<pid>-<random>`. */
export const BUILDING = /\.tmp-(\d+)-[0-9a-f]+$/

/**
 * Extracts the code zip and each layer zip once per SHA-256 under `<store>/runtime/`, and merges the
 * layers (later ones overriding earlier ones, as Lambda does) into one /opt directory per list of
 * layers. Every directory is built in a temporary place and renamed into place, so a crash or a
 * concurrent sling process never sees half an extraction. Once built, the copies are marked used under
 * the store lock (see touchCopies); one the collector removed meanwhile is built again.
 */
export async function prepareCode(store: Store, codeSha256: string, layerSha256s: readonly string[]): Promise<PreparedCode> {
  const root = runtimeDir(store)
  for (;;) {
    const taskRoot = await extractOnce(store, codeSha256, path.join(root, 'code', codeSha256))
    const layerDirs: string[] = []
    for (const sha of layerSha256s) layerDirs.push(await extractOnce(store, sha, path.join(root, 'layers', sha)))
    const optKey = layerSha256s.length === 0 ? 'none' : createHash('sha256').update(layerSha256s.join(',')).digest('hex')
    const optDir = await buildOnce(path.join(root, 'opt', optKey), async (temp) => {
      for (const dir of layerDirs) await cp(dir, temp, {recursive: true, force: true, verbatimSymlinks: true})
    })
    const dirs = [taskRoot, ...layerDirs, optDir]
    if (await touchCopies(store, dirs)) return {taskRoot, optDir, dirs}
  }
}

/**
 * Marks copies as just used (their modification time), under the store lock: the collector
 * (maintenance.ts) removes only copies untouched for an hour, re-checked under the same lock. False when
 * one is gone (collected just now). A running environment's copies are touched again periodically.
 */
export async function touchCopies(store: Store, dirs: readonly string[]): Promise<boolean> {
  return store.transaction(async () => {
    const now = new Date()
    for (const dir of dirs) {
      try {
        await utimes(dir, now, now)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
        throw error
      }
    }
    return true
  })
}

async function extractOnce(store: Store, sha256: string, target: string): Promise<string> {
  return buildOnce(target, (temp) => extractZip(store.blobPath(sha256), temp))
}

async function buildOnce(target: string, build: (temp: string) => Promise<void>): Promise<string> {
  if (await exists(target)) return target
  const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
  await mkdir(temp, {recursive: true})
  try {
    await build(temp)
    await rename(temp, target)
  } catch (error) {
    await rm(temp, {recursive: true, force: true})
    // Another process built it first: theirs is as good as ours.
    if (await exists(target)) return target
    throw error
  }
  return target
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file)
    return true
  } catch {
    return false
  }
}

import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {resolveStoreDir} from './settings.js'
import {isAlive} from './store.js'

/** Written by `sling local serve` so other sling processes using the same store find it. */
export interface ServerRecord {
  readonly pid: number
  readonly endpoint: string
  readonly store: string
}

export const SERVER_RECORD = 'server.json'

export interface LocalConnection {
  readonly endpoint: string
  /** True when this process started the server (and `close` stops it). */
  readonly inProcess: boolean
  close(): Promise<void>
}

/**
 * Finds the `sling local serve` running for the store, or starts the local cloud in this process for
 * the command's duration. Both share the store safely (see Store.transaction).
 */
export async function connectLocalCloud(options: {readonly storeDir?: string | undefined; readonly region: string}): Promise<LocalConnection> {
  const storeDir = resolveStoreDir(options.storeDir)
  const running = await findRunningServer(storeDir)
  if (running) return {endpoint: running.endpoint, inProcess: false, close: () => Promise.resolve()}
  // Loaded only when no server runs: a --local command that finds one never loads the local cloud's services.
  const [{startLocalCloud}, {startMaintenance}] = await Promise.all([import('./server.js'), import('./maintenance.js')])
  const cloud = await startLocalCloud({storeDir})
  // Best effort: a failed clean-up must not fail the command, and a later start tries again.
  const maintenance = startMaintenance(cloud.store, {warn: () => undefined})
  return {
    endpoint: cloud.endpoint,
    inProcess: true,
    async close() {
      await maintenance.stop()
      await cloud.close()
    },
  }
}

export async function findRunningServer(storeDir: string): Promise<ServerRecord | undefined> {
  let record: ServerRecord
  try {
    record = JSON.parse(await readFile(path.join(storeDir, SERVER_RECORD), 'utf8')) as ServerRecord
  } catch {
    return undefined
  }
  if (!isAlive(record.pid)) return undefined
  try {
    const response = await fetch(`${record.endpoint}/_sling/health`, {signal: AbortSignal.timeout(1_000)})
    const health = (await response.json()) as {ok?: boolean; store?: string}
    return health.ok && health.store === storeDir ? record : undefined
  } catch {
    return undefined
  }
}

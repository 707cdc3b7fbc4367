import {mkdir, readFile, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {DEFAULT_REGION} from '../aws/settings.js'
import {UserError} from '../errors.js'
import {writeAtomic} from '../fs.js'
import type {Output} from '../output.js'
import type {ServerRecord} from './connect.js'
import {findRunningServer, SERVER_RECORD} from './connect.js'
import type {HeldLock} from './file-lock.js'
import {FileLock} from './file-lock.js'
import {startMaintenance} from './maintenance.js'
import {startLocalCloud} from './server.js'
import type {LocalSettings} from './contract.js'
import {resolveStoreDir} from './settings.js'

export interface ServeOptions {
  /** @default SLING_LOCAL_STORE, or ".sling/local" */
  readonly storeDir?: string | undefined
  /** 0 picks a free port. */
  readonly port: number
  /** The region printed for AWS_REGION. @default "us-east-1" */
  readonly region?: string | undefined
  readonly settings?: Partial<LocalSettings>
  /** Resolves when the server should stop (a signal). */
  readonly stopped: Promise<unknown>
}

/** What `sling local serve --json` prints once listening. */
export interface ServeInfo {
  readonly endpoint: string
  readonly store: string
  readonly pid: number
  readonly region: string
  /** Variables that point the AWS CLI and SDKs at the local cloud. */
  readonly env: Record<string, string>
}

/** The credentials the local cloud accepts (any will do: it checks none). */
export const LOCAL_CREDENTIALS = {AWS_ACCESS_KEY_ID: 'sling-local', AWS_SECRET_ACCESS_KEY: 'sling-local'}

/**
 * Runs the local cloud until `stopped` resolves: refuses when another server serves the store (or is
 * starting on it) or the port is taken, records itself in `<store>/server.json` so `--local` commands
 * use it, and removes the record on the way out.
 */
export async function serveLocalCloud(options: ServeOptions, deps: {output: Output; onListening: (info: ServeInfo) => void}): Promise<ServeInfo> {
  const store = resolveStoreDir(options.storeDir)
  const running = await findRunningServer(store)
  if (running) throw serverRunning(store, running.pid, running.endpoint)
  const serverLock = await claimStore(store)
  try {
    return await serve(store, options, deps)
  } finally {
    await serverLock.release()
  }
}

/**
 * One server per store: `server.lock` is held for the server's lifetime (file-lock.ts), so of two
 * servers started at the same moment exactly one runs, and a killed server's lock is taken over.
 */
async function claimStore(store: string): Promise<HeldLock> {
  await mkdir(store, {recursive: true})
  const lock = new FileLock(path.join(store, 'server.lock'))
  const held = await lock.tryAcquire()
  if (held) return held
  const owner = await lock.owner()
  throw serverRunning(store, owner?.pid ?? 0, undefined, owner?.host)
}

function serverRunning(store: string, pid: number, endpoint?: string, host?: string): UserError {
  const where = endpoint ? ` at ${endpoint}` : ''
  if (host !== undefined && host !== os.hostname()) {
    // A container or machine sharing the store: its process can't be checked (or killed) from here.
    const lockFile = path.join(store, 'server.lock')
    return new UserError('LocalServerRunning', `A local cloud on host "${host}" (pid ${pid} there) holds ${lockFile}.`, {
      hints: [
        `If that host's local cloud is gone (a killed container), delete ${lockFile} (and ${path.join(store, 'store.lock')} if it names that host too), then start again.`,
        'Or pass --store DIR for a separate store: one store must not be shared between machines or containers.',
      ],
    })
  }
  return new UserError('LocalServerRunning', `A local cloud already serves ${store}${where} (pid ${pid}).`, {
    hints: [`Use it (commands with --local find it), stop it (kill ${pid}), or pass --store DIR for a separate store.`],
  })
}

async function serve(store: string, options: ServeOptions, deps: {output: Output; onListening: (info: ServeInfo) => void}): Promise<ServeInfo> {
  let cloud
  try {
    cloud = await startLocalCloud({storeDir: store, port: options.port, ...(options.settings ? {settings: options.settings} : {})})
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UserError('PortInUse', `Port ${options.port} on 127.0.0.1 is already in use.`, {cause: error, hints: ['Pass another --port, or --port 0 to pick a free one.']})
    }
    throw error
  }
  const maintenance = startMaintenance(cloud.store, {warn: (message) => deps.output.warn(message)})
  const record: ServerRecord = {pid: process.pid, endpoint: cloud.endpoint, store}
  const recordFile = path.join(store, SERVER_RECORD)
  try {
    await writeAtomic(recordFile, `${JSON.stringify(record, null, 2)}\n`)
    const region = options.region ?? DEFAULT_REGION
    const info: ServeInfo = {endpoint: cloud.endpoint, store, pid: process.pid, region, env: {AWS_ENDPOINT_URL: cloud.endpoint, ...LOCAL_CREDENTIALS, AWS_REGION: region}}
    deps.onListening(info)
    printInstructions(info, deps.output)
    await options.stopped
    deps.output.info('Stopping the local cloud…')
    return info
  } finally {
    await removeRecordIfOurs(recordFile)
    await maintenance.stop()
    await cloud.close()
  }
}

function printInstructions(info: ServeInfo, output: Output): void {
  output.success(`Local cloud listening on ${info.endpoint} (store: ${info.store})`)
  output.info('Point the AWS CLI and SDKs at it with:')
  output.info(`  export ${Object.entries(info.env).map(([name, value]) => `${name}=${value}`).join(' ')}`)
  output.info('sling commands with --local use it while it runs. Press Ctrl-C to stop.')
}

/** Another server may have taken over the store after us; never delete its record. */
async function removeRecordIfOurs(file: string): Promise<void> {
  try {
    const record = JSON.parse(await readFile(file, 'utf8')) as ServerRecord
    if (record.pid === process.pid) await rm(file, {force: true})
  } catch {
    // already gone
  }
}

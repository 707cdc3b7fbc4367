/**
 * Lambda's poller for SQS event source mappings, in every process that runs a local cloud on the store. Only
 * one process polls a mapping: it holds the mapping's lease in the store, renewing it while it polls; the
 * lease passes to another poller when it expires or when its holder is known to be gone (a dead process, as
 * for the async queue's jobs, or a closed cloud of this process), so a killed server's mappings are picked
 * up at once by the next process.
 */
import {randomUUID} from 'node:crypto'

import type {EventSourceMappingConfiguration} from '@aws-sdk/client-lambda'

import type {ProcessIdentity} from '../process-identity.js'
import {currentProcess, isProcessAlive} from '../process-identity.js'
import type {AsyncInvocation, LocalContext} from '../contract.js'
import {currentMapping} from './esm.js'
import {isSqsSource} from './esm-sqs.js'
import type {ProcessingResult} from './esm-worker.js'
import {MappingWorker} from './esm-worker.js'
import type {SyncOutcome} from './invoke.js'
import type {EventSourceMappingRecord} from './records.js'
import {ESM_REGIONS, leasesCollection, mappingsCollection} from './records.js'

const SCAN_MS = 250
const LEASE_MS = 15_000
const RENEW_BEFORE_MS = 10_000

interface Lease {
  readonly owner: ProcessIdentity
  /** Which poller of its process (a process may run several local clouds on one store, one after another or at once). */
  readonly poller: string
  readonly until: number
}

/** The pollers running in this process: a lease of this process naming another poller is stale (a closed cloud's). */
const livePollers = new Set<string>()

export interface EsmPoller {
  close(): Promise<void>
}

/** Whether Lambda polls a mapping in this state: Enabled, or Updating while it stays enabled. */
function isPolling(record: EventSourceMappingRecord, config: EventSourceMappingConfiguration): boolean {
  return config.State === 'Enabled' || (config.State === 'Updating' && record.settle?.state === 'Enabled')
}

function sameProcess(a: ProcessIdentity, b: ProcessIdentity): boolean {
  return a.pid === b.pid && a.host === b.host && a.start === b.start
}

/** Whether a lease still binds others: unexpired, and its poller still runs (in its live process, or here). */
async function isHeld(lease: Lease, me: ProcessIdentity, now: number): Promise<boolean> {
  if (lease.until <= now) return false
  if (sameProcess(lease.owner, me)) return livePollers.has(lease.poller)
  return isProcessAlive(lease.owner)
}

export function startEsmPoller(context: LocalContext, invoke: (invocation: AsyncInvocation) => Promise<SyncOutcome>): EsmPoller {
  const {store} = context
  const id = randomUUID()
  livePollers.add(id)
  const workers = new Map<string, {worker: MappingWorker; region: string; leaseUntil: number}>()
  let closed = false
  let scanning: Promise<void> | undefined

  /** Takes or renews the lease of a mapping; false when a live process holds it. */
  const lease = (region: string, uuid: string): Promise<number | undefined> =>
    store.transaction(async () => {
      const me = await currentProcess()
      const held = await store.get<Lease>(leasesCollection(region), uuid)
      const now = Date.now()
      if (held && held.poller !== id && (await isHeld(held, me, now))) return undefined
      const until = now + LEASE_MS
      await store.put(leasesCollection(region), uuid, {owner: me, poller: id, until} satisfies Lease)
      return until
    })

  const release = async (region: string, uuid: string): Promise<void> => {
    await store.transaction(async () => {
      const held = await store.get<Lease>(leasesCollection(region), uuid)
      if (held?.poller === id) await store.delete(leasesCollection(region), uuid)
    })
  }

  const report = (region: string) => async (uuid: string, result: ProcessingResult): Promise<void> => {
    await store.transaction(async () => {
      const record = await store.get<EventSourceMappingRecord>(mappingsCollection(region), uuid)
      if (!record || record.config.LastProcessingResult === result || !currentMapping(record)) return
      await store.put(mappingsCollection(region), uuid, {...record, config: {...record.config, LastProcessingResult: result}})
    })
  }

  const stopWorker = async (uuid: string): Promise<void> => {
    const entry = workers.get(uuid)
    if (!entry) return
    workers.delete(uuid)
    await entry.worker.stop()
    await release(entry.region, uuid)
  }

  /** Removes a deleted mapping's document once its Deleting state has passed. */
  const forget = async (region: string, uuid: string): Promise<void> => {
    await store.transaction(async () => {
      const record = await store.get<EventSourceMappingRecord>(mappingsCollection(region), uuid)
      if (record && !currentMapping(record)) await store.delete(mappingsCollection(region), uuid)
    })
  }

  const visit = async (region: string, record: EventSourceMappingRecord, seen: Set<string>): Promise<void> => {
    const uuid = record.config.UUID
    const config = currentMapping(record)
    if (!config) return forget(region, uuid)
    if (!isSqsSource(config.EventSourceArn) || !isPolling(record, config)) return
    const running = workers.get(uuid)
    if (running && running.leaseUntil - Date.now() > LEASE_MS - RENEW_BEFORE_MS) {
      seen.add(uuid)
      running.worker.update({...config, UUID: uuid})
      return
    }
    const until = await lease(region, uuid)
    if (until === undefined) return // another live process polls it (running here too: stopped below)
    seen.add(uuid)
    if (running) {
      running.leaseUntil = until
      running.worker.update({...config, UUID: uuid})
      return
    }
    const worker = new MappingWorker({...config, UUID: uuid}, {context, region, invoke, report: report(region)})
    workers.set(uuid, {worker, region, leaseUntil: until})
    worker.start()
  }

  const scan = async (): Promise<void> => {
    const seen = new Set<string>()
    for (const {region} of await store.list<{region: string}>(ESM_REGIONS)) {
      for (const record of await store.list<EventSourceMappingRecord>(mappingsCollection(region))) {
        if (closed) return
        await visit(region, record, seen)
      }
    }
    for (const uuid of [...workers.keys()]) if (!seen.has(uuid)) await stopWorker(uuid)
  }

  const timer = setInterval(() => {
    if (scanning || closed) return
    scanning = scan()
      .catch(() => undefined) // a transient store error: the next scan tries again
      .finally(() => (scanning = undefined))
  }, SCAN_MS)
  timer.unref()

  return {
    async close() {
      closed = true
      livePollers.delete(id)
      clearInterval(timer)
      await scanning
      await Promise.allSettled([...workers.keys()].map((uuid) => stopWorker(uuid)))
    },
  }
}

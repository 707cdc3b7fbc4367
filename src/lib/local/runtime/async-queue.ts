import {randomUUID} from 'node:crypto'

import type {ProcessIdentity} from '../process-identity.js'
import {currentProcess, isProcessAlive} from '../process-identity.js'
import type {Store} from '../store.js'

/** One queued asynchronous invocation (InvocationType Event), persisted in the store. */
export interface AsyncJob {
  readonly id: string
  readonly requestId: string
  readonly region: string
  readonly functionName: string
  /** The version the event runs ("$LATEST", "3"); an alias is resolved when the event is queued. */
  readonly version: string
  readonly invokedFunctionArn: string
  /** Hex SHA-256 of the payload blob. */
  readonly payloadSha256: string
  /** Runs so far. */
  readonly attempts: number
  /** Retries allowed after the first run (Lambda: 2, or MaximumRetryAttempts of the event invoke config). */
  readonly maxRetries: number
  /** Epoch ms before which the job doesn't run (retry backoff). */
  readonly notBefore: number
  /** Epoch ms until which a process holds the job; expired leases are taken over (a crashed process). */
  readonly leaseUntil?: number
  /** The process holding the lease: once it is dead, the job is taken over without waiting for the lease to end. */
  readonly leaseOwner?: ProcessIdentity
}

/** How a run ended: "retry" re-queues it (while retries remain), "done" removes it. */
export type JobOutcome = 'done' | 'retry'

export interface AsyncQueueOptions {
  readonly store: Store
  /** Runs one job; its lease lasts `leaseMs`. */
  readonly run: (job: AsyncJob, payload: Buffer) => Promise<JobOutcome>
  /** First retry waits this long, the second twice as long (Lambda: about 1 and 2 minutes). @default 1000 */
  readonly retryDelayMs?: number
  /** @default 100 */
  readonly pollMs?: number
}

const COLLECTION = 'lambda-async-queue'
const LEASE_MS = 16 * 60_000 // longer than the longest function timeout (15 minutes)

/**
 * Lambda's internal queue for asynchronous invocations: jobs are documents in the store, so a
 * restart (or another sling process on the same store) picks up what wasn't run yet.
 */
export class AsyncQueue {
  private readonly timer: NodeJS.Timeout
  private readonly running = new Map<string, Promise<void>>()
  private polling = false
  private closed = false

  constructor(private readonly options: AsyncQueueOptions) {
    this.timer = setInterval(() => void this.poll(), options.pollMs ?? 100)
    this.timer.unref()
  }

  async enqueue(job: Omit<AsyncJob, 'id' | 'attempts' | 'notBefore' | 'payloadSha256'>, payload: Buffer): Promise<AsyncJob> {
    const blob = await this.options.store.putBlob(payload)
    const now = Date.now()
    const queued: AsyncJob = {...job, id: `${now}-${randomUUID()}`, attempts: 0, notBefore: now, payloadSha256: blob.sha256}
    await this.options.store.put(COLLECTION, queued.id, queued)
    void this.poll()
    return queued
  }

  /** Jobs not finished yet (queued, waiting for a retry, or running). */
  pending(): Promise<AsyncJob[]> {
    return this.options.store.list<AsyncJob>(COLLECTION)
  }

  private async poll(): Promise<void> {
    if (this.polling || this.closed) return
    this.polling = true
    try {
      for (const job of await this.pending()) {
        if (this.closed) break
        if (this.running.has(job.id) || !(await isRunnable(job))) continue
        const claimed = await this.claim(job.id)
        if (!claimed) continue
        const work = this.execute(claimed).finally(() => this.running.delete(claimed.id))
        this.running.set(claimed.id, work)
      }
    } catch {
      // A transient store error: the next poll tries again.
    } finally {
      this.polling = false
    }
  }

  private claim(id: string): Promise<AsyncJob | undefined> {
    const {store} = this.options
    return store.transaction(async () => {
      const job = await store.get<AsyncJob>(COLLECTION, id)
      if (!job || !(await isRunnable(job))) return undefined
      const leased: AsyncJob = {...job, leaseUntil: Date.now() + LEASE_MS, leaseOwner: await currentProcess()}
      await store.put(COLLECTION, id, leased)
      return leased
    })
  }

  private async execute(job: AsyncJob): Promise<void> {
    const {store} = this.options
    let outcome: JobOutcome
    try {
      outcome = await this.options.run(job, await store.blobBytes(job.payloadSha256))
    } catch {
      outcome = 'retry'
    }
    if (this.closed) {
      // Shutting down mid-run: let the lease lapse so the next process runs it again.
      await store.put(COLLECTION, job.id, {...job, leaseUntil: undefined, leaseOwner: undefined})
      return
    }
    const attempts = job.attempts + 1
    if (outcome === 'done' || attempts > job.maxRetries) {
      await store.delete(COLLECTION, job.id)
      return
    }
    const delay = (this.options.retryDelayMs ?? 1000) * 2 ** (attempts - 1)
    await store.put(COLLECTION, job.id, {...job, attempts, notBefore: Date.now() + delay, leaseUntil: undefined, leaseOwner: undefined})
  }

  /** Stops polling and waits for running jobs to settle (their environments are stopped by the runtime). */
  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.timer)
    await Promise.allSettled([...this.running.values()])
  }
}

/**
 * Due, and not leased by a live process: a lease ends when it expires or when its owner is known to be
 * dead (a killed server), so a restarted server runs claimed events at once, not after 16 minutes.
 */
async function isRunnable(job: AsyncJob): Promise<boolean> {
  const now = Date.now()
  if (job.notBefore > now) return false
  if ((job.leaseUntil ?? 0) <= now) return true
  return job.leaseOwner !== undefined && !(await isProcessAlive(job.leaseOwner))
}

/**
 * The watchdog thread of a worker process (started by bootstrap.ts). It runs on its own thread and event
 * loop, so a handler stuck in a busy loop can't starve it, and it:
 * - ends the worker when its parent, the local cloud, is gone (even after `kill -9`, which gives the
 *   parent no chance to stop its workers): an orphan is adopted by init or a subreaper, so its ppid changes;
 * - ends the worker with OUT_OF_MEMORY_SIGNAL when its resident memory goes over MemorySize;
 * - records the peak resident memory for the REPORT line's Max Memory Used.
 * Only Node.js built-ins are imported.
 */
import {workerData} from 'node:worker_threads'

import {OUT_OF_MEMORY_SIGNAL} from './protocol.js'

export interface WatchdogData {
  /** The local cloud's pid, as it was when it started the worker. */
  readonly parentPid: number
  readonly limitBytes: number
  /** One Int32 over a SharedArrayBuffer: the peak resident memory in KiB, read by the main thread. */
  readonly peakKib: Int32Array
}

const CHECK_MS = 10
/** The parent is looked for every this many checks (100 ms). */
const PARENT_EVERY = 10

const {parentPid, limitBytes, peakKib} = workerData as WatchdogData

function parentGone(): boolean {
  if (process.ppid !== parentPid) return true
  try {
    // Windows keeps an orphan's ppid: ask whether the parent still exists.
    process.kill(parentPid, 0)
    return false
  } catch {
    return true
  }
}

let ticks = 0
let stopping = false
setInterval(() => {
  const rss = process.memoryUsage.rss()
  const kib = Math.ceil(rss / 1024)
  if (kib > Atomics.load(peakKib, 0)) Atomics.store(peakKib, 0, kib)
  if (rss > limitBytes && !stopping) {
    stopping = true
    process.kill(process.pid, OUT_OF_MEMORY_SIGNAL)
    // A handler may listen for the signal; then it dies anyway, reported as a plain exit.
    setTimeout(() => process.kill(process.pid, 'SIGKILL'), 100)
  }
  if (++ticks % PARENT_EVERY === 0 && parentGone()) process.kill(process.pid, 'SIGKILL')
}, CHECK_MS)

/**
 * The watchdog thread of a worker process (started by bootstrap.ts). It runs on its own thread, so a
 * handler stuck in a busy loop can't starve it, and it:
 * - ends the worker, and every process its handler started (the worker's process group), when its parent,
 *   the local cloud, is gone (even after `kill -9`, which gives the parent no chance to stop its workers):
 *   an orphan is adopted by init or a subreaper, so its ppid changes;
 * - ends the worker with OUT_OF_MEMORY_SIGNAL when its resident memory goes over MemorySize;
 * - records the peak resident memory for the REPORT line's Max Memory Used.
 * It sleeps on the shared busy flag rather than on timers: an idle worker costs almost nothing, and the
 * main thread wakes it when an invocation starts. Only Node.js built-ins are imported.
 */
import {workerData} from 'node:worker_threads'

import {OUT_OF_MEMORY_SIGNAL, WATCHDOG_SLOTS} from './ipc.js'

export interface WatchdogData {
  /** The local cloud's pid, as it was when it started the worker. */
  readonly parentPid: number
  readonly limitBytes: number
  /** Over a SharedArrayBuffer; see WATCHDOG_SLOTS. */
  readonly shared: Int32Array
}

/** How often memory is checked while the worker is busy, and while it is idle (also how often the parent is looked for). */
const BUSY_CHECK_MS = 10
const IDLE_CHECK_MS = 100
/** A handler may listen for OUT_OF_MEMORY_SIGNAL: this long after it, SIGKILL (reported as a plain exit). */
const KILL_AFTER_MS = 100

const {parentPid, limitBytes, shared} = workerData as WatchdogData

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

/** Ends the worker and what its handler spawned: the worker leads its own process group (see environment.ts). */
function killGroup(): void {
  try {
    process.kill(-process.pid, 'SIGKILL')
  } catch {
    // Not a group leader (Windows, or started by an older server): the worker alone.
  }
  process.kill(process.pid, 'SIGKILL')
}

let signalledAt: number | undefined
let parentCheckedAt = 0
for (;;) {
  const rss = process.memoryUsage.rss()
  const kib = Math.ceil(rss / 1024)
  if (kib > Atomics.load(shared, WATCHDOG_SLOTS.peakKib)) Atomics.store(shared, WATCHDOG_SLOTS.peakKib, kib)
  const now = Date.now()
  if (rss > limitBytes && signalledAt === undefined) {
    signalledAt = now
    try {
      process.kill(process.pid, OUT_OF_MEMORY_SIGNAL)
    } catch {
      process.kill(process.pid, 'SIGKILL') // Windows has no such signal
    }
  }
  if (signalledAt !== undefined && now - signalledAt >= KILL_AFTER_MS) process.kill(process.pid, 'SIGKILL')
  if (now - parentCheckedAt >= IDLE_CHECK_MS) {
    parentCheckedAt = now
    if (parentGone()) killGroup()
  }
  const busy = Atomics.load(shared, WATCHDOG_SLOTS.busy)
  Atomics.wait(shared, WATCHDOG_SLOTS.busy, busy, busy === 1 || signalledAt !== undefined ? BUSY_CHECK_MS : IDLE_CHECK_MS)
}

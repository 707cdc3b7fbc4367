/**
 * MemorySize, enforced from outside the worker. A handler in a busy loop starves every timer of its own
 * process, so the parent samples the worker's resident memory (on Linux, from /proc) and stops it once it
 * goes over, as Lambda's sandbox does. The worker's watchdog thread (watchdog.ts) enforces the same limit
 * from inside, on every platform, without depending on the parent's event loop being free.
 */
import {readFileSync} from 'node:fs'

/** How often a worker is sampled while it runs an invocation or its init, and while it is idle. */
export const SAMPLE_BUSY_MS = 10
export const SAMPLE_IDLE_MS = 250

const canSample = process.platform === 'linux'

/** The resident set size of a process in bytes; undefined where /proc isn't available or the process is gone. */
export function residentBytes(pid: number): number | undefined {
  if (!canSample) return undefined
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))
    return match ? Number(match[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

/** Samples one worker until stopped; calls `over` once when its resident memory goes over `limitBytes`. */
export class MemoryWatch {
  /** The highest resident memory seen, in bytes. */
  peakBytes = 0
  private timer: NodeJS.Timeout | undefined
  private stopped = false

  constructor(
    private readonly pid: number | undefined,
    private readonly limitBytes: number,
    private readonly busy: () => boolean,
    private readonly over: (rssBytes: number) => void,
  ) {
    if (pid !== undefined && canSample) this.schedule()
  }

  private schedule(): void {
    if (this.stopped) return
    this.timer = setTimeout(() => this.sample(), this.busy() ? SAMPLE_BUSY_MS : SAMPLE_IDLE_MS)
    this.timer.unref()
  }

  /** Samples now (also called when an invocation starts, so a busy worker is watched at once). */
  sample(): void {
    clearTimeout(this.timer)
    if (this.stopped || this.pid === undefined) return
    const rss = residentBytes(this.pid)
    if (rss !== undefined) {
      this.peakBytes = Math.max(this.peakBytes, rss)
      if (rss > this.limitBytes) {
        this.stop()
        this.over(rss)
        return
      }
    }
    this.schedule()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
  }
}

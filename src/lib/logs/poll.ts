/**
 * Following a log group by polling FilterLogEvents, for endpoints without Live Tail (or with --poll): about
 * once a second, every event from a moving window that overlaps the previous one, each printed once.
 *
 * No gap: a poll asks for every event whose timestamp is at most `lag` before the previous poll began, and
 * reads every page, so an event ingested up to `lag` after its timestamp (CloudWatch's ingestion delay; on the
 * local cloud, until the invocation ends) is found by the first poll that starts after it was ingested, in any
 * stream, new ones included. The lag starts at a minute and grows to twice the longest delay seen.
 * No duplicate: events are keyed by their id across windows, and ids older than the window are forgotten.
 */
import {errorName} from '../aws/errors.js'
import type {LogsApi} from '../aws/logs.js'
import type {StoredLogEvent} from '../aws/types.js'
import type {Clock} from '../clock.js'
import {UserError} from '../errors.js'
import {byEventId, Deduper} from './dedupe.js'

export const POLL_INTERVAL_MS = 1000
export const INITIAL_LAG_MS = 60_000
/** Lambda's longest timeout is 15 minutes: no line of an invocation reaches CloudWatch later than that (plus a margin). */
export const MAX_LAG_MS = 16 * 60_000

export interface PollOptions {
  readonly group: string
  readonly filterPattern?: string | undefined
  /** Events from this time on (epoch ms): when following began, or --since. */
  readonly startTime: number
  /** @default POLL_INTERVAL_MS */
  readonly intervalMs?: number | undefined
}

export interface FollowDeps {
  readonly logs: Pick<LogsApi, 'filterEvents'>
  readonly clock: Clock
  /** Following stops, cleanly, when it aborts (Ctrl-C). */
  readonly signal: AbortSignal
}

/** Polls until the signal aborts, calling `print` with each new event. A group that doesn't exist yet is waited for. */
export async function followByPolling(options: PollOptions, {logs, clock, signal}: FollowDeps, print: (event: StoredLogEvent) => void): Promise<void> {
  const deduper = new Deduper(byEventId)
  const interval = options.intervalMs ?? POLL_INTERVAL_MS
  let lag = INITIAL_LAG_MS
  let windowStart = options.startTime
  while (!signal.aborted) {
    const began = clock.now()
    const source = deduper.source()
    try {
      for await (const event of logs.filterEvents(options.group, {startTime: windowStart, filterPattern: options.filterPattern, signal})) {
        if (source.fresh(event)) print(event)
        if (event.ingestionTime !== undefined) lag = Math.max(lag, Math.min(MAX_LAG_MS, 2 * (event.ingestionTime - event.timestamp)))
      }
    } catch (error) {
      if (signal.aborted || errorName(error) === 'AbortError') return
      if (!(error instanceof UserError && error.code === 'NoLogs')) throw error // no group yet: the function hasn't run
    } finally {
      source.close()
    }
    // Never back: what is before the last window was forgotten, and would print again.
    windowStart = Math.max(windowStart, began - lag)
    deduper.forget(windowStart)
    if (!(await pause(clock, Math.max(0, interval - (clock.now() - began)), signal))) return
  }
}

/** Sleeps; false when the signal aborted meanwhile. */
export async function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await clock.sleep(ms, signal)
    return true
  } catch (error) {
    if (signal.aborted) return false
    throw error
  }
}

/**
 * Following a log group through CloudWatch Logs Live Tail: one session after another (AWS ends each after
 * three hours), each printing the events its updates carry. Whenever a session starts, the events it can't
 * carry (ingested before it started: since following began, or while the previous session was ending) are read
 * with FilterLogEvents and printed once, de-duplicated against what the sessions printed; so is the second of
 * an update that Live Tail sampled (over 500 events). A session that goes silent is replaced the same way.
 */
import {errorName} from '../aws/errors.js'
import type {LiveTailUpdate, LogsApi} from '../aws/logs.js'
import type {StoredLogEvent} from '../aws/types.js'
import {UserError} from '../errors.js'
import type {Output} from '../output.js'
import type {DedupeSource} from './dedupe.js'
import {byContent, Deduper} from './dedupe.js'
import type {FollowDeps} from './poll.js'
import {pause} from './poll.js'

/** How far before a session's start the gap is read: lines reach CloudWatch a little after their timestamp. */
export const LIVE_LAG_MS = 2 * 60_000
/** How far back a sampled update's second is read again. */
const SAMPLED_LAG_MS = 10_000
/** Live Tail sends an update every second: this long without one, and the session is replaced. */
export const STALL_MS = 10_000
const RETRY_MS = 2000
/** How often a group that doesn't exist yet is looked for. */
const WAIT_MS = 1000
/** A session shorter than this is followed by a pause before the next one. */
const MIN_SESSION_MS = 1000

export interface LiveFollowOptions {
  readonly group: string
  /** The group's ARN: Live Tail takes ARNs. */
  readonly groupArn: string
  readonly filterPattern?: string | undefined
  /** Events from this time on (epoch ms): when following began, or --since. */
  readonly startTime: number
}

export interface LiveFollowDeps extends FollowDeps {
  readonly logs: Pick<LogsApi, 'filterEvents' | 'liveTail'>
  readonly output: Pick<Output, 'info' | 'warn'>
}

/**
 * Follows until the signal aborts ('stopped'), or returns the UserError saying why Live Tail isn't available
 * when the first session can't start (the caller polls instead). `onStart` runs once, when the first session runs.
 */
export async function followLive(options: LiveFollowOptions, deps: LiveFollowDeps, print: (event: StoredLogEvent) => void, onStart: () => void): Promise<'stopped' | UserError> {
  const {clock, signal} = deps
  const deduper = new Deduper(byContent)
  const state: FollowState = {started: false, waiting: false, lost: false, from: options.startTime}
  while (!signal.aborted) {
    const session = new Session(options, deps, deduper, print)
    const began = clock.now()
    let pauseMs = 0
    try {
      await session.run(() => {
        if (!state.started) onStart()
        Object.assign(state, {started: true, waiting: false, lost: false})
      }, state.from)
      // A session that ended at once (an endpoint that closes the stream) is not restarted in a tight loop.
      if (clock.now() - began < MIN_SESSION_MS) pauseMs = MIN_SESSION_MS
    } catch (error) {
      if (signal.aborted) break
      const refusal = noteFailure(error, state, options.group, deps.output)
      if (refusal) return refusal
      pauseMs = state.waiting ? WAIT_MS : RETRY_MS
    }
    // Lines that arrive between this session's last update and the next one's start are read when it starts.
    if (session.ran) state.from = Math.max(options.startTime, session.lastUpdate - LIVE_LAG_MS)
    if (pauseMs > 0 && !(await pause(clock, pauseMs, signal))) break
  }
  return 'stopped'
}

interface FollowState {
  /** A session has run: from now on a failure is retried, not reported. */
  started: boolean
  /** The log group doesn't exist yet. */
  waiting: boolean
  /** A reconnection is failing (said once until a session runs again). */
  lost: boolean
  /** Where the next session's gap read starts. */
  from: number
}

/** What a failed session means: Live Tail unavailable (returned), a group to wait for, a connection to retry, or an error (thrown). */
function noteFailure(error: unknown, state: FollowState, group: string, output: Pick<Output, 'info' | 'warn'>): UserError | undefined {
  if (!state.started && error instanceof UserError && error.code === 'LiveTailUnavailable') return error
  if (error instanceof UserError && error.code === 'NoLogs') {
    // The function hasn't logged yet: its group appears with its first invocation, whose lines the gap read finds.
    if (!state.waiting) output.info(`Waiting for ${group} to appear (the function hasn't logged yet)…`)
    state.waiting = true
    return undefined
  }
  if (!state.started) throw error
  if (!state.lost) output.warn(`Live Tail session lost (${error instanceof Error ? error.message : String(error)}); reconnecting…`)
  state.lost = true
  return undefined
}

/** One Live Tail session: its updates printed, the gap before it filled, a stall noticed. */
class Session {
  ran = false
  lastUpdate: number
  private readonly controller = new AbortController()

  constructor(
    private readonly options: LiveFollowOptions,
    private readonly deps: LiveFollowDeps,
    private readonly deduper: Deduper,
    private readonly print: (event: StoredLogEvent) => void,
  ) {
    this.lastUpdate = deps.clock.now()
  }

  /** Runs until the session ends (it timed out, went silent, or the signal aborted). */
  async run(onStart: () => void, gapFrom: number): Promise<void> {
    const {signal, logs, clock} = this.deps
    const stop = (): void => this.controller.abort(signal.reason)
    signal.addEventListener('abort', stop, {once: true})
    const source = this.deduper.source()
    let watchdog = this.arm()
    try {
      for await (const update of logs.liveTail([this.options.groupArn], {filterPattern: this.options.filterPattern, signal: this.controller.signal})) {
        const previous = this.lastUpdate
        this.lastUpdate = clock.now()
        clearTimeout(watchdog)
        watchdog = this.arm()
        await this.handle(update, source, onStart, gapFrom, previous)
      }
    } catch (error) {
      // A stall (the watchdog aborted this session alone) ends it like a timeout: the caller starts another.
      if (signal.aborted || !this.controller.signal.aborted || errorName(error) !== 'AbortError') throw error
    } finally {
      clearTimeout(watchdog)
      signal.removeEventListener('abort', stop)
      this.controller.abort()
      source.close()
    }
  }

  private async handle(update: LiveTailUpdate, source: DedupeSource, onStart: () => void, gapFrom: number, previous: number): Promise<void> {
    if (update.kind === 'started') {
      this.ran = true
      onStart()
      await this.fillGap(gapFrom)
      return
    }
    for (const event of update.events) if (source.fresh(event)) this.print(event)
    // Over 500 events in that second: Live Tail sent a sample; read the second whole (lines more than
    // SAMPLED_LAG_MS late and left out of the sample are missed: following a log this busy, poll instead).
    if (update.sampled) await this.fillGap(previous - SAMPLED_LAG_MS)
    this.deduper.forget(this.deps.clock.now() - 2 * LIVE_LAG_MS)
  }

  /** Prints, once, what FilterLogEvents has from `from` on that no session printed. */
  private async fillGap(from: number): Promise<void> {
    const source = this.deduper.source()
    try {
      for await (const event of this.deps.logs.filterEvents(this.options.group, {startTime: Math.max(from, this.options.startTime), filterPattern: this.options.filterPattern, signal: this.controller.signal})) {
        if (source.fresh(event)) this.print(event)
      }
    } finally {
      source.close()
    }
  }

  private arm(): NodeJS.Timeout {
    const timer = setTimeout(() => this.controller.abort(new DOMException('Live Tail went silent', 'AbortError')), STALL_MS)
    timer.unref()
    return timer
  }
}

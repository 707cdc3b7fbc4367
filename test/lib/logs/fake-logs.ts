/** An in-memory CloudWatch Logs for the logs workflows: events that become visible when "ingested", and scripted Live Tail sessions. */
import {vi} from 'vitest'

import type {FilterOptions, LiveTailOptions, LiveTailUpdate, LogsApi} from '../../../src/lib/aws/logs.js'
import type {StoredLogEvent} from '../../../src/lib/aws/types.js'
import type {Clock} from '../../../src/lib/clock.js'
import {abortReason} from '../../../src/lib/clock.js'
import {UserError} from '../../../src/lib/errors.js'

export interface FakeEvent extends StoredLogEvent {
  /** When FilterLogEvents starts returning it (fake clock time): timestamp + ingestion delay. */
  readonly ingestionTime: number
}

/** A Live Tail session's script: called when the session starts, it yields updates (it may await the clock). */
export type SessionScript = (signal: AbortSignal) => AsyncIterable<LiveTailUpdate>

export interface FakeLogsOptions {
  readonly clock: Clock
  readonly events?: FakeEvent[]
  /** Sessions, in the order they are started; once they run out, a session that stays silent until aborted. */
  readonly sessions?: SessionScript[]
  /** What StartLiveTail throws instead of starting (all sessions). */
  readonly refuse?: UserError
  /** FilterLogEvents and Live Tail throw NoLogs until this time. */
  readonly groupFrom?: number
  /** Called once the session after the scripted ones has started and its start was handled (a test interrupts there). */
  readonly onIdle?: () => void
}

export type FakeLogs = Pick<LogsApi, 'filterEvents' | 'liveTail'> & {
  readonly events: FakeEvent[]
  readonly filterEvents: ReturnType<typeof vi.fn<LogsApi['filterEvents']>>
  readonly liveTail: ReturnType<typeof vi.fn<LogsApi['liveTail']>>
}

export function fakeLogs(options: FakeLogsOptions): FakeLogs {
  const events = options.events ?? []
  const sessions = [...(options.sessions ?? [])]
  const {clock} = options
  const filterEvents = vi.fn<LogsApi['filterEvents']>(async function* (_group: string, {startTime, endTime, streamNames, filterPattern, signal}: FilterOptions = {}) {
    await Promise.resolve()
    if (signal?.aborted) throw abortReason(signal)
    if (options.groupFrom !== undefined && clock.now() < options.groupFrom) throw new UserError('NoLogs', 'no group yet')
    const visible = events
      .filter((e) => e.ingestionTime <= clock.now() && (startTime === undefined || e.timestamp >= startTime) && (endTime === undefined || e.timestamp <= endTime))
      .filter((e) => !streamNames || streamNames.includes(e.logStream))
      .filter((e) => !filterPattern || e.message.includes(filterPattern.replaceAll('"', '')))
      .sort((a, b) => a.timestamp - b.timestamp)
    for (const event of visible) yield event
  })
  const liveTail = vi.fn<LogsApi['liveTail']>(async function* (_groups: readonly string[], {signal}: LiveTailOptions = {}) {
    await Promise.resolve()
    if (options.refuse) throw options.refuse
    if (options.groupFrom !== undefined && clock.now() < options.groupFrom) throw new UserError('NoLogs', 'no group yet')
    const script = sessions.shift() ?? silentUntilAborted(options.onIdle)
    yield* script(signal ?? new AbortController().signal)
  })
  return {events, filterEvents, liveTail}
}

const silentUntilAborted = (onIdle?: () => void): SessionScript =>
  async function* (signal) {
    yield {kind: 'started'}
    onIdle?.()
    await new Promise((_resolve, reject) => {
    if (signal.aborted) reject(abortReason(signal))
      signal.addEventListener('abort', () => reject(abortReason(signal)), {once: true})
    })
  }

let nextId = 1

/** An event at `timestamp`, ingested `delay` ms later. */
export function anEvent(message: string, timestamp: number, options: {delay?: number; stream?: string; id?: string} = {}): FakeEvent {
  return {timestamp, message, logStream: options.stream ?? 's1', eventId: options.id ?? String(nextId++).padStart(8, '0'), ingestionTime: timestamp + (options.delay ?? 0)}
}

/** The same event as Live Tail sends it: no event id. */
export function live(event: FakeEvent): StoredLogEvent {
  return {timestamp: event.timestamp, message: event.message, logStream: event.logStream, ingestionTime: event.ingestionTime}
}

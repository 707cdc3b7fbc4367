/** Following by polling: overlapping windows, every event printed once, late and new-stream events found. */
import {expect, test} from 'vitest'

import type {StoredLogEvent} from '../../../src/lib/aws/types.js'
import type {Clock} from '../../../src/lib/clock.js'
import {byContent, byEventId, Deduper} from '../../../src/lib/logs/dedupe.js'
import {followByPolling, INITIAL_LAG_MS} from '../../../src/lib/logs/poll.js'
import {fakeClock} from '../../helpers/clock.js'
import {anEvent, fakeLogs} from './fake-logs.js'

const T0 = Date.UTC(2025, 0, 31, 12)

/** A fake clock that aborts `controller` once fake time reaches `stopAt`. */
function clockUntil(stopAt: number, controller: AbortController): Clock {
  const clock = fakeClock(T0)
  return {
    now: () => clock.now(),
    async sleep(ms, signal) {
      await clock.sleep(ms, signal)
      if (clock.now() >= stopAt) controller.abort(new DOMException('Interrupted by SIGINT', 'AbortError'))
    },
  }
}

async function follow(events: ReturnType<typeof anEvent>[], seconds: number, extra: {groupFrom?: number} = {}): Promise<{printed: StoredLogEvent[]; logs: ReturnType<typeof fakeLogs>}> {
  const controller = new AbortController()
  const clock = clockUntil(T0 + seconds * 1000, controller)
  const logs = fakeLogs({clock, events, ...extra})
  const printed: StoredLogEvent[] = []
  await followByPolling({group: '/aws/lambda/fn', startTime: T0}, {logs, clock, signal: controller.signal}, (event) => printed.push(event))
  return {printed, logs}
}

test('every event once, in any stream, however the windows overlap; nothing from before following began', async () => {
  const events = [
    anEvent('before', T0 - 5000),
    ...Array.from({length: 20}, (_, i) => anEvent(`line ${i}`, T0 + i * 700, {stream: i % 3 === 0 ? 'new-stream' : 's1', delay: (i % 4) * 900})),
  ]
  const {printed, logs} = await follow(events, 30)
  // In the order they became visible: a late line prints when it arrives.
  expect(printed.map((e) => e.message).sort()).toEqual(Array.from({length: 20}, (_, i) => `line ${i}`).sort())
  expect(new Set(printed.map((e) => e.eventId)).size).toBe(20)
  expect(printed.map((e) => e.message)).not.toContain('before')
  // About one poll a second.
  expect(logs.filterEvents.mock.calls.length).toBeGreaterThanOrEqual(29)
  expect(logs.filterEvents.mock.calls.length).toBeLessThanOrEqual(31)
})

test('a line ingested 45 s after its timestamp is still printed; later windows reach back further once a delay was seen', async () => {
  const early = anEvent('slow invocation starts', T0 + 1000, {delay: 45_000})
  // 100 s late: over the initial lag, but under twice the delay seen before it.
  const later = anEvent('very slow line', T0 + 50_000, {delay: 80_000})
  const {printed, logs} = await follow([early, later], 140)
  expect(printed.map((e) => e.message)).toEqual(['slow invocation starts', 'very slow line'])
  expect(80_000).toBeGreaterThan(INITIAL_LAG_MS)
  const lastWindow = logs.filterEvents.mock.calls.at(-1)?.[1]?.startTime ?? 0
  expect(T0 + 140_000 - lastWindow).toBeGreaterThan(INITIAL_LAG_MS)
})

test('two identical lines of the same millisecond, with their own ids, print twice; each id once', async () => {
  const a = anEvent('tick', T0 + 100, {id: 'a'})
  const b = anEvent('tick', T0 + 100, {id: 'b'})
  const {printed} = await follow([a, b], 5)
  expect(printed.map((e) => e.eventId)).toEqual(['a', 'b'])
})

test("a group that doesn't exist yet is waited for, and its first lines are printed", async () => {
  const {printed} = await follow([anEvent('first invocation', T0 + 2500)], 10, {groupFrom: T0 + 3000})
  expect(printed.map((e) => e.message)).toEqual(['first invocation'])
})

test('de-duplication forgets what no window can return again: its memory stays bounded', () => {
  const deduper = new Deduper(byEventId)
  const window = deduper.source()
  for (let i = 0; i < 1000; i++) expect(window.fresh(anEvent(`line ${i}`, T0 + i))).toBe(true)
  window.close()
  deduper.forget(T0 + 900)
  expect(deduper.size).toBe(100)
})

test('by content: what another read returns again is not new; a second identical line of the same millisecond is', () => {
  const deduper = new Deduper(byContent)
  const session = deduper.source()
  const line = {timestamp: T0, message: 'same', logStream: 's'}
  expect(session.fresh(line)).toBe(true)
  const gap = deduper.source()
  expect(gap.fresh({...line, eventId: 'x'})).toBe(false)
  expect(gap.fresh({...line, eventId: 'y'})).toBe(true)
  expect(session.fresh(line)).toBe(false) // the session delivering the second one too
})

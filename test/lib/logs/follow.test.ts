/** Following through Live Tail: sessions one after another, the gaps between them filled, every line once. */
import {expect, test} from 'vitest'

import type {LiveTailUpdate} from '../../../src/lib/aws/logs.js'
import type {Clock} from '../../../src/lib/clock.js'
import {UserError} from '../../../src/lib/errors.js'
import {followLive} from '../../../src/lib/logs/follow.js'
import {silentOutput} from '../../../src/lib/output.js'
import {fakeClock} from '../../helpers/clock.js'
import type {FakeEvent, SessionScript} from './fake-logs.js'
import {anEvent, fakeLogs, live} from './fake-logs.js'

const T0 = Date.UTC(2025, 0, 31, 12)
const GROUP = {group: '/aws/lambda/fn', groupArn: 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/fn', startTime: T0}

type Step = FakeEvent[] | {readonly sampled: FakeEvent[]} | {readonly wait: number}

/** A session: started, then its steps (an update, a sampled update, or time passing); after the last one it ends, as a timed-out session does. */
function session(clock: Clock, ...steps: Step[]): SessionScript {
  return async function* () {
    yield {kind: 'started'}
    for (const step of steps) {
      if ('wait' in step) await clock.sleep(step.wait)
      else yield {kind: 'events', events: (Array.isArray(step) ? step : step.sampled).map(live), sampled: !Array.isArray(step)} satisfies LiveTailUpdate
    }
  }
}

interface Run {
  readonly printed: string[]
  readonly logs: ReturnType<typeof fakeLogs>
  readonly outcome: 'stopped' | UserError
  readonly info: string[]
  readonly starts: number
}

/** Follows until the scripted sessions ran out and the next one has started (and filled its gap), then interrupts. */
async function follow(events: FakeEvent[], sessions: (clock: Clock) => SessionScript[], options: {refuse?: UserError; groupFrom?: number} = {}): Promise<Run> {
  const controller = new AbortController()
  const clock = fakeClock(T0 + 1000)
  const logs = fakeLogs({clock, events, sessions: sessions(clock), onIdle: () => controller.abort(new DOMException('Interrupted by SIGINT', 'AbortError')), ...options})
  const printed: string[] = []
  const info: string[] = []
  let starts = 0
  const output = silentOutput({info: (line) => void info.push(line)})
  const outcome = await followLive(GROUP, {logs, clock, signal: controller.signal, output}, (event) => printed.push(event.message), () => starts++)
  return {printed, logs, outcome, info, starts}
}

test('a session that ends (its 3 hours) is replaced; what was ingested in between is printed once, nothing twice', async () => {
  const a = anEvent('a', T0 + 1000)
  const b = anEvent('b', T0 + 2000)
  // Ingested while the first session was ending: no session sends it.
  const c = anEvent('c', T0 + 3000, {delay: 3000})
  // Ingested just after the second session started: the gap read and the session both return it.
  const d = anEvent('d', T0 + 3500, {delay: 2500})
  const run = await follow([a, b, c, d], (clock) => [session(clock, [a], {wait: 1000}, [b], {wait: 4000}), session(clock, [d])])
  expect(run.outcome).toBe('stopped')
  expect(run.printed).toEqual(['a', 'b', 'c', 'd'])
  expect(run.starts).toBe(1)
  expect(run.logs.liveTail).toHaveBeenCalledTimes(3)
  expect(run.logs.liveTail.mock.calls[0]?.[0]).toEqual([GROUP.groupArn])
})

test('lines ingested between following starting and the first session starting are printed', async () => {
  const early = anEvent('while connecting', T0 + 200, {delay: 300})
  const run = await follow([early], () => [])
  expect(run.printed).toEqual(['while connecting'])
  expect(run.logs.filterEvents.mock.calls[0]?.[1]?.startTime).toBe(T0)
})

test('a sampled update (over 500 lines in a second) is completed from FilterLogEvents, each line once', async () => {
  const lines = Array.from({length: 8}, (_, i) => anEvent(`burst ${i}`, T0 + 1000 + i))
  const run = await follow(lines, (clock) => [session(clock, {wait: 1000}, {sampled: [lines[1], lines[5]].filter((e) => e !== undefined)}, {wait: 1000})])
  expect([...run.printed].sort()).toEqual(lines.map((e) => e.message).sort())
  expect(run.printed).toHaveLength(8)
})

test("an endpoint without Live Tail: the reason comes back before anything is printed, for the caller to poll", async () => {
  const refusal = new UserError('LiveTailUnavailable', "Live Tail isn't available at http://127.0.0.1:4566: UnknownOperationException")
  const run = await follow([], () => [], {refuse: refusal})
  expect(run.outcome).toBe(refusal)
  expect(run.starts).toBe(0)
})

test("a group that doesn't exist yet is waited for; the first invocation's lines, written as it appeared, are printed", async () => {
  const first = anEvent('START RequestId: 1', T0 + 2500)
  const run = await follow([first], () => [], {groupFrom: T0 + 3000})
  expect(run.info).toEqual(["Waiting for /aws/lambda/fn to appear (the function hasn't logged yet)…"])
  expect(run.printed).toEqual(['START RequestId: 1'])
})

test('an error before any session ran is the error; after one ran, the session is replaced', async () => {
  const controller = new AbortController()
  const clock = fakeClock(T0)
  const logs = fakeLogs({clock})
  logs.liveTail.mockImplementationOnce(async function* () {
    await Promise.resolve()
    yield* []
    throw new UserError('EndpointUnreachable', "Can't reach http://127.0.0.1:9 (ECONNREFUSED).")
  })
  const failed = followLive(GROUP, {logs, clock, signal: controller.signal, output: silentOutput()}, () => undefined, () => undefined)
  await expect(failed).rejects.toMatchObject({code: 'EndpointUnreachable'})
})

test('a session lost after it ran (a network error) is replaced with a warning, and the lines of the gap printed', async () => {
  const a = anEvent('a', T0 + 1000)
  const b = anEvent('b while reconnecting', T0 + 1500, {delay: 1000})
  const warnings: string[] = []
  const controller = new AbortController()
  const clock = fakeClock(T0 + 1000)
  const logs = fakeLogs({clock, events: [a, b], onIdle: () => controller.abort()})
  logs.liveTail.mockImplementationOnce(async function* () {
    await Promise.resolve()
    yield {kind: 'started'}
    yield {kind: 'events', events: [live(a)], sampled: false}
    throw new UserError('EndpointUnreachable', 'socket hang up')
  })
  // The server is gone for a while: one warning, not one per attempt.
  for (let i = 0; i < 3; i++) {
    logs.liveTail.mockImplementationOnce(async function* () {
      await Promise.resolve()
      yield* []
      throw new UserError('EndpointUnreachable', "Can't reach http://127.0.0.1:4599 (ECONNREFUSED).")
    })
  }
  const printed: string[] = []
  await followLive(GROUP, {logs, clock, signal: controller.signal, output: silentOutput({warn: (line) => void warnings.push(line)})}, (event) => printed.push(event.message), () => undefined)
  expect(warnings).toEqual(['Live Tail session lost (socket hang up); reconnecting…'])
  expect(printed).toEqual(['a', 'b while reconnecting'])
})

import type {Mock} from 'vitest'
import {vi} from 'vitest'

import type {CloudWatchApi} from '../../../src/lib/aws/cloudwatch.js'
import type {LambdaApi} from '../../../src/lib/aws/lambda.js'
import type {AlarmInfo, InvokeResult, MetricQuery, MetricSeries} from '../../../src/lib/aws/types.js'
import {throwIfAborted} from '../../../src/lib/clock.js'
import type {ExitCode} from '../../../src/lib/errors.js'
import type {Interrupts} from '../../../src/lib/interrupt.js'
import type {Output} from '../../../src/lib/output.js'
import {silentOutput} from '../../../src/lib/output.js'
import {encodeDescription} from '../../../src/lib/release/alias-state.js'
import type {AliasState} from '../../../src/lib/release/alias-state.js'
import type {FakeClock} from '../../helpers/clock.js'
import {fakeClock} from '../../helpers/clock.js'
import type {FakeFunction, FakeLambda} from '../release/fake-lambda.js'
import {aVersion, anAlias, fakeLambda} from '../release/fake-lambda.js'

export {aVersion, anAlias}

/** 2025-01-01T10:00:00Z: on a minute boundary, so metric minutes line up with the start. */
export const T0 = Date.UTC(2025, 0, 1, 10)
export const MINUTE = 60_000

export type RolloutLambda = FakeLambda & {invoke: Mock<LambdaApi['invoke']>}

/** The release fake, plus invoke (by default every invocation answers `{"ok":true}`). */
export function rolloutLambda(fn: Partial<FakeFunction> = {}, invoke?: LambdaApi['invoke']): RolloutLambda {
  const answer = (payload: string, functionError?: string): InvokeResult => ({statusCode: 200, payload: new TextEncoder().encode(payload), functionError})
  return Object.assign(fakeLambda(fn), {invoke: vi.fn<LambdaApi['invoke']>(invoke ?? (() => Promise.resolve(answer('{"ok":true}'))))})
}

export function invokeAnswer(payload: unknown, functionError?: string): InvokeResult {
  return {statusCode: 200, payload: new TextEncoder().encode(JSON.stringify(payload)), functionError}
}

/** An alarm's states over time: each entry holds from `at` (ms after T0) until the next. */
export type AlarmTimeline = readonly {readonly at: number; readonly state: string; readonly reason?: string}[]

/** One metric's value in the minute starting at `minute` (epoch ms), undefined for no datapoint. */
export type MetricSource = (metric: string, dimensions: Readonly<Record<string, string>>, minute: number) => number | undefined

export type FakeCloudWatch = {
  describeAlarms: Mock<CloudWatchApi['describeAlarms']>
  getMetricData: Mock<CloudWatchApi['getMetricData']>
}

/** A CloudWatch whose alarms and metrics follow the fake clock. */
export function fakeCloudWatch(clock: FakeClock, {alarms = {}, metrics}: {alarms?: Record<string, AlarmTimeline>; metrics?: MetricSource} = {}): FakeCloudWatch {
  const alarmAt = (name: string, timeline: AlarmTimeline): AlarmInfo => {
    const elapsed = clock.now() - T0
    const current = [...timeline].reverse().find((entry) => entry.at <= elapsed) ?? {at: -MINUTE, state: 'INSUFFICIENT_DATA'}
    return {name, arn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${name}`, kind: 'metric', state: current.state, stateReason: current.reason, stateUpdatedAt: new Date(T0 + current.at)}
  }
  return {
    describeAlarms: vi.fn<CloudWatchApi['describeAlarms']>(async (which) => {
      await Promise.resolve()
      const names = 'names' in which ? which.names : Object.keys(alarms).filter((name) => name.startsWith(which.prefix))
      return names.filter((name) => alarms[name]).map((name) => alarmAt(name, alarms[name] ?? []))
    }),
    getMetricData: vi.fn<CloudWatchApi['getMetricData']>(async (queries, {start, end}) => {
      await Promise.resolve()
      return queries.map((q): MetricSeries => seriesOf(q, start.getTime(), end.getTime(), metrics))
    }),
  }
}

function seriesOf(query: MetricQuery, start: number, end: number, metrics: MetricSource | undefined): MetricSeries {
  if (!('metric' in query)) return {id: query.id, points: []}
  const points: {timestamp: Date; value: number}[] = []
  for (let minute = start; minute < end; minute += MINUTE) {
    const value = metrics?.(query.metric.name, query.metric.dimensions ?? {}, minute)
    if (value !== undefined) points.push({timestamp: new Date(minute), value})
  }
  return {id: query.id, points, status: 'Complete'}
}

/** Interrupts a test fires by hand: `interrupt('SIGINT')` aborts the signal as Ctrl-C would. */
export function fakeInterrupts(): {interrupts: Pick<Interrupts, 'signal' | 'exitCode'>; interrupt: (signal: 'SIGINT' | 'SIGTERM') => void} {
  const controller = new AbortController()
  let code: ExitCode | undefined
  return {
    interrupts: {signal: controller.signal, exitCode: () => code},
    interrupt(signal) {
      code = signal === 'SIGINT' ? 130 : 143
      controller.abort(new DOMException(`Interrupted by ${signal}`, 'AbortError'))
    },
  }
}

/** A fake clock that calls `fire` once, the first time a sleep ends at or after `at` (ms after T0). */
export function clockFiringAt(at: number, fire: () => void): FakeClock {
  const clock = fakeClock(T0)
  let fired = false
  return {
    ...clock,
    async sleep(ms, signal) {
      await clock.sleep(ms, signal)
      if (!fired && clock.now() - T0 >= at) {
        fired = true
        fire()
        throwIfAborted(signal)
      }
    },
  }
}

/** An Output that keeps every line written to stderr, spinner logs included. */
export function recordingOutput(): {output: Output; lines: string[]} {
  const lines: string[] = []
  const output = silentOutput({
    interactive: false,
    info: (message) => lines.push(message),
    warn: (message) => lines.push(`Warning: ${message}`),
    progress: () => ({update: () => undefined, log: (line) => lines.push(line), stop: () => undefined}),
  })
  return {output, lines}
}

/** An alias description holding sling's record. */
export function recorded(state: AliasState, text = ''): string {
  return encodeDescription(text, state, {functionName: 'hello', alias: 'live'})
}

/** The rollout's health gates read together, and their verdict: the first unhealthy reading, in words. */
import type {AlarmWatch} from './alarms.js'
import type {ErrorRateWatch} from './error-rate.js'
import type {SmokeTest} from './smoke.js'
import {runSmoke} from './smoke.js'
import type {ErrorRateReading, GateReading, StopReason} from './types.js'
import {formatPercent} from './units.js'
import type {LambdaApi} from '../aws/lambda.js'

export interface Gates {
  readonly alarms: AlarmWatch
  /** Undefined without --max-error-rate (or rollout.maxErrorRate). */
  readonly errorRate?: ErrorRateWatch | undefined
  readonly smoke: readonly SmokeTest[]
}

/** Which gates a check reads: smoke runs only before traffic and after each step, not on every poll of a bake. */
export interface CheckScope {
  readonly smoke: boolean
  readonly errorRate: boolean
}

export interface GateCheck {
  readonly readings: readonly GateReading[]
  readonly unhealthy?: StopReason | undefined
}

export interface CheckContext {
  readonly functionName: string
  readonly version: string
  readonly now: number
  readonly lambda: Pick<LambdaApi, 'invoke'>
  readonly signal?: AbortSignal | undefined
}

/** Reads the gates in `scope` (alarms always), cheapest first, and stops at the first unhealthy one. */
export async function checkGates(gates: Gates, scope: CheckScope, context: CheckContext): Promise<GateCheck> {
  const readings: GateReading[] = [...(await gates.alarms.read({signal: context.signal}))]
  const alarm = readings.find((r) => r.gate === 'alarm' && !r.healthy)
  if (alarm) return {readings, unhealthy: verdict(alarm)}
  if (scope.errorRate && gates.errorRate) {
    const rate = await gates.errorRate.read(context.now, {signal: context.signal})
    readings.push(rate)
    if (rate.status === 'too-high') return {readings, unhealthy: verdict(rate)}
  }
  if (scope.smoke && gates.smoke.length > 0) {
    const smoke = await runSmoke(gates.smoke, context.functionName, context.version, {lambda: context.lambda, signal: context.signal})
    readings.push(...smoke)
    const failed = smoke.find((r) => r.status !== 'ok')
    if (failed) return {readings, unhealthy: verdict(failed)}
  }
  return {readings}
}

/** Why a reading is unhealthy, in words: the gate, the figure, the limit. */
export function verdict(reading: GateReading): StopReason {
  switch (reading.gate) {
    case 'alarm':
      if (reading.state === 'MISSING') return {gate: 'alarm', message: `alarm "${reading.name}" no longer exists`, figure: 'MISSING'}
      return {gate: 'alarm', message: `alarm "${reading.name}" is in ALARM${reading.reason ? ` (${reading.reason})` : ''}`, figure: reading.state, limit: 'OK or INSUFFICIENT_DATA'}
    case 'error-rate':
      return errorRateVerdict(reading)
    case 'smoke':
      return {gate: 'smoke', message: `${reading.label} ${smokeFailure(reading.status)}${reading.detail ? `: ${reading.detail}` : ''}`, figure: reading.status}
  }
}

function errorRateVerdict(reading: ErrorRateReading): StopReason {
  const limit = formatPercent(reading.limit)
  if (reading.status === 'not-enough-data') {
    return {
      gate: 'error-rate', figure: `${reading.invocations} invocations`, limit: `${reading.minInvocations} invocations`,
      message: `not enough data to judge the error rate: ${reading.invocations} invocation${reading.invocations === 1 ? '' : 's'} of the new version through the alias, and it takes ${reading.minInvocations} (--min-invocations)`,
    }
  }
  const rate = formatPercent(reading.rate ?? 0)
  return {gate: 'error-rate', figure: rate, limit, message: `error rate ${rate} (${reading.errors} errors in ${reading.invocations} invocations${reading.partial ? ', counting minutes not yet complete' : ''}) is over the limit of ${limit} (--max-error-rate)`}
}

function smokeFailure(status: 'ok' | 'function-error' | 'unexpected-response' | 'invoke-failed'): string {
  switch (status) {
    case 'ok':
      return 'passed'
    case 'function-error':
      return 'failed with a function error'
    case 'unexpected-response':
      return "didn't get the expected response"
    case 'invoke-failed':
      return "couldn't be invoked"
  }
}

/** "alarms ok · error rate 0.4% of 250 · smoke ok": the gates in a few words, for the status line. */
export function summarizeReadings(readings: readonly GateReading[]): string {
  const parts: string[] = []
  const alarms = readings.filter((r) => r.gate === 'alarm')
  if (alarms.length > 0) parts.push(alarms.every((a) => a.healthy) ? `alarms ok${alarms.some((a) => a.ignored) ? ' (some ignored)' : ''}` : 'alarm!')
  const rate = readings.find((r): r is ErrorRateReading => r.gate === 'error-rate')
  if (rate) parts.push(rate.status === 'not-enough-data' ? `error rate: not enough data (${rate.invocations}/${rate.minInvocations})` : `error rate ${formatPercent(rate.rate ?? 0)} of ${rate.invocations}`)
  const smoke = readings.filter((r) => r.gate === 'smoke')
  if (smoke.length > 0) parts.push(smoke.every((s) => s.status === 'ok') ? 'smoke ok' : 'smoke failed')
  return parts.join(' · ')
}

/**
 * A rollout's steps once traffic may move: shift, check every gate (smoke included), bake while reading the
 * alarms and the error rate on a short cadence, and on to the next step; after the last one, wait until the
 * error rate of its minute can be judged. Every step is written to the alias's record first, so another
 * process can resume or roll back from it; every wait goes through the clock and stops on the abort signal.
 */
import type {LambdaApi} from '../aws/lambda.js'
import type {AliasInfo} from '../aws/types.js'
import type {Clock} from '../clock.js'
import {UserError} from '../errors.js'
import type {Progress} from '../output.js'
import type {AliasMove} from '../release/move-alias.js'
import {moveAlias} from '../release/move-alias.js'
import {aliasWeights, weightBar} from '../release/weights.js'
import type {GateCheck, Gates} from './gates.js'
import {checkGates, summarizeReadings, verdict} from './gates.js'
import type {Strategy} from './strategy.js'
import type {GateReading, StepReport, StopReason} from './types.js'
import {formatDuration, formatPercent, formatRemaining} from './units.js'

/** The rollout as it runs. `alias` is sling's latest read or write of the alias: the next write carries its RevisionId. */
export interface RunState {
  /** What Lambda is sent as FunctionName (a name or ARN). */
  readonly functionName: string
  /** The function's name: for messages and the FunctionName metric dimension. */
  readonly name: string
  readonly aliasName: string
  readonly version: string
  readonly previousVersion: string
  readonly strategy: Strategy
  /** When traffic first moved, to the second (as recorded). */
  readonly startedAt: number
  readonly gates: Gates
  alias: AliasInfo
  readonly steps: MutableStep[]
}

type MutableStep = {-readonly [K in keyof StepReport]: StepReport[K]}

export interface RunDeps {
  readonly lambda: Pick<LambdaApi, 'invoke' | 'pointAlias'>
  readonly clock: Clock
  readonly signal: AbortSignal
  readonly progress: Progress
  /** On a terminal the status line counts down every second; elsewhere the loop wakes only to read the gates. */
  readonly interactive: boolean
  /** The longest pause between two readings of the gates during a bake. */
  readonly checkEveryMs: number
}

/** How the steps ended. An error thrown out of `runSteps` is sling's own bug or an AWS failure. */
export type Ending = {readonly kind: 'completed'} | {readonly kind: 'unhealthy'; readonly reason: StopReason}

/** Where to start: a step to shift to, or (resuming) the step the alias is on, with when it moved there. */
export interface StartAt {
  readonly step: number
  readonly stepStartedAt?: number | undefined
}

export async function runSteps(run: RunState, start: StartAt, deps: RunDeps): Promise<Ending> {
  const {steps} = run.strategy
  for (let i = start.step; i < steps.length; i++) {
    const resumed = i === start.step && start.stepStartedAt !== undefined
    const at = resumed ? (start.stepStartedAt ?? 0) : await shiftTo(run, i, deps)
    const report: MutableStep = {step: i + 1, percent: steps[i]?.percent ?? 100, at: new Date(at).toISOString(), weights: aliasWeights(run.alias), gates: [], checks: 0}
    run.steps.push(report)
    deps.progress.log(stepLine(run, i, at, resumed, deps.clock.now()))
    const after = await check(run, report, {smoke: true, errorRate: true}, deps)
    if (after.unhealthy) return {kind: 'unhealthy', reason: after.unhealthy}
    const last = i === steps.length - 1
    const errorRate = run.gates.errorRate
    // After the last step, the error rate is judged once the minute of that step can be complete in CloudWatch.
    const until = last ? (errorRate ? errorRate.completeBy(at) : at) : at + (steps[i]?.bakeMs ?? 0)
    if (last && errorRate && until > deps.clock.now()) deps.progress.log(`Waiting ${formatRemaining(until - deps.clock.now())} for CloudWatch to have the error rate of the last step's minute…`)
    const baked = await bake(run, report, {step: i, until}, deps)
    if (baked.unhealthy) return {kind: 'unhealthy', reason: baked.unhealthy}
    const rate = (baked.readings.length > 0 ? baked : after).readings.find((r) => r.gate === 'error-rate')
    if (last && rate?.gate === 'error-rate' && rate.status === 'not-enough-data') return {kind: 'unhealthy', reason: verdict(rate)} // too little traffic isn't healthy
  }
  // All gates passed at 100%: drop the rollout record. Not stoppable: the rollout has succeeded, and only this write says so.
  run.alias = (await moveAlias(run.functionName, run.aliasName, run.alias, {version: run.version, previousVersion: run.previousVersion}, {lambda: deps.lambda})).alias
  return {kind: 'completed'}
}

/** Moves the alias to step `i`, recording it; returns when (to the second, as recorded). */
async function shiftTo(run: RunState, i: number, {lambda, clock, signal}: RunDeps): Promise<number> {
  const percent = run.strategy.steps[i]?.percent ?? 100
  const at = i === 0 ? run.startedAt : wholeSecond(clock.now())
  const rollout = {targetVersion: run.version, strategy: run.strategy.short, step: i, startedAt: run.startedAt, stepStartedAt: at}
  const move: AliasMove =
    percent >= 100
      ? {version: run.version, previousVersion: run.previousVersion, rollout}
      : {version: run.previousVersion, routing: {[run.version]: percent / 100}, previousVersion: run.previousVersion, rollout}
  run.alias = (await moveAlias(run.functionName, run.aliasName, run.alias, move, {lambda, signal})).alias
  return at
}

/** Reads the gates in `scope`, keeping the step's last reading of each. */
async function check(run: RunState, report: MutableStep, scope: {smoke: boolean; errorRate: boolean}, {lambda, clock, signal}: RunDeps): Promise<GateCheck> {
  const result = await checkGates(run.gates, scope, {functionName: run.functionName, version: run.version, now: clock.now(), lambda, signal})
  report.gates = mergeReadings(report.gates, result.readings)
  report.checks++
  return result
}

/** Waits until `until`, reading the alarms and error rate every `checkEveryMs` (and at the end); stops at the first unhealthy reading. */
async function bake(run: RunState, report: MutableStep, {step, until}: {step: number; until: number}, deps: RunDeps): Promise<GateCheck> {
  const {clock, signal, progress} = deps
  // About six readings in a short bake, one every `checkEveryMs` in a long one; whole seconds.
  const cadence = Math.min(deps.checkEveryMs, Math.max(1000, Math.round((until - clock.now()) / 6000) * 1000))
  let nextCheck = clock.now() + cadence
  let latest: GateCheck = {readings: []}
  while (clock.now() < until) {
    progress.update(statusLine(run, step, until, report.gates, clock.now()))
    await clock.sleep(Math.max(0, Math.min(until, nextCheck, deps.interactive ? clock.now() + 1000 : Number.POSITIVE_INFINITY) - clock.now()), signal)
    if (clock.now() < nextCheck && clock.now() < until) continue
    latest = await check(run, report, {smoke: false, errorRate: true}, deps)
    if (latest.unhealthy) return latest
    nextCheck = clock.now() + cadence
  }
  return latest
}

/** The step's readings with `fresh` in place of the earlier reading of the same gate. */
function mergeReadings(earlier: readonly GateReading[], fresh: readonly GateReading[]): GateReading[] {
  const key = (r: GateReading): string => (r.gate === 'alarm' ? `alarm:${r.name}` : r.gate === 'smoke' ? `smoke:${r.label}` : r.gate)
  const merged = new Map(earlier.map((r) => [key(r), r]))
  for (const r of fresh) merged.set(key(r), r)
  return [...merged.values()]
}

function stepLine(run: RunState, i: number, at: number, resumed: boolean, now: number): string {
  const total = run.strategy.steps.length
  const bakeMs = run.strategy.steps[i]?.bakeMs ?? 0
  const left = at + bakeMs - now
  const bake = bakeMs > 0 ? (resumed ? `, ${formatRemaining(Math.max(0, left))} of its ${formatDuration(bakeMs)} left` : `, baking ${formatDuration(bakeMs)}`) : ''
  return `${new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z')} ${resumed ? 'resumed at ' : ''}step ${i + 1}/${total}: ${describeWeights(run.alias)}${bake}`
}

function statusLine(run: RunState, i: number, until: number, readings: readonly GateReading[], now: number): string {
  const total = run.strategy.steps.length
  const share = aliasWeights(run.alias).find((w) => w.version === run.version)?.percent ?? 0
  const next = i === total - 1 ? `confirming, ${formatRemaining(until - now)}` : `next step in ${formatRemaining(until - now)}`
  const gates = summarizeReadings(readings)
  return `Step ${i + 1}/${total}: v${run.version} ${weightBar(share, 10)} ${formatPercent(share)} · ${next}${gates === '' ? '' : ` · ${gates}`}`
}

/** "v6 90%, v7 10%". */
export function describeWeights(alias: Pick<AliasInfo, 'version' | 'routing'>): string {
  return aliasWeights(alias).map((w) => `v${w.version} ${formatPercent(w.percent)}`).join(', ')
}

export function wholeSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000
}

/** True for the error moveAlias throws when the alias changed since sling's read. */
export function isConcurrentChange(error: unknown): error is UserError {
  return error instanceof UserError && error.code === 'ConcurrentChange'
}

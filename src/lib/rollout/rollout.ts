/**
 * `sling rollout`: moves an alias's traffic to a new version step by step, gated on CloudWatch alarms, the
 * new version's error rate and smoke invocations, and returns the alias to the previous version when a
 * gate fails, on an interrupt, or on an error. The rollout's progress lives in the alias's record, written
 * at every step, so `--resume` continues it and `sling rollback` undoes it from any machine.
 */
import type {LambdaApi} from '../aws/lambda.js'
import type {AliasInfo} from '../aws/types.js'
import type {Clock} from '../clock.js'
import {ExitCode, UserError} from '../errors.js'
import type {Interrupts} from '../interrupt.js'
import type {Output} from '../output.js'
import {aliasWeights} from '../release/weights.js'
import type {Target} from '../targets.js'
import {describeFound, returnAlias, returnFailedMessage} from './finish.js'
import type {Gates} from './gates.js'
import {checkGates, summarizeReadings} from './gates.js'
import type {GateSettings} from './settings.js'
import type {Ending, RunState, StartAt} from './steps.js'
import {describeWeights, isConcurrentChange, runSteps, wholeSecond} from './steps.js'
import type {Strategy} from './strategy.js'
import {DEFAULT_STRATEGY, describeStrategy, parseStrategy} from './strategy.js'
import type {GateReading, RolloutResult, StopReason} from './types.js'
import type {StartCloudWatch, StartLambda} from './start.js'
import {buildGates, checkRecordFits, readResume, readStart} from './start.js'
import {formatPercent} from './units.js'

export interface RolloutOptions {
  readonly target: Target
  readonly alias: string
  /** The version to roll out ("7" or "v7"). Required for a new rollout; with `resume`, checked against the record. */
  readonly version?: string | undefined
  /** Ignored with `resume`: the recorded strategy goes on. @default Canary10Percent5Minutes */
  readonly strategy?: Strategy | undefined
  readonly gates: GateSettings
  /** Continue the rollout recorded on the alias. @default false */
  readonly resume?: boolean | undefined
  /** On SIGINT/SIGTERM leave the alias where it is (resume or roll back later) instead of returning it. @default false */
  readonly keepOnInterrupt?: boolean | undefined
  /** The longest pause between two readings of the gates during a bake. @default 10_000 */
  readonly checkEveryMs?: number | undefined
}

export interface RolloutDeps {
  readonly lambda: StartLambda & Pick<LambdaApi, 'invoke' | 'pointAlias'>
  readonly cloudwatch: StartCloudWatch
  readonly output: Pick<Output, 'info' | 'warn' | 'progress' | 'interactive'>
  readonly clock: Clock
  readonly interrupts: Pick<Interrupts, 'signal' | 'exitCode'>
}

export const DEFAULT_CHECK_EVERY_MS = 10_000

export async function rollout(options: RolloutOptions, deps: RolloutDeps): Promise<RolloutResult> {
  const began = deps.clock.now()
  let prepared: Prepared
  try {
    prepared = options.resume ? await prepareResume(options, deps) : await prepareStart(options, deps)
  } catch (error) {
    // An interrupt before any traffic moved: nothing to undo.
    if (deps.interrupts.signal.aborted && !(error instanceof UserError && error.code !== 'Interrupted')) throw interruptedBeforeStart(deps)
    throw error
  }
  if ('result' in prepared) return {...prepared.result, startedAt: new Date(began).toISOString()}
  return drive(prepared, options, deps, began)
}

type Prepared = {run: RunState; start: StartAt; preflight: readonly GateReading[]} | {result: RolloutResult}

async function prepareStart(options: RolloutOptions, deps: RolloutDeps): Promise<Prepared> {
  const {target, strategy = parseStrategy(DEFAULT_STRATEGY)} = options
  const {lambda, clock, output, interrupts} = deps
  const {alias, version, unchanged, staleRecord} = await readStart(target, options.alias, options.version, {lambda, signal: interrupts.signal})
  const startedAt = wholeSecond(clock.now())
  const run: RunState = {functionName: target.functionName, name: target.name, aliasName: alias.name, version, previousVersion: alias.version, strategy, startedAt, gates: buildGates(options.gates, {name: target.name, alias: alias.name, version, since: startedAt}, deps), alias, steps: []}
  if (unchanged) {
    output.info(`Alias "${alias.name}" of ${target.name} already points to version ${version}: nothing to roll out.`)
    return {result: resultOf(run, 'unchanged', {began: clock.now(), now: clock.now(), preflight: []})}
  }
  if (staleRecord) output.warn(`Alias "${alias.name}" holds the record of an earlier rollout, but has been moved since by something else: sling ignores it.`)
  checkRecordFits(alias, target, version, strategy, startedAt)
  output.info(`Rolling out version ${version} to alias "${alias.name}" of ${target.name} (now ${describeWeights(alias)}): ${describeStrategy(strategy)}, ${strategy.steps.length} step${strategy.steps.length > 1 ? 's' : ''}.`)
  describeGates(run.gates, output)
  // Before any traffic: alarms (one already in ALARM stops the rollout) and smoke against the new version.
  const preflight = await checkGates(run.gates, {smoke: true, errorRate: false}, {functionName: target.functionName, version, now: clock.now(), lambda, signal: interrupts.signal})
  if (preflight.unhealthy) {
    const reason = preflight.unhealthy.gate === 'alarm' ? {...preflight.unhealthy, message: `${preflight.unhealthy.message}, before any traffic moved`} : preflight.unhealthy
    output.info(`Stopped before any traffic moved: ${reason.message}. Alias "${alias.name}" still sends ${describeWeights(alias)}.`)
    if (reason.gate === 'alarm') output.info(`  → If version ${version} is the fix for what the alarm reports, pass --ignore-alarm-at-start with the alarm's name.`)
    return {result: resultOf(run, 'stopped', {began: clock.now(), now: clock.now(), preflight: preflight.readings, reason, exitCode: ExitCode.Failure})}
  }
  output.info(`Gates before any traffic: ${summarizeReadings(preflight.readings) || 'none to read'}.`)
  return {run, start: {step: 0}, preflight: preflight.readings}
}

async function prepareResume(options: RolloutOptions, deps: RolloutDeps): Promise<Prepared> {
  const {target} = options
  const {lambda, output, interrupts} = deps
  const {alias, state, strategy} = await readResume(target, options.alias, options.version, {lambda, signal: interrupts.signal})
  const {rollout: record, previousVersion} = state
  const version = record.targetVersion
  const gates = buildGates(options.gates, {name: target.name, alias: alias.name, version, since: record.startedAt}, deps)
  await gates.alarms.read({signal: interrupts.signal}) // an unknown alarm name is refused before anything moves
  const run: RunState = {functionName: target.functionName, name: target.name, aliasName: alias.name, version, previousVersion, strategy, startedAt: record.startedAt, gates, alias, steps: []}
  output.info(`Resuming the rollout of version ${version} on alias "${alias.name}" of ${target.name} (started ${new Date(record.startedAt).toISOString()}): ${describeStrategy(strategy)}, at step ${record.step + 1} of ${strategy.steps.length}.`)
  describeGates(gates, output)
  return {run, start: {step: record.step, stepStartedAt: record.stepStartedAt}, preflight: []}
}

/** How the steps ended, or why they stopped. */
type Stop = Ending | {readonly kind: 'interrupted' | 'conflict'} | {readonly kind: 'error'; readonly error: unknown}

type Finished = {status: RolloutResult['status']; reason?: StopReason; rolledBack?: boolean; exitCode: number}

async function drive({run, start, preflight}: Exclude<Prepared, {result: RolloutResult}>, options: RolloutOptions, deps: RolloutDeps, began: number): Promise<RolloutResult> {
  const {output, clock, interrupts} = deps
  const progress = output.progress(`Rolling out version ${run.version}…`)
  let ending: Stop
  try {
    ending = await runSteps(run, start, {lambda: deps.lambda, clock, signal: interrupts.signal, progress, interactive: output.interactive, checkEveryMs: options.checkEveryMs ?? DEFAULT_CHECK_EVERY_MS})
  } catch (error) {
    if (interrupts.signal.aborted) ending = {kind: 'interrupted'}
    else if (isConcurrentChange(error)) ending = {kind: 'conflict'}
    else ending = {kind: 'error', error}
  } finally {
    progress.stop()
  }
  const finished = await finish(run, ending, options, deps)
  const result = resultOf(run, finished.status, {began, now: clock.now(), preflight, reason: finished.reason, rolledBack: finished.rolledBack, exitCode: finished.exitCode, resumed: options.resume})
  if (ending.kind === 'error' && !(ending.error instanceof UserError)) throw ending.error // sling's own bug: the stack matters more than the result
  return result
}

async function finish(run: RunState, ending: Stop, options: RolloutOptions, deps: RolloutDeps): Promise<Finished> {
  const {output, interrupts} = deps
  const where = `alias "${run.aliasName}" of ${run.name}`
  switch (ending.kind) {
    case 'completed':
      output.info(`Version ${run.version} now gets all the traffic of ${where}. "sling rollback ${run.name} ${run.aliasName}" returns it to version ${run.previousVersion}.`)
      return {status: 'completed', exitCode: ExitCode.Ok}
    case 'conflict': {
      const now = await deps.lambda.getAlias(run.functionName, run.aliasName).catch(() => undefined)
      if (now) run.alias = now
      const message = `${describeFound(run, now)}. sling stopped the rollout and left the alias as it found it.`
      output.info(message)
      return {status: 'conflict', reason: {gate: 'conflict', message}, exitCode: ExitCode.Failure}
    }
    case 'interrupted': {
      const exitCode = interrupts.exitCode() ?? ExitCode.Interrupted
      const reason: StopReason = {gate: 'interrupt', message: exitCode === ExitCode.Terminated ? 'terminated (SIGTERM)' : 'interrupted (SIGINT)'}
      if (options.keepOnInterrupt) {
        output.info(`Interrupted: ${where} stays at ${describeWeights(run.alias)} (--keep-on-interrupt). Continue with "sling rollout ${run.name} ${run.aliasName} --resume", or undo with "sling rollback ${run.name} ${run.aliasName}".`)
        return {status: 'interrupted', reason, rolledBack: false, exitCode}
      }
      const back = await returnWithReport(run, reason, deps)
      return {...back, status: back.status === 'rolled-back' ? 'interrupted' : back.status, rolledBack: back.status === 'rolled-back', exitCode: back.status === 'rolled-back' ? exitCode : ExitCode.Failure}
    }
    case 'unhealthy':
      output.info(`Unhealthy: ${ending.reason.message}.`)
      return returnWithReport(run, ending.reason, deps)
    case 'error': {
      const message = ending.error instanceof UserError ? ending.error.message : String(ending.error)
      output.info(`The rollout failed: ${message}`)
      return returnWithReport(run, {gate: 'error', message}, deps)
    }
  }
}

/** Returns the alias and says what happened: rolled back, moved by someone else, or the return failed. */
async function returnWithReport(run: RunState, reason: StopReason, deps: RolloutDeps): Promise<Finished> {
  const {output} = deps
  const from = describeWeights(run.alias)
  const back = await returnAlias(run, deps)
  switch (back.status) {
    case 'returned':
      run.alias = back.alias
      output.info(`Rolled back: alias "${run.aliasName}" of ${run.name} is on version ${run.previousVersion} again, with no routing (it was at ${from}).`)
      return {status: 'rolled-back', reason, exitCode: ExitCode.Failure}
    case 'moved':
      if (back.now) run.alias = back.now
      output.info(`${describeFound(run, back.now)}, so sling didn't roll it back.`)
      return {status: 'conflict', reason, exitCode: ExitCode.Failure}
    case 'failed':
      output.info(`${returnFailedMessage(run, back.error)}. Run "sling rollback ${run.name} ${run.aliasName}" to return it.`)
      return {status: 'rollback-failed', reason, exitCode: ExitCode.Failure}
  }
}

function describeGates(gates: Gates, output: RolloutDeps['output']): void {
  const parts: string[] = []
  if (gates.alarms.names.length > 0) parts.push(`alarm${gates.alarms.names.length > 1 ? 's' : ''} ${gates.alarms.names.join(', ')}`)
  if (gates.errorRate) parts.push(`error rate at most ${formatPercent(gates.errorRate.gate.maxPercent)} (from ${gates.errorRate.gate.minInvocations} invocations)`)
  if (gates.smoke.length > 0) parts.push(`${gates.smoke.length} smoke invocation${gates.smoke.length > 1 ? 's' : ''}`)
  if (parts.length > 0) output.info(`Gates: ${parts.join('; ')}.`)
  else output.warn('No gates: the traffic moves on schedule, and only Ctrl-C stops it. Add --alarm, --max-error-rate or --smoke.')
}

interface ResultParts {
  readonly began: number
  readonly now: number
  readonly preflight: readonly GateReading[]
  readonly reason?: StopReason | undefined
  readonly rolledBack?: boolean | undefined
  readonly exitCode?: number | undefined
  readonly resumed?: boolean | undefined
}

function resultOf(run: RunState, status: RolloutResult['status'], parts: ResultParts): RolloutResult {
  const alias: AliasInfo = run.alias
  return {
    status, functionName: run.name, alias: run.aliasName, version: run.version, previousVersion: run.previousVersion,
    strategy: run.strategy.short, strategyName: run.strategy.name, resumed: parts.resumed ?? false,
    startedAt: new Date(parts.began).toISOString(), endedAt: new Date(parts.now).toISOString(),
    preflight: parts.preflight, steps: run.steps, reason: parts.reason, rolledBack: parts.rolledBack,
    weights: aliasWeights(alias), exitCode: parts.exitCode ?? ExitCode.Ok,
  }
}

function interruptedBeforeStart(deps: RolloutDeps): UserError {
  const code = deps.interrupts.exitCode() ?? ExitCode.Interrupted
  return new UserError('Interrupted', 'Interrupted before any traffic moved: the alias is as it was.', {exitCode: code === ExitCode.Terminated ? ExitCode.Terminated : ExitCode.Interrupted})
}

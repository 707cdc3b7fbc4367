/**
 * Before a rollout moves any traffic: what the alias is on, whether a rollout may start (or resume) there,
 * and the gates. Every refusal here leaves the alias untouched.
 */
import type {CloudWatchApi} from '../aws/cloudwatch.js'
import type {LambdaApi} from '../aws/lambda.js'
import type {AliasInfo} from '../aws/types.js'
import {ExitCode, UserError} from '../errors.js'
import type {AliasState, RolloutRecord} from '../release/alias-state.js'
import {decodeDescription, encodeDescription, isWhereSlingLeftIt} from '../release/alias-state.js'
import {checkAliasName, parseVersion, requireVersion} from '../release/checks.js'
import {aliasWeights} from '../release/weights.js'
import type {Target} from '../targets.js'
import {explainMissing} from '../targets.js'
import {watchAlarms} from './alarms.js'
import {watchErrorRate} from './error-rate.js'
import type {Gates} from './gates.js'
import type {GateSettings} from './settings.js'
import type {Strategy} from './strategy.js'
import {parseStrategy} from './strategy.js'

export type StartLambda = Pick<LambdaApi, 'getAlias' | 'getFunction' | 'listAliases' | 'listVersions'>
export type StartCloudWatch = Pick<CloudWatchApi, 'describeAlarms' | 'getMetricData'>

interface StartDeps {
  readonly lambda: StartLambda
  readonly signal?: AbortSignal | undefined
}

/** The alias a new rollout starts from, checked. `unchanged`: it already points at the version. */
export async function readStart(target: Target, aliasName: string, rawVersion: string | undefined, {lambda, signal}: StartDeps): Promise<{alias: AliasInfo; version: string; unchanged: boolean; staleRecord: boolean}> {
  const alias = checkAliasName(aliasName)
  if (rawVersion === undefined) {
    throw new UserError('MissingVersion', 'Name the version to roll out with --to VERSION.', {exitCode: ExitCode.Usage, hints: [`Or continue an interrupted rollout with "sling rollout ${target.name} ${alias} --resume".`]})
  }
  const version = parseVersion(rawVersion, {allowLatest: false})
  const [before] = await Promise.all([lambda.getAlias(target.functionName, alias, {signal}), requireVersion(target, version, {lambda, signal})]).catch((error: unknown) => {
    throw explainMissing(error, target)
  })
  if (!before) {
    throw await aliasNotFound(target, alias, "A rollout moves an alias's traffic from the version it points to.", lambda, signal, [`Create it on the current version with "sling alias set ${target.name} ${alias} VERSION", then roll out ${version}.`])
  }
  const {state} = decodeDescription(before.description)
  const live = state !== undefined && isWhereSlingLeftIt(before, state)
  if (live && state.rollout) throw rolloutInProgress(target, alias, state.rollout)
  if (before.version === '$LATEST') {
    throw new UserError('AliasOnLatest', `Alias "${alias}" of function "${target.name}" follows $LATEST, and Lambda routes traffic by weight only between published versions.`, {
      hints: [`Point it at a published version first ("sling alias set ${target.name} ${alias} VERSION"), then roll out.`],
    })
  }
  const other = aliasWeights(before).find((w) => w.routed && w.version !== version)
  if (other) {
    throw new UserError('RoutingInProgress', `Alias "${alias}" of function "${target.name}" already routes ${other.percent}% of its traffic to version ${other.version}, and Lambda routes to one additional version only.`, {
      hints: [`Settle that first: "sling shift ${target.name} ${alias} --to ${other.version} --weight 0" takes it back, "--promote" completes it.`],
    })
  }
  const unchanged = before.version === version
  return {alias: before, version, unchanged, staleRecord: state?.rollout !== undefined && !live}
}

/** What a resumed rollout continues from: the alias's record, checked against the alias and the arguments. */
export async function readResume(target: Target, aliasName: string, rawVersion: string | undefined, {lambda, signal}: StartDeps): Promise<{alias: AliasInfo; state: AliasState & {rollout: RolloutRecord; previousVersion: string}; strategy: Strategy}> {
  const alias = checkAliasName(aliasName)
  const before = await lambda.getAlias(target.functionName, alias, {signal}).catch((error: unknown) => {
    throw explainMissing(error, target)
  })
  if (!before) throw await aliasNotFound(target, alias, 'There is no rollout to resume.', lambda, signal)
  const {state, problem} = decodeDescription(before.description)
  if (problem) throw new UserError('AliasStateUnreadable', `sling can't read its record on alias "${alias}" of function "${target.name}" (${problem === 'newer-format' ? 'a newer sling wrote it' : 'it is damaged'}), so it can't resume a rollout there.`)
  const rollout = state?.rollout
  if (!state || !rollout || state.previousVersion === undefined) {
    throw new UserError('NoRolloutInProgress', `No rollout is in progress on alias "${alias}" of function "${target.name}": there is nothing to resume.`, {
      hints: [`Start one with "sling rollout ${target.name} ${alias} --to VERSION".`],
    })
  }
  if (!isWhereSlingLeftIt(before, state)) {
    throw new UserError('RolloutRecordStale', `The rollout of version ${rollout.targetVersion} on alias "${alias}" of function "${target.name}" can't be resumed: the alias has been moved since (sling left it on version ${state.setTo.version}, it is on ${before.version} now).`, {
      hints: [`Look at it with "aws lambda get-alias --function-name ${target.functionName} --name ${alias}", then start a new rollout if you still want one.`],
    })
  }
  if (rawVersion !== undefined && parseVersion(rawVersion, {allowLatest: false}) !== rollout.targetVersion) {
    throw new UserError('VersionMismatch', `The rollout in progress on alias "${alias}" is of version ${rollout.targetVersion}, not ${rawVersion}.`, {exitCode: ExitCode.Usage, hints: ['Leave out --to when resuming, or roll that rollout back first with "sling rollback".']})
  }
  const strategy = recordedStrategy(rollout)
  return {alias: before, state: {...state, rollout, previousVersion: state.previousVersion}, strategy}
}

function recordedStrategy(rollout: RolloutRecord): Strategy {
  try {
    const strategy = parseStrategy(rollout.strategy, 'the recorded strategy')
    if (rollout.step < strategy.steps.length) return strategy
  } catch {
    // reported below
  }
  throw new UserError('AliasStateInvalid', `The rollout record on the alias (strategy "${rollout.strategy}", step ${rollout.step + 1}) isn't one this sling can continue.`, {
    hints: ['Undo it with "sling rollback FUNCTION ALIAS", or finish it with "sling shift FUNCTION ALIAS --to VERSION --promote".'],
  })
}

/** The gates, built from the settings; refuses --ignore-alarm-at-start names that aren't among the alarms. */
export function buildGates(settings: GateSettings, subject: {name: string; alias: string; version: string; since: number}, {cloudwatch}: {readonly cloudwatch: StartCloudWatch}): Gates {
  return {
    alarms: watchAlarms(settings.alarms, settings.ignoreAlarmsAtStart, {cloudwatch}),
    errorRate: settings.errorRate && watchErrorRate(settings.errorRate, {functionName: subject.name, alias: subject.alias, version: subject.version, since: subject.since}, {cloudwatch}),
    smoke: settings.smoke,
  }
}

/** Refuses, before any traffic moves, a description too long to hold the record a rollout writes at every step. */
export function checkRecordFits(alias: AliasInfo, target: Target, version: string, strategy: Strategy, now: number): void {
  const state: AliasState = {
    setTo: {version: alias.version, routing: {[version]: 0.1234}}, // a weight with every decimal the record keeps
    previousVersion: alias.version,
    rollout: {targetVersion: version, strategy: strategy.short, step: strategy.steps.length - 1, startedAt: now, stepStartedAt: now},
  }
  encodeDescription(decodeDescription(alias.description).text, state, {functionName: target.name, alias: alias.name})
}

function rolloutInProgress(target: Target, alias: string, rollout: RolloutRecord): UserError {
  return new UserError('RolloutInProgress', `A rollout of version ${rollout.targetVersion} is already in progress on alias "${alias}" of function "${target.name}" (step ${rollout.step + 1}, started ${new Date(rollout.startedAt).toISOString()}).`, {
    hints: [`Continue it with "sling rollout ${target.name} ${alias} --resume", or undo it with "sling rollback ${target.name} ${alias}".`],
  })
}

/** "Function X has no alias Y", with the aliases it has: also how a missing function shows itself (listAliases then says so). */
export async function aliasNotFound(target: Target, alias: string, why: string, lambda: Pick<LambdaApi, 'listAliases'>, signal: AbortSignal | undefined, hints?: readonly string[]): Promise<UserError> {
  const names = (
    await lambda.listAliases(target.functionName, {signal}).catch((error: unknown) => {
      throw explainMissing(error, target)
    })
  ).map((a) => a.name).sort()
  const which = names.length > 0 ? ` Its aliases: ${names.join(', ')}.` : ' It has no aliases.'
  return new UserError('AliasNotFound', `Function "${target.name}" has no alias "${alias}".${why === '' ? '' : ` ${why}`}${which}`, {
    hints: hints ?? [`List them with "sling alias list ${target.name}".`],
  })
}

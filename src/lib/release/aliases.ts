import {suggest} from '../config/issues.js'
import type {LambdaApi} from '../aws/lambda.js'
import {qualifierOf} from '../aws/lambda-mappings.js'
import type {AliasInfo, EventSourceMappingInfo} from '../aws/types.js'
import {UserError} from '../errors.js'
import type {Target} from '../targets.js'
import {explainMissing} from '../targets.js'
import type {PreviousVersion, RolloutRecord} from './alias-state.js'
import {decodeDescription, isWhereSlingLeftIt, previousVersion} from './alias-state.js'
import {moveAlias} from './move-alias.js'
import {checkAliasName, parseVersion, requireVersion} from './checks.js'
import type {Weight} from './weights.js'
import {aliasWeights} from './weights.js'

/** An alias as `sling alias list` shows it. */
export interface AliasRow {
  readonly name: string
  readonly version: string
  /** Its own version first, then any routed one: for bars. */
  readonly weights: readonly Weight[]
  /** The user's own description, without sling's record. */
  readonly description: string
  /** Where "sling rollback" would return it. */
  readonly previousVersion: PreviousVersion
  /** The rollout in progress, if one was interrupted or is running. */
  readonly rollout?: RolloutRecord | undefined
  readonly revisionId?: string | undefined
}

export interface AliasList {
  readonly functionName: string
  /** By name. */
  readonly aliases: readonly AliasRow[]
}

interface TargetOptions {
  readonly target: Target
}

/** The function's aliases with their weights and what sling recorded on each. */
export async function listAliases({target}: TargetOptions, {lambda, signal}: {readonly lambda: Pick<LambdaApi, 'listAliases'>; readonly signal?: AbortSignal | undefined}): Promise<AliasList> {
  const aliases = await lambda.listAliases(target.functionName, {signal}).catch((error: unknown) => {
    throw explainMissing(error, target)
  })
  return {functionName: target.name, aliases: aliases.map(toAliasRow).sort((a, b) => a.name.localeCompare(b.name))}
}

export function toAliasRow(alias: AliasInfo): AliasRow {
  const {text, state} = decodeDescription(alias.description)
  const current = state !== undefined && isWhereSlingLeftIt(alias, state)
  return {
    name: alias.name, version: alias.version, weights: aliasWeights(alias), description: text, previousVersion: previousVersion(alias),
    rollout: current ? state.rollout : undefined, revisionId: alias.revisionId,
  }
}

export interface SetAliasOptions extends TargetOptions {
  readonly alias: string
  /** A published version ("7" or "v7"), or "$LATEST" with `allowLatest`. */
  readonly version: string
  /** Replaces the alias's description (sling's record is kept beside it); undefined keeps it. */
  readonly description?: string | undefined
  /** Let the alias follow $LATEST, so that every deploy reaches it at once. @default false */
  readonly allowLatest?: boolean | undefined
  /** Move the alias even though a rollout is in progress on it (the rollout is abandoned). @default false */
  readonly force?: boolean | undefined
}

export interface SetAliasResult {
  readonly status: 'created' | 'updated' | 'unchanged'
  readonly functionName: string
  readonly alias: string
  readonly version: string
  /** The version it pointed to before; undefined when it was just created. */
  readonly previousVersion?: string | undefined
  /** Where "sling rollback" returns it now. */
  readonly rollbackTo?: string | undefined
  /** The traffic split it had, now gone: `alias set` leaves all traffic on one version. */
  readonly clearedRouting: readonly Weight[]
  /** The rollout that was in progress (with `force`), now abandoned. */
  readonly abandonedRollout?: RolloutRecord | undefined
}

type SetAliasLambda = Pick<LambdaApi, 'getAlias' | 'getFunction' | 'listVersions' | 'pointAlias'>

/**
 * Points the alias at a version with no routing left, creating it if needed, and records the version it
 * pointed to before, for "sling rollback". Refuses a version that doesn't exist, $LATEST unless allowed,
 * and an alias with a rollout in progress unless forced; a change made by anyone since sling read the
 * alias is refused, not overwritten.
 */
export async function setAlias(options: SetAliasOptions, {lambda, signal}: {readonly lambda: SetAliasLambda; readonly signal?: AbortSignal | undefined}): Promise<SetAliasResult> {
  const {target} = options
  const alias = checkAliasName(options.alias)
  const version = parseVersion(options.version, {allowLatest: options.allowLatest ?? false})
  const [before] = await Promise.all([lambda.getAlias(target.functionName, alias, {signal}), requireVersion(target, version, {lambda, signal})]).catch((error: unknown) => {
    throw explainMissing(error, target)
  })
  const {text, state} = decodeDescription(before?.description)
  const live = before && state && isWhereSlingLeftIt(before, state) ? state : undefined
  if (live?.rollout && !options.force) throw rolloutInProgress(target, alias, live.rollout)
  const clearedRouting = before ? aliasWeights(before).filter((w) => w.routed) : []
  const result = {functionName: target.name, alias, version, previousVersion: before?.version, clearedRouting, abandonedRollout: live?.rollout}
  if (before?.version === version && clearedRouting.length === 0 && !live?.rollout && (options.description ?? text) === text) {
    return {...result, status: 'unchanged', rollbackTo: live?.previousVersion}
  }
  // Re-setting the same version (to clear a split) keeps the rollback target it had.
  const rollbackTo = before && before.version !== version ? before.version : live?.previousVersion
  await moveAlias(target.functionName, alias, before, {version, previousVersion: rollbackTo, text: options.description}, {lambda, signal})
  return {...result, status: before ? 'updated' : 'created', rollbackTo}
}

function rolloutInProgress(target: Target, alias: string, rollout: RolloutRecord): UserError {
  return new UserError('RolloutInProgress', `A rollout of version ${rollout.targetVersion} is in progress on alias "${alias}" of function "${target.name}" (step ${rollout.step + 1}, started ${new Date(rollout.startedAt).toISOString()}).`, {
    hints: [
      `Continue it with "sling rollout ${target.name} ${alias} --resume", or undo it with "sling rollback ${target.name} ${alias}".`,
      'Pass --force to move the alias anyway and abandon the rollout.',
    ],
  })
}

export interface DeleteAliasOptions extends TargetOptions {
  readonly alias: string
  /** Read and show what would go, ask nothing, delete nothing. @default false */
  readonly dryRun?: boolean | undefined
}

/** What deleting the alias takes away: shown before asking. */
export interface AliasDeletion {
  readonly functionName: string
  readonly alias: AliasRow
  /** Event source mappings that invoke the alias: they stop delivering once it is gone. */
  readonly mappings: readonly EventSourceMappingInfo[]
  /** Provisioned concurrency configured on the alias (deleted with it). */
  readonly provisionedConcurrency?: number | undefined
}

export interface DeleteAliasResult {
  readonly status: 'deleted' | 'would-delete' | 'cancelled'
  readonly functionName: string
  readonly alias: string
  /** The version it pointed to. */
  readonly version: string
}

export interface DeleteAliasDeps {
  readonly lambda: Pick<LambdaApi, 'deleteAlias' | 'getAlias' | 'getProvisionedConcurrency' | 'listAliases' | 'listEventSourceMappings'>
  /** Shown what the deletion takes away, before anything is asked or deleted (also in a dry run). */
  readonly showDeletion?: ((deletion: AliasDeletion, options: {readonly dryRun: boolean}) => void) | undefined
  /** Asked with what the deletion takes away (on a terminal it prompts; elsewhere it needs --yes). */
  readonly confirm: (deletion: AliasDeletion) => Promise<boolean>
  readonly signal?: AbortSignal | undefined
}

/** Deletes the alias after `confirm`, refusing if it changed while the question was asked. */
export async function deleteAlias(options: DeleteAliasOptions, {lambda, showDeletion, confirm, signal}: DeleteAliasDeps): Promise<DeleteAliasResult> {
  const {target} = options
  const alias = checkAliasName(options.alias)
  const before = await lambda.getAlias(target.functionName, alias, {signal})
  if (!before) throw await aliasNotFound(target, alias, lambda, signal)
  const [mappings, provisioned] = await Promise.all([
    lambda.listEventSourceMappings(before.arn || `${target.functionName}:${alias}`, {signal}),
    lambda.getProvisionedConcurrency(target.functionName, alias, {signal}),
  ])
  const deletion = {functionName: target.name, alias: toAliasRow(before), mappings: mappings.filter((m) => qualifierOf(m.functionArn) === alias), provisionedConcurrency: provisioned?.requested}
  const result = {functionName: target.name, alias, version: before.version}
  const dryRun = options.dryRun ?? false
  showDeletion?.(deletion, {dryRun})
  if (dryRun) return {...result, status: 'would-delete'}
  if (!(await confirm(deletion))) return {...result, status: 'cancelled'}
  // DeleteAlias takes no RevisionId: read once more so a change made while the user read the question isn't lost.
  const now = await lambda.getAlias(target.functionName, alias, {signal})
  if (now && now.revisionId !== before.revisionId) {
    throw new UserError('ConcurrentChange', `Alias "${alias}" of function "${target.name}" changed while sling asked (it now points to version ${now.version}), so sling didn't delete it.`, {
      hints: ['Run the command again to see the alias as it is now.'],
    })
  }
  await lambda.deleteAlias(target.functionName, alias, {signal})
  return {...result, status: 'deleted'}
}

async function aliasNotFound(target: Target, alias: string, lambda: Pick<LambdaApi, 'listAliases'>, signal: AbortSignal | undefined): Promise<UserError> {
  // Also how a missing function shows itself: listAliases then says so.
  const names = (
    await lambda.listAliases(target.functionName, {signal}).catch((error: unknown) => {
      throw explainMissing(error, target)
    })
  ).map((a) => a.name)
  const which = names.length > 0 ? ` Its aliases: ${names.sort().join(', ')}.` : ' It has no aliases.'
  return new UserError('AliasNotFound', `Function "${target.name}" has no alias "${alias}".${suggest(alias, names)}${which}`, {
    hints: [`List them with "sling alias list ${target.name}".`],
  })
}

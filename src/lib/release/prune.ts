import {throwIfAborted} from '../clock.js'
import type {LambdaApi} from '../aws/lambda.js'
import {qualifierOf} from '../aws/lambda-mappings.js'
import type {AliasInfo, VersionInfo} from '../aws/types.js'
import {ExitCode, UserError} from '../errors.js'
import type {Output} from '../output.js'
import type {Target} from '../targets.js'
import {explainMissing} from '../targets.js'
import {decodeDescription, isWhereSlingLeftIt, previousVersion} from './alias-state.js'
import {aliasWeights, newestFirst} from './weights.js'

export interface PruneOptions {
  readonly target: Target
  /** How many of the newest versions to keep, whether or not anything uses them. */
  readonly keep: number
  /** Plan only: delete nothing, ask nothing. @default false */
  readonly dryRun?: boolean | undefined
}

export interface PruneDeps {
  readonly lambda: Pick<LambdaApi, 'deleteVersion' | 'listAliases' | 'listEventSourceMappings' | 'listProvisionedConcurrency' | 'listVersions'>
  readonly output: Pick<Output, 'info' | 'warn'>
  /** Shown the plan once it is made, before anything is asked or deleted (also in a dry run). */
  readonly showPlan?: ((plan: PrunePlan, options: {readonly dryRun: boolean}) => void) | undefined
  /** Asked with the plan before anything is deleted (on a terminal it prompts; elsewhere it needs --yes). */
  readonly confirm: (plan: PrunePlan) => Promise<boolean>
  readonly signal?: AbortSignal | undefined
}

/** Why a version is kept. */
export type KeepReason =
  | {readonly kind: 'newest'}
  /** The alias's own version, with the share of traffic it gets. */
  | {readonly kind: 'alias'; readonly alias: string; readonly percent: number}
  /** The alias routes this share of its traffic to it. */
  | {readonly kind: 'routing'; readonly alias: string; readonly percent: number}
  /** Where "sling rollback" would return the alias. */
  | {readonly kind: 'rollback'; readonly alias: string}
  /** The version a rollout in progress on the alias is rolling out. */
  | {readonly kind: 'rollout'; readonly alias: string}
  | {readonly kind: 'mapping'; readonly uuid: string; readonly eventSourceArn?: string | undefined}
  | {readonly kind: 'provisioned'; readonly requested: number}

export interface PlannedVersion {
  readonly version: string
  readonly action: 'keep' | 'delete'
  /** Every reason it is kept (none for a version to delete). */
  readonly reasons: readonly KeepReason[]
  readonly description?: string | undefined
  readonly lastModified?: string | undefined
}

export interface PrunePlan {
  readonly functionName: string
  readonly keep: number
  /** Every published version, newest first. */
  readonly versions: readonly PlannedVersion[]
  /** The versions to delete, oldest first. */
  readonly toDelete: readonly string[]
}

export interface PruneFailure {
  readonly version: string
  readonly code: string
  readonly message: string
}

export interface PruneResult {
  /** `partial`: some deletes were refused (see `failed`), the others done. */
  readonly status: 'nothing-to-prune' | 'would-prune' | 'cancelled' | 'pruned' | 'partial'
  readonly functionName: string
  readonly plan: PrunePlan
  readonly deleted: readonly string[]
  readonly failed: readonly PruneFailure[]
}

/** How many versions are asked about their event source mappings at once. */
const MAPPING_QUERIES_AT_ONCE = 4

/**
 * Deletes old versions, keeping the newest `keep` and every version anything uses: an alias points or
 * routes to it, rollback or a rollout in progress would need it, an event source mapping invokes it, it has
 * provisioned concurrency. $LATEST is never a candidate. Asks `confirm` with the plan before deleting.
 */
export async function pruneVersions(options: PruneOptions, deps: PruneDeps): Promise<PruneResult> {
  const {target, keep, dryRun = false} = options
  if (!Number.isInteger(keep) || keep < 0) {
    throw new UserError('InvalidKeep', `--keep must be a whole number of versions (0 or more), not ${keep}.`, {exitCode: ExitCode.Usage, hints: ['For example: --keep 5.']})
  }
  const plan = await planPrune(target, keep, deps).catch((error: unknown) => {
    throw explainMissing(error, target)
  })
  const result = (status: PruneResult['status'], deleted: string[] = [], failed: PruneFailure[] = []): PruneResult => ({status, functionName: target.name, plan, deleted, failed})
  deps.showPlan?.(plan, {dryRun})
  if (plan.toDelete.length === 0) return result('nothing-to-prune')
  if (dryRun) {
    for (const version of plan.toDelete) deps.output.info(`(dry run) Would delete version ${version} of ${target.name}.`)
    return result('would-prune')
  }
  if (!(await deps.confirm(plan))) return result('cancelled')
  const {deleted, failed} = await deleteVersions(target, plan.toDelete, deps)
  return result(failed.length > 0 ? 'partial' : 'pruned', deleted, failed)
}

async function planPrune(target: Target, keep: number, {lambda, signal}: PruneDeps): Promise<PrunePlan> {
  const name = target.functionName
  const [versions, aliases, provisioned] = await Promise.all([lambda.listVersions(name, {signal}), lambda.listAliases(name, {signal}), lambda.listProvisionedConcurrency(name, {signal})])
  const reasons = new Map<string, KeepReason[]>(versions.map((v) => [v.version, []]))
  const add = (version: string, reason: KeepReason): void => {
    reasons.get(version)?.push(reason) // a qualifier that isn't a published version (an alias, $LATEST) has nothing to keep
  }
  const newest = [...versions].sort((a, b) => newestFirst(a.version, b.version))
  for (const v of newest.slice(0, keep)) add(v.version, {kind: 'newest'})
  for (const alias of aliases) for (const [version, reason] of aliasReasons(alias)) add(version, reason)
  for (const config of provisioned) add(config.qualifier, {kind: 'provisioned', requested: config.requested})
  // Mappings are asked about per version (one call each), so only for versions nothing else keeps.
  const unclaimed = newest.filter((v) => reasons.get(v.version)?.length === 0)
  for (const [version, reason] of await mappingReasons(name, unclaimed, lambda, signal)) add(version, reason)
  const planned = newest.map((v): PlannedVersion => {
    const why = reasons.get(v.version) ?? []
    return {version: v.version, action: why.length > 0 ? 'keep' : 'delete', reasons: why, description: v.description, lastModified: v.lastModified}
  })
  const toDelete = planned.filter((v) => v.action === 'delete').map((v) => v.version).reverse()
  return {functionName: target.name, keep, versions: planned, toDelete}
}

/** What an alias needs kept: its versions, where rollback would return it, the version a rollout is rolling out. */
function aliasReasons(alias: AliasInfo): [string, KeepReason][] {
  const found: [string, KeepReason][] = aliasWeights(alias).map(({version, percent, routed}) => [version, {kind: routed ? 'routing' : 'alias', alias: alias.name, percent}])
  // A 0% entry routes nothing, but Lambda still refuses to delete a version the routing names.
  for (const [version, share] of Object.entries(alias.routing)) if (share === 0) found.push([version, {kind: 'routing', alias: alias.name, percent: 0}])
  const previous = previousVersion(alias)
  if (previous.status === 'recorded') found.push([previous.version, {kind: 'rollback', alias: alias.name}])
  const {state} = decodeDescription(alias.description)
  if (state?.rollout && isWhereSlingLeftIt(alias, state)) found.push([state.rollout.targetVersion, {kind: 'rollout', alias: alias.name}])
  return found
}

async function mappingReasons(name: string, versions: readonly VersionInfo[], lambda: PruneDeps['lambda'], signal: AbortSignal | undefined): Promise<[string, KeepReason][]> {
  const found: [string, KeepReason][] = []
  const queue = [...versions]
  const worker = async (): Promise<void> => {
    for (let v = queue.shift(); v; v = queue.shift()) {
      const version = v.version
      const mappings = await lambda.listEventSourceMappings(v.arn || `${name}:${version}`, {signal})
      // Only a mapping on this very version counts, whatever else the answer holds.
      for (const m of mappings) if (qualifierOf(m.functionArn) === version) found.push([version, {kind: 'mapping', uuid: m.uuid, eventSourceArn: m.eventSourceArn}])
    }
  }
  await Promise.all(Array.from({length: Math.min(MAPPING_QUERIES_AT_ONCE, queue.length)}, worker))
  return found
}

/**
 * Deletes one version at a time, oldest first. A version an alias took meanwhile (Lambda refuses: VersionInUse)
 * is reported and the rest go on; any other refusal stops, saying what was already deleted.
 */
async function deleteVersions(target: Target, versions: readonly string[], {lambda, output, signal}: PruneDeps): Promise<{deleted: string[]; failed: PruneFailure[]}> {
  const deleted: string[] = []
  const failed: PruneFailure[] = []
  for (const version of versions) {
    try {
      throwIfAborted(signal)
      await lambda.deleteVersion(target.functionName, version, {signal})
      deleted.push(version)
      output.info(`Deleted version ${version} of ${target.name}.`)
    } catch (error) {
      if (error instanceof UserError && error.code === 'VersionInUse') {
        failed.push({version, code: error.code, message: error.message})
        output.warn(`Kept version ${version} of ${target.name}: it came into use after sling planned (${error.message}).`)
        continue
      }
      throw stoppedAt(target, version, deleted, versions.length, error)
    }
  }
  return {deleted, failed}
}

function stoppedAt(target: Target, version: string, deleted: readonly string[], planned: number, error: unknown): unknown {
  if (!(error instanceof UserError)) return error
  const done = deleted.length > 0 ? `sling had deleted version${deleted.length > 1 ? 's' : ''} ${deleted.join(', ')}` : 'sling had deleted nothing'
  return new UserError(error.code, `${error.message} Pruning ${target.name} stopped at version ${version}: ${done}, and left the other ${planned - deleted.length}.`, {
    cause: error, exitCode: error.exitCode, hints: [...error.hints, 'Running the same command again starts from what is left.'], details: {deleted},
  })
}

/** Why a version is kept, in words: for the confirmation prompt and the plan on a terminal. */
export function describeKeepReason(reason: KeepReason): string {
  switch (reason.kind) {
    case 'newest':
      return 'one of the newest (--keep)'
    case 'alias':
      return `alias "${reason.alias}" points to it (${reason.percent}% of its traffic)`
    case 'routing':
      return `alias "${reason.alias}" routes ${reason.percent}% of its traffic to it`
    case 'rollback':
      return `"sling rollback" would return alias "${reason.alias}" to it`
    case 'rollout':
      return `a rollout to it is in progress on alias "${reason.alias}"`
    case 'mapping':
      return `event source mapping ${reason.uuid}${reason.eventSourceArn ? ` (${reason.eventSourceArn})` : ''} invokes it`
    case 'provisioned':
      return `it has provisioned concurrency (${reason.requested})`
  }
}

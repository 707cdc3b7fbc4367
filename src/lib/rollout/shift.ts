/**
 * `sling shift`: routes part of an alias's traffic to a version (Lambda's AdditionalVersionWeights), promotes
 * it (100: the alias's own version, no routing), or takes the routing away (0). What Lambda would refuse is
 * refused first, with the reason; the move is recorded with the alias for `sling rollback`, and carries the
 * alias's RevisionId so a change made meanwhile is reported, never overwritten.
 */
import type {LambdaApi} from '../aws/lambda.js'
import type {AliasInfo} from '../aws/types.js'
import {ExitCode, UserError} from '../errors.js'
import {decodeDescription, isWhereSlingLeftIt} from '../release/alias-state.js'
import {checkAliasName, parseVersion, requireVersion} from '../release/checks.js'
import {moveAlias} from '../release/move-alias.js'
import type {Weight} from '../release/weights.js'
import {aliasWeights} from '../release/weights.js'
import type {Target} from '../targets.js'
import {explainMissing} from '../targets.js'
import {aliasNotFound} from './start.js'
import {formatPercent} from './units.js'

export interface ShiftOptions {
  readonly target: Target
  readonly alias: string
  /** A published version ("7" or "v7"). */
  readonly version: string
  /** The share of the alias's traffic VERSION gets, 0–100: 100 makes it the alias's version, 0 removes its routing. */
  readonly weight: number
}

export interface ShiftResult {
  /** `shifted`: VERSION gets `weight`%; `promoted`: all of it; `cleared`: routing removed; `unchanged`: nothing to do. */
  readonly status: 'shifted' | 'promoted' | 'cleared' | 'unchanged'
  readonly functionName: string
  readonly alias: string
  readonly version: string
  readonly weight: number
  /** The alias's weights before and after: its own version first. */
  readonly before: readonly Weight[]
  readonly after: readonly Weight[]
  /** Where "sling rollback" returns the alias now. */
  readonly rollbackTo?: string | undefined
}

export interface ShiftDeps {
  readonly lambda: Pick<LambdaApi, 'getAlias' | 'getFunction' | 'listAliases' | 'listVersions' | 'pointAlias'>
  readonly signal?: AbortSignal | undefined
}

export async function shift(options: ShiftOptions, {lambda, signal}: ShiftDeps): Promise<ShiftResult> {
  const {target, weight} = options
  const alias = checkAliasName(options.alias)
  const version = shiftVersion(options.version)
  checkWeight(weight)
  const [before] = await Promise.all([lambda.getAlias(target.functionName, alias, {signal}), requireVersion(target, version, {lambda, signal})]).catch((error: unknown) => {
    throw explainMissing(error, target)
  })
  if (!before) {
    throw await aliasNotFound(target, alias, '', lambda, signal, [`Create it with "sling alias set ${target.name} ${alias} VERSION" (the version that keeps the rest of the traffic), then shift ${version} there.`])
  }
  const {state} = decodeDescription(before.description)
  const live = state !== undefined && isWhereSlingLeftIt(before, state) ? state : undefined
  if (live?.rollout) {
    throw new UserError('RolloutInProgress', `A rollout of version ${live.rollout.targetVersion} is in progress on alias "${alias}" of function "${target.name}" (step ${live.rollout.step + 1}); shifting by hand would fight it.`, {
      hints: [`Continue it with "sling rollout ${target.name} ${alias} --resume", or undo it with "sling rollback ${target.name} ${alias}".`],
    })
  }
  const move = planShift(target, before, version, weight)
  const result = {functionName: target.name, alias, version, weight, before: aliasWeights(before)}
  if (move === 'unchanged') return {...result, status: 'unchanged', after: result.before, rollbackTo: live?.previousVersion}
  // A shift or a promotion is undone by returning to the alias's own version; clearing a split (or promoting the
  // alias's own version) changes no version, so "sling rollback" keeps the target it had.
  const rollbackTo = move.status === 'shifted' || (move.status === 'promoted' && before.version !== version) ? before.version : live?.previousVersion
  const change = await moveAlias(target.functionName, alias, before, {version: move.version, routing: move.routing, previousVersion: rollbackTo}, {lambda, signal})
  return {...result, status: move.status, after: aliasWeights(change.alias), rollbackTo}
}

type PlannedShift = 'unchanged' | {status: 'shifted' | 'promoted' | 'cleared'; version: string; routing: Record<string, number>}

/** Where the alias goes, refusing what Lambda refuses (one additional version; no routing with $LATEST). */
function planShift(target: Target, before: AliasInfo, version: string, weight: number): PlannedShift {
  const routed = aliasWeights(before).filter((w) => w.routed)
  const subject = `Alias "${before.name}" of function "${target.name}"`
  if (weight === 100) return before.version === version && routed.length === 0 ? 'unchanged' : {status: 'promoted', version, routing: {}}
  if (weight === 0) {
    if (before.version === version && routed.length > 0) {
      throw new UserError('InvalidShift', `Version ${version} is the alias's own version: taking all its traffic away would promote version ${routed[0]?.version ?? ''}.`, {
        exitCode: ExitCode.Usage, hints: [`To do that, run "sling shift ${target.name} ${before.name} --to ${routed[0]?.version ?? ''} --promote".`],
      })
    }
    return routed.some((w) => w.version === version) ? {status: 'cleared', version: before.version, routing: {}} : 'unchanged'
  }
  if (before.version === version) {
    throw new UserError('InvalidShift', `Version ${version} is already the alias's own version: it gets all the traffic the alias doesn't route elsewhere.`, {
      exitCode: ExitCode.Usage, hints: ['Name the version that should get a share of the traffic with --to.'],
    })
  }
  if (before.version === '$LATEST') {
    throw new UserError('AliasOnLatest', `${subject} follows $LATEST, and Lambda routes traffic by weight only between published versions.`, {
      hints: [`Point it at a published version first ("sling alias set ${target.name} ${before.name} VERSION").`],
    })
  }
  const other = routed.find((w) => w.version !== version)
  if (other) {
    throw new UserError('RoutingInProgress', `${subject} already routes ${formatPercent(other.percent)} of its traffic to version ${other.version}, and Lambda routes to one additional version only.`, {
      hints: [`Take it back first ("sling shift ${target.name} ${before.name} --to ${other.version} --weight 0"), or promote it ("--promote").`],
    })
  }
  const share = weight / 100
  if (before.routing[version] !== undefined && Math.abs((before.routing[version] ?? 0) - share) < 1e-9) return 'unchanged'
  return {status: 'shifted', version: before.version, routing: {[version]: share}}
}

function shiftVersion(raw: string): string {
  if (raw.trim() === '$LATEST') {
    throw new UserError('LatestRefused', "Lambda routes weighted traffic only between published versions, never to $LATEST.", {
      exitCode: ExitCode.Usage, hints: ['Publish a version ("sling deploy --publish") and shift to it.'],
    })
  }
  return parseVersion(raw, {allowLatest: false})
}

function checkWeight(weight: number): void {
  if (Number.isFinite(weight) && weight >= 0 && weight <= 100) return
  throw new UserError('InvalidWeight', `A weight is a share of the alias's traffic from 0 to 100 (percent), not ${weight}.`, {
    exitCode: ExitCode.Usage, hints: ['--weight 100 (or --promote) makes the version the alias\'s own; --weight 0 removes its routing.'],
  })
}

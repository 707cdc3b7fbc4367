/**
 * How a rollout ends once traffic may have moved: the alias back on the previous version (a gate failed,
 * an interrupt, an error), or left where it is (someone else changed it, or --keep-on-interrupt). The return
 * reads the alias afresh (an interrupted write may or may not have landed) and moves it only if it is still
 * where this rollout left it: another person's change is reported, never overwritten.
 */
import type {LambdaApi} from '../aws/lambda.js'
import type {AliasInfo} from '../aws/types.js'
import {UserError} from '../errors.js'
import {decodeDescription, isWhereSlingLeftIt} from '../release/alias-state.js'
import {moveAlias} from '../release/move-alias.js'
import type {RunState} from './steps.js'
import {describeWeights, isConcurrentChange} from './steps.js'

export type ReturnOutcome =
  | {readonly status: 'returned'; readonly alias: AliasInfo}
  /** The alias isn't where this rollout left it: `now` is what sling found (undefined: deleted). */
  | {readonly status: 'moved'; readonly now: AliasInfo | undefined}
  | {readonly status: 'failed'; readonly error: unknown}

/** Points the alias back at the previous version with no routing and no rollout record. Never stopped by the abort signal. */
export async function returnAlias(run: RunState, {lambda}: {readonly lambda: Pick<LambdaApi, 'getAlias' | 'pointAlias'>}): Promise<ReturnOutcome> {
  try {
    const now = await lambda.getAlias(run.functionName, run.aliasName)
    if (!now || !isOurs(now, run)) return {status: 'moved', now}
    const change = await moveAlias(run.functionName, run.aliasName, now, {version: run.previousVersion}, {lambda})
    return {status: 'returned', alias: change.alias}
  } catch (error) {
    if (isConcurrentChange(error)) return {status: 'moved', now: await lambda.getAlias(run.functionName, run.aliasName).catch(() => undefined)}
    return {status: 'failed', error}
  }
}

/** The alias as this rollout left it: sling's last write, or the write an interrupt cut short (which then landed). */
function isOurs(alias: AliasInfo, run: RunState): boolean {
  if (alias.revisionId !== undefined && alias.revisionId === run.alias.revisionId) return true
  const {state} = decodeDescription(alias.description)
  const rollout = state?.rollout
  return state !== undefined && isWhereSlingLeftIt(alias, state) && rollout?.targetVersion === run.version && rollout.startedAt === run.startedAt
}

/** What sling found when the alias had moved under the rollout, in words. */
export function describeFound(run: RunState, now: AliasInfo | undefined): string {
  if (!now) return `Alias "${run.aliasName}" of function "${run.name}" no longer exists`
  return `Alias "${run.aliasName}" of function "${run.name}" was changed by someone else during the rollout: it now sends ${describeWeights(now)}`
}

/** The error a failed return leaves the user with, and how to finish the job by hand. */
export function returnFailedMessage(run: RunState, error: unknown): string {
  const why = error instanceof UserError ? error.message : String(error)
  return `sling couldn't return alias "${run.aliasName}" to v${run.previousVersion}: ${why}`
}

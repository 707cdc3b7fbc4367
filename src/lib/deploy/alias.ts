/**
 * Deploy's alias move. It goes through `moveAlias`, sling's one write path for aliases, so the alias records
 * the version it pointed to before: what a later `sling rollback` returns to, from any machine.
 */
import type {LambdaApi} from '../aws/lambda.js'
import type {AliasChange} from '../aws/types.js'
import {UserError} from '../errors.js'
import {decodeDescription, isWhereSlingLeftIt} from '../release/alias-state.js'
import {moveAlias} from '../release/move-alias.js'

/**
 * Points `alias` at `version`, creating it if needed, with no traffic split left. Reads the alias first:
 * the write carries that read's RevisionId (a change made in between is refused, not overwritten), and an
 * alias with a rollout in progress is left alone rather than having its rollout silently abandoned.
 */
export async function moveDeployAlias(functionName: string, alias: string, version: string, {lambda}: {readonly lambda: Pick<LambdaApi, 'getAlias' | 'pointAlias'>}): Promise<AliasChange> {
  // No signal: once the alias move has started it finishes (an interrupt stops what comes after).
  const before = await lambda.getAlias(functionName, alias)
  const {state} = decodeDescription(before?.description)
  const live = before && state && isWhereSlingLeftIt(before, state) ? state : undefined
  if (live?.rollout) {
    throw new UserError('RolloutInProgress', `Alias "${alias}" of function "${functionName}" has a rollout of version ${live.rollout.targetVersion} in progress, so deploy published version ${version} but didn't move the alias.`, {
      hints: [`Finish or undo the rollout first ("sling rollout ${functionName} ${alias} --resume" or "sling rollback ${functionName} ${alias}"), or move the alias with "sling alias set ${functionName} ${alias} ${version} --force".`],
    })
  }
  if (before && before.version === version && Object.values(before.routing).every((weight) => weight === 0)) return {previous: before, alias: before}
  // Rollback returns to the version the alias had; re-pointing the same version (to clear a split) keeps the record it had.
  const previousVersion = before && before.version !== version ? before.version : live?.previousVersion
  return moveAlias(functionName, alias, before, {version, previousVersion}, {lambda})
}

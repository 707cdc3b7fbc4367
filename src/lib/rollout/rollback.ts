/**
 * `sling rollback`: the alias back on the version it pointed to before sling last moved it (a shift, a
 * rollout, `alias set`), with no routing left and any rollout record removed. Only from sling's own record,
 * and only while the alias is still where sling left it: after someone else moved it, the record describes
 * a past that no longer applies.
 */
import type {LambdaApi} from '../aws/lambda.js'
import {UserError} from '../errors.js'
import type {RolloutRecord} from '../release/alias-state.js'
import {decodeDescription, isWhereSlingLeftIt, previousVersion} from '../release/alias-state.js'
import {checkAliasName, requireVersion} from '../release/checks.js'
import {moveAlias} from '../release/move-alias.js'
import type {Weight} from '../release/weights.js'
import {aliasWeights} from '../release/weights.js'
import type {Target} from '../targets.js'
import {explainMissing} from '../targets.js'
import {aliasNotFound} from './start.js'

export interface RollbackOptions {
  readonly target: Target
  readonly alias: string
}

export interface RollbackResult {
  /** `unchanged`: the alias already is on that version with no routing. */
  readonly status: 'rolled-back' | 'unchanged'
  readonly functionName: string
  readonly alias: string
  /** The alias's own version before. */
  readonly from: string
  /** The version it is on now. */
  readonly to: string
  readonly before: readonly Weight[]
  readonly after: readonly Weight[]
  /** The rollout that was in progress, now undone. */
  readonly abandonedRollout?: RolloutRecord | undefined
}

export interface RollbackDeps {
  readonly lambda: Pick<LambdaApi, 'getAlias' | 'getFunction' | 'listAliases' | 'listVersions' | 'pointAlias'>
  readonly signal?: AbortSignal | undefined
}

export async function rollback(options: RollbackOptions, {lambda, signal}: RollbackDeps): Promise<RollbackResult> {
  const {target} = options
  const alias = checkAliasName(options.alias)
  const before = await lambda.getAlias(target.functionName, alias, {signal}).catch((error: unknown) => {
    throw explainMissing(error, target)
  })
  if (!before) throw await aliasNotFound(target, alias, 'Nothing to roll back.', lambda, signal)
  const to = rollbackTarget(target, before)
  const {state} = decodeDescription(before.description)
  const abandonedRollout = state && isWhereSlingLeftIt(before, state) ? state.rollout : undefined
  const result = {functionName: target.name, alias, from: before.version, to, before: aliasWeights(before), abandonedRollout}
  if (before.version === to && Object.values(before.routing).every((w) => w === 0) && !abandonedRollout) return {...result, status: 'unchanged', after: result.before}
  await requireVersion(target, to, {lambda, signal}) // deleted since (by another tool)? say so, rather than pass on Lambda's refusal
  // Nothing recorded as previous afterwards: a second rollback must not flip the alias back to the version just left.
  const change = await moveAlias(target.functionName, alias, before, {version: to}, {lambda, signal})
  return {...result, status: 'rolled-back', after: aliasWeights(change.alias)}
}

/** Where the record says to return, or why sling won't. */
function rollbackTarget(target: Target, alias: Parameters<typeof previousVersion>[0] & {readonly name: string}): string {
  const previous = previousVersion(alias)
  const subject = `alias "${alias.name}" of function "${target.name}"`
  switch (previous.status) {
    case 'recorded':
      return previous.version
    case 'none':
      throw new UserError('NoRollbackRecord', `sling has no record of where ${subject} was before: it was created, already rolled back, or only moved by other tools.`, {
        hints: [`Point it at a version yourself with "sling alias set ${target.name} ${alias.name} VERSION" ("sling versions list ${target.name}" shows them).`],
      })
    case 'moved-since':
      throw new UserError('RollbackRecordStale', `sling's record of ${subject} is stale: sling left it on version ${previous.slingLeftItOn}, but something else has moved it since (it is on version ${alias.version} now), so returning it to version ${previous.version} could undo someone else's change.`, {
        hints: [`If version ${previous.version} is still right, run "sling alias set ${target.name} ${alias.name} ${previous.version}".`],
      })
    case 'unreadable':
      throw new UserError('AliasStateUnreadable', `sling can't read its record on ${subject} (${previous.problem === 'newer-format' ? 'a newer sling wrote it' : 'it is damaged'}).`, {
        hints: [previous.problem === 'newer-format' ? 'Upgrade sling (npm install -g sling@latest), then run the command again.' : `Point it at a version yourself with "sling alias set ${target.name} ${alias.name} VERSION".`],
      })
  }
}

import type {LambdaApi} from '../aws/lambda.js'
import type {AliasChange, AliasInfo} from '../aws/types.js'
import {UserError} from '../errors.js'
import type {RolloutRecord} from './alias-state.js'
import {decodeDescription, encodeDescription} from './alias-state.js'

/** Where to move an alias, and what to record with it. */
export interface AliasMove {
  readonly version: string
  /** Extra versions and their share (0–1) of traffic; none leaves no routing. */
  readonly routing?: Readonly<Record<string, number>> | undefined
  /** Where `sling rollback` should return the alias afterwards; undefined records none. */
  readonly previousVersion?: string | undefined
  /** The rollout in progress after this move; undefined records none (a finished or abandoned rollout). */
  readonly rollout?: RolloutRecord | undefined
  /** Replaces the user's description text; undefined keeps the text the alias has. */
  readonly text?: string | undefined
}

export interface MoveAliasDeps {
  readonly lambda: Pick<LambdaApi, 'pointAlias'>
  readonly signal?: AbortSignal | undefined
}

/**
 * Moves an alias and records the move in its description: the only way sling writes an alias. `before`
 * is the caller's own read of the alias (undefined: it didn't exist); the write carries its RevisionId,
 * so a change anyone made since that read is refused (ConcurrentChange), never overwritten.
 */
export async function moveAlias(functionName: string, alias: string, before: AliasInfo | undefined, move: AliasMove, {lambda, signal}: MoveAliasDeps): Promise<AliasChange> {
  const current = decodeDescription(before?.description)
  if (current.problem === 'newer-format') {
    throw new UserError('AliasStateNewer', `Alias "${alias}" of function "${functionName}" holds a record written by a newer version of sling, which this one can't update without losing it. sling didn't change the alias.`, {
      hints: ['Upgrade sling (npm install -g sling@latest), then run the command again.'],
    })
  }
  const routing = Object.fromEntries(Object.entries(move.routing ?? {}).filter(([, weight]) => weight > 0))
  const description = encodeDescription(move.text ?? current.text, {setTo: {version: move.version, routing}, previousVersion: move.previousVersion, rollout: move.rollout}, {functionName, alias})
  return lambda.pointAlias(functionName, alias, {version: move.version, routing, description}, {revisionId: before?.revisionId, expectAbsent: before === undefined, signal})
}

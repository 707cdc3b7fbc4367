/**
 * Everything sling attached to a function, removed: what `sling remove` calls before it deletes a function, so
 * no S3 notification, rule, schedule or subscription is left pointing at it. Only the function's ledger entries
 * (marks.ts) are touched; each removal is attempted, and the failures are returned rather than thrown, so one
 * bucket sling can no longer reach doesn't keep the rest in place.
 */
import type {FunctionInfo} from '../aws/types.js'
import type {EventsDeps} from './commands.js'
import type {LedgerEntry} from './marks.js'
import {detachMapping} from './mappings.js'
import {detachPush} from './push.js'
import {eventFunctionOf} from './target.js'
import {detachS3} from './s3-trigger.js'
import {deleteUrl} from './url.js'

export interface CleanupResult {
  readonly removed: readonly LedgerEntry[]
  readonly failed: readonly {readonly entry: LedgerEntry; readonly error: unknown}[]
}

/** Detaches every event source the ledger of `current` records (from the command line and from the config). */
export async function detachAll(current: FunctionInfo, deps: Omit<EventsDeps, 'sqs' | 'iam'>): Promise<CleanupResult> {
  const removed: LedgerEntry[] = []
  const failed: {entry: LedgerEntry; error: unknown}[] = []
  for (const entry of eventFunctionOf(current, undefined).ledger) {
    const fn = eventFunctionOf(current, entry.qualifier)
    try {
      if (entry.kind === 'esm') {
        const mapping = await deps.lambda.getMapping(entry.id, {signal: deps.signal})
        if (mapping) await detachMapping(fn, mapping, {}, deps)
      } else if (entry.kind === 's3') {
        await detachS3(fn, entry, deps)
      } else if (entry.kind === 'url') {
        await deleteUrl(fn, deps)
      } else {
        await detachPush(fn, entry, deps)
      }
      removed.push(entry)
    } catch (error) {
      if (deps.signal?.aborted) throw error
      failed.push({entry, error})
    }
  }
  return {removed, failed}
}

import type {Clock} from '../clock.js'
import {throwIfAborted} from '../clock.js'
import {errorName} from './errors.js'

/**
 * How persistently a call is repeated while Lambda answers "an update is in progress". Throttling is
 * not retried here: the SDK's adaptive retry mode already does that, with client-side rate limiting.
 */
export interface ConflictRetryPolicy {
  /** Attempts in all, the first included. @default 5 */
  readonly attempts?: number
  /** Pause before the first retry; doubles each time (capped at 20 s), with jitter. @default 1000 */
  readonly baseDelayMs?: number
}

export interface RetryDeps {
  readonly clock: Clock
  readonly signal?: AbortSignal | undefined
  /** A number in [0, 1) for the jitter. @default Math.random */
  readonly random?: () => number
}

const MAX_DELAY_MS = 20_000

/** "An update is in progress for resource": Lambda is still applying an earlier change, and did nothing. */
export function isUpdateInProgress(error: unknown): boolean {
  return errorName(error) === 'ResourceConflictException'
}

/**
 * Runs `call`, repeating it with jittered, growing pauses while it fails with "update in progress".
 * Only for calls where ResourceConflictException means "busy" (not "already exists"). Any other error,
 * and the last conflict, is thrown as is; an abort stops the pause at once.
 */
export async function retryConflicts<T>(call: () => Promise<T>, policy: ConflictRetryPolicy, {clock, signal, random = Math.random}: RetryDeps): Promise<T> {
  const {attempts = 5, baseDelayMs = 1000} = policy
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(signal)
    try {
      return await call()
    } catch (error) {
      throwIfAborted(signal) // an aborted request surfaces as the SDK's AbortError: report the abort itself
      if (attempt >= attempts || !isUpdateInProgress(error)) throw error
      const delay = Math.min(baseDelayMs * 2 ** (attempt - 1), MAX_DELAY_MS)
      await clock.sleep(delay / 2 + random() * (delay / 2), signal)
    }
  }
}

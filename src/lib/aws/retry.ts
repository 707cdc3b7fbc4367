import {setTimeout as sleep} from 'node:timers/promises'

import {errorName} from './errors.js'

/** How persistently a call that AWS turned away (throttled, busy) is repeated. */
export interface RetryPolicy {
  /** Attempts in all, the first included. @default 4 */
  readonly attempts?: number
  /** Delay before the first retry; doubles each time, with jitter. @default 500 */
  readonly baseDelayMs?: number
}

const THROTTLED = new Set(['TooManyRequestsException', 'ThrottlingException'])
// "An update is in progress for resource": the function is still applying an earlier change.
const BUSY = 'ResourceConflictException'

/** Whether AWS turned the call away without doing it: throttled, or (when `busy`) an update in progress. */
export function isRetryable(error: unknown, busy: boolean): boolean {
  const name = errorName(error)
  return name !== undefined && (THROTTLED.has(name) || (busy && name === BUSY))
}

/**
 * Runs `call`, repeating it with backoff while AWS answers "throttled" or (with `busy`) "update in
 * progress". On top of the SDK's own retries, which don't cover ResourceConflictException. Only for
 * calls that are safe to repeat.
 */
export async function withRetry<T>(call: () => Promise<T>, {busy = true, attempts = 4, baseDelayMs = 500}: RetryPolicy & {busy?: boolean} = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error, busy)) throw error
      const delay = baseDelayMs * 2 ** (attempt - 1)
      await sleep(delay / 2 + Math.random() * (delay / 2))
    }
  }
}

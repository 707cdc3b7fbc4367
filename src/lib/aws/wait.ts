import type {Clock} from '../clock.js'
import {throwIfAborted} from '../clock.js'

/** What one read says about the thing being waited for. */
export type PollVerdict = 'done' | 'failed' | 'pending'

/** How long and how often to poll. */
export interface PollPlan {
  readonly maxWaitMs: number
  /** The first pause; it doubles after each read, up to `maxDelayMs`. */
  readonly minDelayMs: number
  readonly maxDelayMs: number
}

export interface PollResult<T> {
  readonly outcome: 'done' | 'failed' | 'timedOut'
  /** The last state read: on a time-out, a read taken at the deadline, so messages can say where it is stuck. */
  readonly last: T
}

/**
 * Reads until `judge` says done or failed, or the time is up. Pauses come from `clock` and stop at once
 * when `signal` aborts. Our own loop rather than the SDK's waiters, which sleep on real timers and say
 * only "timed out" or "failed".
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  judge: (state: T) => PollVerdict,
  plan: PollPlan,
  {clock, signal}: {readonly clock: Clock; readonly signal?: AbortSignal | undefined},
): Promise<PollResult<T>> {
  const deadline = clock.now() + plan.maxWaitMs
  let delay = plan.minDelayMs
  for (;;) {
    throwIfAborted(signal)
    const last = await read()
    const verdict = judge(last)
    if (verdict !== 'pending') return {outcome: verdict, last}
    const left = deadline - clock.now()
    if (left <= 0) return {outcome: 'timedOut', last}
    await clock.sleep(Math.min(delay, left), signal)
    delay = Math.min(delay * 2, plan.maxDelayMs)
  }
}

/**
 * Time, as sling's workflows and its AWS core see it. Every wait, retry and pause (a rollout's interval)
 * takes its `now` and `sleep` from a Clock, so a test can pass a fake one and never really sleep.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number
  /** Resolves after `ms`; rejects with `signal.reason` as soon as the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/** Every AWS call that can wait or retry takes these: an abort stops its pauses and its requests at once. */
export interface CallOptions {
  readonly signal?: AbortSignal | undefined
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal))
        return
      }
      const onAbort = (): void => {
        clearTimeout(timer)
        reject(abortReason(signal))
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      signal?.addEventListener('abort', onAbort, {once: true})
    })
  },
}

/** Throws the signal's reason when it has aborted: the check before each new AWS call or pause. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal)
}

/** What an aborted wait rejects with: the reason given to `abort()` (Ctrl-C gives an AbortError, see interrupt.ts). */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason
  if (reason instanceof Error) return reason
  return new DOMException(typeof reason === 'string' ? reason : 'This operation was aborted', 'AbortError')
}

/**
 * Long polling: a receive with WaitTimeSeconds answers as soon as a message can be delivered. A send in this
 * process wakes the waiters of its queue at once; what another process sharing the store sent is seen at the
 * next look at the store (every SLING_LOCAL_SQS_POLL_MS). Closing the service ends every wait.
 */
import {EventEmitter} from 'node:events'

export interface Waits {
  /** Wakes the receives waiting on a queue (a message was sent or made visible). */
  notify(region: string, queue: string): void
  /**
   * Resolves after at most `ms`, earlier when the queue is notified or `signal` aborts; false once the service
   * is closed (the caller stops waiting).
   */
  pause(region: string, queue: string, ms: number, signal?: AbortSignal): Promise<boolean>
  close(): void
}

export function createWaits(pollMs: number): Waits {
  const emitter = new EventEmitter()
  emitter.setMaxListeners(0)
  const closing = new AbortController()
  return {
    notify: (region, queue) => void emitter.emit(`${region}/${queue}`),
    pause(region, queue, ms, signal) {
      if (closing.signal.aborted) return Promise.resolve(false)
      return new Promise((resolve) => {
        const key = `${region}/${queue}`
        const done = (): void => {
          clearTimeout(timer)
          emitter.off(key, done)
          closing.signal.removeEventListener('abort', done)
          signal?.removeEventListener('abort', done)
          resolve(!closing.signal.aborted)
        }
        const timer = setTimeout(done, Math.max(0, Math.min(ms, pollMs)))
        emitter.on(key, done)
        closing.signal.addEventListener('abort', done)
        signal?.addEventListener('abort', done)
      })
    },
    close: () => closing.abort(),
  }
}

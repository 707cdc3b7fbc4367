import type {Clock} from '../../src/lib/clock.js'
import {throwIfAborted} from '../../src/lib/clock.js'

/** A clock whose sleeps return at once and move time forward: waits and retries run instantly. */
export interface FakeClock extends Clock {
  /** Every pause asked for, in milliseconds, in order. */
  readonly sleeps: number[]
  /** Milliseconds of fake time passed since the clock was made. */
  elapsed(): number
}

export function fakeClock(start = Date.UTC(2025, 0, 1)): FakeClock {
  let now = start
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => now,
    elapsed: () => now - start,
    async sleep(ms, signal) {
      throwIfAborted(signal)
      sleeps.push(ms)
      now += ms
      await Promise.resolve() // still asynchronous, like a real pause
      throwIfAborted(signal)
    },
  }
}

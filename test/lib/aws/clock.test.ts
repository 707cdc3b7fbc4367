import {expect, test} from 'vitest'

import {systemClock} from '../../../src/lib/clock.js'
import {pollUntil} from '../../../src/lib/aws/wait.js'
import {rejectionOf} from '../../helpers/aws.js'
import {fakeClock} from '../../helpers/clock.js'

test('the system clock stops a sleep as soon as the signal aborts, with its reason', {timeout: 10_000}, async () => {
  const controller = new AbortController()
  const sleeping = systemClock.sleep(3_600_000, controller.signal)
  setTimeout(() => controller.abort(new Error('Interrupted by SIGINT')), 10)
  expect(await rejectionOf(sleeping)).toMatchObject({message: 'Interrupted by SIGINT'})
})

test('a sleep on an already aborted signal rejects without waiting; an abort without a reason is an AbortError', async () => {
  const controller = new AbortController()
  controller.abort()
  expect(await rejectionOf(systemClock.sleep(3_600_000, controller.signal))).toMatchObject({name: 'AbortError'})
})

test('pollUntil reads again at the deadline, so a time-out reports the latest state', async () => {
  const clock = fakeClock()
  let reads = 0
  const result = await pollUntil(() => Promise.resolve(++reads), () => 'pending', {maxWaitMs: 10_000, minDelayMs: 1000, maxDelayMs: 4000}, {clock})
  // Pauses 1, 2, 4, then what is left of the 10 s (3): five reads, the last one at the deadline.
  expect(clock.sleeps).toEqual([1000, 2000, 4000, 3000])
  expect(result).toEqual({outcome: 'timedOut', last: 5})
})

test('pollUntil stops at the first read that is done or failed', async () => {
  const states = ['Pending', 'Pending', 'Failed']
  const result = await pollUntil(() => Promise.resolve(states.shift()), (s) => (s === 'Failed' ? 'failed' : 'pending'), {maxWaitMs: 60_000, minDelayMs: 1000, maxDelayMs: 1000}, {clock: fakeClock()})
  expect(result).toEqual({outcome: 'failed', last: 'Failed'})
})

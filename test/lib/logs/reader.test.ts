import {EventEmitter} from 'node:events'

import {expect, test} from 'vitest'

import {abortReason} from '../../../src/lib/clock.js'
import {untilReaderLeaves} from '../../../src/lib/logs/reader.js'

/** A task that runs until its signal aborts, then fails with the abort reason (as an AWS call does). */
const untilAborted = (signal: AbortSignal): Promise<never> => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(abortReason(signal)), {once: true}))

test('a closed stdout (EPIPE) ends the task, and that is no error; the listener is removed', async () => {
  const stdout = new EventEmitter()
  const done = untilReaderLeaves(stdout, new AbortController().signal, untilAborted)
  stdout.emit('error', Object.assign(new Error('write EPIPE'), {code: 'EPIPE'}))
  await expect(done).resolves.toBeUndefined()
  expect(stdout.listenerCount('error')).toBe(0)
})

test('Ctrl-C (the outer signal) still fails the task with its reason', async () => {
  const controller = new AbortController()
  const done = untilReaderLeaves(new EventEmitter(), controller.signal, untilAborted)
  controller.abort(new DOMException('Interrupted by SIGINT', 'AbortError'))
  await expect(done).rejects.toMatchObject({message: 'Interrupted by SIGINT'})
})

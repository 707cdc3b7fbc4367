import {expect, test} from 'vitest'

import {createOutput} from '../../../src/lib/output.js'

function stream(isTTY: boolean): NodeJS.WriteStream & {text: () => string} {
  let text = ''
  return {isTTY, write: (chunk: string) => ((text += chunk), true), text: () => text} as unknown as NodeJS.WriteStream & {text: () => string}
}

test('progress off a terminal: no status line, only the lines logged, on stderr', () => {
  const stdout = stream(false)
  const stderr = stream(false)
  const progress = createOutput({stdout, stderr, env: {}}).progress('Step 1/2')
  progress.update('Step 1/2: next step in 4m')
  progress.log('2025-01-01T10:00:00Z step 1/2: v6 90%, v7 10%')
  progress.stop()
  expect(stderr.text()).toBe('2025-01-01T10:00:00Z step 1/2: v6 90%, v7 10%\n')
  expect(stdout.text()).toBe('')
})

test('progress in CI, even on a terminal, is plain lines', () => {
  const stderr = stream(true)
  const progress = createOutput({stdout: stream(false), stderr, env: {CI: 'true'}}).progress('Step 1/2')
  progress.update('Step 1/2: next step in 4m')
  progress.log('a step line')
  progress.stop()
  expect(stderr.text()).toBe('a step line\n')
})

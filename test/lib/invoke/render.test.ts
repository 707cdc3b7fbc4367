import {Writable} from 'node:stream'

import {expect, test} from 'vitest'

import {printPayload} from '../../../src/lib/invoke/render.js'
import {progressLine, renderRepeat} from '../../../src/lib/invoke/render-repeat.js'
import type {RepeatSummary} from '../../../src/lib/invoke/repeat.js'
import {createOutput} from '../../../src/lib/output.js'

/** An Output over strings; `tty` makes both streams terminals (with CI unset). */
function terminal(tty: boolean) {
  const out: string[] = []
  const err: string[] = []
  const sink = (into: string[]): NodeJS.WriteStream =>
    Object.assign(new Writable({write: (chunk: Buffer, _e, done) => void (into.push(chunk.toString('utf8')), done())}), {isTTY: tty}) as unknown as NodeJS.WriteStream
  const output = createOutput({stdout: sink(out), stderr: sink(err), env: {NO_COLOR: '1'}})
  return {output, stdout: () => out.join(''), stderr: () => err.join('')}
}

test('the response is pretty-printed on a terminal and written as is when piped', () => {
  const tty = terminal(true)
  const piped = terminal(false)
  const raw = '{"a":1,"b":[1.0,2]}'

  printPayload(tty.output, raw)
  printPayload(piped.output, raw)
  printPayload(tty.output, 'not json')

  expect(tty.stdout()).toBe('{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}\nnot json\n')
  expect(piped.stdout()).toBe(raw)
})

test('the --repeat status line shows a bar, the count and what went wrong', () => {
  const {output} = terminal(true)

  expect(progressLine(output, 'Invoking api', 0, 4, 0)).toBe('Invoking api ░░░░░░░░░░░░░░░░░░░░░░░░ 0/4')
  expect(progressLine(output, 'Invoking api', 3, 4, 1)).toBe('Invoking api ██████████████████░░░░░░ 3/4 (1 not ok)')
})

const summary: RepeatSummary = {
  status: 'completed', functionName: 'shop-api', qualifier: 'live', requested: 10, concurrency: 2, invocations: 10, succeeded: 9, functionErrors: 1, throttled: 0, failed: 0,
  failures: {}, retried: 0, latencyMs: {min: 1, p50: 2, p90: 3, p99: 4, max: 5, mean: 2.5}, versions: [{version: '5', count: 9, percent: 90}, {version: '6', count: 1, percent: 10}], elapsedMs: 1234, exitCode: 3,
}

test('the --repeat summary shows version bars on a terminal, plain lines when piped', () => {
  const tty = terminal(true)
  const piped = terminal(false)

  renderRepeat(tty.output, summary)
  renderRepeat(piped.output, summary)

  expect(piped.stdout()).toBe([
    '10 invocations of shop-api:live, 2 at a time, in 1.2 s',
    '  succeeded            9',
    '  function errors      1',
    '  throttled            0',
    '  latency         p50 2.0 ms · p90 3.0 ms · p99 4.0 ms  (min 1.0 ms, max 5.0 ms, mean 2.5 ms)',
    '  executed version',
    '    v5     90%  (9)',
    '    v6     10%  (1)',
    '',
  ].join('\n'))
  expect(tty.stdout()).toContain('    v5  ██████████████████░░     90%  (9)')
})

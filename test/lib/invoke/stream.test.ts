import {Writable} from 'node:stream'

import {expect, test} from 'vitest'

import type {InvokeStreamEvent} from '../../../src/lib/aws/types.js'
import {readFunctionError, timeoutOf} from '../../../src/lib/invoke/result.js'
import {invokeStreaming} from '../../../src/lib/invoke/stream.js'
import {createOutput} from '../../../src/lib/output.js'

/** An Output writing to strings; `tty` makes stdout a terminal. */
function capture(tty = false) {
  const out: string[] = []
  const err: string[] = []
  const sink = (into: string[], isTTY: boolean): NodeJS.WriteStream =>
    Object.assign(new Writable({write: (chunk: Buffer, _e, done) => void (into.push(chunk.toString('utf8')), done())}), {isTTY}) as unknown as NodeJS.WriteStream
  const output = createOutput({stdout: sink(out, tty), stderr: sink(err, false), env: {}})
  return {output, stdout: () => out.join(''), stderr: () => err.join(''), writes: out}
}

function streaming(events: InvokeStreamEvent[]) {
  return {
    invokeStream: () => Promise.resolve({statusCode: 200, executedVersion: '4', requestId: 'req-1', events: toAsync(events)}),
  }
}

async function* toAsync<T>(items: readonly T[]): AsyncIterable<T> {
  for (const item of items) yield await Promise.resolve(item)
}

const chunk = (text: string | Buffer): InvokeStreamEvent => ({kind: 'chunk', payload: typeof text === 'string' ? Buffer.from(text) : text})
const target = {name: 'web', functionName: 'web'}

test('chunks are written as they come, and a prelude split over two chunks goes to stderr', async () => {
  const {output, stdout, stderr, writes} = capture()
  const lambda = streaming([chunk('{"statusCode":404,"headers":{"x-a":"b"}}'), chunk(Buffer.concat([Buffer.alloc(8), Buffer.from('not ')])), chunk('found'), {kind: 'complete'}])

  const summary = await invokeStreaming({target, payload: '{}'}, {lambda, output})

  expect(stdout()).toBe('not found')
  expect(writes).toEqual(['not ', 'found'])
  expect(stderr()).toContain('HTTP 404 (x-a: b)')
  expect(summary).toMatchObject({status: 'succeeded', executedVersion: '4', payload: 'not found', httpResponse: {statusCode: 404}})
})

test('a body that merely starts with a JSON object is printed whole, not taken for a prelude', async () => {
  const {output, stdout} = capture()
  const lambda = streaming([chunk('{"a":1}'), chunk('{"b":2}'), chunk('{"c":3}'), {kind: 'complete'}])

  await invokeStreaming({target, payload: '{}'}, {lambda, output})

  expect(stdout()).toBe('{"a":1}{"b":2}{"c":3}')
})

test('InvokeComplete with an error code is a function error (exit 3); a JSON ErrorDetails gives the type, message and stack', async () => {
  const {output, stderr} = capture()
  const details = JSON.stringify({errorType: 'TypeError', errorMessage: 'bad input', trace: ['TypeError: bad input', '    at handler (/var/task/index.mjs:3:9)']})
  const plain = await invokeStreaming({target, payload: '{}'}, {lambda: streaming([{kind: 'complete', errorCode: 'Sandbox.Timedout', errorDetails: 'Task timed out after 2.00 seconds'}]), output})
  const rich = await invokeStreaming({target, payload: '{}'}, {lambda: streaming([{kind: 'complete', errorCode: 'TypeError', errorDetails: details}]), output})

  expect(plain).toMatchObject({status: 'timed-out', timedOutAfterSeconds: 2, exitCode: 3})
  expect(rich).toMatchObject({status: 'function-error', exitCode: 3, functionError: {errorType: 'TypeError', errorMessage: 'bad input'}})
  expect(stderr()).toContain('    at handler (/var/task/index.mjs:3:9)')
})

test('function error payloads of the Node.js and Python runtimes, and Lambda\'s timeout, read the same way', () => {
  const node = readFunctionError('Unhandled', JSON.stringify({errorType: 'Error', errorMessage: 'x', trace: ['Error: x', '    at y']}))
  const python = readFunctionError('Unhandled', JSON.stringify({errorMessage: 'division by zero', errorType: 'ZeroDivisionError', stackTrace: ['  File "/var/task/app.py", line 3']}))
  const timeout = readFunctionError('Unhandled', JSON.stringify({errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: 1 Error: Task timed out after 3.00 seconds'}))
  const odd = readFunctionError('Handled', '"just text"')

  expect(node.stackTrace).toEqual(['Error: x', '    at y'])
  expect(python).toMatchObject({errorType: 'ZeroDivisionError', stackTrace: ['  File "/var/task/app.py", line 3']})
  expect(timeoutOf(timeout)).toBe(3)
  expect(timeoutOf(node)).toBeUndefined()
  expect(odd).toEqual({kind: 'Handled', errorType: 'Error', errorMessage: 'just text', stackTrace: []})
})

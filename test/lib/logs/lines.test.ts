/** Reading what a Lambda log line says, in the text and JSON log formats, from Powertools, and as plain text. */
import {expect, test} from 'vitest'

import {parseLine} from '../../../src/lib/logs/lines.js'

const ID = '8f5c2a1e-3b7d-4c0a-9e41-2d6f0b9a7c13'

test("the runtime's text lines: START with its version, END, REPORT with every figure and a status", () => {
  expect(parseLine(`START RequestId: ${ID} Version: 7`)).toMatchObject({kind: 'start', requestId: ID, version: '7'})
  expect(parseLine(`END RequestId: ${ID}`)).toMatchObject({kind: 'end', requestId: ID})
  const cold = parseLine(`REPORT RequestId: ${ID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\tInit Duration: 180.50 ms\t`)
  expect(cold).toMatchObject({kind: 'report', requestId: ID, report: {durationMs: 12.34, billedMs: 13, memorySizeMb: 128, maxMemoryMb: 71, initMs: 180.5}})
  expect(cold.report?.status).toBeUndefined()
  const oom = parseLine(`REPORT RequestId: ${ID}\tDuration: 99.00 ms\tBilled Duration: 100 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\tStatus: error\tError Type: Runtime.OutOfMemory`)
  expect(oom.report).toMatchObject({status: 'error Runtime.OutOfMemory', maxMemoryMb: 128})
  expect(parseLine('INIT_START Runtime Version: nodejs:20.v40')).toMatchObject({kind: 'platform'})
})

test('console lines: time, request id and level stripped; init lines have no request id; the timeout line is an error', () => {
  expect(parseLine(`2025-01-31T14:05:00.123Z\t${ID}\tWARN\tslow\nsecond line`)).toEqual({kind: 'log', requestId: ID, level: 'WARN', text: 'slow\nsecond line'})
  expect(parseLine('2025-01-31T14:05:00.123Z\tundefined\tINFO\tloading config')).toEqual({kind: 'log', requestId: undefined, level: 'INFO', text: 'loading config'})
  expect(parseLine(`2025-01-31T14:05:03.000Z ${ID} Task timed out after 3.00 seconds`)).toMatchObject({kind: 'log', requestId: ID, level: 'ERROR', text: 'Task timed out after 3.00 seconds'})
})

test("an error payload (the runtime's Invoke Error) becomes type, message and stack", () => {
  const payload = JSON.stringify({errorType: 'TypeError', errorMessage: 'boom', stack: ['TypeError: boom', '    at handler (/var/task/index.js:3:9)']})
  expect(parseLine(`2025-01-31T14:05:00.123Z\t${ID}\tERROR\tInvoke Error \t${payload}`)).toMatchObject({
    kind: 'log', level: 'ERROR', text: 'Invoke Error', error: {type: 'TypeError', message: 'boom', stack: ['TypeError: boom', '    at handler (/var/task/index.js:3:9)']},
  })
})

test("Lambda's JSON log format: platform records as START/REPORT, application lines with their level, message and fields", () => {
  expect(parseLine(JSON.stringify({time: '2025-01-31T14:05:00.000Z', type: 'platform.start', record: {requestId: ID, version: '$LATEST'}}))).toMatchObject({kind: 'start', requestId: ID, version: '$LATEST'})
  const report = parseLine(JSON.stringify({type: 'platform.report', record: {requestId: ID, metrics: {durationMs: 5.5, billedDurationMs: 6, memorySizeMB: 256, maxMemoryUsedMB: 80, initDurationMs: 120}, status: 'timeout'}}))
  expect(report).toMatchObject({kind: 'report', report: {durationMs: 5.5, billedMs: 6, memorySizeMb: 256, maxMemoryMb: 80, initMs: 120, status: 'timeout'}})
  expect(parseLine(JSON.stringify({timestamp: '2025-01-31T14:05:00.000Z', level: 'INFO', requestId: ID, message: 'order placed', orderId: 42}))).toEqual({kind: 'log', requestId: ID, level: 'INFO', text: 'order placed', fields: {orderId: 42}})
  const error = parseLine(JSON.stringify({timestamp: 't', level: 'ERROR', requestId: ID, message: 'Invoke Error', errorType: 'Error', errorMessage: 'no', stackTrace: ['Error: no', 'at x']}))
  expect(error).toMatchObject({level: 'ERROR', text: 'Invoke Error', error: {type: 'Error', message: 'no', stack: ['Error: no', 'at x']}})
  expect(error.fields).toBeUndefined()
})

test("Powertools lines: its request id, and only the line's own fields", () => {
  const line = parseLine(JSON.stringify({level: 'WARN', message: 'retrying', sampling_rate: 0, service: 'orders', timestamp: 't', xray_trace_id: 'Root=1', cold_start: false, function_name: 'f', function_arn: 'arn', function_memory_size: 128, function_request_id: ID, attempt: 2}))
  expect(line).toEqual({kind: 'log', requestId: ID, level: 'WARN', text: 'retrying', fields: {attempt: 2}})
})

test('anything else is plain text, JSON that is no log line included', () => {
  expect(parseLine('just text')).toEqual({kind: 'plain', text: 'just text'})
  expect(parseLine('{not json')).toEqual({kind: 'plain', text: '{not json'})
  expect(parseLine('[1,2]')).toEqual({kind: 'plain', text: '[1,2]'})
})

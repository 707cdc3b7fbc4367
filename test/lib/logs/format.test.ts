/** The three formats: pretty (readable on a terminal, plain piped), raw and json. */
import {afterEach, beforeEach, expect, test, vi} from 'vitest'

import type {StoredLogEvent} from '../../../src/lib/aws/types.js'
import {createFormatter} from '../../../src/lib/logs/format.js'
import type {Colors} from '../../../src/lib/output.js'
import {createOutput} from '../../../src/lib/output.js'

const ID = '8f5c2a1e-3b7d-4c0a-9e41-2d6f0b9a7c13'
const AT = Date.UTC(2025, 0, 31, 14, 5, 0, 123)

beforeEach(() => {
  vi.stubEnv('TZ', 'Asia/Kolkata') // UTC+05:30, no summer time: local times are checkable
})
afterEach(() => {
  vi.unstubAllEnvs()
})

const event = (message: string, extra: Partial<StoredLogEvent> = {}): StoredLogEvent => ({timestamp: AT, message, logStream: '2025/01/31/[7]abc', eventId: '123', ...extra})
const plainColors = createOutput({env: {NO_COLOR: '1'}}).color
/** Colours as visible tags: <red>text</red>. */
const colors = Object.fromEntries(['bold', 'dim', 'red', 'green', 'yellow', 'cyan', 'magenta', 'blue'].map((name) => [name, (text: string) => `<${name}>${text}</${name}>`])) as unknown as Colors

test('pretty: local time, the request id shortened, START/END, a REPORT summary with the cold start, levels and fields', () => {
  const pretty = createFormatter('pretty', plainColors)
  expect(pretty(event(`START RequestId: ${ID} Version: 7`))).toBe('19:35:00.123  8f5c2a1e  START v7')
  expect(pretty(event(`END RequestId: ${ID}`))).toBe('19:35:00.123  8f5c2a1e  END')
  expect(pretty(event(`REPORT RequestId: ${ID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\tInit Duration: 180.20 ms\t`))).toBe(
    '19:35:00.123  8f5c2a1e  REPORT 12.3 ms (billed 13 ms) · 71/128 MB · cold start 180.2 ms',
  )
  expect(pretty(event(`REPORT RequestId: ${ID}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tStatus: timeout`))).toBe(
    '19:35:00.123  8f5c2a1e  REPORT 3.00 s (billed 3000 ms) · 60/128 MB · timeout',
  )
  expect(pretty(event(`2025-01-31T14:05:00.123Z\t${ID}\tINFO\thello`))).toBe('19:35:00.123  8f5c2a1e  INFO  hello')
  expect(pretty(event(JSON.stringify({level: 'info', message: 'order placed', requestId: ID, orderId: 42, note: 'two words'})))).toBe('19:35:00.123  8f5c2a1e  INFO  order placed {orderId=42 note="two words"}')
  expect(pretty(event('a line without a request id'))).toBe('19:35:00.123            a line without a request id')
})

test('pretty: an error payload and a multi-line message are laid out under the message column', () => {
  const pretty = createFormatter('pretty', plainColors)
  const payload = JSON.stringify({errorType: 'TypeError', errorMessage: 'boom', stack: ['TypeError: boom', '    at handler (/var/task/index.js:3:9)']})
  expect(pretty(event(`2025-01-31T14:05:00.123Z\t${ID}\tERROR\tInvoke Error \t${payload}`)).split('\n')).toEqual([
    '19:35:00.123  8f5c2a1e  ERROR Invoke Error TypeError: boom',
    '                          at handler (/var/task/index.js:3:9)',
  ])
  expect(pretty(event(`2025-01-31T14:05:00.123Z\t${ID}\tWARN\tfirst\nsecond`)).split('\n')).toEqual(['19:35:00.123  8f5c2a1e  WARN  first', '                        second'])
})

test('on a terminal: START/END dimmed, errors red, one colour per invocation; never colour when colours are off', () => {
  const pretty = createFormatter('pretty', colors)
  const start = pretty(event(`START RequestId: ${ID} Version: 7`))
  expect(start).toContain('<dim>START v7</dim>')
  expect(pretty(event(`END RequestId: ${ID}`))).toContain('<dim>END</dim>')
  expect(pretty(event(`2025-01-31T14:05:00.123Z\t${ID}\tERROR\tdisk full\n    at x`))).toContain('<red><bold>ERROR</bold></red> <red>disk full</red>\n                        <red>    at x</red>')
  const idColour = (line: string): string | undefined => /<(\w+)>8f5c2a1e/.exec(line)?.[1]
  expect(idColour(start)).toBeDefined()
  expect(idColour(pretty(event(`END RequestId: ${ID}`)))).toBe(idColour(start))
  const others = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((c) => idColour(pretty(event(`END RequestId: ${c.repeat(8)}-0000`)).replace(c.repeat(8), '8f5c2a1e')))
  expect(new Set(others).size).toBeGreaterThan(1)
  expect(createFormatter('pretty', plainColors)(event(`2025-01-31T14:05:00.123Z\t${ID}\tERROR\tdisk full`))).not.toContain('<')
})

test('raw prints the message untouched; json one object per event with the parsed request id, type and report', () => {
  const message = `2025-01-31T14:05:00.123Z\t${ID}\tINFO\thello`
  expect(createFormatter('raw', colors)(event(message))).toBe(message)
  expect(JSON.parse(createFormatter('json', colors)(event(message)))).toEqual({time: '2025-01-31T14:05:00.123Z', timestamp: AT, logStream: '2025/01/31/[7]abc', eventId: '123', requestId: ID, type: 'log', level: 'INFO', message})
  const report = JSON.parse(createFormatter('json', colors)(event(`REPORT RequestId: ${ID}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t`, {eventId: undefined}))) as Record<string, unknown>
  expect(report).toMatchObject({type: 'report', report: {durationMs: 1, billedMs: 1, memorySizeMb: 128, maxMemoryMb: 40}})
  expect(report).not.toHaveProperty('eventId')
})

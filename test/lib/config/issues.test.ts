import {expect, test} from 'vitest'
import {z} from 'zod'

import {formatIssues, keysAt, suggest} from '../../../src/lib/config/issues.js'

// The shape of settings later issues add: arrays of alternatives, nested objects, records of objects.
const Future = z.strictObject({
  functions: z.record(
    z.string(),
    z
      .strictObject({
        events: z.array(z.union([z.strictObject({sqs: z.string(), batchSize: z.number()}), z.strictObject({schedule: z.string()})])).default([]),
        url: z.strictObject({authType: z.enum(['NONE', 'AWS_IAM']), cors: z.strictObject({allowOrigins: z.array(z.string())}).optional()}).optional(),
        rollout: z.lazy(() => z.strictObject({steps: z.array(z.strictObject({percent: z.number(), waitMinutes: z.number()}))})).optional(),
      })
      .partial(),
  ),
})

test('keysAt walks records, arrays, unions, lazies and wrappers to the object at a path', () => {
  expect(keysAt(Future, [])).toEqual(['functions'])
  expect(keysAt(Future, ['functions', 'api'])).toEqual(['events', 'url', 'rollout'])
  expect(keysAt(Future, ['functions', 'api', 'events', 0])).toEqual(['sqs', 'batchSize', 'schedule'])
  expect(keysAt(Future, ['functions', 'api', 'url', 'cors'])).toEqual(['allowOrigins'])
  expect(keysAt(Future, ['functions', 'api', 'rollout', 'steps', 2])).toEqual(['percent', 'waitMinutes'])
  expect(keysAt(Future, ['functions', 'api', 'nothing', 'here'])).toEqual([])
})

test('a nested typo in such a setting gets its did-you-mean from the schema, inside a union too', () => {
  const raw = {functions: {api: {events: [{sqs: 'q', bachSize: 10}], url: {authTyp: 'NONE'}}}}
  const parsed = Future.safeParse(raw)
  expect(parsed.success).toBe(false)
  const lines = formatIssues(parsed.error?.issues ?? [], raw, Future).split('\n')
  expect(lines).toContain('  - functions.api.events.0.bachSize: unknown key. Did you mean "batchSize"?')
  expect(lines).toContain('  - functions.api.events.0.batchSize: expected number, found nothing.')
  expect(lines).toContain('  - functions.api.url.authTyp: unknown key. Did you mean "authType"?')
  expect(lines.join('\n')).not.toContain('schedule')
})

test('suggest finds misspelt and shortened keys, and nothing for unrelated words', () => {
  const keys = ['memorySize', 'timeout', 'environment', 'bundleAwsSdk', 'layers']
  expect(suggest('memmory', keys)).toBe(' Did you mean "memorySize"?')
  expect(suggest('timout', keys)).toBe(' Did you mean "timeout"?')
  expect(suggest('MemorySize', keys)).toBe(' Did you mean "memorySize"?')
  expect(suggest('enviroment', keys)).toBe(' Did you mean "environment"?')
  expect(suggest('layer', keys)).toBe(' Did you mean "layers"?')
  expect(suggest('colour', keys)).toBe('')
  expect(suggest('x', [])).toBe('')
})

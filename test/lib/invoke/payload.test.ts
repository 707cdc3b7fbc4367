import {writeFile} from 'node:fs/promises'
import path from 'node:path'

import {afterEach, expect, test} from 'vitest'

import type {UserError} from '../../../src/lib/errors.js'
import {generateEvent} from '../../../src/lib/invoke/events.js'
import {assemblePayload, checkPayloadSize} from '../../../src/lib/invoke/payload.js'
import {applySets, parsePath} from '../../../src/lib/invoke/set-path.js'
import {tempDir} from '../../helpers/cli.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

const sources = (stdin?: string) => ({stdin: () => Promise.resolve(stdin), whereabouts: () => Promise.resolve({region: 'eu-west-1', accountId: '111122223333'})})

function thrown(fn: () => unknown): UserError {
  try {
    fn()
  } catch (error) {
    return error as UserError
  }
  throw new Error('expected an error')
}

test('paths take dotted keys, [N] indexes and quoted keys; anything else is refused', () => {
  expect(parsePath('Records[0].s3.object.key')).toEqual(['Records', 0, 's3', 'object', 'key'])
  expect(parsePath('headers["x.forwarded"]')).toEqual(['headers', 'x.forwarded'])
  for (const bad of ['a..b', 'a.', '.a', 'a[x]', 'a[0]b', '']) expect(thrown(() => parsePath(bad)).code).toBe('InvalidSet')
})

test('--set parses JSON values, keeps text where the event has text, and creates what is missing', () => {
  const event: Record<string, unknown> = {body: '{}', count: 1, list: [{a: 1}]}

  applySets(event, ['body={"id":1}', 'count=2', 'flag=true', 'name=plain words', 'list[0].a=[1,2]', 'list[1]={"b":2}', 'deep.er[0]=x'])

  expect(event).toEqual({body: '{"id":1}', count: 2, flag: true, name: 'plain words', list: [{a: [1, 2]}, {b: 2}], deep: {er: ['x']}})
})

test('--set errors name the path and why', () => {
  expect(thrown(() => applySets({a: 'text'}, ['a.b=1'])).message).toBe('--set a.b=1: "a" is text, not an object, so it has no field "b".')
  expect(thrown(() => applySets({a: {}}, ['a[0]=1'])).message).toContain('"a" is an object, not a list')
  expect(thrown(() => applySets({}, ['novalue'])).message).toContain('expected PATH=VALUE')
  expect(thrown(() => applySets({}, ['novalue'])).exitCode).toBe(2)
})

test('generated events use the given region and account, fresh ids each time, and keep derived fields in step with --set', () => {
  const context = {region: 'eu-west-1', accountId: '111122223333'}
  const a = generateEvent('sqs', context, ['Records[0].body=changed']) as {Records: {messageId: string; md5OfBody: string; eventSourceARN: string}[]}
  const b = generateEvent('sqs', context) as typeof a

  expect(a.Records[0]?.eventSourceARN).toBe('arn:aws:sqs:eu-west-1:111122223333:my-queue')
  expect(a.Records[0]?.md5OfBody).toBe('8977dfac2f8e04cb96e66882235f5aba') // md5("changed")
  expect(a.Records[0]?.messageId).not.toBe(b.Records[0]?.messageId)
  const http = generateEvent('apigw', context, ['rawPath=/orders/7']) as {rawPath: string; requestContext: {http: {path: string}; time: string}}
  expect(http.requestContext.http.path).toBe('/orders/7')
  expect(http.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/)
})

test('the payload comes from --payload, @file, stdin or --event; empty means {}; --set edits any JSON object', async () => {
  const {dir, cleanup} = await tempDir()
  cleanups.push(cleanup)
  await writeFile(path.join(dir, 'event.json'), '{"from":"file"}')

  expect(await assemblePayload({payload: '{"a":1}'}, sources())).toBe('{"a":1}')
  expect(await assemblePayload({payload: '@event.json', cwd: dir}, sources())).toBe('{"from":"file"}')
  expect(await assemblePayload({}, sources('{"from":"stdin"}'))).toBe('{"from":"stdin"}')
  expect(await assemblePayload({}, sources(''))).toBe('{}')
  expect(await assemblePayload({}, sources(undefined))).toBe('{}')
  expect(await assemblePayload({payload: '{"a":1}', sets: ['b=2']}, sources())).toBe('{"a":1,"b":2}')
  expect(JSON.parse(await assemblePayload({event: 'schedule'}, sources()))).toMatchObject({account: '111122223333', region: 'eu-west-1'})
  await expect(assemblePayload({payload: '{}', event: 'sqs'}, sources())).rejects.toMatchObject({code: 'PayloadConflict', exitCode: 2})
  await expect(assemblePayload({payload: '[1]', sets: ['a=1']}, sources())).rejects.toMatchObject({code: 'InvalidSet'})
})

test('payloads over 6 MB (synchronous) or 1 MB (asynchronous) are refused with both limits; at the limit they pass', () => {
  expect(() => checkPayloadSize('x'.repeat(6_291_456), 'sync')).not.toThrow()
  expect(() => checkPayloadSize('x'.repeat(1_048_576), 'async')).not.toThrow()
  const sync = thrown(() => checkPayloadSize('x'.repeat(6_291_457), 'sync'))
  const async = thrown(() => checkPayloadSize('x'.repeat(1_048_577), 'async'))

  expect(sync.message).toBe('The payload is 6,291,457 bytes; Lambda accepts at most 6,291,456 bytes for a synchronous invocation.')
  expect(async.message).toBe('The payload is 1,048,577 bytes; Lambda accepts at most 1,048,576 bytes for an asynchronous (--async) invocation.')
  expect(sync.hints[0]).toBe("Lambda's limits: 6,291,456 bytes (6 MB) synchronous, 1,048,576 bytes (1 MB) asynchronous.")
})

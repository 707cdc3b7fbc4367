import {expect, test} from 'vitest'

import {FilterPatternError, matchesAnyPattern, matchesPattern, parseFilterPattern} from '../../../src/lib/lambda/event-filter.js'

const matches = (pattern: string, event: unknown): boolean => matchesPattern(parseFilterPattern(pattern), event)

test('exact values: strings, numbers, booleans and null; any of a list; any item of an array in the event', () => {
  expect(matches('{"kind": ["order"]}', {kind: 'order'})).toBe(true)
  expect(matches('{"kind": ["order"]}', {kind: 'refund'})).toBe(false)
  expect(matches('{"n": [5]}', {n: 5.0})).toBe(true)
  expect(matches('{"n": [5]}', {n: '5'})).toBe(false)
  expect(matches('{"ok": [true], "x": [null]}', {ok: true, x: null})).toBe(true)
  expect(matches('{"tag": ["a", "b"]}', {tag: ['z', 'b']})).toBe(true)
  expect(matches('{"kind": ["order"]}', {})).toBe(false)
})

test('nested patterns match nested objects; every field named must match', () => {
  const pattern = '{"body": {"order": {"status": ["paid"]}, "region": ["eu"]}}'
  expect(matches(pattern, {body: {order: {status: 'paid'}, region: 'eu'}})).toBe(true)
  expect(matches(pattern, {body: {order: {status: 'paid'}, region: 'us'}})).toBe(false)
  expect(matches(pattern, {body: {order: 'paid', region: 'eu'}})).toBe(false)
})

test('prefix, suffix, equals-ignore-case, anything-but, numeric, exists', () => {
  expect(matches('{"k": [{"prefix": "img-"}]}', {k: 'img-1'})).toBe(true)
  expect(matches('{"k": [{"suffix": ".png"}]}', {k: 'a.jpg'})).toBe(false)
  expect(matches('{"k": [{"equals-ignore-case": "PaID"}]}', {k: 'paid'})).toBe(true)
  expect(matches('{"k": [{"anything-but": ["a", "b"]}]}', {k: 'c'})).toBe(true)
  expect(matches('{"k": [{"anything-but": "a"}]}', {k: 'a'})).toBe(false)
  expect(matches('{"k": [{"anything-but": {"prefix": "tmp"}}]}', {k: 'tmp-1'})).toBe(false)
  expect(matches('{"k": [{"numeric": [">", 0, "<=", 10]}]}', {k: 10})).toBe(true)
  expect(matches('{"k": [{"numeric": [">", 0, "<=", 10]}]}', {k: 0})).toBe(false)
  expect(matches('{"k": [{"numeric": ["=", 3]}]}', {k: '3'})).toBe(false)
  expect(matches('{"k": [{"exists": true}]}', {k: 0})).toBe(true)
  expect(matches('{"k": [{"exists": false}]}', {k: 0})).toBe(false)
  expect(matches('{"k": [{"exists": false}]}', {other: 1})).toBe(true)
})

test('$or between patterns, and a record passes when any filter matches', () => {
  const pattern = '{"$or": [{"a": ["1"]}, {"b": [{"prefix": "x"}]}]}'
  expect(matches(pattern, {b: 'xy'})).toBe(true)
  expect(matches(pattern, {a: '2', b: 'y'})).toBe(false)
  expect(matchesAnyPattern([parseFilterPattern('{"a": ["1"]}'), parseFilterPattern('{"a": ["2"]}')], {a: '2'})).toBe(true)
})

test('malformed patterns are refused with the reason', () => {
  const reason = (text: string): string => {
    try {
      parseFilterPattern(text)
    } catch (error) {
      if (error instanceof FilterPatternError) return error.message
      throw error
    }
    return 'accepted'
  }
  expect(reason('{"a": ')).toMatch(/^the pattern isn't valid JSON/)
  expect(reason('["a"]')).toBe('the pattern must be a JSON object')
  expect(reason('{"a": "x"}')).toBe('a must be a list of values to match (such as ["x"]) or a nested pattern')
  expect(reason('{"a": []}')).toBe('a must list at least one value to match')
  expect(reason('{"a": [{"wildcard": "x*"}]}')).toContain('unknown operator "wildcard"')
  expect(reason('{"a": [{"numeric": [">", "1"]}]}')).toContain('"numeric" needs')
  expect(reason('{"a": [{"numeric": ["<", 5, ">", 1]}]}')).toContain('a "numeric" range')
  expect(reason('{"a": [{"prefix": "x", "suffix": "y"}]}')).toContain('exactly one operator')
  expect(reason('{"$or": [{"a": ["1"]}]}')).toBe('$or must be a list of at least two patterns')
  expect(reason('{"b": {"c": [{"exists": "yes"}]}}')).toBe('b.c: "exists" needs true or false')
  expect(reason('{}')).toBe('the pattern must name at least one field')
})

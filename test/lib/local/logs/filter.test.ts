import {describe, expect, test} from 'vitest'

import {compileFilterPattern, FilterPatternError} from '../../../../src/lib/local/logs/filter.js'

const LINES = [
  '2024-01-01T00:00:00.000Z\tr1\tINFO\tuser signed in',
  '2024-01-01T00:00:01.000Z\tr1\tERROR\tuser not found: bob',
  '2024-01-01T00:00:02.000Z\tr2\tWARN\tslow request',
  '2024-01-01T00:00:03.000Z\tr2\tINFO\t{"level":"ERROR","latency":250,"user":{"name":"carol-admin","id":7},"tags":["a","b"],"ok":false,"gone":null}',
  '{"level":"INFO","latency":"40","user":{"name":"dave"}}',
]

function grep(pattern: string): number[] {
  const matches = compileFilterPattern(pattern)
  return LINES.flatMap((line, index) => (matches(line) ? [index] : []))
}

describe('filter patterns', () => {
  test('an empty pattern matches everything', () => {
    expect(grep('')).toEqual([0, 1, 2, 3, 4])
  })

  test('terms must all appear, case-sensitively; quoted phrases match as a whole', () => {
    expect(grep('user')).toEqual([0, 1, 3, 4])
    expect(grep('ERROR user')).toEqual([1, 3])
    expect(grep('error')).toEqual([])
    expect(grep('"user not found"')).toEqual([1])
    expect(grep('"user found"')).toEqual([])
  })

  test('-term excludes, ?term matches any of the optional terms', () => {
    expect(grep('user -ERROR')).toEqual([0, 4])
    expect(grep('?WARN ?"not found"')).toEqual([1, 2])
  })

  test('%regex% matches a regular expression', () => {
    expect(grep('%sign(ed)? in%')).toEqual([0])
  })

  test('JSON property filters compare strings, numbers and nested fields, with wildcards', () => {
    expect(grep('{ $.level = "ERROR" }')).toEqual([3])
    expect(grep('{ $.level != "ERROR" }')).toEqual([4])
    expect(grep('{ $.latency > 100 }')).toEqual([3])
    expect(grep('{ $.latency <= 100 }')).toEqual([4])
    expect(grep('{ $.user.name = "carol*" }')).toEqual([3])
    expect(grep('{ $.user.name = *admin }')).toEqual([3])
    expect(grep('{ $.tags[1] = "b" }')).toEqual([3])
  })

  test('JSON filters combine with && and || and parentheses, and test IS NULL / IS FALSE / NOT EXISTS', () => {
    expect(grep('{ ($.level = "INFO") || ($.latency > 200 && $.user.id = 7) }')).toEqual([3, 4])
    expect(grep('{ $.level = "ERROR" && $.latency < 100 }')).toEqual([])
    expect(grep('{ $.gone IS NULL }')).toEqual([3])
    expect(grep('{ $.ok IS FALSE }')).toEqual([3])
    expect(grep('{ $.tags NOT EXISTS }')).toEqual([4])
  })

  test('malformed patterns are refused', () => {
    expect(() => compileFilterPattern('{ $.level = }')).toThrow(FilterPatternError)
    expect(() => compileFilterPattern('{ $.level ~ "x" }')).toThrow(FilterPatternError)
    expect(() => compileFilterPattern('{ $.latency > "high" }')).toThrow(FilterPatternError)
    expect(() => compileFilterPattern('[ip, user]')).toThrow(FilterPatternError)
  })
})

import {expect, test} from 'vitest'

import {tagChanges} from '../../../src/lib/deploy/plan.js'
import {filterCriteria} from '../../../src/lib/events/filters.js'
import {ledgerTag, notificationId, parseLedger, ruleName, triggerId} from '../../../src/lib/events/marks.js'
import {parseSource} from '../../../src/lib/events/source.js'

test('a ledger entry written as a tag reads back the same; a $LATEST qualifier is left out (tag values refuse "$"), and malformed tags are ignored', () => {
  const entry = {id: 'a1b2c3d4e5f6', origin: 'config' as const, kind: 's3' as const, resource: 'uploads', qualifier: 'live'}
  const tag = ledgerTag(entry)
  expect(tag).toEqual({key: 'sling:ev:a1b2c3d4e5f6', value: 'config s3 uploads live'})
  const latest = ledgerTag({...entry, qualifier: '$LATEST'})
  expect(latest.value).toBe('config s3 uploads')
  expect(latest.value).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u)
  expect(parseLedger({[tag.key]: tag.value, team: 'core', 'sling:ev:bad': 'someone s3 x', 'sling:ev:bad2': 'cli ftp x'})).toEqual([entry])
})

test('trigger ids are stable, differ by qualifier and settings, and survive the 64-character cut of rule names', () => {
  expect(triggerId('s3', 'api', 'live', 'uploads')).toBe(triggerId('s3', 'api', 'live', 'uploads'))
  expect(triggerId('s3', 'api', 'live', 'uploads')).not.toBe(triggerId('s3', 'api', 'beta', 'uploads'))
  expect(triggerId('s3', 'api', undefined, 'uploads')).toBe(triggerId('s3', 'api', '$LATEST', 'uploads'))
  const long = 'f'.repeat(64)
  const name = ruleName(long, 'a1b2c3d4e5f6')
  expect(name.length).toBe(64)
  expect(name.endsWith('-a1b2c3d4e5f6')).toBe(true)
  expect(notificationId('api', 'a1b2c3d4e5f6')).toBe('sling-api-a1b2c3d4e5f6')
})

test('deploy never removes sling ledger tags when the config sets the function tags', () => {
  const changes = tagChanges({team: 'core', 'sling:ev:a1b2c3d4e5f6': 'cli s3 uploads', old: 'x'}, {team: 'core'})
  expect(changes.remove).toEqual(['old'])
})

test('SOURCE: ARNs and short forms of pull and push sources', () => {
  expect(parseSource('sqs:orders')).toEqual({type: 'pull', service: 'sqs', name: 'orders'})
  expect(parseSource('arn:aws:sqs:eu-west-1:123456789012:orders')).toEqual({type: 'pull', service: 'sqs', arn: 'arn:aws:sqs:eu-west-1:123456789012:orders'})
  expect(parseSource('arn:aws:kinesis:eu-west-1:123456789012:stream/clicks')).toMatchObject({type: 'pull', service: 'kinesis'})
  expect(parseSource('arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/2024-01-01T00:00:00.000')).toMatchObject({type: 'pull', service: 'dynamodb'})
  expect(parseSource('s3:uploads')).toEqual({type: 's3', bucket: 'uploads'})
  expect(parseSource('arn:aws:s3:::uploads')).toEqual({type: 's3', bucket: 'uploads'})
  expect(parseSource('sns:alerts')).toEqual({type: 'sns', name: 'alerts'})
  expect(parseSource('schedule')).toEqual({type: 'schedule'})
  expect(parseSource('eventbridge')).toEqual({type: 'rule'})
})

test('an unknown source is a usage error listing the forms; a DynamoDB table ARN says to pass its stream', () => {
  expect(() => parseSource('ftp:files')).toThrow(expect.objectContaining({code: 'UnknownSource', exitCode: 2, hints: [expect.stringContaining('sqs:QUEUE (or the queue ARN)')]}))
  expect(() => parseSource('arn:aws:dynamodb:eu-west-1:123456789012:table/orders')).toThrow(/pass the stream ARN/)
  expect(() => parseSource('kafka:my-cluster')).toThrow(/MSK cluster ARN/)
})

test('filter patterns are checked as Lambda checks them, naming the pattern and the reason', () => {
  expect(filterCriteria(['{"body": {"type": ["order"]}}'])).toEqual({Filters: [{Pattern: '{"body": {"type": ["order"]}}'}]})
  expect(() => filterCriteria(['{"body": {"type": ["order"]}}', '{"body": []}'])).toThrow('Filter pattern 2 is malformed: body must list at least one value to match.')
  expect(() => filterCriteria(['not json'])).toThrow(/The filter pattern is malformed: the pattern isn't valid JSON/)
  expect(() => filterCriteria(Array.from({length: 6}, () => '{"a": [1]}'))).toThrow('6 filter patterns given; Lambda accepts at most 5 per event source mapping.')
})

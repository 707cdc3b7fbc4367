import {expect, test} from 'vitest'

import {describeKeepReason} from '../../../src/lib/release/prune.js'
import {aliasWeights, newestFirst, weightBar} from '../../../src/lib/release/weights.js'

test('an alias gives its own version what the routed versions leave, to 0.01%', () => {
  expect(aliasWeights({version: '4', routing: {}})).toEqual([{version: '4', percent: 100, routed: false}])
  expect(aliasWeights({version: '4', routing: {'5': 0.1}})).toEqual([{version: '4', percent: 90, routed: false}, {version: '5', percent: 10, routed: true}])
  expect(aliasWeights({version: '4', routing: {'5': 0.333333}})).toEqual([{version: '4', percent: 66.67, routed: false}, {version: '5', percent: 33.33, routed: true}])
  // A zero weight routes nothing: not shown as a share.
  expect(aliasWeights({version: '4', routing: {'5': 0}})).toEqual([{version: '4', percent: 100, routed: false}])
})

test('a weight bar fills its share of the width', () => {
  expect(weightBar(100, 10)).toBe('██████████')
  expect(weightBar(25, 8)).toBe('██░░░░░░')
  expect(weightBar(0, 4)).toBe('░░░░')
  expect(weightBar(130, 4)).toBe('████')
  expect(weightBar(12.5)).toHaveLength(20)
})

test('versions sort newest first by number, $LATEST before all', () => {
  expect(['2', '10', '$LATEST', '1'].sort(newestFirst)).toEqual(['$LATEST', '10', '2', '1'])
})

test('each reason to keep a version reads as a sentence', () => {
  expect(describeKeepReason({kind: 'routing', alias: 'live', percent: 10})).toBe('alias "live" routes 10% of its traffic to it')
  expect(describeKeepReason({kind: 'mapping', uuid: 'u1', eventSourceArn: 'arn:aws:sqs:eu-west-1:123456789012:orders'})).toBe('event source mapping u1 (arn:aws:sqs:eu-west-1:123456789012:orders) invokes it')
  expect(describeKeepReason({kind: 'rollback', alias: 'live'})).toBe('"sling rollback" would return alias "live" to it')
})

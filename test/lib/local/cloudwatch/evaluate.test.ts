import {expect, test} from 'vitest'

import {ofValue, merge, percentile} from '../../../../src/lib/local/cloudwatch/aggregate.js'
import type {AlarmRule, Slot, TreatMissingData} from '../../../../src/lib/local/cloudwatch/evaluate.js'
import {javaDouble, judge} from '../../../../src/lib/local/cloudwatch/evaluate.js'
import {evaluate, parseExpression, resultSeries} from '../../../../src/lib/local/cloudwatch/expressions.js'

const rule = (treat: TreatMissingData, n = 3, m = 3): AlarmRule => ({period: 60, evaluationPeriods: n, datapointsToAlarm: m, threshold: 1, comparison: 'GreaterThanOrEqualToThreshold', treatMissingData: treat, describe: {statistic: 'Sum'}})

/** A range from a row of AWS's table: "0" not breaching, "X" breaching, "-" missing; oldest first. */
function slots(row: string): Slot[] {
  return row.split(' ').map((cell, i) => ({t: i * 60_000, ...(cell === '-' ? {} : {v: cell === 'X' ? 5 : 0, n: 1})}))
}

test.each([
  // The rows of AWS's "How alarm state is evaluated when data is missing" (3 out of 3, a range of 5).
  ['0 - X - X', 'OK', 'OK', 'OK', 'OK'],
  ['- - - - 0', 'OK', 'OK', 'OK', 'OK'],
  ['- - - - -', 'INSUFFICIENT_DATA', undefined, 'ALARM', 'OK'],
  ['0 X X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['- - X - -', 'ALARM', 'ALARM', 'ALARM', 'OK'],
])('3 of 3, %s → missing %s, ignore %s, breaching %s, notBreaching %s', (row, missing, ignore, breaching, notBreaching) => {
  const now = 10 * 60_000
  expect(judge(rule('missing'), slots(row), 'OK', now).state).toBe(missing)
  expect(judge(rule('ignore'), slots(row), 'OK', now).state).toBe(ignore)
  expect(judge(rule('breaching'), slots(row), 'OK', now).state).toBe(breaching)
  expect(judge(rule('notBreaching'), slots(row), 'OK', now).state).toBe(notBreaching)
})

test('M out of N: 2 of 3 breaching datapoints fire a 2-of-3 alarm, not a 3-of-3 one; reasons word it as CloudWatch does', () => {
  const range = slots('- - X 0 X')
  const fired = judge(rule('missing', 3, 2), range, 'OK', 0)
  expect(fired.state).toBe('ALARM')
  expect(fired.reason).toBe('Threshold Crossed: 2 out of the last 3 datapoints [5.0 (01/01/70 00:04:00), 5.0 (01/01/70 00:02:00)] were greater than or equal to the threshold (1.0) (minimum 2 datapoints for OK -> ALARM transition).')
  const held = judge(rule('missing', 3, 3), range, 'ALARM', 0)
  expect(held.state).toBe('OK')
  expect(held.reason).toBe('Threshold Crossed: 1 out of the last 3 datapoints [0.0 (01/01/70 00:03:00)] was not greater than or equal to the threshold (1.0) (minimum 1 datapoint for ALARM -> OK transition).')
  expect(JSON.parse(fired.reasonData)).toMatchObject({statistic: 'Sum', period: 60, recentDatapoints: [5, 0, 5], evaluatedDatapoints: [{timestamp: '1970-01-01T00:04:00.000+0000', sampleCount: 1, value: 5}, {}, {}]})
  expect(judge(rule('missing', 1, 1), slots('- - 0'), 'INSUFFICIENT_DATA', 0).reason).toBe('Threshold Crossed: 1 datapoint [0.0 (01/01/70 00:02:00)] was not greater than or equal to the threshold (1.0).')
  expect(judge(rule('missing', 2, 2), slots('- - - -'), 'OK', 0).reason).toBe('Insufficient Data: 2 datapoints were unknown.')
})

test('numbers in reasons print as Java doubles', () => {
  expect([0, 2, -3, 0.25, 12345678, 0.0001].map(javaDouble)).toEqual(['0.0', '2.0', '-3.0', '0.25', '1.2345678E7', '1.0E-4'])
})

test('metric math: arithmetic pairs timestamps, numbers apply to every value, FILL fills the grid, x/0 has no value', () => {
  const m1 = new Map([[0, 2], [60, 4], [120, 0]])
  const m2 = new Map([[0, 10], [60, 0], [180, 5]])
  const run = (text: string): [number, number][] => [...resultSeries(evaluate(parseExpression(text), (id) => (id === 'm1' ? m1 : m2), [0, 60, 120, 180]))]
  expect(run('m1 / m2 * 100')).toEqual([[0, 20]])
  expect(run('-m1 + 1')).toEqual([[0, -1], [60, -3], [120, 1]])
  expect(run('FILL(m2, 0)')).toEqual([[0, 10], [60, 0], [120, 0], [180, 5]])
  expect(run('FILL(m1, REPEAT)')).toEqual([[0, 2], [60, 4], [120, 0], [180, 0]])
  expect(run('SUM([m1, m2])')).toEqual([[0, 12], [60, 4], [120, 0], [180, 5]])
  expect(run('m1 ^ 2 - ABS(m1)')).toEqual([[0, 2], [60, 12], [120, 0]])
  expect(() => parseExpression('RATE(m1)')).toThrow(/The function RATE isn't supported/)
  expect(() => parseExpression('m1 +')).toThrow(/ends too early/)
})

test('aggregates merge exactly up to 1,000 values, then as a bounded histogram', () => {
  let agg = ofValue(1)
  for (let i = 2; i <= 5000; i++) agg = merge(agg, ofValue(i))
  expect(agg.v).toBeUndefined()
  expect(Object.keys(agg.h ?? {}).length).toBeLessThan(500)
  expect([agg.n, agg.s, agg.lo, agg.hi]).toEqual([5000, (5000 * 5001) / 2, 1, 5000])
  expect(Math.abs(percentile(agg, 90)! - 4500) / 4500).toBeLessThan(0.01)
  expect(percentile(merge(ofValue(3), ofValue(1)), 50)).toBe(1)
})

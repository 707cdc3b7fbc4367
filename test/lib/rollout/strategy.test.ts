import {describe, expect, test} from 'vitest'

import {UserError} from '../../../src/lib/errors.js'
import {CODEDEPLOY_STRATEGIES, customStrategy, parseStrategy} from '../../../src/lib/rollout/strategy.js'
import {formatDuration, parseDuration, parsePercent} from '../../../src/lib/rollout/units.js'

const M = 60_000
const schedule = (text: string): [number, number][] => parseStrategy(text).steps.map((s) => [s.percent, s.bakeMs])
const linear = (every: number): [number, number][] => [10, 20, 30, 40, 50, 60, 70, 80, 90].map((p): [number, number] => [p, every * M]).concat([[100, 0]])

function refusal(run: () => unknown): UserError {
  try {
    run()
  } catch (error) {
    if (error instanceof UserError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe('CodeDeploy predefined Lambda strategies', () => {
  test.each([
    ['Canary10Percent5Minutes', [[10, 5 * M], [100, 0]], 'canary:10%:5m'],
    ['Canary10Percent10Minutes', [[10, 10 * M], [100, 0]], 'canary:10%:10m'],
    ['Canary10Percent15Minutes', [[10, 15 * M], [100, 0]], 'canary:10%:15m'],
    ['Canary10Percent30Minutes', [[10, 30 * M], [100, 0]], 'canary:10%:30m'],
    ['Linear10PercentEvery1Minute', linear(1), 'linear:10%:1m'],
    ['Linear10PercentEvery2Minutes', linear(2), 'linear:10%:2m'],
    ['Linear10PercentEvery3Minutes', linear(3), 'linear:10%:3m'],
    ['Linear10PercentEvery10Minutes', linear(10), 'linear:10%:10m'],
    ['AllAtOnce', [[100, 0]], 'all-at-once'],
  ])('%s', (name, steps, short) => {
    const strategy = parseStrategy(name)
    expect(strategy).toMatchObject({name, short})
    expect(schedule(name)).toEqual(steps)
    // The short form, and CodeDeploy's full name, are the same strategy.
    expect(parseStrategy(short)).toEqual(strategy)
    expect(parseStrategy(`CodeDeployDefault.Lambda${name}`)).toEqual(strategy)
  })

  test('every predefined name is covered', () => {
    expect(CODEDEPLOY_STRATEGIES).toHaveLength(9)
  })

  test('names and short forms ignore case', () => {
    expect(parseStrategy('canary10percent5minutes').short).toBe('canary:10%:5m')
    expect(parseStrategy('ALL-AT-ONCE').short).toBe('all-at-once')
  })
})

describe('short forms', () => {
  test('any canary or linear share and interval', () => {
    expect(schedule('canary:25%:90s')).toEqual([[25, 90_000], [100, 0]])
    expect(parseStrategy('canary:25%:90s')).toMatchObject({short: 'canary:25%:1m30s', name: undefined})
    expect(schedule('linear:30%:1h')).toEqual([[30, 3_600_000], [60, 3_600_000], [90, 3_600_000], [100, 0]])
    expect(schedule('linear:2.5%:30s')).toHaveLength(40)
    expect(schedule('linear:2.5%:30s').at(-2)).toEqual([97.5, 30_000])
  })

  test('refuses what isn\'t a strategy, naming the forms it takes', () => {
    const error = refusal(() => parseStrategy('blue-green'))
    expect(error).toMatchObject({code: 'InvalidStrategy', exitCode: 2})
    expect(error.message).toContain('Canary10Percent5Minutes')
    expect(error.message).toContain('canary:10%:5m')
    expect(refusal(() => parseStrategy('canary:100%:5m')).message).toContain('less than 100%')
    expect(refusal(() => parseStrategy('canary:10%:5'))).toMatchObject({code: 'InvalidDuration'})
    expect(refusal(() => parseStrategy('Canary10Percent0Minutes'))).toMatchObject({code: 'InvalidDuration'})
  })
})

describe('custom steps', () => {
  test('bake the interval at every step but the last, which is 100', () => {
    expect(customStrategy(['10', '50', '100'], '5m')).toEqual({short: 'steps:10,50,100@5m', steps: [{percent: 10, bakeMs: 5 * M}, {percent: 50, bakeMs: 5 * M}, {percent: 100, bakeMs: 0}]})
    expect(parseStrategy('steps:10,50,100@5m')).toEqual(customStrategy(['10', '50', '100'], '5m'))
  })

  test('100 is added when the list stops short of it', () => {
    expect(customStrategy([5, 25], '1m').short).toBe('steps:5,25,100@1m')
  })

  test('refuses steps that don\'t rise, shares over 100, and lists too long to record with the alias', () => {
    expect(refusal(() => customStrategy(['50', '10'], '5m')).message).toContain('10% comes after 50%')
    expect(refusal(() => customStrategy(['0', '10'], '5m'))).toMatchObject({code: 'InvalidStrategy'})
    expect(refusal(() => customStrategy(['10', '150'], '5m'))).toMatchObject({code: 'InvalidPercent', exitCode: 2})
    const many = Array.from({length: 30}, (_, i) => String(i + 1))
    expect(refusal(() => customStrategy(many, '5m')).message).toContain('in at most 48')
  })

  test('the interval is from 1s to 48h', () => {
    expect(refusal(() => customStrategy(['10'], '0s')).message).toContain('from 1s to 48h')
    expect(refusal(() => customStrategy(['10'], '49h')).message).toContain('from 1s to 48h')
  })
})

describe('durations and percentages', () => {
  test.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['2m15s', 135_000],
  ])('%s', (text, ms) => {
    expect(parseDuration(text, '--interval')).toBe(ms)
    expect(parseDuration(formatDuration(ms), '--interval')).toBe(ms)
  })

  test('a bare number has no unit, and is refused with what to write', () => {
    const error = refusal(() => parseDuration('5', '--interval'))
    expect(error).toMatchObject({code: 'InvalidDuration', exitCode: 2})
    expect(error.message).toContain('write "5s" or "5m"')
    expect(refusal(() => parseDuration('5 minutes', '--interval'))).toMatchObject({code: 'InvalidDuration'})
    expect(refusal(() => parseDuration('', '--interval'))).toMatchObject({code: 'InvalidDuration'})
  })

  test('percentages: 0 to 100, with or without %, to 0.01', () => {
    expect(parsePercent('25', '--weight')).toBe(25)
    expect(parsePercent('2.5%', '--weight')).toBe(2.5)
    expect(parsePercent(100, '--weight')).toBe(100)
    for (const bad of ['101', '-1', '0.001', 'ten']) expect(refusal(() => parsePercent(bad, '--weight'))).toMatchObject({code: 'InvalidPercent', exitCode: 2})
  })
})

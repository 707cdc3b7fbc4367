import {afterEach, expect, test, vi} from 'vitest'

import {ExitCode} from '../../../src/lib/errors.js'
import {parseTime} from '../../../src/lib/logs/time.js'
import {rejectionOf} from '../../helpers/aws.js'

afterEach(() => {
  vi.unstubAllEnvs()
})

const NOW = Date.UTC(2025, 0, 31, 12, 0, 0)

test('durations count back from now', () => {
  expect(parseTime('10m', NOW, 'since')).toBe(NOW - 600_000)
  expect(parseTime('2h', NOW, 'since')).toBe(NOW - 7_200_000)
  expect(parseTime('1d', NOW, 'since')).toBe(NOW - 86_400_000)
  expect(parseTime('1h30m', NOW, 'since')).toBe(NOW - 5_400_000)
  expect(parseTime('45s', NOW, 'since')).toBe(NOW - 45_000)
  expect(parseTime('0s', NOW, 'since')).toBe(NOW)
})

test('ISO timestamps: with a zone as given, without one in local time, a date alone at local midnight', () => {
  vi.stubEnv('TZ', 'America/New_York')
  expect(parseTime('2025-01-31T10:00:00Z', NOW, 'since')).toBe(Date.UTC(2025, 0, 31, 10))
  expect(parseTime('2025-01-31T10:00:00+02:00', NOW, 'since')).toBe(Date.UTC(2025, 0, 31, 8))
  expect(parseTime('2025-01-31 10:00', NOW, 'since')).toBe(Date.UTC(2025, 0, 31, 15))
  expect(parseTime('2025-01-31', NOW, 'until')).toBe(Date.UTC(2025, 0, 31, 5))
})

test('anything else is a usage error naming the flag and the forms it takes', async () => {
  for (const text of ['yesterday', '10', '5 minutes', '2025-13-45']) {
    const error = await rejectionOf(Promise.resolve().then(() => parseTime(text, NOW, 'until')))
    expect(error, text).toMatchObject({code: 'InvalidTime', exitCode: ExitCode.Usage})
    expect((error as Error).message).toContain(`--until "${text}" is neither a duration`)
  }
})

/**
 * CloudWatch's statistics over an aggregate: the five standard ones (SampleCount, Sum, Average,
 * Minimum, Maximum) and the extended ones the local cloud answers, percentiles `pNN[.NN]` and
 * trimmed means `tmNN[.NN]`. Other extended statistics (wm, tc, ts, PR, TM(a:b)…) are refused.
 */
import type {Aggregate} from './aggregate.js'
import {percentile, trimmedMean} from './aggregate.js'

export const STANDARD_STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const
const EXTENDED = /^(p|tm)(\d{1,2}(?:\.\d{1,2})?|100)$/

/** Whether the local cloud can compute `stat` ("Sum", "p99", "tm90"). */
export function isSupportedStatistic(stat: string): boolean {
  return (STANDARD_STATISTICS as readonly string[]).includes(stat) || isExtendedStatistic(stat)
}

/** `p99`, `p99.9`, `tm90`: an extended statistic the local cloud computes. */
export function isExtendedStatistic(stat: string): boolean {
  const match = EXTENDED.exec(stat)
  return match !== null && Number(match[2]) > 0 && Number(match[2]) <= 100
}

/** The statistic's value for one period, or undefined when it has none (no samples, or no values for a percentile). */
export function statistic(agg: Aggregate, stat: string): number | undefined {
  if (agg.n <= 0) return undefined
  switch (stat) {
    case 'SampleCount':
      return agg.n
    case 'Sum':
      return agg.s
    case 'Average':
      return agg.s / agg.n
    case 'Minimum':
      return agg.lo
    case 'Maximum':
      return agg.hi
    default: {
      const match = EXTENDED.exec(stat)
      if (!match) return undefined
      const p = Number(match[2])
      return match[1] === 'p' ? percentile(agg, p) : trimmedMean(agg, p)
    }
  }
}

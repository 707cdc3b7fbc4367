/** The times `sling logs` takes (--since, --until): a duration back from now, or a point in time. */
import {ExitCode, UserError} from '../errors.js'

const UNIT_MS: Readonly<Record<string, number>> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000}
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g
/** A date, optionally with a time ("2025-01-31", "2025-01-31T14:05", "2025-01-31 14:05:00Z", "…+02:00"). */
const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/

/**
 * Epoch milliseconds for `text`: a duration before `now` ("10m", "2h", "1d", "1h30m", "45s", "1w") or an ISO
 * timestamp ("2025-01-31T14:05:00Z"; without a zone it is local time, as `date` prints it). `flag` names the
 * flag in the usage error.
 */
export function parseTime(text: string, now: number, flag: string): number {
  const value = text.trim()
  if (DURATION.test(value)) {
    let ms = 0
    for (const [, amount, unit] of value.matchAll(PART)) ms += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0)
    return Math.round(now - ms)
  }
  if (DATE.test(value)) {
    // A date alone is local midnight (Date.parse reads "2025-01-31" as UTC).
    const at = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00` : value.replace(' ', 'T'))
    if (!Number.isNaN(at)) return at
  }
  throw new UserError('InvalidTime', `--${flag} "${text}" is neither a duration (10m, 2h, 1d, 1h30m) nor an ISO timestamp (2025-01-31T14:05:00Z).`, {
    exitCode: ExitCode.Usage,
    hints: [`For example: --${flag} 30m, or --${flag} ${new Date(now - 3_600_000).toISOString().slice(0, 19)}Z`],
  })
}

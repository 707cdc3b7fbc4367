/**
 * The two quantities a rollout is written in: durations ("30s", "5m", "1h", "1m30s") and percentages
 * ("10%", "2.5"). Hand-written rather than `ms`/`parse-duration`: those accept bare numbers as
 * milliseconds and words ("5 minutes"), and a rollout's strategy must read back exactly as it was
 * written, into the alias's record ("canary:10%:5m").
 */
import {ExitCode, UserError} from '../errors.js'

const UNITS = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
] as const
const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/
/** The longest interval a rollout accepts: a guard against a typo ("500h") holding an alias half-shifted for weeks. */
export const MAX_INTERVAL_MS = 48 * 3_600_000

/** Milliseconds of a duration such as "30s", "5m", "1h" or "1h30m". `what` names it in the error ("--interval"). */
export function parseDuration(raw: string, what: string): number {
  const text = raw.trim().toLowerCase()
  const match = DURATION.exec(text)
  if (!match || text === '') {
    const bare = /^\d+$/.test(text) ? ` A bare number has no unit: write "${text}s" or "${text}m".` : ''
    throw new UserError('InvalidDuration', `${what} "${raw}" isn't a duration: expected a number with a unit, such as 30s, 5m or 1h (or 1h30m).${bare}`, {exitCode: ExitCode.Usage})
  }
  const [, h = '0', m = '0', s = '0'] = match
  return Number(h) * 3_600_000 + Number(m) * 60_000 + Number(s) * 1000
}

/** The shortest way to write `ms` back ("5m", "90s" → "1m30s"); whole seconds only. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s'
  let rest = Math.round(ms / 1000) * 1000
  let text = ''
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size)
    if (count > 0) text += `${count}${unit}`
    rest -= count * size
  }
  return text
}

/** A countdown for people: "4m 05s", "42s". */
export function formatRemaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000))
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`
  return `${s}s`
}

const PERCENT = /^(\d{1,3}(?:\.\d{1,2})?)%?$/

/**
 * A percentage from 0 to 100 written "25", "25%" or "2.5%", to 0.01 (sling records weights to 0.01%).
 * `what` names it in the error ("--weight").
 */
export function parsePercent(raw: string | number, what: string): number {
  const text = String(raw).trim()
  const match = PERCENT.exec(text)
  const value = match ? Number(match[1]) : Number.NaN
  if (!match || value > 100) {
    throw new UserError('InvalidPercent', `${what} "${text}" isn't a percentage from 0 to 100 (such as 10%, or 2.5% to 0.01).`, {exitCode: ExitCode.Usage})
  }
  return value
}

/** "10%", "2.5%": the way sling prints a percentage. */
export function formatPercent(percent: number): string {
  return `${Math.round(percent * 100) / 100}%`
}

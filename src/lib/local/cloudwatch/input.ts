/**
 * Reading CloudWatch inputs, whichever protocol decoded them (the model validation has already
 * checked types, lengths and enums): timestamps arrive as epoch seconds from JSON and ISO 8601 text
 * from the query protocol; the scope every operation gets; pagination tokens.
 */
import {createHash} from 'node:crypto'

import type {Store} from '../store.js'
import {invalidNextToken, invalidParameter} from './errors.js'
import type {MetricStore} from './metric-store.js'
import type {Recorder} from './recorder.js'
import type {Dimension} from './series.js'

export type Input = Record<string, unknown>

/** What each CloudWatch operation gets besides its input. */
export interface CloudWatchScope {
  readonly store: Store
  readonly region: string
  readonly accountId: string
  readonly metrics: MetricStore
  readonly recorder: Recorder
  /** How long recorded data stays invisible (SLING_LOCAL_METRIC_DELAY_MS). */
  readonly delayMs: number
  now(): number
}

/** A timestamp member as epoch ms: a Date, epoch seconds (JSON), or ISO 8601 / epoch-seconds text (query). */
export function toMs(value: unknown, parameter: string): number {
  if (value instanceof Date) return value.getTime()
  if (typeof value === 'number') return value * 1000
  if (typeof value === 'string') {
    const ms = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value)
    if (Number.isFinite(ms)) return ms
  }
  throw invalidParameter(`The value ${String(value)} for parameter ${parameter} is not a valid timestamp.`)
}

export function optionalMs(value: unknown, parameter: string): number | undefined {
  return value === undefined || value === null ? undefined : toMs(value, parameter)
}

export function dimensionsOf(value: unknown): Dimension[] {
  return Array.isArray(value) ? (value as Dimension[]).map(({Name, Value}) => ({Name, Value})) : []
}

/** Every period CloudWatch accepts: 1, 5, 10, 20 or 30 seconds (high resolution) or a multiple of 60. */
export function isValidPeriod(period: number): boolean {
  return [1, 5, 10, 20, 30].includes(period) || (period > 0 && period % 60 === 0)
}

/** A digest of what a paginated request asked, so a token is only honoured for the request it came from. */
export function requestDigest(input: Input, exclude: readonly string[]): string {
  const kept = Object.fromEntries(Object.entries(input).filter(([key]) => !exclude.includes(key)))
  return createHash('sha256').update(JSON.stringify(kept)).digest('hex').slice(0, 16)
}

export function encodeToken(offset: number, digest: string): string {
  return Buffer.from(JSON.stringify({o: offset, d: digest})).toString('base64url')
}

/** The offset a token carries; a token of another request or not ours is InvalidNextToken. */
export function decodeToken(token: unknown, digest: string): number {
  if (token === undefined || token === null) return 0
  try {
    const value = JSON.parse(Buffer.from(typeof token === 'string' ? token : '', 'base64url').toString('utf8')) as {o?: unknown; d?: unknown}
    if (typeof value.o === 'number' && Number.isInteger(value.o) && value.o >= 0 && value.d === digest) return value.o
  } catch {
    // fall through
  }
  throw invalidNextToken()
}

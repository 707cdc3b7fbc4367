/** What every sample event generator shares: its contract, and the id and time formats AWS services use. */
import {randomBytes, randomInt} from 'node:crypto'

/** Where and when an event is generated. */
export interface SampleEventContext {
  readonly region: string
  readonly accountId: string
  readonly now: Date
  readonly uuid: () => string
}

export interface SampleEvent {
  /** The --event name. */
  readonly name: string
  readonly description: string
  build(context: SampleEventContext): Record<string, unknown>
  /** Recomputes what derives from fields `--set` changed (digests, mirrored paths). */
  fix?(event: Record<string, unknown>, paths: readonly string[]): void
}

/** `bytes` random bytes as lower-case hex. */
export function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex')
}

/** A decimal string of `count` digits (sequence numbers), not starting with 0. */
export function digits(count: number): string {
  let text = String(randomInt(1, 10))
  while (text.length < count) text += String(randomInt(0, 10))
  return text
}

/** ISO 8601 without milliseconds, as EventBridge writes `time`: "2024-03-01T01:23:45Z". */
export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** The access-log date API Gateway uses for requestTime: "12/Mar/2024:19:03:58 +0000". */
export function clfDate(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()] ?? 'Jan'}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
}

/** An address from the documentation ranges (RFC 5737), so a sample never names a real client. */
export function randomIp(): string {
  return `198.51.100.${randomInt(1, 255)}`
}

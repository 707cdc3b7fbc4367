import {createFaultInjector} from './faults.js'
import type {LocalRequest, ProtocolError} from './server.js'

/** Decides whether a call gets an injected fault (throttling, 5xx) or added latency before it is served. */
export interface FaultInjector {
  /** `operation` is the AWS operation name when the router can tell it (e.g. "PutObject"). */
  pick(request: LocalRequest, operation?: string): Promise<ProtocolError | undefined>
}

export interface LocalSettings {
  /** How long Pending→Active and InProgress→Successful take, so callers must wait as on AWS. */
  readonly stateDelayMs: number
  readonly faults: FaultInjector
}

/** What faults to inject; from SLING_LOCAL_FAULT_* or `sling local serve` flags. */
export interface FaultOptions {
  /** Fraction (0–1) of calls answered with the protocol's throttling error. @default 0 */
  readonly throttle?: number
  /** Fraction (0–1) of calls answered with a 500/503 server error. @default 0 */
  readonly serverError?: number
  /** Milliseconds added before every (selected) call is answered. @default 0 */
  readonly latencyMs?: number
  /** Seed for a reproducible sequence of faults; random when unset. */
  readonly seed?: number
  /** Restrict faults to these services ("s3"), operations ("PutObject") or both ("lambda:Invoke"). */
  readonly ops?: readonly string[]
}

export const NO_FAULTS: FaultInjector = {pick: () => Promise.resolve(undefined)}

const DEFAULT_STATE_DELAY_MS = 200

/** Settings from the environment (SLING_LOCAL_*); `sling local serve` flags override them. */
export function readLocalSettings(env: NodeJS.ProcessEnv): LocalSettings {
  const delay = Number(env.SLING_LOCAL_STATE_DELAY_MS ?? DEFAULT_STATE_DELAY_MS)
  const options = faultOptionsFromEnv(env)
  const faults = hasFaults(options) ? createFaultInjector(options) : NO_FAULTS
  return {stateDelayMs: Number.isFinite(delay) && delay >= 0 ? delay : DEFAULT_STATE_DELAY_MS, faults}
}

/** How long a store transaction waits for the store lock: see StoreOptions (store.ts). */
export interface StoreSettings {
  readonly lockWarnMs: number
  readonly lockTimeoutMs: number
}

/** SLING_LOCAL_LOCK_WARN_MS (default 10000) and SLING_LOCAL_LOCK_TIMEOUT_MS (default 60000); invalid values are ignored. */
export function readStoreSettings(env: NodeJS.ProcessEnv): StoreSettings {
  const ms = (text: string | undefined, fallback: number): number => (text !== undefined && text.trim() !== '' && Number(text) >= 0 ? Number(text) : fallback)
  return {lockWarnMs: ms(env.SLING_LOCAL_LOCK_WARN_MS, 10_000), lockTimeoutMs: ms(env.SLING_LOCAL_LOCK_TIMEOUT_MS, 60_000)}
}

/** SLING_LOCAL_FAULT_THROTTLE, _5XX, _LATENCY_MS, _SEED, _OPS (comma-separated). Invalid values are ignored. */
export function faultOptionsFromEnv(env: NodeJS.ProcessEnv): FaultOptions {
  const number = (name: string): number | undefined => {
    const text = env[name]
    if (text === undefined || text.trim() === '') return undefined
    const value = Number(text)
    return Number.isFinite(value) ? value : undefined
  }
  const ops = env.SLING_LOCAL_FAULT_OPS?.split(',').map((op) => op.trim()).filter(Boolean)
  return {
    throttle: number('SLING_LOCAL_FAULT_THROTTLE'),
    serverError: number('SLING_LOCAL_FAULT_5XX'),
    latencyMs: number('SLING_LOCAL_FAULT_LATENCY_MS'),
    seed: number('SLING_LOCAL_FAULT_SEED'),
    ...(ops?.length ? {ops} : {}),
  }
}

export function hasFaults(options: FaultOptions): boolean {
  return (options.throttle ?? 0) > 0 || (options.serverError ?? 0) > 0 || (options.latencyMs ?? 0) > 0
}

/**
 * Every SLING_LOCAL_* setting is read here and nowhere else (`sling local serve` flags override them;
 * its --port and --store flags name SLING_LOCAL_PORT and SLING_LOCAL_STORE as their defaults).
 */
import path from 'node:path'

import type {FaultInjector, LocalSettings} from './contract.js'
import {createFaultInjector} from './faults.js'

export type {FaultInjector, LocalSettings} from './contract.js'

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
/** About the seconds AWS takes before Lambda can assume a role just created. */
export const DEFAULT_ROLE_PROPAGATION_MS = 3000

/** Where the local cloud keeps its state unless told otherwise. */
export const DEFAULT_STORE_DIR = path.join('.sling', 'local')

/** The store directory: `dir` when given, else SLING_LOCAL_STORE, else .sling/local; absolute. */
export function resolveStoreDir(dir?: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(dir ?? env.SLING_LOCAL_STORE ?? DEFAULT_STORE_DIR)
}

/**
 * Settings from the environment: SLING_LOCAL_STATE_DELAY_MS, the fault settings, the runtime's
 * SLING_LOCAL_IDLE_TIMEOUT_MS, SLING_LOCAL_MAX_ENVIRONMENTS and SLING_LOCAL_ASYNC_RETRY_MS,
 * SLING_LOCAL_ROLE_PROPAGATION_MS, SLING_LOCAL_CALL_LOG (a file every served call is appended to as a JSON
 * line), CloudWatch's SLING_LOCAL_ALARM_TICK_MS and SLING_LOCAL_METRIC_DELAY_MS, Logs'
 * SLING_LOCAL_LIVE_TAIL_TIMEOUT_MS, and SQS's SLING_LOCAL_SQS_POLL_MS and SLING_LOCAL_SQS_COOLDOWN_MS.
 */
export function readLocalSettings(env: NodeJS.ProcessEnv): LocalSettings {
  const delay = Number(env.SLING_LOCAL_STATE_DELAY_MS ?? DEFAULT_STATE_DELAY_MS)
  const options = faultOptionsFromEnv(env)
  const faults = hasFaults(options) ? createFaultInjector(options) : NO_FAULTS
  return {
    stateDelayMs: Number.isFinite(delay) && delay >= 0 ? delay : DEFAULT_STATE_DELAY_MS,
    faults,
    idleTimeoutMs: nonNegative(env.SLING_LOCAL_IDLE_TIMEOUT_MS),
    maxEnvironments: nonNegative(env.SLING_LOCAL_MAX_ENVIRONMENTS),
    asyncRetryMs: nonNegative(env.SLING_LOCAL_ASYNC_RETRY_MS),
    rolePropagationMs: nonNegative(env.SLING_LOCAL_ROLE_PROPAGATION_MS) ?? DEFAULT_ROLE_PROPAGATION_MS,
    ...(env.SLING_LOCAL_CALL_LOG ? {callLogFile: path.resolve(env.SLING_LOCAL_CALL_LOG)} : {}),
    alarmTickMs: nonNegative(env.SLING_LOCAL_ALARM_TICK_MS),
    metricDelayMs: nonNegative(env.SLING_LOCAL_METRIC_DELAY_MS),
    liveTailTimeoutMs: nonNegative(env.SLING_LOCAL_LIVE_TAIL_TIMEOUT_MS),
    sqsPollMs: nonNegative(env.SLING_LOCAL_SQS_POLL_MS),
    sqsCooldownMs: nonNegative(env.SLING_LOCAL_SQS_COOLDOWN_MS),
  }
}

/** A number ≥ 0 from a variable; unset or invalid leaves the runtime's default. */
function nonNegative(text: string | undefined): number | undefined {
  const value = Number(text)
  return text !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined
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

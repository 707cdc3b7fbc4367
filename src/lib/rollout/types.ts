/** What the rollout's gates read and what a rollout reports: the `--json` contract of `sling rollout`. */
import type {Weight} from '../release/weights.js'

/** One CloudWatch alarm as a gate read it. */
export interface AlarmReading {
  readonly gate: 'alarm'
  readonly name: string
  /** OK, ALARM, INSUFFICIENT_DATA, or MISSING when the alarm no longer exists. */
  readonly state: string
  readonly healthy: boolean
  /** In ALARM since before the rollout, and named with --ignore-alarm-at-start: not counted until it leaves ALARM. */
  readonly ignored?: boolean | undefined
  readonly reason?: string | undefined
}

/** The new version's error rate through the alias since its first traffic: over the complete minutes, or (`partial`) over all seen so far. */
export interface ErrorRateReading {
  readonly gate: 'error-rate'
  /** `not-enough-data`: fewer invocations than `minInvocations` (not healthy, not unhealthy yet). */
  readonly status: 'ok' | 'too-high' | 'not-enough-data'
  readonly errors: number
  readonly invocations: number
  /** Percent; undefined with no invocations. */
  readonly rate?: number | undefined
  /** The highest rate allowed, in percent. */
  readonly limit: number
  readonly minInvocations: number
  /** The minutes read: from the first to the last complete one, or with `partial` to the end of the one holding now (ISO times; end exclusive). */
  readonly window?: {readonly start: string; readonly end: string} | undefined
  /**
   * The figures count minutes not yet complete (the one still coming in): set only on a `too-high` reading,
   * since errors already seen are enough to roll back, never to call the version healthy.
   */
  readonly partial?: boolean | undefined
}

/** One smoke invocation of the new version. */
export interface SmokeReading {
  readonly gate: 'smoke'
  /** "smoke 1", or the file it came from. */
  readonly label: string
  readonly status: 'ok' | 'function-error' | 'unexpected-response' | 'invoke-failed'
  /** What went wrong: the function's error message, the expectation that failed, AWS's refusal. */
  readonly detail?: string | undefined
}

export type GateReading = AlarmReading | ErrorRateReading | SmokeReading

/** Why a rollout stopped short of 100%. */
export interface StopReason {
  readonly gate: 'alarm' | 'error-rate' | 'smoke' | 'interrupt' | 'conflict' | 'error'
  /** In words: which gate, the figure, the limit. */
  readonly message: string
  /** The figure that failed ("3.2%", "ALARM"). */
  readonly figure?: string | undefined
  /** The limit it failed ("1%"). */
  readonly limit?: string | undefined
}

/** One step of a rollout, as it went. */
export interface StepReport {
  /** From 1. */
  readonly step: number
  /** The new version's share of traffic at this step. */
  readonly percent: number
  /** When the alias moved to this step (ISO); for a resumed step, when it first moved there. */
  readonly at: string
  /** The alias's weights at this step: its own version first. */
  readonly weights: readonly Weight[]
  /** The last reading of each gate during the step (the failing one, if one failed). */
  readonly gates: readonly GateReading[]
  /** How many times the gates were read during the step. */
  readonly checks: number
}

export interface RolloutResult {
  /**
   * `completed`: the new version holds 100% (exit 0). `unchanged`: the alias already pointed at it (exit 0).
   * `stopped`: a gate failed before any traffic moved; the alias is untouched (exit 1). `rolled-back`: a gate
   * failed (or an error) after traffic moved; the alias is back on the previous version (exit 1).
   * `interrupted`: SIGINT/SIGTERM (exit 130/143). `conflict`: someone else changed the alias; sling left it
   * (exit 1). `rollback-failed`: a gate failed and returning the alias failed too (exit 1).
   */
  readonly status: 'completed' | 'unchanged' | 'stopped' | 'rolled-back' | 'interrupted' | 'conflict' | 'rollback-failed'
  readonly functionName: string
  readonly alias: string
  /** The version rolled out. */
  readonly version: string
  /** The version the alias had before: where it returns when the rollout fails. */
  readonly previousVersion: string
  /** The short form ("canary:10%:5m"). */
  readonly strategy: string
  /** CodeDeploy's name, when the strategy has one. */
  readonly strategyName?: string | undefined
  readonly resumed: boolean
  readonly startedAt: string
  readonly endedAt: string
  /** The gates read before any traffic moved (none when resumed). */
  readonly preflight: readonly GateReading[]
  readonly steps: readonly StepReport[]
  readonly reason?: StopReason | undefined
  /** With `interrupted`: whether the alias went back to the previous version. */
  readonly rolledBack?: boolean | undefined
  /** The alias's weights at the end, as far as sling knows. */
  readonly weights: readonly Weight[]
  readonly exitCode?: number | undefined
}

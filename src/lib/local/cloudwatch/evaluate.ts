/**
 * How CloudWatch decides a metric alarm's state from its datapoints, as a pure function.
 *
 * The alarm looks at an evaluation range of EvaluationPeriods + 2 periods ending at the evaluation
 * time. When the range holds at least EvaluationPeriods real datapoints, the most recent
 * EvaluationPeriods of them decide: ALARM when at least DatapointsToAlarm breach, else OK, whatever
 * TreatMissingData says. With fewer, the last EvaluationPeriods periods decide with their missing
 * datapoints treated as TreatMissingData says: `breaching` / `notBreaching` count them as breaching
 * or not; `missing` goes to INSUFFICIENT_DATA when the range has no datapoint at all, and otherwise
 * judges the real ones (ALARM when as many breach as DatapointsToAlarm, or all of them when there
 * are fewer); `ignore` does the same but keeps the current state instead of INSUFFICIENT_DATA.
 * (AWS's "How alarm state is evaluated when data is missing" table, e.g. with 3 of 3:
 * `0 - X - X` → OK, `- - X - -` → ALARM with missing, `- - - - -` → INSUFFICIENT_DATA.)
 */
import type {StateValue} from './alarm-store.js'

export type TreatMissingData = 'missing' | 'ignore' | 'breaching' | 'notBreaching'

export interface AlarmRule {
  readonly period: number
  readonly evaluationPeriods: number
  readonly datapointsToAlarm: number
  readonly threshold: number
  readonly comparison: string
  readonly treatMissingData: TreatMissingData
  /** What the reason data names the statistic by: {statistic: "Sum"} or {extendedStatistic: "p99"}; unit when set. */
  readonly describe: Readonly<Record<string, string>>
}

/** One period of the evaluation range: its start and, unless missing, its value and sample count. */
export interface Slot {
  readonly t: number
  readonly v?: number | undefined
  readonly n?: number | undefined
}

export interface Verdict {
  /** The new state, or undefined to keep the current one (ignore with no data). */
  readonly state?: StateValue
  readonly reason: string
  readonly reasonData: string
}

/** Periods of the evaluation range beyond EvaluationPeriods (CloudWatch reads a few more than it needs). */
export const EXTRA_PERIODS = 2

export function breaches(comparison: string, value: number, threshold: number): boolean {
  switch (comparison) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold
    case 'GreaterThanThreshold':
      return value > threshold
    case 'LessThanThreshold':
      return value < threshold
    case 'LessThanOrEqualToThreshold':
      return value <= threshold
    default:
      return false
  }
}

const COMPARISON_TEXT: Readonly<Record<string, string>> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
}

/** A number as Java's Double.toString prints it, as CloudWatch's reasons do ("2.0", "1.0E-4"). */
export function javaDouble(value: number): string {
  const magnitude = Math.abs(value)
  if (magnitude !== 0 && (magnitude >= 1e7 || magnitude < 1e-3)) {
    const [mantissa = '0', exponent = '0'] = value.toExponential().split('e')
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`
  }
  return Number.isInteger(value) ? `${value}.0` : String(value)
}

/** JSON with every number a double written Java's way, as CloudWatch writes its reason data. */
export function javaJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'number' ? `\u0000${javaDouble(item)}` : item)).replace(/"\\u0000([^"]*)"/g, '$1')
}

/** "2026-01-02T03:04:05.000+0000", CloudWatch's timestamps in reason data and history. */
export function cwTimestamp(time: number): string {
  return new Date(time).toISOString().replace('Z', '+0000')
}

/** "02/01/26 03:04:00": how CloudWatch dates a datapoint in a reason. */
function reasonDate(time: number): string {
  const iso = new Date(time).toISOString()
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(2, 4)} ${iso.slice(11, 19)}`
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/** The alarm's state from the evaluation range (`slots`, oldest first, EvaluationPeriods + EXTRA_PERIODS long). */
export function judge(rule: AlarmRule, slots: readonly Slot[], current: StateValue, now: number): Verdict {
  const n = rule.evaluationPeriods
  const m = rule.datapointsToAlarm
  const real = slots.filter((slot) => slot.v !== undefined)
  const recent = slots.slice(-n)
  const reasonData = (evaluated: readonly Slot[]): string => {
    const text = (shown: readonly Slot[]): string =>
      javaJson({
        version: '1.0',
        queryDate: cwTimestamp(now),
        startDate: cwTimestamp(evaluated[0]?.t ?? recent[0]?.t ?? now),
        ...rule.describe,
        period: rule.period,
        recentDatapoints: shown.map((slot) => slot.v),
        threshold: rule.threshold,
        evaluatedDatapoints: [...shown].reverse().map((slot) => ({timestamp: cwTimestamp(slot.t), ...(slot.n === undefined ? {} : {sampleCount: slot.n}), value: slot.v})),
      })
    // StateReasonData holds at most 4,000 characters: the oldest datapoints are left out first.
    let shown = evaluated
    while (shown.length > 0 && text(shown).length > 4000) shown = shown.slice(Math.max(1, Math.floor(shown.length / 4)))
    return text(shown)
  }
  const isBreach = (slot: Slot): boolean => slot.v !== undefined && breaches(rule.comparison, slot.v, rule.threshold)
  if (real.length >= n) {
    const evaluated = real.slice(-n)
    const breaching = evaluated.filter(isBreach).length
    return crossed(rule, evaluated, breaching >= m ? 'ALARM' : 'OK', current, reasonData(evaluated))
  }
  const missing = recent.filter((slot) => slot.v === undefined).length
  if (rule.treatMissingData === 'breaching' || rule.treatMissingData === 'notBreaching') {
    const evaluated = recent.filter((slot) => slot.v !== undefined)
    const filled = rule.treatMissingData === 'breaching' ? missing : 0
    const state = evaluated.filter(isBreach).length + filled >= m ? 'ALARM' : 'OK'
    const treated = `${plural(missing, 'missing datapoint')} ${missing === 1 ? 'was' : 'were'} treated as [${rule.treatMissingData === 'breaching' ? 'Breaching' : 'NonBreaching'}]`
    if (evaluated.length === 0) return {state, reason: `Threshold Crossed: no datapoints were received for ${plural(missing, 'period')} and ${treated}.`, reasonData: reasonData([])}
    const verdict = crossed(rule, evaluated, state, current, reasonData(evaluated))
    return {...verdict, reason: `${verdict.reason.replace(/\.$/, '')} and ${treated}.`}
  }
  if (real.length === 0) {
    const reason = `Insufficient Data: ${plural(n, 'datapoint')} ${n === 1 ? 'was' : 'were'} unknown.`
    return rule.treatMissingData === 'ignore' ? {reason, reasonData: reasonData([])} : {state: 'INSUFFICIENT_DATA', reason, reasonData: reasonData([])}
  }
  const breaching = real.filter(isBreach).length
  return crossed(rule, real, breaching >= Math.min(m, real.length) ? 'ALARM' : 'OK', current, reasonData(real))
}

/** "Threshold Crossed: 2 out of the last 3 datapoints [5.0 (…), 4.0 (…)] were greater than the threshold (3.0) (minimum 2 datapoints for OK -> ALARM transition)." */
function crossed(rule: AlarmRule, evaluated: readonly Slot[], state: StateValue, current: StateValue, reasonData: string): Verdict {
  const toAlarm = state === 'ALARM'
  const chosen = evaluated.filter((slot) => slot.v !== undefined && breaches(rule.comparison, slot.v, rule.threshold) === toAlarm).reverse()
  const list = chosen.map((slot) => `${javaDouble(slot.v ?? 0)} (${reasonDate(slot.t)})`).join(', ')
  const compare = `${toAlarm ? '' : 'not '}${COMPARISON_TEXT[rule.comparison] ?? rule.comparison}`
  const threshold = `the threshold (${javaDouble(rule.threshold)})`
  if (rule.evaluationPeriods === 1 && evaluated.length === 1) {
    return {state, reason: `Threshold Crossed: 1 datapoint [${list}] was ${compare} ${threshold}.`, reasonData}
  }
  const from = toAlarm ? (current === 'ALARM' ? 'OK' : current) : current === 'OK' ? 'ALARM' : current
  const minimum = toAlarm ? rule.datapointsToAlarm : rule.evaluationPeriods - rule.datapointsToAlarm + 1
  const transition = `(minimum ${plural(minimum, 'datapoint')} for ${from} -> ${state} transition)`
  return {state, reason: `Threshold Crossed: ${chosen.length} out of the last ${plural(evaluated.length, 'datapoint')} [${list}] ${chosen.length === 1 ? 'was' : 'were'} ${compare} ${threshold} ${transition}.`, reasonData}
}

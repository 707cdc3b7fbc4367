/**
 * The config's rules that a field's type can't say (one setting needing another, a filter pattern Lambda must
 * accept), as plain functions of the parsed value. Zod-free: the zod schema runs them through `refinedBy`
 * (refine.ts), and the validator compiled from that schema at build time (compiled.generated.ts) calls the very
 * same functions, so a rule is written once.
 */
import {FilterPatternError, parseFilterPattern} from '../lambda/event-filter.js'

/** One broken rule: the message reads "expected <message>"; `path` is relative to the checked value. */
export interface CheckIssue {
  readonly message: string
  readonly path?: readonly (string | number)[]
}

type Check = (value: never) => CheckIssue[]

const DURATION_RULE = 'a duration such as 30s, 5m or 1h'

export const CONFIG_CHECKS = {
  /** Lambda refuses log levels with the Text format ("…log level … only supported with JSON log format"). */
  logLevels(value: {logFormat?: string; applicationLogLevel?: string; systemLogLevel?: string}): CheckIssue[] {
    if (value.logFormat === 'JSON') return []
    return (['applicationLogLevel', 'systemLogLevel'] as const)
      .filter((key) => value[key] !== undefined)
      .map((key) => ({path: [key], message: 'a log level only with "logFormat": "JSON" (Lambda filters levels of JSON logs only)'}))
  },

  /** A filter pattern, written as JSON or as its text, checked as Lambda checks it. */
  filterPattern(value: Record<string, unknown> | string): CheckIssue[] {
    try {
      parseFilterPattern(typeof value === 'string' ? value : JSON.stringify(value))
      return []
    } catch (error) {
      if (!(error instanceof FilterPatternError)) throw error
      return [{message: `a filter pattern Lambda accepts (${error.message})`}]
    }
  },

  /** A schedule needs its expression, a rule its pattern: said at load, not at deploy. */
  eventSource(entry: {source: string; schedule?: string; pattern?: unknown}): CheckIssue[] {
    const issues: CheckIssue[] = []
    if (entry.source === 'schedule' && entry.schedule === undefined) issues.push({path: ['schedule'], message: 'a schedule expression such as "rate(5 minutes)" (a "schedule" source needs one)'})
    if (entry.source === 'eventbridge' && entry.pattern === undefined) issues.push({path: ['pattern'], message: 'an event pattern (an "eventbridge" source needs one)'})
    return issues
  },

  /** The duration pattern's parts are all optional: it alone would take "". */
  duration(text: string): CheckIssue[] {
    return text === '' ? [{message: DURATION_RULE}] : []
  },

  smoke(smoke: {payload?: unknown; file?: string}): CheckIssue[] {
    return (smoke.payload === undefined) === (smoke.file === undefined) ? [{message: 'exactly one of "payload" or "file"'}] : []
  },

  rollout(r: {strategy?: string; steps?: unknown[]; interval?: string}): CheckIssue[] {
    const issues: CheckIssue[] = []
    if (r.steps !== undefined && r.strategy !== undefined) issues.push({path: ['steps'], message: 'no "steps" beside "strategy" (one or the other)'})
    if (r.steps !== undefined && r.interval === undefined) issues.push({path: ['interval'], message: '"interval" with "steps" (how long each step bakes)'})
    if (r.interval !== undefined && r.steps === undefined) issues.push({path: ['interval'], message: 'no "interval" without "steps" (a strategy names its own)'})
    return issues
  },
} satisfies Record<string, Check>

export type CheckName = keyof typeof CONFIG_CHECKS

export {DURATION_RULE}

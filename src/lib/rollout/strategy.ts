/**
 * Rollout strategies: CodeDeploy's predefined Lambda configurations by name (Canary10Percent5Minutes…),
 * their short forms ("canary:10%:5m", "linear:10%:1m", "all-at-once") and custom steps
 * ("--steps 10,50,100 --interval 5m", short form "steps:10,50,100@5m"), each turned into a schedule of
 * weights. The short form is what the alias's record keeps, so `rollout --resume` rebuilds the same schedule.
 */
import {ExitCode, UserError} from '../errors.js'
import {STRATEGY_MAX} from '../release/alias-state.js'
import {MAX_INTERVAL_MS, formatDuration, parseDuration, parsePercent} from './units.js'

/** One step: the share of the alias's traffic the new version gets, and how long it bakes there. */
export interface RolloutStep {
  /** 0–100, to 0.01; the last step is always 100. */
  readonly percent: number
  /** How long the step bakes (gates watched) before the next one; 0 for the last step. */
  readonly bakeMs: number
}

export interface Strategy {
  /** The short form, as recorded with the alias: "canary:10%:5m", "linear:10%:1m", "all-at-once", "steps:10,50,100@5m". */
  readonly short: string
  /** CodeDeploy's name, when the strategy is one of its shapes ("Canary10Percent5Minutes"). */
  readonly name?: string | undefined
  readonly steps: readonly RolloutStep[]
}

/** CodeDeploy's predefined Lambda deployment configurations (CodeDeployDefault.Lambda…). */
export const CODEDEPLOY_STRATEGIES = [
  'Canary10Percent5Minutes',
  'Canary10Percent10Minutes',
  'Canary10Percent15Minutes',
  'Canary10Percent30Minutes',
  'Linear10PercentEvery1Minute',
  'Linear10PercentEvery2Minutes',
  'Linear10PercentEvery3Minutes',
  'Linear10PercentEvery10Minutes',
  'AllAtOnce',
] as const

/** The strategy when neither flags nor config name one. */
export const DEFAULT_STRATEGY = 'Canary10Percent5Minutes'

// The CodeDeploy prefix is optional ("CodeDeployDefault.LambdaCanary10Percent5Minutes" as in the console, or SAM's "Canary10Percent5Minutes").
const PREFIX = String.raw`(?:codedeploydefault\.)?(?:lambda)?`
const CANARY_NAME = new RegExp(String.raw`^${PREFIX}canary(\d+)percent(\d+)minutes?$`, 'i')
const LINEAR_NAME = new RegExp(String.raw`^${PREFIX}linear(\d+)percentevery(\d+)minutes?$`, 'i')
const ALL_AT_ONCE = new RegExp(String.raw`^(?:${PREFIX}allatonce|all-at-once)$`, 'i')
const SHORT = /^(canary|linear):([^:]+):([^:]+)$/i
const STEPS = /^steps:([^@]+)@(.+)$/i
const FORMS = `one of CodeDeploy's (${CODEDEPLOY_STRATEGIES.join(', ')}), or a short form: canary:10%:5m, linear:10%:1m, all-at-once, steps:10,50,100@5m`

/** A strategy by name or short form (`what` names where it came from in errors: "--strategy", "rollout.strategy"). */
export function parseStrategy(raw: string, what = '--strategy'): Strategy {
  const text = raw.trim()
  if (ALL_AT_ONCE.test(text)) return {short: 'all-at-once', name: 'AllAtOnce', steps: [{percent: 100, bakeMs: 0}]}
  const named = CANARY_NAME.exec(text) ?? LINEAR_NAME.exec(text)
  if (named) {
    const kind = CANARY_NAME.test(text) ? 'canary' : 'linear'
    return shaped(kind, parsePercent(named[1] ?? '', what), Number(named[2]) * 60_000, what)
  }
  const short = SHORT.exec(text)
  if (short) {
    const kind = (short[1] ?? '').toLowerCase() as 'canary' | 'linear'
    return shaped(kind, parsePercent(short[2] ?? '', what), checkInterval(parseDuration(short[3] ?? '', `The interval of ${what}`), what), what)
  }
  const steps = STEPS.exec(text)
  if (steps) return customStrategy((steps[1] ?? '').split(','), steps[2] ?? '', what)
  throw new UserError('InvalidStrategy', `${what} "${raw}" isn't a rollout strategy: expected ${FORMS}.`, {
    exitCode: ExitCode.Usage,
    hints: ['Or give the steps yourself: --steps 10,50,100 --interval 5m.'],
  })
}

/** Custom steps ("10,50,100") with one interval between them; 100 is added when the list doesn't end there. */
export function customStrategy(rawSteps: readonly (string | number)[], rawInterval: string, what = '--steps'): Strategy {
  const percents = rawSteps.map((step) => parsePercent(typeof step === 'string' ? step.trim() : step, what))
  percents.forEach((percent, i) => {
    const before = percents[i - 1] ?? 0
    if (percent <= before) {
      throw new UserError('InvalidStrategy', `${what} must rise step by step above 0 (such as 10,50,100); ${percent}% comes after ${before}%.`, {exitCode: ExitCode.Usage})
    }
  })
  if (percents.at(-1) !== 100) percents.push(100)
  const interval = checkInterval(parseDuration(rawInterval, 'The interval'), what)
  return checked({short: `steps:${percents.join(',')}@${formatDuration(interval)}`, steps: schedule(percents, interval)}, what)
}

function shaped(kind: 'canary' | 'linear', percent: number, interval: number, what: string): Strategy {
  if (percent <= 0 || percent >= 100) {
    throw new UserError('InvalidStrategy', `${what}: a ${kind} step must be more than 0% and less than 100% (found ${percent}%).`, {exitCode: ExitCode.Usage, hints: ['For all traffic at once use AllAtOnce.']})
  }
  const minutes = interval / 60_000
  const percents = kind === 'canary' ? [percent, 100] : linearPercents(percent)
  const name = Number.isInteger(percent) && Number.isInteger(minutes) && minutes > 0
    ? kind === 'canary' ? `Canary${percent}Percent${minutes}Minutes` : `Linear${percent}PercentEvery${minutes}Minute${minutes === 1 ? '' : 's'}`
    : undefined
  return checked({short: `${kind}:${percent}%:${formatDuration(interval)}`, name, steps: schedule(percents, checkInterval(interval, what))}, what)
}

/** 10 → 10, 20, … 100; 30 → 30, 60, 90, 100 (CodeDeploy's linear: equal increments, the rest at the end). */
function linearPercents(increment: number): number[] {
  const percents: number[] = []
  // Counting in hundredths keeps 0.1 + 0.2 from drifting.
  for (let hundredths = Math.round(increment * 100); hundredths < 10_000; hundredths += Math.round(increment * 100)) percents.push(hundredths / 100)
  return [...percents, 100]
}

function schedule(percents: readonly number[], interval: number): RolloutStep[] {
  return percents.map((percent, i) => ({percent, bakeMs: i === percents.length - 1 ? 0 : interval}))
}

function checkInterval(ms: number, what: string): number {
  if (ms >= 1000 && ms <= MAX_INTERVAL_MS) return ms
  throw new UserError('InvalidDuration', `${what}: the interval must be from 1s to ${formatDuration(MAX_INTERVAL_MS)} (found ${formatDuration(ms)}).`, {exitCode: ExitCode.Usage})
}

/** The short form must fit in the alias's record, which is how another machine resumes or rolls back the rollout. */
function checked(strategy: Strategy, what: string): Strategy {
  if (strategy.short.length <= STRATEGY_MAX) return strategy
  throw new UserError('InvalidStrategy', `${what}: "${strategy.short}" is ${strategy.short.length} characters; sling records the strategy with the alias (for --resume) in at most ${STRATEGY_MAX}.`, {
    exitCode: ExitCode.Usage,
    hints: ['Use fewer steps, or a linear strategy (linear:10%:1m).'],
  })
}

/** "Canary10Percent5Minutes (canary:10%:5m)", or just the short form. */
export function describeStrategy(strategy: Strategy): string {
  return strategy.name && strategy.name !== 'AllAtOnce' ? `${strategy.name} (${strategy.short})` : (strategy.name ?? strategy.short)
}

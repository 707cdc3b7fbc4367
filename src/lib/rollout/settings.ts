/**
 * A rollout's strategy and gates, from the command line and the function's `rollout` config section. A
 * flag wins over the config: `--strategy` or `--steps`/`--interval` over its strategy, `--alarm` over its
 * alarms (the whole list), `--smoke` over its smoke invocations.
 */
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import type {RolloutConfig} from '../config/rollout-fields.js'
import {ExitCode, UserError} from '../errors.js'
import {displayPath} from '../paths.js'
import type {ErrorRateGate} from './error-rate.js'
import {DEFAULT_METRIC_DELAY_MS, DEFAULT_MIN_INVOCATIONS} from './error-rate.js'
import type {SmokeTest} from './smoke.js'
import type {Strategy} from './strategy.js'
import {DEFAULT_STRATEGY, customStrategy, parseStrategy} from './strategy.js'
import {parseDuration, parsePercent} from './units.js'

/** What the command line says, in domain terms (undefined: not given). */
export interface RolloutInputs {
  readonly strategy?: string | undefined
  /** "10,50,100". */
  readonly steps?: string | undefined
  readonly interval?: string | undefined
  readonly alarms?: readonly string[] | undefined
  readonly ignoreAlarmsAtStart?: readonly string[] | undefined
  /** "1%" or "1". */
  readonly maxErrorRate?: string | undefined
  readonly minInvocations?: number | undefined
  readonly metricDelay?: string | undefined
  /** Each "@file.json" or inline JSON. */
  readonly smoke?: readonly string[] | undefined
  /** JSON (or "@file.json") every --smoke response must match. */
  readonly smokeExpect?: string | undefined
}

/** The function's `rollout` section and the directory its paths are relative to. */
export interface RolloutSection {
  readonly rollout?: RolloutConfig | undefined
  readonly dir: string
}

export interface GateSettings {
  readonly alarms: readonly string[]
  readonly ignoreAlarmsAtStart: readonly string[]
  readonly errorRate?: ErrorRateGate | undefined
  readonly smoke: readonly SmokeTest[]
}

/** The strategy the inputs or config name (the default when none does). */
export function resolveStrategy(inputs: RolloutInputs, section: RolloutSection | undefined): Strategy {
  if (inputs.strategy !== undefined && inputs.steps !== undefined) {
    throw new UserError('InvalidStrategy', 'Pass either --strategy or --steps (with --interval), not both.', {exitCode: ExitCode.Usage})
  }
  if (inputs.strategy !== undefined) return parseStrategy(inputs.strategy)
  if (inputs.steps !== undefined) {
    if (inputs.interval === undefined) throw new UserError('InvalidStrategy', '--steps needs --interval, the time each step bakes (such as 5m).', {exitCode: ExitCode.Usage})
    return customStrategy(inputs.steps.split(','), inputs.interval)
  }
  const config = section?.rollout
  if (config?.steps !== undefined) return customStrategy(config.steps, config.interval ?? '', 'rollout.steps')
  return parseStrategy(config?.strategy ?? DEFAULT_STRATEGY, config?.strategy === undefined ? '--strategy' : 'rollout.strategy')
}

/** The gates the inputs and config ask for, with smoke payloads read and checked. */
export async function resolveGates(inputs: RolloutInputs, section: RolloutSection | undefined, cwd: string): Promise<GateSettings> {
  const config = section?.rollout
  const maxErrorRate = inputs.maxErrorRate ?? config?.maxErrorRate
  const metricDelay = inputs.metricDelay ?? config?.metricDelay
  const errorRate: ErrorRateGate | undefined = maxErrorRate === undefined ? undefined : {
    maxPercent: parsePercent(maxErrorRate, inputs.maxErrorRate === undefined ? 'rollout.maxErrorRate' : '--max-error-rate'),
    minInvocations: inputs.minInvocations ?? config?.minInvocations ?? DEFAULT_MIN_INVOCATIONS,
    metricDelayMs: metricDelay === undefined ? DEFAULT_METRIC_DELAY_MS : parseDuration(metricDelay, inputs.metricDelay === undefined ? 'rollout.metricDelay' : '--metric-delay'),
  }
  return {
    alarms: [...new Set(inputs.alarms ?? config?.alarms ?? [])],
    ignoreAlarmsAtStart: [...new Set(inputs.ignoreAlarmsAtStart ?? [])],
    errorRate,
    smoke: inputs.smoke !== undefined ? await smokeFromFlags(inputs.smoke, inputs.smokeExpect, cwd) : await smokeFromConfig(config?.smoke ?? [], section?.dir ?? cwd),
  }
}

async function smokeFromFlags(values: readonly string[], rawExpect: string | undefined, cwd: string): Promise<SmokeTest[]> {
  const expected = rawExpect === undefined ? undefined : JSON.parse((await jsonArgument(rawExpect, '--smoke-expect', cwd)).text) as unknown
  return Promise.all(values.map(async (value, i) => {
    const {text, file} = await jsonArgument(value, '--smoke', cwd)
    return {label: file ?? `smoke ${i + 1}`, payload: text, ...(expected === undefined ? {} : {expect: expected})}
  }))
}

async function smokeFromConfig(entries: NonNullable<RolloutConfig['smoke']>, dir: string, tests: SmokeTest[] = []): Promise<SmokeTest[]> {
  for (const [i, entry] of entries.entries()) {
    const expect = entry.expect === undefined ? {} : {expect: entry.expect}
    if (entry.file === undefined) {
      tests.push({label: `smoke ${i + 1}`, payload: JSON.stringify(entry.payload ?? {}), ...expect})
    } else {
      const text = await readJsonFile(path.resolve(dir, entry.file), `rollout.smoke[${i}].file`)
      tests.push({label: displayPath(path.resolve(dir, entry.file)), payload: text, ...expect})
    }
  }
  return tests
}

/** "@file.json" (read, relative to `cwd`) or inline JSON; checked to be JSON. */
async function jsonArgument(value: string, flag: string, cwd: string): Promise<{text: string; file?: string}> {
  if (value.startsWith('@')) {
    const file = path.resolve(cwd, value.slice(1))
    return {text: await readJsonFile(file, flag), file: displayPath(file)}
  }
  checkJson(value, `${flag} ${value.length > 40 ? `${value.slice(0, 40)}…` : value}`)
  return {text: value}
}

async function readJsonFile(file: string, what: string): Promise<string> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new UserError('SmokeFileUnreadable', `Can't read ${displayPath(file)} (${what}): ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, {exitCode: ExitCode.Usage, cause: error})
  }
  checkJson(text, `${displayPath(file)} (${what})`)
  return text
}

function checkJson(text: string, what: string): void {
  try {
    JSON.parse(text)
  } catch (error) {
    throw new UserError('InvalidSmoke', `${what} isn't JSON: ${(error as Error).message}. Lambda events are JSON.`, {
      exitCode: ExitCode.Usage,
      hints: ['Pass a file with --smoke @event.json, or quote inline JSON: --smoke \'{"path": "/health"}\'.'],
    })
  }
}

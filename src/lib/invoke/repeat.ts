/**
 * `sling invoke FUNCTION --repeat N --concurrency C`: a quick load check. N invocations, C at a time;
 * latency percentiles, function errors, throttles and sling/AWS failures, and which version ran (the way
 * to watch a weighted alias shift traffic). Exit 0 when every invocation succeeded, 1 when any failed
 * for sling or AWS (throttles included: those never ran), else 3 when any returned a function error.
 */
import type {LambdaApi} from '../aws/lambda.js'
import {mapLimit} from '../async.js'
import {ExitCode, UserError} from '../errors.js'
import type {Output} from '../output.js'
import type {Target} from '../targets.js'
import {checkPayloadSize} from './payload.js'
import {progressLine, renderRepeat} from './render-repeat.js'

export interface RepeatOptions {
  readonly target: Target
  readonly payload: string
  readonly qualifier?: string | undefined
  readonly clientContext?: string | undefined
  /** Invocations in all. */
  readonly count: number
  /** Invocations in flight at once. @default 1 */
  readonly concurrency?: number | undefined
}

export interface RepeatDeps {
  readonly lambda: Pick<LambdaApi, 'invoke'>
  readonly output: Output
  /** Ctrl-C: no new invocation starts, and the summary covers those that finished. */
  readonly signal?: AbortSignal | undefined
  /** The exit code of the signal that aborted it: 130 after SIGINT, 143 after SIGTERM. @default 130 */
  readonly signalled?: (() => number | undefined) | undefined
}

export interface LatencySummary {
  readonly min: number
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly max: number
  readonly mean: number
}

/** The `--json` document of a --repeat run. */
export interface RepeatSummary {
  /** `interrupted` when Ctrl-C stopped it early. */
  readonly status: 'completed' | 'interrupted'
  readonly functionName: string
  readonly qualifier?: string | undefined
  readonly requested: number
  readonly concurrency: number
  /** Invocations that finished (all of them unless interrupted). */
  readonly invocations: number
  readonly succeeded: number
  readonly functionErrors: number
  /** Refused with TooManyRequestsException even after the SDK's retries. */
  readonly throttled: number
  /** Other sling or AWS failures, by error code. */
  readonly failed: number
  readonly failures: Readonly<Record<string, number>>
  /** Invocations the SDK had to retry (throttling or a 5xx) before they went through. */
  readonly retried: number
  /** Milliseconds, over the invocations that reached the function. */
  readonly latencyMs: LatencySummary | undefined
  /** Which version ran, most first: the split of a weighted alias. */
  readonly versions: readonly {readonly version: string; readonly count: number; readonly percent: number}[]
  readonly elapsedMs: number
  readonly exitCode?: number | undefined
}

type Sample = {kind: 'ok' | 'function-error'; ms: number; version: string; retried: boolean} | {kind: 'throttled' | 'failed'; code: string}

const MAX_REPEAT = 100_000

export async function repeatInvoke(options: RepeatOptions, {lambda, output, signal, signalled}: RepeatDeps): Promise<RepeatSummary> {
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 1, options.count))
  if (!Number.isInteger(options.count) || options.count < 1 || options.count > MAX_REPEAT) {
    throw new UserError('InvalidRepeat', `--repeat must be a whole number from 1 to ${MAX_REPEAT}; got ${options.count}.`, {exitCode: ExitCode.Usage})
  }
  checkPayloadSize(options.payload, 'sync')
  const samples: Sample[] = []
  const label = `Invoking ${options.target.name}`
  const progress = output.progress(progressLine(output, label, 0, options.count, 0))
  const started = performance.now()
  let notOk = 0
  try {
    await mapLimit(Array.from({length: options.count}, (_, i) => i), concurrency, async () => {
      if (signal?.aborted) return
      const sample = await once(options, lambda, signal)
      samples.push(sample)
      if (sample.kind !== 'ok') notOk++
      progress.update(progressLine(output, label, samples.length, options.count, notOk))
    })
  } finally {
    progress.stop()
  }
  const summary = summarize(options, concurrency, samples.filter((s) => !(s.kind === 'failed' && s.code === 'Interrupted')), performance.now() - started, signal?.aborted === true ? (signalled?.() ?? ExitCode.Interrupted) : undefined)
  if (!output.json) renderRepeat(output, summary)
  return summary
}

async function once(options: RepeatOptions, lambda: Pick<LambdaApi, 'invoke'>, signal: AbortSignal | undefined): Promise<Sample> {
  const started = performance.now()
  try {
    const answer = await lambda.invoke(options.target.functionName, options.payload, {qualifier: options.qualifier, clientContext: options.clientContext, signal})
    const ms = performance.now() - started
    return {kind: answer.functionError === undefined ? 'ok' : 'function-error', ms, version: answer.executedVersion ?? '$LATEST', retried: (answer.attempts ?? 1) > 1}
  } catch (error) {
    const code = error instanceof UserError ? error.code : 'Unexpected'
    if (code === 'Throttled') return {kind: 'throttled', code}
    if (code === 'FunctionNotFound' || code === 'AccessDenied' || code === 'NoCredentials') throw error // every other call would fail the same way
    return {kind: 'failed', code}
  }
}

/** `interrupted`: the exit code of the signal that stopped the run, if one did. */
function summarize(options: RepeatOptions, concurrency: number, samples: readonly Sample[], elapsedMs: number, interrupted: number | undefined): RepeatSummary {
  const ran = samples.filter((s): s is Extract<Sample, {ms: number}> => s.kind === 'ok' || s.kind === 'function-error')
  const failures: Record<string, number> = {}
  for (const s of samples) if (s.kind === 'failed') failures[s.code] = (failures[s.code] ?? 0) + 1
  const counts = new Map<string, number>()
  for (const s of ran) counts.set(s.version, (counts.get(s.version) ?? 0) + 1)
  const versions = [...counts].map(([version, count]) => ({version, count, percent: Math.round((count / ran.length) * 1000) / 10})).sort((a, b) => b.count - a.count)
  const count = (kind: Sample['kind']): number => samples.filter((s) => s.kind === kind).length
  const summary = {
    status: interrupted !== undefined ? ('interrupted' as const) : ('completed' as const),
    functionName: options.target.name,
    ...(options.qualifier ? {qualifier: options.qualifier} : {}),
    requested: options.count,
    concurrency,
    invocations: samples.length,
    succeeded: count('ok'),
    functionErrors: count('function-error'),
    throttled: count('throttled'),
    failed: count('failed'),
    failures,
    retried: ran.filter((s) => s.retried).length,
    latencyMs: latency(ran.map((s) => s.ms)),
    versions,
    elapsedMs,
  }
  const exitCode = interrupted ?? (summary.failed + summary.throttled > 0 ? ExitCode.Failure : summary.functionErrors > 0 ? ExitCode.FunctionError : undefined)
  return exitCode === undefined ? summary : {...summary, exitCode}
}

/** Nearest-rank percentiles. */
export function latency(samples: readonly number[]): LatencySummary | undefined {
  if (samples.length === 0) return undefined
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number): number => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0
  const round = (ms: number): number => Math.round(ms * 10) / 10
  return {min: round(sorted[0] ?? 0), p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(sorted.at(-1) ?? 0), mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length)}
}

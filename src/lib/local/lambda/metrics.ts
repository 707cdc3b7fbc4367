/**
 * Lambda's invocation metrics, recorded through the metrics.record hook (CloudWatch stores them) as
 * Lambda publishes them in the AWS/Lambda namespace, timestamped at the invocation's start:
 * Invocations (1), Errors (1 for a function error — an exception, a timeout, a crashed or
 * out-of-memory runtime — else 0), Throttles (1 for a throttled call, which is no invocation, else
 * 0), Duration (ms) and ConcurrentExecutions (the invocations running when it started, itself
 * included; read its Maximum). Each invocation feeds these series:
 * - no dimensions (across all functions) and FunctionName, always;
 * - FunctionName + Resource `name:qualifier`, when the caller named a version, an alias or $LATEST;
 * - FunctionName + Resource `name:alias` + ExecutedVersion, when it named an alias: the version that
 *   ran, so the versions behind a weighted alias are told apart.
 * Concurrency is counted per process: invocations run by another process on the same store aren't seen.
 */
import type {LocalHooks, MetricDatum} from '../contract.js'
import {isVersionNumber} from './names.js'

/** `failed`: the local cloud couldn't run it (a 500, not a Lambda outcome): nothing is recorded. */
export type InvocationOutcome = {readonly kind: 'ok' | 'error'; readonly durationMs: number} | {readonly kind: 'throttle' | 'failed'}

/** In-flight invocations per series, per local cloud (its hooks object). */
const running = new WeakMap<object, Map<string, number>>()

/** The dimension sets one invocation feeds, from the ARN it was invoked by and the version that ran. */
export function invocationDimensions(invokedFunctionArn: string, executedVersion: string): Record<string, string>[] {
  const [, , , , , , name = '', qualifier] = invokedFunctionArn.split(':')
  const sets: Record<string, string>[] = [{}, {FunctionName: name}]
  if (qualifier === undefined) return sets
  const resource = {FunctionName: name, Resource: `${name}:${qualifier}`}
  sets.push(resource)
  if (qualifier !== '$LATEST' && !isVersionNumber(qualifier)) sets.push({...resource, ExecutedVersion: executedVersion})
  return sets
}

/**
 * Marks an invocation as started; call the function it returns once with the outcome. It resolves
 * when the points are stored; a failure to store them is reported on stderr, never to the caller.
 */
export function startInvocation(hooks: LocalHooks, region: string, invokedFunctionArn: string, executedVersion: string): (outcome: InvocationOutcome) => Promise<void> {
  const started = Date.now()
  const sets = invocationDimensions(invokedFunctionArn, executedVersion)
  const counts = running.get(hooks) ?? new Map<string, number>()
  running.set(hooks, counts)
  const keys = sets.map((dimensions) => JSON.stringify([region, dimensions]))
  const concurrency = keys.map((key) => {
    const now = (counts.get(key) ?? 0) + 1
    counts.set(key, now)
    return now
  })
  let finished = false
  return async (outcome) => {
    if (finished) return
    finished = true
    for (const key of keys) {
      const left = (counts.get(key) ?? 1) - 1
      if (left <= 0) counts.delete(key)
      else counts.set(key, left)
    }
    if (outcome.kind === 'failed') return
    const point = (name: string, value: number, unit: string, dimensions: Record<string, string>): MetricDatum => ({region, namespace: 'AWS/Lambda', name, dimensions, value, unit, timestamp: started})
    const data = sets.flatMap((dimensions, i): MetricDatum[] => {
      if (outcome.kind !== 'ok' && outcome.kind !== 'error') return [point('Throttles', 1, 'Count', dimensions)]
      return [
        point('Invocations', 1, 'Count', dimensions),
        point('Errors', outcome.kind === 'error' ? 1 : 0, 'Count', dimensions),
        point('Throttles', 0, 'Count', dimensions),
        point('Duration', outcome.durationMs, 'Milliseconds', dimensions),
        point('ConcurrentExecutions', concurrency[i] ?? 1, 'Count', dimensions),
      ]
    })
    try {
      await Promise.all(data.map((datum) => hooks.metrics.record(datum)))
    } catch (error) {
      process.stderr.write(`sling local cloud: couldn't record the metrics of an invocation of ${invokedFunctionArn}: ${error instanceof Error ? error.message : String(error)}\n`)
    }
  }
}

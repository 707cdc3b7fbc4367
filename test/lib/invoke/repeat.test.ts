import {expect, test} from 'vitest'

import type {InvokeResult} from '../../../src/lib/aws/types.js'
import {UserError} from '../../../src/lib/errors.js'
import {latency, repeatInvoke} from '../../../src/lib/invoke/repeat.js'
import {silentOutput} from '../../../src/lib/output.js'

const target = {name: 'shop-api', functionName: 'shop-api'}
const ok = (version: string, attempts = 1): InvokeResult => ({statusCode: 200, executedVersion: version, payload: new Uint8Array(), attempts})

/** A Lambda whose nth call (from 0) answers `answers(n)`: a result, or an error to throw. */
function lambdaAnswering(answers: (n: number) => InvokeResult | Error) {
  let n = 0
  return {
    calls: () => n,
    invoke: () => {
      const answer = answers(n++)
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer)
    },
  }
}

test('counts successes, function errors, throttles and failures, and splits by the version that ran', async () => {
  const lambda = lambdaAnswering((n) => {
    if (n === 3) return {...ok('7'), functionError: 'Unhandled'}
    if (n === 5) return new UserError('Throttled', 'throttled')
    if (n === 6) return new UserError('ServiceException', 'boom')
    return ok(n % 4 === 0 ? '8' : '7', n === 1 ? 3 : 1)
  })

  const summary = await repeatInvoke({target, payload: '{}', qualifier: 'live', count: 10, concurrency: 3}, {lambda, output: silentOutput()})

  expect(summary).toMatchObject({status: 'completed', requested: 10, invocations: 10, concurrency: 3, succeeded: 7, functionErrors: 1, throttled: 1, failed: 1, failures: {ServiceException: 1}, retried: 1, exitCode: 1})
  expect(summary.versions).toEqual([{version: '7', count: 5, percent: 62.5}, {version: '8', count: 3, percent: 37.5}])
})

test('exit 0 when every invocation succeeded, 3 when any returned a function error and none failed', async () => {
  const clean = await repeatInvoke({target, payload: '{}', count: 4}, {lambda: lambdaAnswering(() => ok('$LATEST')), output: silentOutput()})
  const erroring = await repeatInvoke({target, payload: '{}', count: 4}, {lambda: lambdaAnswering((n) => (n === 2 ? {...ok('$LATEST'), functionError: 'Unhandled'} : ok('$LATEST'))), output: silentOutput()})

  expect(clean.exitCode).toBeUndefined()
  expect(erroring.exitCode).toBe(3)
})

test('a failure every call would share (the function missing) stops the run at once', async () => {
  const lambda = lambdaAnswering(() => new UserError('FunctionNotFound', 'Function "shop-api" doesn\'t exist.'))

  await expect(repeatInvoke({target, payload: '{}', count: 50}, {lambda, output: silentOutput()})).rejects.toMatchObject({code: 'FunctionNotFound'})
  expect(lambda.calls()).toBe(1)
})

test('Ctrl-C starts no new invocation and summarises those that finished (exit 130)', async () => {
  const controller = new AbortController()
  const lambda = lambdaAnswering((n) => {
    if (n === 2) controller.abort()
    return ok('1')
  })

  const summary = await repeatInvoke({target, payload: '{}', count: 100}, {lambda, output: silentOutput(), signal: controller.signal})

  expect(summary).toMatchObject({status: 'interrupted', invocations: 3, succeeded: 3, exitCode: 130})
  expect(lambda.calls()).toBe(3)
})

test('SIGTERM ends the summary with 143, as every interrupted command does', async () => {
  const controller = new AbortController()
  const lambda = lambdaAnswering((n) => {
    if (n === 1) controller.abort()
    return ok('1')
  })

  const summary = await repeatInvoke({target, payload: '{}', count: 100}, {lambda, output: silentOutput(), signal: controller.signal, signalled: () => 143})

  expect(summary).toMatchObject({status: 'interrupted', exitCode: 143})
})

test('percentiles are nearest-rank over the samples', () => {
  const samples = Array.from({length: 100}, (_, i) => i + 1)

  expect(latency(samples)).toEqual({min: 1, p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5})
  expect(latency([5])).toEqual({min: 5, p50: 5, p90: 5, p99: 5, max: 5, mean: 5})
  expect(latency([])).toBeUndefined()
})

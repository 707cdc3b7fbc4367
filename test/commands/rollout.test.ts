import {expect, test} from 'vitest'

import Rollout from '../../src/commands/rollout.js'
import {ExitCode} from '../../src/lib/errors.js'
import {MINUTE, clockFiringAt} from '../lib/rollout/fakes.js'
import {runIn} from './helpers.js'
import type {World} from './rollout-fakes.js'
import {withWorld, world} from './rollout-fakes.js'

/** A world whose clock sends `signal` to the command's process once `at` ms of the rollout have passed. */
function signalledAt(at: number, signal: 'SIGINT' | 'SIGTERM'): World {
  const box: {w?: World} = {}
  const w = world({alarms: {errors: [{at: 0, state: 'OK'}]}, clock: clockFiringAt(at, () => box.w?.proc.signals.emit(signal))})
  box.w = w
  return w
}

test('rollout --json: every step with its time, weights and gate readings, and the outcome', async () => {
  const w = world({alarms: {errors: [{at: 0, state: 'OK'}]}})
  const {code, stdout} = await runIn(withWorld(Rollout, w), ['hello', 'live', '--to', '7', '--strategy', 'Canary10Percent5Minutes', '--alarm', 'errors', '--json'])
  expect(code).toBe(0)
  const result = JSON.parse(stdout)
  expect(Object.keys(result).sort()).toEqual(['alias', 'endedAt', 'exitCode', 'functionName', 'preflight', 'previousVersion', 'resumed', 'startedAt', 'status', 'steps', 'strategy', 'strategyName', 'version', 'weights'])
  expect(result).toMatchObject({
    status: 'completed', functionName: 'hello', alias: 'live', version: '7', previousVersion: '6', strategy: 'canary:10%:5m', strategyName: 'Canary10Percent5Minutes',
    resumed: false, startedAt: '2025-01-01T10:00:00.000Z', endedAt: '2025-01-01T10:05:00.000Z', exitCode: 0,
    preflight: [{gate: 'alarm', name: 'errors', state: 'OK', healthy: true}],
    weights: [{version: '7', percent: 100, routed: false}],
  })
  expect(result.steps).toEqual([
    {step: 1, percent: 10, at: '2025-01-01T10:00:00.000Z', weights: [{version: '6', percent: 90, routed: false}, {version: '7', percent: 10, routed: true}], gates: [{gate: 'alarm', name: 'errors', state: 'OK', healthy: true}], checks: 31},
    {step: 2, percent: 100, at: '2025-01-01T10:05:00.000Z', weights: [{version: '7', percent: 100, routed: false}], gates: [{gate: 'alarm', name: 'errors', state: 'OK', healthy: true}], checks: 1},
  ])
})

test('in CI, one line per step with a timestamp on stderr; the summary on stdout', async () => {
  const {code, stdout, stderr} = await runIn(withWorld(Rollout, world()), ['hello', 'live', '--to', '7', '--steps', '25,50', '--interval', '30s'])
  expect(code).toBe(0)
  expect(stderr).toContain('2025-01-01T10:00:00Z step 1/3: v6 75%, v7 25%, baking 30s')
  expect(stderr).toContain('2025-01-01T10:00:30Z step 2/3: v6 50%, v7 50%, baking 30s')
  expect(stderr).toContain('2025-01-01T10:01:00Z step 3/3: v7 100%')
  expect(stderr).toContain('Warning: No gates')
  expect(stdout).toContain('Completed: version 7 holds 100% of alias "live" of hello.')
})

test('an unhealthy gate: the alias back on the previous version, the reason, exit 1', async () => {
  const w = world({alarms: {errors: [{at: 0, state: 'OK'}, {at: 2 * MINUTE, state: 'ALARM', reason: 'Threshold Crossed'}]}})
  const {code, stdout, stderr} = await runIn(withWorld(Rollout, w), ['hello', 'live', '--to', '7', '--alarm', 'errors'])
  expect(code).toBe(ExitCode.Failure)
  expect(stderr).toContain('Unhealthy: alarm "errors" is in ALARM (Threshold Crossed).')
  expect(stdout).toContain('Rolled back to version 6: alarm "errors" is in ALARM (Threshold Crossed).')
  expect(w.lambda.fn.aliases.get('live')).toMatchObject({version: '6', routing: {}})
})

test('Ctrl-C returns the alias, says so, and exits 130; SIGTERM exits 143', async () => {
  const w = signalledAt(MINUTE, 'SIGINT')
  const {code, stderr} = await runIn(withWorld(Rollout, w), ['hello', 'live', '--to', '7', '--alarm', 'errors'])
  expect(code).toBe(ExitCode.Interrupted)
  expect(stderr).toContain('Rolled back: alias "live" of hello is on version 6 again, with no routing (it was at v6 90%, v7 10%).')
  expect(w.lambda.fn.aliases.get('live')).toMatchObject({version: '6', routing: {}})

  const term = signalledAt(MINUTE, 'SIGTERM')
  const {code: termCode, stdout} = await runIn(withWorld(Rollout, term), ['hello', 'live', '--to', '7', '--alarm', 'errors', '--json'])
  expect(termCode).toBe(ExitCode.Terminated)
  expect(JSON.parse(stdout)).toMatchObject({status: 'interrupted', rolledBack: true, exitCode: 143, reason: {gate: 'interrupt', message: 'terminated (SIGTERM)'}})
})

test('--keep-on-interrupt leaves the alias mid-way; --resume then continues it from the record', async () => {
  const w = signalledAt(MINUTE, 'SIGINT')
  expect((await runIn(withWorld(Rollout, w), ['hello', 'live', '--to', '7', '--keep-on-interrupt'])).code).toBe(ExitCode.Interrupted)
  expect(w.lambda.fn.aliases.get('live')).toMatchObject({version: '6', routing: {'7': 0.1}})

  const second = await runIn(withWorld(Rollout, w), ['hello', 'live', '--to', '7'])
  expect(second.code).toBe(ExitCode.Failure)
  expect(second.stderr).toContain('A rollout of version 7 is already in progress')
  expect(second.stderr).toContain('sling rollout hello live --resume')

  const resumed = await runIn(withWorld(Rollout, w), ['hello', 'live', '--resume', '--json'])
  expect(resumed.code).toBe(0)
  expect(JSON.parse(resumed.stdout)).toMatchObject({status: 'completed', resumed: true, steps: [{step: 1, percent: 10}, {step: 2, percent: 100}]})
  expect(w.lambda.fn.aliases.get('live')).toMatchObject({version: '7', routing: {}})
})

test('flags that contradict each other, or a strategy that isn\'t one, exit 2 before any AWS call', async () => {
  const w = world()
  const cases = [
    ['hello', 'live', '--to', '7', '--strategy', 'AllAtOnce', '--steps', '10,100', '--interval', '1m'],
    ['hello', 'live', '--to', '7', '--steps', '10,100'],
    ['hello', 'live', '--to', '7', '--resume'],
    ['hello', 'live', '--to', '7', '--strategy', 'BlueGreen'],
    ['hello', 'live', '--to', '7', '--steps', '50,10', '--interval', '1m'],
    ['hello', 'live', '--to', '7', '--max-error-rate', 'lots'],
    ['hello', 'live', '--to', '7', '--smoke', '{nope'],
    ['hello', 'live', '--to', '7', '--smoke-expect', '{}'],
    ['hello', 'live', '--to', '7', '--min-invocations', '0'],
  ]
  for (const argv of cases) expect((await runIn(withWorld(Rollout, w), argv)).code, argv.join(' ')).toBe(ExitCode.Usage)
  expect(w.lambda.getAlias).not.toHaveBeenCalled()
})

test('without --to (and not resuming): exit 2, saying to name the version', async () => {
  const {code, stdout} = await runIn(withWorld(Rollout, world()), ['hello', 'live', '--json'])
  expect(code).toBe(ExitCode.Usage)
  expect(JSON.parse(stdout)).toMatchObject({error: {code: 'MissingVersion'}})
})

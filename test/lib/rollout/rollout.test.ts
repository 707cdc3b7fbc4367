import {describe, expect, test} from 'vitest'

import type {AliasInfo} from '../../../src/lib/aws/types.js'
import {UserError} from '../../../src/lib/errors.js'
import {decodeDescription} from '../../../src/lib/release/alias-state.js'
import type {RolloutDeps, RolloutOptions} from '../../../src/lib/rollout/rollout.js'
import {rollout} from '../../../src/lib/rollout/rollout.js'
import type {GateSettings} from '../../../src/lib/rollout/settings.js'
import {parseStrategy} from '../../../src/lib/rollout/strategy.js'
import {resolveTarget} from '../../../src/lib/targets.js'
import {rejectionOf} from '../../helpers/aws.js'
import type {FakeClock} from '../../helpers/clock.js'
import {fakeClock} from '../../helpers/clock.js'
import type {AlarmTimeline, MetricSource} from './fakes.js'
import {MINUTE, T0, aVersion, anAlias, clockFiringAt, fakeCloudWatch, fakeInterrupts, invokeAnswer, recorded, recordingOutput, rolloutLambda} from './fakes.js'

const target = resolveTarget('hello')
const NO_GATES: GateSettings = {alarms: [], ignoreAlarmsAtStart: [], smoke: []}

interface Setup {
  alias?: AliasInfo
  alarms?: Record<string, AlarmTimeline>
  metrics?: MetricSource
  invoke?: Parameters<typeof rolloutLambda>[1]
  clock?: FakeClock
}

/** Function "hello" with versions 5–7 and alias "live" on 6 (unless told otherwise); the rollout is of 7. */
function setup({alias = anAlias('live', '6'), alarms, metrics, invoke, clock = fakeClock(T0)}: Setup = {}) {
  const lambda = rolloutLambda({versions: ['5', '6', '7'].map((v) => aVersion(v)), aliases: new Map([['live', alias]])}, invoke)
  const cloudwatch = fakeCloudWatch(clock, {alarms, metrics})
  const {output, lines} = recordingOutput()
  const {interrupts, interrupt} = fakeInterrupts()
  const deps: RolloutDeps = {lambda, cloudwatch, output, clock, interrupts}
  /** Every move of the alias: [version, routing, step in the record]. */
  const moves = (): [string, Record<string, number>, number | undefined][] =>
    lambda.pointAlias.mock.calls.map(([, , t]) => [t.version, {...t.routing}, decodeDescription(t.description).state?.rollout?.step])
  const live = (): AliasInfo => lambda.fn.aliases.get('live')!
  /** When (ms after T0) each move was sent. */
  const moveTimes: number[] = []
  const point = lambda.pointAlias.getMockImplementation()!
  lambda.pointAlias.mockImplementation((...args) => {
    moveTimes.push(clock.now() - T0)
    return point(...args)
  })
  return {lambda, cloudwatch, output, lines, interrupts, interrupt, deps, clock, moves, live, moveTimes}
}

const options = (overrides: Partial<RolloutOptions> = {}): RolloutOptions => ({target, alias: 'live', version: '7', strategy: parseStrategy('canary:10%:5m'), gates: NO_GATES, checkEveryMs: 10_000, ...overrides})

describe('a rollout that stays healthy', () => {
  test('shifts step by step, recording each step with the alias, and ends on the new version with no record', async () => {
    const s = setup({alarms: {errors: [{at: 0, state: 'OK'}]}})
    const result = await rollout(options({strategy: parseStrategy('linear:50%:2m'), gates: {...NO_GATES, alarms: ['errors']}}), s.deps)

    expect(result).toMatchObject({status: 'completed', exitCode: 0, version: '7', previousVersion: '6', strategy: 'linear:50%:2m'})
    expect(s.moves()).toEqual([['6', {'7': 0.5}, 0], ['7', {}, 1], ['7', {}, undefined]])
    const records = s.lambda.pointAlias.mock.calls.map(([, , t]) => decodeDescription(t.description).state)
    expect(records[0]).toEqual({setTo: {version: '6', routing: {'7': 0.5}}, previousVersion: '6', rollout: {targetVersion: '7', strategy: 'linear:50%:2m', step: 0, startedAt: T0, stepStartedAt: T0}})
    expect(records[1]).toMatchObject({rollout: {step: 1, startedAt: T0, stepStartedAt: T0 + 2 * MINUTE}})
    expect(decodeDescription(s.live().description).state).toEqual({setTo: {version: '7', routing: {}}, previousVersion: '6', rollout: undefined})
    expect(result.steps.map((step) => [step.step, step.percent, step.at, step.weights.map((w) => `${w.version}:${w.percent}`)])).toEqual([
      [1, 50, new Date(T0).toISOString(), ['6:50', '7:50']],
      [2, 100, new Date(T0 + 2 * MINUTE).toISOString(), ['7:100']],
    ])
    expect(s.clock.elapsed()).toBe(2 * MINUTE)
  })

  test('reads the alarms on a short cadence during the bake, not only at its end', async () => {
    const s = setup({alarms: {errors: [{at: 0, state: 'OK'}]}})
    const result = await rollout(options({gates: {...NO_GATES, alarms: ['errors']}}), s.deps)
    expect(result.status).toBe('completed')
    // Before any traffic, after step 1, every 10 s of its 5 minutes, after step 2.
    expect(s.cloudwatch.describeAlarms).toHaveBeenCalledTimes(1 + 1 + 30 + 1)
    expect(result.steps[0]).toMatchObject({checks: 31, gates: [{gate: 'alarm', name: 'errors', state: 'OK', healthy: true}]})
  })

  test('runs the smoke invocations against the new version before any traffic and after each step', async () => {
    const s = setup()
    const invokedAtMoves: number[] = []
    s.lambda.invoke.mockImplementation(() => {
      invokedAtMoves.push(s.lambda.pointAlias.mock.calls.length)
      return Promise.resolve(invokeAnswer({statusCode: 200}))
    })
    const result = await rollout(options({gates: {...NO_GATES, smoke: [{label: 'health', payload: '{"path":"/health"}', expect: {statusCode: 200}}]}}), s.deps)
    expect(result.status).toBe('completed')
    expect(invokedAtMoves).toEqual([0, 1, 2])
    expect(s.lambda.invoke.mock.calls.every(([, , o]) => o?.qualifier === '7')).toBe(true)
    expect(result.preflight).toEqual([{gate: 'smoke', label: 'health', status: 'ok'}])
  })

  test('with an error-rate gate, waits after the last step until its minute can be judged, then ends', async () => {
    const s = setup({metrics: (name) => (name === 'Invocations' ? 100 : 0)})
    const result = await rollout(options({strategy: parseStrategy('AllAtOnce'), gates: {...NO_GATES, errorRate: {maxPercent: 1, minInvocations: 10, metricDelayMs: MINUTE}}}), s.deps)
    expect(result.status).toBe('completed')
    // The last step moved at T0: its minute ends at +1 min and is complete at +2 min.
    expect(s.clock.elapsed()).toBe(2 * MINUTE)
    expect(result.steps[0]?.gates).toEqual([expect.objectContaining({gate: 'error-rate', status: 'ok', invocations: 100, errors: 0})])
  })

  test('an alias already on the version is left alone', async () => {
    const s = setup({alias: anAlias('live', '7')})
    expect(await rollout(options(), s.deps)).toMatchObject({status: 'unchanged', exitCode: 0, steps: []})
    expect(s.lambda.pointAlias).not.toHaveBeenCalled()
  })
})

describe('unhealthy: back to the previous version', () => {
  test('an alarm that fires mid-bake rolls back at once, before the interval ends', async () => {
    const s = setup({alarms: {errors: [{at: 0, state: 'OK'}, {at: 2 * MINUTE, state: 'ALARM', reason: 'Threshold Crossed'}]}})
    const result = await rollout(options({gates: {...NO_GATES, alarms: ['errors']}}), s.deps)

    expect(result).toMatchObject({status: 'rolled-back', exitCode: 1, reason: {gate: 'alarm', figure: 'ALARM', message: 'alarm "errors" is in ALARM (Threshold Crossed)'}})
    expect(s.clock.elapsed()).toBeGreaterThanOrEqual(2 * MINUTE)
    expect(s.clock.elapsed()).toBeLessThan(2 * MINUTE + 15_000) // within one check of the alarm firing, not at +5 min
    expect(s.moves()).toEqual([['6', {'7': 0.1}, 0], ['6', {}, undefined]])
    expect(decodeDescription(s.live().description).state).toEqual({setTo: {version: '6', routing: {}}, previousVersion: undefined, rollout: undefined})
    expect(s.lines).toContain('Unhealthy: alarm "errors" is in ALARM (Threshold Crossed).')
    expect(s.lines).toContain('Rolled back: alias "live" of hello is on version 6 again, with no routing (it was at v6 90%, v7 10%).')
  })

  test('an alarm already in ALARM stops the rollout before any traffic moves', async () => {
    const s = setup({alarms: {errors: [{at: -MINUTE, state: 'ALARM'}]}})
    const result = await rollout(options({gates: {...NO_GATES, alarms: ['errors']}}), s.deps)
    expect(result).toMatchObject({status: 'stopped', exitCode: 1, steps: [], reason: {gate: 'alarm', message: expect.stringContaining('before any traffic moved')}})
    expect(s.lambda.pointAlias).not.toHaveBeenCalled()
    expect(s.lines.join('\n')).toContain('--ignore-alarm-at-start')
  })

  test('--ignore-alarm-at-start lets the fix go out while the alarm about the old version still fires', async () => {
    const s = setup({alarms: {errors: [{at: -MINUTE, state: 'ALARM'}, {at: 3 * MINUTE, state: 'OK'}]}})
    const result = await rollout(options({gates: {...NO_GATES, alarms: ['errors'], ignoreAlarmsAtStart: ['errors']}}), s.deps)
    expect(result.status).toBe('completed')
    expect(result.preflight).toEqual([expect.objectContaining({name: 'errors', state: 'ALARM', ignored: true, healthy: true})])
  })

  test('a failing smoke invocation before any traffic stops the rollout with the alias untouched', async () => {
    const s = setup({invoke: () => Promise.resolve(invokeAnswer({errorMessage: 'boom'}, 'Unhandled'))})
    const result = await rollout(options({gates: {...NO_GATES, smoke: [{label: 'smoke 1', payload: '{}'}]}}), s.deps)
    expect(result).toMatchObject({status: 'stopped', exitCode: 1, reason: {gate: 'smoke', message: 'smoke 1 failed with a function error: boom'}})
    expect(s.lambda.pointAlias).not.toHaveBeenCalled()
  })

  test('a smoke expectation failing after a step rolls back', async () => {
    let calls = 0
    const s = setup({invoke: () => Promise.resolve(invokeAnswer({statusCode: ++calls === 1 ? 200 : 503}))})
    const result = await rollout(options({gates: {...NO_GATES, smoke: [{label: 'health', payload: '{}', expect: {statusCode: 200}}]}}), s.deps)
    expect(result).toMatchObject({status: 'rolled-back', reason: {gate: 'smoke', message: "health didn't get the expected response: statusCode: expected 200, got 503"}})
    expect(s.moves()).toEqual([['6', {'7': 0.1}, 0], ['6', {}, undefined]])
    expect(s.clock.elapsed()).toBe(0)
  })

  test('an error rate over the limit during the bake rolls back, naming the figure and the limit', async () => {
    const s = setup({metrics: (name, dims) => (dims.ExecutedVersion !== '7' ? 0 : name === 'Invocations' ? 40 : 2)})
    const result = await rollout(options({gates: {...NO_GATES, errorRate: {maxPercent: 1, minInvocations: 50, metricDelayMs: MINUTE}}}), s.deps)
    expect(result).toMatchObject({status: 'rolled-back', reason: {gate: 'error-rate', figure: '5%', limit: '1%'}})
    // 80 invocations were needed: the first minute's and the next one's still coming in, seen at +1 min. Errors
    // already seen are enough to roll back; the complete minutes alone would have waited until +3 min.
    expect(s.clock.elapsed()).toBe(MINUTE)
    expect(result.reason?.message).toBe('error rate 5% (4 errors in 80 invocations, counting minutes not yet complete) is over the limit of 1% (--max-error-rate)')
  })

  test('too little traffic to judge by the end is "not enough data", which rolls back', async () => {
    const s = setup({metrics: (name) => (name === 'Invocations' ? 1 : 0)})
    const result = await rollout(options({gates: {...NO_GATES, errorRate: {maxPercent: 1, minInvocations: 100, metricDelayMs: MINUTE}}}), s.deps)
    expect(result).toMatchObject({status: 'rolled-back', reason: {gate: 'error-rate', figure: '6 invocations', limit: '100 invocations'}})
    expect(result.reason?.message).toContain('not enough data')
    expect(s.live().version).toBe('6')
  })
})

describe('interrupts', () => {
  test('Ctrl-C during a bake returns the alias to the previous version and ends 130', async () => {
    const box: {interrupt?: () => void} = {}
    const s = setup({clock: clockFiringAt(MINUTE, () => box.interrupt?.())})
    box.interrupt = () => s.interrupt('SIGINT')
    const result = await rollout(options(), s.deps)
    expect(result).toMatchObject({status: 'interrupted', rolledBack: true, exitCode: 130, reason: {gate: 'interrupt'}})
    expect(s.live()).toMatchObject({version: '6', routing: {}})
    expect(s.clock.elapsed()).toBe(MINUTE)
  })

  test('SIGTERM ends 143; --keep-on-interrupt leaves the alias and its record for --resume or rollback', async () => {
    const box: {interrupt?: () => void} = {}
    const s = setup({clock: clockFiringAt(MINUTE, () => box.interrupt?.())})
    box.interrupt = () => s.interrupt('SIGTERM')
    const result = await rollout(options({keepOnInterrupt: true}), s.deps)
    expect(result).toMatchObject({status: 'interrupted', rolledBack: false, exitCode: 143})
    expect(s.live()).toMatchObject({version: '6', routing: {'7': 0.1}})
    expect(decodeDescription(s.live().description).state?.rollout).toMatchObject({targetVersion: '7', step: 0})
    expect(s.lines.join('\n')).toContain('sling rollout hello live --resume')
  })

  test('an interrupt before any traffic moved changes nothing', async () => {
    const s = setup()
    s.lambda.invoke.mockImplementation(() => {
      s.interrupt('SIGINT')
      return Promise.reject(new DOMException('Interrupted by SIGINT', 'AbortError'))
    })
    expect(await rejectionOf(rollout(options({gates: {...NO_GATES, smoke: [{label: 's', payload: '{}'}]}}), s.deps))).toMatchObject({code: 'Interrupted', exitCode: 130})
    expect(s.lambda.pointAlias).not.toHaveBeenCalled()
  })
})

describe('resume and refusals', () => {
  const midway = (stepStartedAt: number): AliasInfo =>
    anAlias('live', '6', {
      routing: {'7': 0.2},
      description: recorded({setTo: {version: '6', routing: {'7': 0.2}}, previousVersion: '6', rollout: {targetVersion: '7', strategy: 'linear:10%:1m', step: 1, startedAt: T0 - 2 * MINUTE, stepStartedAt}}),
    })

  test('--resume continues from the recorded step and time, without shifting that step again', async () => {
    const s = setup({alias: midway(T0 - 20_000)})
    const result = await rollout(options({resume: true, version: undefined}), s.deps)
    expect(result).toMatchObject({status: 'completed', resumed: true, version: '7', previousVersion: '6', strategy: 'linear:10%:1m'})
    // The rest of step 2 (40 s), then steps 3–10 one minute each.
    expect(s.moves()[0]).toEqual(['6', {'7': 0.3}, 2])
    expect(result.steps[0]).toMatchObject({step: 2, percent: 20, at: new Date(T0 - 20_000).toISOString()})
    expect(s.moveTimes.slice(0, 3)).toEqual([40_000, 40_000 + MINUTE, 40_000 + 2 * MINUTE])
    expect(s.clock.elapsed()).toBe(40_000 + 7 * MINUTE) // steps 3–9 bake a minute each; 10 (100%) ends it
    expect(s.lines[0]).toContain('at step 2 of 10')
  })

  test('a second rollout on an alias with one in progress is refused, saying how to resume or roll back', async () => {
    const s = setup({alias: midway(T0)})
    const error = await rejectionOf(rollout(options(), s.deps))
    expect(error).toMatchObject({code: 'RolloutInProgress'})
    expect(String((error as unknown as {hints: string[]}).hints)).toContain('sling rollout hello live --resume')
    expect(String((error as unknown as {hints: string[]}).hints)).toContain('sling rollback hello live')
  })

  test('--resume refuses when nothing is in progress, or the alias was moved since', async () => {
    expect(await rejectionOf(rollout(options({resume: true}), setup().deps))).toMatchObject({code: 'NoRolloutInProgress'})
    const moved = {...midway(T0), routing: {'7': 0.5}}
    expect(await rejectionOf(rollout(options({resume: true}), setup({alias: moved}).deps))).toMatchObject({code: 'RolloutRecordStale'})
  })

  test('refuses an alias routing to another version, a version that doesn\'t exist, and $LATEST', async () => {
    expect(await rejectionOf(rollout(options(), setup({alias: anAlias('live', '6', {routing: {'5': 0.1}})}).deps))).toMatchObject({code: 'RoutingInProgress'})
    expect(await rejectionOf(rollout(options({version: '9'}), setup().deps))).toMatchObject({code: 'VersionNotFound'})
    expect(await rejectionOf(rollout(options({version: '$LATEST'}), setup().deps))).toMatchObject({code: 'LatestRefused', exitCode: 2})
    expect(await rejectionOf(rollout(options(), setup({alias: anAlias('live', '$LATEST')}).deps))).toMatchObject({code: 'AliasOnLatest'})
  })

  test('a description too long to hold the rollout\'s record is refused before anything runs or moves', async () => {
    const s = setup({alias: anAlias('live', '6', {description: 'x'.repeat(150)})})
    expect(await rejectionOf(rollout(options({gates: {...NO_GATES, smoke: [{label: 's', payload: '{}'}]}}), s.deps))).toMatchObject({code: 'AliasDescriptionTooLong'})
    expect(s.lambda.invoke).not.toHaveBeenCalled()
    expect(s.lambda.pointAlias).not.toHaveBeenCalled()
  })

  test('a change someone else makes to the alias mid-rollout is reported, not overwritten, and stops the rollout', async () => {
    const box: {change?: () => void} = {}
    const s = setup({clock: clockFiringAt(MINUTE, () => box.change?.())})
    box.change = () => s.lambda.fn.aliases.set('live', anAlias('live', '5', {revisionId: 'a-colleague'}))
    const result = await rollout(options(), s.deps)
    expect(result).toMatchObject({status: 'conflict', exitCode: 1, reason: {gate: 'conflict'}})
    expect(result.reason?.message).toContain('was changed by someone else during the rollout: it now sends v5 100%')
    expect(s.live()).toMatchObject({version: '5', revisionId: 'a-colleague'})
  })
})

describe('the return after an interrupted write, and failures', () => {
  test('an interrupt that cuts a step\'s write short still returns the alias, once the write turns out to have landed', async () => {
    const s = setup()
    const point = s.lambda.pointAlias.getMockImplementation()!
    s.lambda.pointAlias.mockImplementation(async (...args) => {
      const change = await point(...args)
      if (s.lambda.pointAlias.mock.calls.length === 2) {
        s.interrupt('SIGINT') // the answer to the step-2 write is lost: sling can't know it landed
        throw new DOMException('Interrupted by SIGINT', 'AbortError')
      }
      return change
    })
    const result = await rollout(options(), s.deps)
    expect(result).toMatchObject({status: 'interrupted', rolledBack: true, exitCode: 130})
    expect(s.live()).toMatchObject({version: '6', routing: {}})
  })

  test('an AWS failure while reading the gates rolls back and says why', async () => {
    const s = setup({alarms: {errors: [{at: 0, state: 'OK'}]}})
    s.cloudwatch.describeAlarms.mockImplementationOnce(async () => Promise.resolve([{name: 'errors', arn: '', kind: 'metric', state: 'OK'}]))
    s.cloudwatch.describeAlarms.mockImplementationOnce(async () => Promise.resolve([{name: 'errors', arn: '', kind: 'metric', state: 'OK'}]))
    s.cloudwatch.describeAlarms.mockRejectedValueOnce(new UserError('AccessDenied', 'AWS denied cloudwatch:DescribeAlarms in eu-west-1.'))
    const result = await rollout(options({gates: {...NO_GATES, alarms: ['errors']}}), s.deps)
    expect(result).toMatchObject({status: 'rolled-back', exitCode: 1, reason: {gate: 'error', message: 'AWS denied cloudwatch:DescribeAlarms in eu-west-1.'}})
    expect(s.live()).toMatchObject({version: '6', routing: {}})
  })

  test('when the return itself fails, the result says so and how to finish it', async () => {
    const s = setup({alarms: {errors: [{at: 0, state: 'OK'}, {at: MINUTE, state: 'ALARM'}]}})
    const point = s.lambda.pointAlias.getMockImplementation()!
    s.lambda.pointAlias.mockImplementation(async (...args) => (s.lambda.pointAlias.mock.calls.length === 2 ? Promise.reject(new UserError('AccessDenied', 'AWS denied lambda:UpdateAlias.')) : point(...args)))
    const result = await rollout(options({gates: {...NO_GATES, alarms: ['errors']}}), s.deps)
    expect(result).toMatchObject({status: 'rollback-failed', exitCode: 1, reason: {gate: 'alarm'}})
    expect(s.lines.join('\n')).toContain('Run "sling rollback hello live" to return it.')
  })
})

describe('progress', () => {
  test('on a terminal the status line counts down every second; the gates are still read on their own cadence', async () => {
    const s = setup({alarms: {errors: [{at: 0, state: 'OK'}]}})
    const updates: string[] = []
    const output = {...s.output, interactive: true, progress: () => ({update: (text: string) => updates.push(text), log: () => undefined, stop: () => undefined})}
    const result = await rollout(options({gates: {...NO_GATES, alarms: ['errors']}}), {...s.deps, output})
    expect(result.status).toBe('completed')
    expect(updates[0]).toBe('Step 1/2: v7 █░░░░░░░░░ 10% · next step in 5m 00s · alarms ok')
    expect(updates).toContain('Step 1/2: v7 █░░░░░░░░░ 10% · next step in 4m 59s · alarms ok')
    expect(updates.at(-1)).toBe('Step 1/2: v7 █░░░░░░░░░ 10% · next step in 1s · alarms ok')
    expect(s.cloudwatch.describeAlarms).toHaveBeenCalledTimes(1 + 1 + 30 + 1)
  })
})

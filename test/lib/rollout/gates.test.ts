import {describe, expect, test} from 'vitest'

import {watchAlarms} from '../../../src/lib/rollout/alarms.js'
import {judgeErrorRate, judgeableWindow, watchErrorRate} from '../../../src/lib/rollout/error-rate.js'
import {verdict} from '../../../src/lib/rollout/gates.js'
import {findMismatch, runSmoke} from '../../../src/lib/rollout/smoke.js'
import {UserError} from '../../../src/lib/errors.js'
import {rejectionOf} from '../../helpers/aws.js'
import {fakeClock} from '../../helpers/clock.js'
import {MINUTE, T0, fakeCloudWatch, invokeAnswer, rolloutLambda} from './fakes.js'

describe('alarms', () => {
  test('ALARM is unhealthy; OK and INSUFFICIENT_DATA are not', async () => {
    const clock = fakeClock(T0)
    const cloudwatch = fakeCloudWatch(clock, {alarms: {errors: [{at: 0, state: 'OK'}, {at: MINUTE, state: 'ALARM', reason: 'Threshold Crossed: 1 datapoint [5.0] was greater than 1.0'}], latency: [{at: 0, state: 'INSUFFICIENT_DATA'}]}})
    const alarms = watchAlarms(['errors', 'latency'], [], {cloudwatch})

    expect((await alarms.read({})).map((r) => [r.name, r.state, r.healthy])).toEqual([['errors', 'OK', true], ['latency', 'INSUFFICIENT_DATA', true]])
    await clock.sleep(MINUTE)
    const [errors] = await alarms.read({})
    expect(errors).toMatchObject({state: 'ALARM', healthy: false})
    expect(verdict(errors!).message).toBe('alarm "errors" is in ALARM (Threshold Crossed: 1 datapoint [5.0] was greater than 1.0)')
  })

  test('an alarm that doesn\'t exist is refused at the first read, and unhealthy if it disappears later', async () => {
    const clock = fakeClock(T0)
    expect(await rejectionOf(watchAlarms(['errors', 'typo'], [], {cloudwatch: fakeCloudWatch(clock, {alarms: {errors: []}})}).read({}))).toMatchObject({code: 'AlarmNotFound', message: expect.stringContaining('"typo"')})

    const present: Record<string, {at: number; state: string}[]> = {errors: [{at: 0, state: 'OK'}]}
    const alarms = watchAlarms(['errors'], [], {cloudwatch: fakeCloudWatch(clock, {alarms: present})})
    await alarms.read({})
    delete present.errors
    expect(await alarms.read({})).toEqual([expect.objectContaining({state: 'MISSING', healthy: false})])
  })

  test('an alarm ignored at start counts again once it leaves ALARM, and when it fires anew', async () => {
    const clock = fakeClock(T0)
    const timeline = [{at: -10 * MINUTE, state: 'ALARM'}, {at: 2 * MINUTE, state: 'OK'}, {at: 4 * MINUTE, state: 'ALARM'}]
    const alarms = watchAlarms(['errors'], ['errors'], {cloudwatch: fakeCloudWatch(clock, {alarms: {errors: timeline}})})
    expect(await alarms.read({})).toEqual([expect.objectContaining({state: 'ALARM', healthy: true, ignored: true})])
    await clock.sleep(MINUTE)
    expect(await alarms.read({})).toEqual([expect.objectContaining({state: 'ALARM', healthy: true, ignored: true})])
    await clock.sleep(3 * MINUTE) // it went OK at 2 min and fired again at 4: this ALARM is a new one
    expect(await alarms.read({})).toEqual([expect.objectContaining({state: 'ALARM', healthy: false})])
  })

  test('--ignore-alarm-at-start must name one of the alarms', () => {
    expect(() => watchAlarms(['errors'], ['erors'], {cloudwatch: fakeCloudWatch(fakeClock(T0))})).toThrow(expect.objectContaining({code: 'InvalidAlarm', exitCode: 2}))
  })
})

describe('error rate', () => {
  const gate = {maxPercent: 1, minInvocations: 100, metricDelayMs: MINUTE}
  const subject = {functionName: 'hello', alias: 'live', version: '7', since: T0 + 30_000}

  test('queries the series Lambda records for traffic through the alias: Resource name:alias + ExecutedVersion', async () => {
    const cloudwatch = fakeCloudWatch(fakeClock(T0))
    await watchErrorRate(gate, subject, {cloudwatch}).read(T0 + 5 * MINUTE, {})
    const [queries, range] = cloudwatch.getMetricData.mock.calls[0]!
    expect(queries).toEqual([
      {id: 'invocations', metric: {namespace: 'AWS/Lambda', name: 'Invocations', dimensions: {FunctionName: 'hello', Resource: 'hello:live', ExecutedVersion: '7'}}, stat: 'Sum', periodSeconds: 60},
      {id: 'errors', metric: {namespace: 'AWS/Lambda', name: 'Errors', dimensions: {FunctionName: 'hello', Resource: 'hello:live', ExecutedVersion: '7'}}, stat: 'Sum', periodSeconds: 60},
    ])
    // From the minute of the first traffic through the one still coming in (10:05): complete minutes are judged apart.
    expect(range).toEqual({start: new Date(T0), end: new Date(T0 + 6 * MINUTE)})
  })

  test('the rate is called ok only from complete minutes: a minute still filling in with few errors is left out', async () => {
    expect(judgeableWindow(T0 + 30_000, T0 + 119_000, MINUTE)).toBeUndefined() // the first minute ended at +60s, complete at +120s
    expect(judgeableWindow(T0 + 30_000, T0 + 120_000, MINUTE)).toEqual({start: T0, end: T0 + MINUTE})

    // 150 invocations a minute without errors; the minutes still coming in (10:02, 10:03) hold 1 error of 3 so far.
    const cloudwatch = fakeCloudWatch(fakeClock(T0), {metrics: (name, _d, minute) => (minute < T0 + 2 * MINUTE ? (name === 'Invocations' ? 150 : 0) : name === 'Invocations' ? 3 : 1)})
    const watch = watchErrorRate(gate, subject, {cloudwatch})
    // Nothing complete yet, and what has arrived (153 invocations, 1 error: 0.65%) isn't too high: not enough data.
    expect(await watch.read(T0 + 90_000, {})).toMatchObject({status: 'not-enough-data', invocations: 0})
    // 306 seen with 2 errors (0.65%): not too high, so the verdict is the complete minutes' alone.
    const reading = await watch.read(T0 + 3 * MINUTE + 59_000, {})
    expect(reading).toEqual({gate: 'error-rate', status: 'ok', invocations: 300, errors: 0, rate: 0, limit: 1, minInvocations: 100, window: {start: new Date(T0).toISOString(), end: new Date(T0 + 2 * MINUTE).toISOString()}})
  })

  test('errors already seen roll back at once: the minutes still coming in count towards "too high"', async () => {
    // A broken version: every invocation fails, and CloudWatch has 60 of them in the minute still filling in.
    const cloudwatch = fakeCloudWatch(fakeClock(T0), {metrics: () => 60})
    const watch = watchErrorRate({...gate, minInvocations: 50}, subject, {cloudwatch})
    const reading = await watch.read(T0 + 45_000, {})
    expect(reading).toMatchObject({status: 'too-high', errors: 60, invocations: 60, rate: 100, partial: true, window: {start: new Date(T0).toISOString(), end: new Date(T0 + MINUTE).toISOString()}})
    expect(verdict(reading).message).toBe('error rate 100% (60 errors in 60 invocations, counting minutes not yet complete) is over the limit of 1% (--max-error-rate)')
    // Still fewer than --min-invocations seen: not judged, however many of them failed.
    expect(await watchErrorRate({...gate, minInvocations: 61}, subject, {cloudwatch}).read(T0 + 45_000, {})).toMatchObject({status: 'not-enough-data', invocations: 0})
  })

  test('complete minutes over the limit roll back even when the minute still coming in would dilute them', async () => {
    // 2 errors in 100 complete invocations (2%); the current minute has 300 clean ones so far (0.5% overall).
    const cloudwatch = fakeCloudWatch(fakeClock(T0), {metrics: (name, _d, minute) => (minute === T0 ? (name === 'Invocations' ? 100 : 2) : name === 'Invocations' ? 300 : 0)})
    const reading = await watchErrorRate(gate, {...subject, since: T0}, {cloudwatch}).read(T0 + 2 * MINUTE + 10_000, {})
    expect(reading).toMatchObject({status: 'too-high', errors: 2, invocations: 100, rate: 2})
    expect(reading.partial).toBeUndefined()
  })

  test('a missing datapoint is zero: no Errors points means no errors', async () => {
    const cloudwatch = fakeCloudWatch(fakeClock(T0), {metrics: (name) => (name === 'Invocations' ? 400 : undefined)})
    expect(await watchErrorRate(gate, subject, {cloudwatch}).read(T0 + 4 * MINUTE, {})).toMatchObject({status: 'ok', errors: 0, invocations: 1200, rate: 0})
  })

  test('the math: errors / invocations in percent, over the limit is unhealthy, at it is not', () => {
    expect(judgeErrorRate(3, 200, gate)).toEqual({status: 'too-high', rate: 1.5})
    expect(judgeErrorRate(2, 200, gate)).toEqual({status: 'ok', rate: 1})
    expect(judgeErrorRate(0, 100, gate)).toEqual({status: 'ok', rate: 0})
  })

  test('too little traffic is "not enough data", not healthy, whatever its errors', () => {
    expect(judgeErrorRate(0, 99, gate)).toEqual({status: 'not-enough-data', rate: 0})
    expect(judgeErrorRate(9, 9, gate)).toMatchObject({status: 'not-enough-data'})
    expect(judgeErrorRate(0, 0, gate)).toEqual({status: 'not-enough-data', rate: undefined})
  })

  test('the verdict names the figure and the limit', () => {
    expect(verdict({gate: 'error-rate', status: 'too-high', errors: 3, invocations: 200, rate: 1.5, limit: 1, minInvocations: 100})).toEqual({
      gate: 'error-rate', figure: '1.5%', limit: '1%', message: 'error rate 1.5% (3 errors in 200 invocations) is over the limit of 1% (--max-error-rate)',
    })
    expect(verdict({gate: 'error-rate', status: 'not-enough-data', errors: 0, invocations: 4, limit: 1, minInvocations: 100})).toMatchObject({figure: '4 invocations', limit: '100 invocations'})
  })
})

describe('smoke', () => {
  test('invokes the new version itself with each payload, in order', async () => {
    const lambda = rolloutLambda()
    const readings = await runSmoke([{label: 'smoke 1', payload: '{"a":1}'}, {label: 'smoke 2', payload: '{"b":2}'}], 'hello', '7', {lambda})
    expect(readings.map((r) => r.status)).toEqual(['ok', 'ok'])
    expect(lambda.invoke.mock.calls.map(([name, payload, options]) => [name, payload, options?.qualifier])).toEqual([['hello', '{"a":1}', '7'], ['hello', '{"b":2}', '7']])
  })

  test('a function error is unhealthy, with the function\'s error message; the rest are not run', async () => {
    const lambda = rolloutLambda({}, () => Promise.resolve(invokeAnswer({errorType: 'TypeError', errorMessage: "Cannot read properties of undefined (reading 'id')"}, 'Unhandled')))
    const readings = await runSmoke([{label: 'smoke 1', payload: '{}'}, {label: 'smoke 2', payload: '{}'}], 'hello', '7', {lambda})
    expect(readings).toEqual([{gate: 'smoke', label: 'smoke 1', status: 'function-error', detail: "TypeError: Cannot read properties of undefined (reading 'id')"}])
    expect(verdict(readings[0]!).message).toBe("smoke 1 failed with a function error: TypeError: Cannot read properties of undefined (reading 'id')")
  })

  test('an expectation names where the response differs', async () => {
    const lambda = rolloutLambda({}, () => Promise.resolve(invokeAnswer({statusCode: 500, body: '{"error":"db"}', headers: {}})))
    const [reading] = await runSmoke([{label: 'health.json', payload: '{}', expect: {statusCode: 200}}], 'hello', '7', {lambda})
    expect(reading).toEqual({gate: 'smoke', label: 'health.json', status: 'unexpected-response', detail: 'statusCode: expected 200, got 500'})
  })

  test('an expectation is met by a response holding it, extra keys and all', async () => {
    const lambda = rolloutLambda({}, () => Promise.resolve(invokeAnswer({statusCode: 200, body: 'ok', headers: {'content-type': 'text/plain'}})))
    expect(await runSmoke([{label: 's', payload: '{}', expect: {statusCode: 200, headers: {'content-type': 'text/plain'}}}], 'hello', '7', {lambda})).toEqual([{gate: 'smoke', label: 's', status: 'ok'}])
  })

  test('matching rules: objects key by key, arrays element by element, the rest equal', () => {
    expect(findMismatch({a: {b: [1, {c: 2, d: 3}]}}, {a: {b: [1, {c: 2}]}})).toBeUndefined()
    expect(findMismatch({a: {b: [1, {c: 3}]}}, {a: {b: [1, {c: 2}]}})).toBe('a.b[1].c: expected 2, got 3')
    expect(findMismatch({a: [1, 2, 3]}, {a: [1, 2]})).toBe('a: expected [1,2], got [1,2,3]')
    expect(findMismatch({}, {status: 'ok'})).toBe('status: missing (expected "ok")')
    expect(findMismatch('ok', 'ok')).toBeUndefined()
    expect(findMismatch('OK', 'ok')).toBe('expected "ok", got "OK"')
  })

  test('a response that isn\'t JSON fails an expectation; an invocation Lambda refuses is unhealthy', async () => {
    const text = rolloutLambda({}, () => Promise.resolve({statusCode: 200, payload: new TextEncoder().encode('hello')}))
    expect(await runSmoke([{label: 's', payload: '{}', expect: 'hello'}], 'hello', '7', {lambda: text})).toEqual([{gate: 'smoke', label: 's', status: 'unexpected-response', detail: "the response isn't JSON: hello"}])
    const refused = rolloutLambda({}, () => Promise.reject(new UserError('TooManyRequests', 'Lambda throttled the call.')))
    expect(await runSmoke([{label: 's', payload: '{}'}], 'hello', '7', {lambda: refused})).toEqual([{gate: 'smoke', label: 's', status: 'invoke-failed', detail: 'Lambda throttled the call.'}])
  })
})

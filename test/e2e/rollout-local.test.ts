/**
 * shift, rollout and rollback through the built CLI against the local cloud, over real HTTP: Lambda's weighted
 * aliases, and the local CloudWatch behind the rollout's gates (alarms, and Lambda's own metrics for the error
 * rate). Each test has its own local cloud, so they run concurrently; the alarms are evaluated every 100 ms and
 * the metrics are visible at once (SLING_LOCAL_METRIC_DELAY_MS 0), so a failing version is caught in seconds.
 */
import {spawn} from 'node:child_process'
import http from 'node:http'

import {CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand} from '@aws-sdk/client-cloudwatch'
import type {PutMetricAlarmCommandInput} from '@aws-sdk/client-cloudwatch'
import {CreateAliasCommand, CreateFunctionCommand, GetAliasCommand, InvokeCommand, LambdaClient, PublishVersionCommand, UpdateAliasCommand, UpdateFunctionCodeCommand, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2} from '@aws-sdk/client-lambda'
import type {AliasConfiguration} from '@aws-sdk/client-lambda'
import {expect, test} from 'vitest'
import type {TestContext} from 'vitest'

import type {RolloutResult} from '../../src/lib/rollout/types.js'
import {startLocalCloud} from '../../src/lib/local/server.js'
import {BIN, runCli, tempDir} from '../helpers/cli.js'
import type {CliResult} from '../helpers/cli.js'
import {makeZip} from '../lib/local/runtime/helpers.js'

const ROLE = 'arn:aws:iam::123456789012:role/lambda-role' // another account's role: the local cloud accepts it unchecked
const CREDENTIALS = {AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x'}
const HEALTHY = 'exports.handler = async () => ({v: 2})'
const BROKEN = 'exports.handler = async () => { throw new Error("v2 is broken") }'

type Cleanup = () => Promise<void>

/** Cleanups for one test, run in reverse once it has finished (the tests run concurrently: no shared list). */
function cleanupsOf({onTestFinished}: Pick<TestContext, 'onTestFinished'>): Cleanup[] {
  const cleanups: Cleanup[] = []
  onTestFinished(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
  })
  return cleanups
}

interface Cloud {
  readonly lambda: LambdaClient
  readonly cloudwatch: CloudWatchClient
  readonly args: string[]
  readonly cleanups: Cleanup[]
}

/** A local cloud with function "hello": version 1 answers {v: 1}, version 2 runs `v2`; alias "live" on 1. */
async function cloud(context: Pick<TestContext, 'onTestFinished'>, v2 = HEALTHY): Promise<Cloud> {
  const cleanups = cleanupsOf(context)
  const temp = await tempDir('sling-rollout-e2e-')
  const local = await startLocalCloud({storeDir: temp.dir, settings: {stateDelayMs: 10, alarmTickMs: 100, metricDelayMs: 0}})
  // No keep-alive: a connection left idle while the CLI runs could be reused just as the server closes it
  // (keepAliveTimeout), an ECONNRESET that maxAttempts 1 wouldn't retry.
  const client = {endpoint: local.endpoint, region: 'us-east-1', credentials: {accessKeyId: 'x', secretAccessKey: 'x'}, maxAttempts: 1, requestHandler: {httpAgent: new http.Agent({keepAlive: false})}}
  const lambda = new LambdaClient(client)
  const cloudwatch = new CloudWatchClient(client)
  cleanups.push(temp.cleanup, () => local.close(), () => Promise.resolve(lambda.destroy()), () => Promise.resolve(cloudwatch.destroy()))
  const waiter = {client: lambda, maxWaitTime: 30, minDelay: 1}
  await lambda.send(new CreateFunctionCommand({FunctionName: 'hello', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: {ZipFile: await makeZip({'index.js': 'exports.handler = async () => ({v: 1})'})}}))
  await waitUntilFunctionActiveV2(waiter, {FunctionName: 'hello'})
  await lambda.send(new PublishVersionCommand({FunctionName: 'hello'}))
  await lambda.send(new UpdateFunctionCodeCommand({FunctionName: 'hello', ZipFile: await makeZip({'index.js': v2})}))
  await waitUntilFunctionUpdatedV2(waiter, {FunctionName: 'hello'})
  await lambda.send(new PublishVersionCommand({FunctionName: 'hello'}))
  await lambda.send(new CreateAliasCommand({FunctionName: 'hello', Name: 'live', FunctionVersion: '1'}))
  return {lambda, cloudwatch, args: ['--endpoint-url', local.endpoint, '--region', 'us-east-1'], cleanups}
}

const sling = (c: Cloud, args: string[], timeoutMs?: number): Promise<CliResult> => runCli([...args, ...c.args], {env: CREDENTIALS, timeoutMs})
const alias = async (c: Cloud): Promise<AliasConfiguration> => c.lambda.send(new GetAliasCommand({FunctionName: 'hello', Name: 'live'}))
const weights = (a: AliasConfiguration): [string | undefined, Record<string, number>] => [a.FunctionVersion, {...a.RoutingConfig?.AdditionalVersionWeights}]
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** The CLI as a child process the test can signal; resolves `routed` once the alias routes traffic to version 2. */
function slingInBackground(c: Cloud, args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args, ...c.args], {env: {PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1', ...CREDENTIALS}})
  let stderr = ''
  let stdout = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => child.on('exit', (code, signal) => resolve({code, signal})))
  c.cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  const routed = async (): Promise<void> => {
    for (let i = 0; i < 300; i++) {
      if ((await alias(c)).RoutingConfig?.AdditionalVersionWeights?.['2'] !== undefined) return
      await sleep(50)
    }
    throw new Error(`the rollout never routed traffic to version 2:\n${stderr}`)
  }
  return {child, exited, routed, output: () => ({stdout, stderr})}
}

/** Traffic through the alias, as users would send it: an invocation every ~50 ms until the test ends. Counts what ran where. */
/** Waits, if need be, until the next `ms` fall within one wall-clock minute. */
async function withinOneMinute(ms: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000)
  if (left < ms) await sleep(left + 200)
}

function trafficThroughAlias(c: Cloud): {readonly ran: Record<string, {calls: number; errors: number}>} {
  const ran: Record<string, {calls: number; errors: number}> = {}
  let stopped = false
  const loop = (async () => {
    while (!stopped) {
      const out = await c.lambda.send(new InvokeCommand({FunctionName: 'hello', Qualifier: 'live', Payload: '{}'})).catch(() => undefined)
      if (out?.ExecutedVersion) {
        const seen = (ran[out.ExecutedVersion] ??= {calls: 0, errors: 0})
        seen.calls++
        if (out.FunctionError) seen.errors++
      }
      await sleep(50)
    }
  })()
  c.cleanups.push(async () => {
    stopped = true
    await loop
  })
  return {ran}
}

/** The series Lambda records a canary's metrics under: the alias's, split by the version that ran (not Resource "hello:2"). */
const CANARY_SERIES = [{Name: 'FunctionName', Value: 'hello'}, {Name: 'Resource', Value: 'hello:live'}, {Name: 'ExecutedVersion', Value: '2'}]

const putAlarm = (c: Cloud, input: Partial<PutMetricAlarmCommandInput> & {AlarmName: string}) =>
  c.cloudwatch.send(new PutMetricAlarmCommand({Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, DatapointsToAlarm: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', ...input}))

/**
 * An alarm only the test moves: on a metric nobody writes, and with TreatMissingData "ignore" the evaluator keeps
 * whatever state SetAlarmState gave it (with "missing" it would go back to INSUFFICIENT_DATA at the next minute).
 */
const manualAlarm = (c: Cloud, name: string) => putAlarm(c, {AlarmName: name, Namespace: 'Test', MetricName: 'Manual', TreatMissingData: 'ignore'})
const setAlarm = (c: Cloud, name: string, reason: string) => c.cloudwatch.send(new SetAlarmStateCommand({AlarmName: name, StateValue: 'ALARM', StateReason: reason}))
const parsed = (result: {stdout: string}): RolloutResult => JSON.parse(result.stdout) as RolloutResult

// First, as it takes longest: a healthy version is called healthy only once the last step's minute has ended.
test.concurrent('a canary gated on an Errors alarm and the error rate completes once its minutes are complete', {timeout: 120_000}, async (context) => {
  const c = await cloud(context)
  await putAlarm(c, {AlarmName: 'hello-canary-errors', Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: CANARY_SERIES})
  const traffic = trafficThroughAlias(c)
  const args = ['rollout', 'hello', 'live', '--to', '2', '--strategy', 'canary:50%:3s', '--alarm', 'hello-canary-errors', '--max-error-rate', '1%', '--min-invocations', '5', '--metric-delay', '0s', '--json']
  const done = await sling(c, args, 100_000) // up to a minute's wait for the last step's minute to end
  expect(done.code, done.stderr).toBe(0)
  const result = parsed(done)
  expect(result).toMatchObject({status: 'completed', strategy: 'canary:50%:3s', steps: [{step: 1, percent: 50}, {step: 2, percent: 100}]})
  const final = result.steps[1]?.gates
  expect(final).toContainEqual(expect.objectContaining({gate: 'alarm', name: 'hello-canary-errors', healthy: true}))
  expect(final).toContainEqual(expect.objectContaining({gate: 'error-rate', status: 'ok', errors: 0, rate: 0}))
  // The final reading covers the complete minutes, through the last step's.
  const rate = final?.find((g) => g.gate === 'error-rate')
  expect(rate?.gate === 'error-rate' && rate.invocations).toBeGreaterThanOrEqual(5)
  expect(rate?.gate === 'error-rate' && Date.parse(rate.window?.end ?? '')).toBeGreaterThan(Date.parse(result.steps[1]?.at ?? ''))
  expect(traffic.ran['2']?.calls).toBeGreaterThanOrEqual(5)
  expect(weights(await alias(c))).toEqual(['2', {}])
})

test.concurrent('shift 25%: the alias splits its invocations; promote; rollback', {timeout: 120_000}, async (context) => {
  const c = await cloud(context)
  const shifted = await sling(c, ['shift', 'hello', 'live', '--to', '2', '--weight', '25', '--json'])
  expect(shifted.code, shifted.stderr).toBe(0)
  expect(weights(await alias(c))).toEqual(['1', {'2': 0.25}])

  const seen = {'1': 0, '2': 0} as Record<string, number>
  for (let batch = 0; batch < 40; batch++) {
    const results = await Promise.all(Array.from({length: 10}, () => c.lambda.send(new InvokeCommand({FunctionName: 'hello', Qualifier: 'live', Payload: '{}'}))))
    for (const result of results) seen[result.ExecutedVersion ?? '?'] = (seen[result.ExecutedVersion ?? '?'] ?? 0) + 1
  }
  // 100 expected of 400; ±40 is more than six standard deviations (√75 ≈ 8.7).
  expect(seen['2']).toBeGreaterThan(60)
  expect(seen['2']).toBeLessThan(140)
  expect((seen['1'] ?? 0) + (seen['2'] ?? 0)).toBe(400)

  expect((await sling(c, ['shift', 'hello', 'live', '--to', '2', '--promote'])).code).toBe(0)
  expect(weights(await alias(c))).toEqual(['2', {}])
  const back = await sling(c, ['rollback', 'hello', 'live'])
  expect(back.code, back.stderr).toBe(0)
  expect(back.stdout).toContain('Rolled back alias "live" of hello from v2 100% to version 1, with no routing left.')
  expect(weights(await alias(c))).toEqual(['1', {}])
})

test.concurrent('a rollout gated on smoke invocations: one succeeds, one stops before any traffic moves', {timeout: 120_000}, async (context) => {
  const good = await cloud(context)
  const done = await sling(good, ['rollout', 'hello', 'live', '--to', '2', '--steps', '50', '--interval', '1s', '--smoke', '{}', '--smoke-expect', '{"v": 2}', '--json'])
  expect(done.code, done.stderr).toBe(0)
  expect(parsed(done)).toMatchObject({status: 'completed', steps: [{step: 1, percent: 50}, {step: 2, percent: 100}]})
  expect(weights(await alias(good))).toEqual(['2', {}])

  const broken = await cloud(context, BROKEN)
  const stopped = await sling(broken, ['rollout', 'hello', 'live', '--to', '2', '--steps', '50', '--interval', '1s', '--smoke', '{}'])
  expect(stopped.code).toBe(1)
  expect(stopped.stderr).toContain('Stopped before any traffic moved: smoke 1 failed with a function error: Error: v2 is broken.')
  expect(weights(await alias(broken))).toEqual(['1', {}])
})

test.concurrent('Ctrl-C during a rollout returns the alias to the previous version and exits 130', {timeout: 120_000}, async (context) => {
  const c = await cloud(context)
  const run = slingInBackground(c, ['rollout', 'hello', 'live', '--to', '2', '--strategy', 'canary:10%:5m'])
  await run.routed()
  run.child.kill('SIGINT')
  expect((await run.exited).code).toBe(130)
  expect(run.output().stderr).toContain('Rolled back: alias "live" of hello is on version 1 again')
  expect(weights(await alias(c))).toEqual(['1', {}])
})

test.concurrent('a rollout killed outright is resumed, or rolled back, from a fresh process', {timeout: 120_000}, async (context) => {
  const c = await cloud(context)
  const killed = slingInBackground(c, ['rollout', 'hello', 'live', '--to', '2', '--steps', '50', '--interval', '2s'])
  await killed.routed()
  killed.child.kill('SIGKILL')
  await killed.exited
  expect(weights(await alias(c))).toEqual(['1', {'2': 0.5}])
  const resumed = await sling(c, ['rollout', 'hello', 'live', '--resume', '--json'])
  expect(resumed.code, resumed.stderr).toBe(0)
  expect(parsed(resumed)).toMatchObject({status: 'completed', resumed: true})
  expect(weights(await alias(c))).toEqual(['2', {}])

  const other = await cloud(context)
  const again = slingInBackground(other, ['rollout', 'hello', 'live', '--to', '2', '--strategy', 'canary:10%:5m'])
  await again.routed()
  again.child.kill('SIGKILL')
  await again.exited
  const back = await sling(other, ['rollback', 'hello', 'live'])
  expect(back.code, back.stderr).toBe(0)
  expect(back.stdout).toContain('The rollout of version 2 is abandoned.')
  expect(weights(await alias(other))).toEqual(['1', {}])
})

test.concurrent('a change someone else makes to the alias during a rollout is reported, not overwritten', {timeout: 120_000}, async (context) => {
  const c = await cloud(context)
  const run = slingInBackground(c, ['rollout', 'hello', 'live', '--to', '2', '--steps', '50', '--interval', '3s', '--json'])
  await run.routed()
  await c.lambda.send(new UpdateAliasCommand({FunctionName: 'hello', Name: 'live', FunctionVersion: '1', RoutingConfig: {AdditionalVersionWeights: {}}}))
  expect((await run.exited).code).toBe(1)
  expect(parsed(run.output())).toMatchObject({status: 'conflict', reason: {gate: 'conflict'}})
  expect(run.output().stderr).toContain('was changed by someone else during the rollout')
  expect(weights(await alias(c))).toEqual(['1', {}])
})

test.concurrent('an alarm the test sets to ALARM mid-rollout rolls it back, naming the alarm', {timeout: 120_000}, async (context) => {
  const c = await cloud(context)
  await manualAlarm(c, 'hello-health')
  // A 12 s bake is read every 2 s: the alarm is seen within about 2 s of firing, long before the bake ends.
  const run = slingInBackground(c, ['rollout', 'hello', 'live', '--to', '2', '--steps', '50', '--interval', '12s', '--alarm', 'hello-health', '--json'])
  await run.routed()
  await setAlarm(c, 'hello-health', 'The test says so')
  expect((await run.exited).code).toBe(1)
  const result = parsed(run.output())
  expect(result).toMatchObject({status: 'rolled-back', reason: {gate: 'alarm', figure: 'ALARM'}, exitCode: 1})
  expect(result.reason?.message).toBe('alarm "hello-health" is in ALARM (The test says so)')
  expect(run.output().stderr).toContain('Unhealthy: alarm "hello-health" is in ALARM (The test says so).')
  expect(run.output().stderr).toContain('Rolled back: alias "live" of hello is on version 1 again, with no routing (it was at v1 50%, v2 50%).')
  expect(weights(await alias(c))).toEqual(['1', {}])
})

test.concurrent('an alarm already in ALARM stops the rollout before any traffic moves; --ignore-alarm-at-start lets it go', {timeout: 120_000}, async (context) => {
  const c = await cloud(context)
  await manualAlarm(c, 'hello-health')
  await setAlarm(c, 'hello-health', 'Broken since before the rollout')
  const stopped = await sling(c, ['rollout', 'hello', 'live', '--to', '2', '--steps', '50', '--interval', '1s', '--alarm', 'hello-health', '--json'])
  expect(stopped.code, stopped.stderr).toBe(1)
  expect(parsed(stopped)).toMatchObject({status: 'stopped', steps: [], reason: {gate: 'alarm', message: 'alarm "hello-health" is in ALARM (Broken since before the rollout), before any traffic moved'}})
  expect(stopped.stderr).toContain('pass --ignore-alarm-at-start')
  expect(weights(await alias(c))).toEqual(['1', {}])

  const fix = await sling(c, ['rollout', 'hello', 'live', '--to', '2', '--steps', '50', '--interval', '1s', '--alarm', 'hello-health', '--ignore-alarm-at-start', 'hello-health', '--json'])
  expect(fix.code, fix.stderr).toBe(0)
  expect(parsed(fix)).toMatchObject({status: 'completed', preflight: [{gate: 'alarm', name: 'hello-health', state: 'ALARM', healthy: true, ignored: true}]})
  expect(weights(await alias(c))).toEqual(['2', {}])
})

test.concurrent("a version that throws raises its Errors metric, the alarm on it fires by itself, and the rollout rolls back", {timeout: 120_000}, async (context) => {
  const c = await cloud(context, BROKEN)
  await putAlarm(c, {AlarmName: 'hello-canary-errors', Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: CANARY_SERIES})
  const traffic = trafficThroughAlias(c)
  const run = slingInBackground(c, ['rollout', 'hello', 'live', '--to', '2', '--steps', '50', '--interval', '12s', '--alarm', 'hello-canary-errors', '--json'])
  expect((await run.exited).code).toBe(1)
  const result = parsed(run.output())
  expect(result).toMatchObject({status: 'rolled-back', reason: {gate: 'alarm', figure: 'ALARM'}, preflight: [{gate: 'alarm', name: 'hello-canary-errors', state: 'INSUFFICIENT_DATA'}]})
  expect(result.reason?.message).toMatch(/^alarm "hello-canary-errors" is in ALARM \(Threshold Crossed: 1 datapoint \[\d+\.0 \(.+\)\] was greater than or equal to the threshold \(1\.0\)\.\)$/)
  expect(traffic.ran['2']?.errors).toBeGreaterThan(0)
  expect(weights(await alias(c))).toEqual(['1', {}])
})

test.concurrent('the error-rate gate rolls back a failing version within seconds, from the minute still coming in', {timeout: 120_000}, async (context) => {
  const c = await cloud(context, BROKEN)
  // Metrics are per wall-clock minute: a rollout that straddled a minute's end would be judged on a complete
  // minute instead, which is what this test must not see.
  await withinOneMinute(30_000)
  const traffic = trafficThroughAlias(c)
  const rollout = await sling(c, ['rollout', 'hello', 'live', '--to', '2', '--steps', '50', '--interval', '12s', '--max-error-rate', '1%', '--min-invocations', '5', '--metric-delay', '0s', '--json'])
  expect(rollout.code, rollout.stderr).toBe(1)
  const result = parsed(rollout)
  expect(result).toMatchObject({status: 'rolled-back', reason: {gate: 'error-rate', figure: '100%', limit: '1%'}, steps: [{step: 1, percent: 50}]})
  expect(result.reason?.message).toMatch(/^error rate 100% \((\d+) errors in \1 invocations, counting minutes not yet complete\) is over the limit of 1% \(--max-error-rate\)$/)
  // Judged on the minute still coming in, during the first step's bake: without that it would wait for the minute to end.
  expect(result.steps[0]?.gates).toContainEqual(expect.objectContaining({gate: 'error-rate', status: 'too-high', partial: true}))
  expect(traffic.ran['2']?.errors).toBeGreaterThanOrEqual(5)
  expect(weights(await alias(c))).toEqual(['1', {}])
})

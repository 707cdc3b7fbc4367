/**
 * shift, rollout and rollback through the built CLI against the local cloud's Lambda, over real HTTP. These
 * need no CloudWatch: the rollouts here are gated on smoke invocations only. (The alarm and error-rate gates
 * are proven end to end once the local CloudWatch serves alarms and Lambda's metrics.)
 */
import {spawn} from 'node:child_process'

import {CreateAliasCommand, CreateFunctionCommand, GetAliasCommand, InvokeCommand, LambdaClient, PublishVersionCommand, UpdateAliasCommand, UpdateFunctionCodeCommand, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2} from '@aws-sdk/client-lambda'
import type {AliasConfiguration} from '@aws-sdk/client-lambda'
import {afterEach, expect, test} from 'vitest'

import {startLocalCloud} from '../../src/lib/local/server.js'
import {BIN, runCli, tempDir} from '../helpers/cli.js'
import type {CliResult} from '../helpers/cli.js'
import {makeZip} from '../lib/local/runtime/helpers.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const ROLE = 'arn:aws:iam::123456789012:role/lambda-role' // another account's role: the local cloud accepts it unchecked
const CREDENTIALS = {AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x'}

interface Cloud {
  readonly lambda: LambdaClient
  readonly args: string[]
}

/** A local cloud with function "hello": version 1 answers {v: 1}, version 2 {v: 2} (or throws), alias "live" on 1. */
async function cloud(v2 = 'exports.handler = async () => ({v: 2})'): Promise<Cloud> {
  const temp = await tempDir('sling-rollout-e2e-')
  const local = await startLocalCloud({storeDir: temp.dir, settings: {stateDelayMs: 10}})
  const lambda = new LambdaClient({endpoint: local.endpoint, region: 'us-east-1', credentials: {accessKeyId: 'x', secretAccessKey: 'x'}, maxAttempts: 1})
  cleanups.push(temp.cleanup, () => local.close(), () => Promise.resolve(lambda.destroy()))
  const waiter = {client: lambda, maxWaitTime: 30, minDelay: 1}
  await lambda.send(new CreateFunctionCommand({FunctionName: 'hello', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: {ZipFile: await makeZip({'index.js': 'exports.handler = async () => ({v: 1})'})}}))
  await waitUntilFunctionActiveV2(waiter, {FunctionName: 'hello'})
  await lambda.send(new PublishVersionCommand({FunctionName: 'hello'}))
  await lambda.send(new UpdateFunctionCodeCommand({FunctionName: 'hello', ZipFile: await makeZip({'index.js': v2})}))
  await waitUntilFunctionUpdatedV2(waiter, {FunctionName: 'hello'})
  await lambda.send(new PublishVersionCommand({FunctionName: 'hello'}))
  await lambda.send(new CreateAliasCommand({FunctionName: 'hello', Name: 'live', FunctionVersion: '1'}))
  return {lambda, args: ['--endpoint-url', local.endpoint, '--region', 'us-east-1']}
}

const sling = (c: Cloud, args: string[]): Promise<CliResult> => runCli([...args, ...c.args], {env: CREDENTIALS})
const alias = async (c: Cloud): Promise<AliasConfiguration> => c.lambda.send(new GetAliasCommand({FunctionName: 'hello', Name: 'live'}))
const weights = (a: AliasConfiguration): [string | undefined, Record<string, number>] => [a.FunctionVersion, {...a.RoutingConfig?.AdditionalVersionWeights}]

/** The CLI as a child process the test can signal; resolves `routed` once the alias routes traffic to version 2. */
function slingInBackground(c: Cloud, args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args, ...c.args], {env: {PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1', ...CREDENTIALS}})
  let stderr = ''
  let stdout = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => child.on('exit', (code, signal) => resolve({code, signal})))
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  const routed = async (): Promise<void> => {
    for (let i = 0; i < 300; i++) {
      if ((await alias(c)).RoutingConfig?.AdditionalVersionWeights?.['2'] !== undefined) return
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    throw new Error(`the rollout never routed traffic to version 2:\n${stderr}`)
  }
  return {child, exited, routed, output: () => ({stdout, stderr})}
}

test('shift 25%: the alias splits its invocations; promote; rollback', {timeout: 120_000}, async () => {
  const c = await cloud()
  const shifted = await sling(c, ['shift', 'hello', 'live', '--to', '2', '--weight', '25', '--json'])
  expect(shifted.code, shifted.stderr).toBe(0)
  expect(weights(await alias(c))).toEqual(['1', {'2': 0.25}])

  const seen = {'1': 0, '2': 0} as Record<string, number>
  for (let i = 0; i < 400; i++) {
    const result = await c.lambda.send(new InvokeCommand({FunctionName: 'hello', Qualifier: 'live', Payload: '{}'}))
    seen[result.ExecutedVersion ?? '?'] = (seen[result.ExecutedVersion ?? '?'] ?? 0) + 1
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

test('a rollout gated on smoke invocations: one succeeds, one stops before any traffic moves', {timeout: 120_000}, async () => {
  const good = await cloud()
  const done = await sling(good, ['rollout', 'hello', 'live', '--to', '2', '--steps', '50', '--interval', '1s', '--smoke', '{}', '--smoke-expect', '{"v": 2}', '--json'])
  expect(done.code, done.stderr).toBe(0)
  expect(JSON.parse(done.stdout)).toMatchObject({status: 'completed', steps: [{step: 1, percent: 50}, {step: 2, percent: 100}]})
  expect(weights(await alias(good))).toEqual(['2', {}])

  const broken = await cloud('exports.handler = async () => { throw new Error("v2 is broken") }')
  const stopped = await sling(broken, ['rollout', 'hello', 'live', '--to', '2', '--steps', '50', '--interval', '1s', '--smoke', '{}'])
  expect(stopped.code).toBe(1)
  expect(stopped.stderr).toContain('Stopped before any traffic moved: smoke 1 failed with a function error: Error: v2 is broken.')
  expect(weights(await alias(broken))).toEqual(['1', {}])
})

test('Ctrl-C during a rollout returns the alias to the previous version and exits 130', {timeout: 120_000}, async () => {
  const c = await cloud()
  const run = slingInBackground(c, ['rollout', 'hello', 'live', '--to', '2', '--strategy', 'canary:10%:5m'])
  await run.routed()
  run.child.kill('SIGINT')
  expect((await run.exited).code).toBe(130)
  expect(run.output().stderr).toContain('Rolled back: alias "live" of hello is on version 1 again')
  expect(weights(await alias(c))).toEqual(['1', {}])
})

test('a rollout killed outright is resumed, or rolled back, from a fresh process', {timeout: 120_000}, async () => {
  const c = await cloud()
  const killed = slingInBackground(c, ['rollout', 'hello', 'live', '--to', '2', '--steps', '50', '--interval', '2s'])
  await killed.routed()
  killed.child.kill('SIGKILL')
  await killed.exited
  expect(weights(await alias(c))).toEqual(['1', {'2': 0.5}])
  const resumed = await sling(c, ['rollout', 'hello', 'live', '--resume', '--json'])
  expect(resumed.code, resumed.stderr).toBe(0)
  expect(JSON.parse(resumed.stdout)).toMatchObject({status: 'completed', resumed: true})
  expect(weights(await alias(c))).toEqual(['2', {}])

  const other = await cloud()
  const again = slingInBackground(other, ['rollout', 'hello', 'live', '--to', '2', '--strategy', 'canary:10%:5m'])
  await again.routed()
  again.child.kill('SIGKILL')
  await again.exited
  const back = await sling(other, ['rollback', 'hello', 'live'])
  expect(back.code, back.stderr).toBe(0)
  expect(back.stdout).toContain('The rollout of version 2 is abandoned.')
  expect(weights(await alias(other))).toEqual(['1', {}])
})

test('a change someone else makes to the alias during a rollout is reported, not overwritten', {timeout: 120_000}, async () => {
  const c = await cloud()
  const run = slingInBackground(c, ['rollout', 'hello', 'live', '--to', '2', '--steps', '50', '--interval', '3s', '--json'])
  await run.routed()
  await c.lambda.send(new UpdateAliasCommand({FunctionName: 'hello', Name: 'live', FunctionVersion: '1', RoutingConfig: {AdditionalVersionWeights: {}}}))
  expect((await run.exited).code).toBe(1)
  expect(JSON.parse(run.output().stdout)).toMatchObject({status: 'conflict', reason: {gate: 'conflict'}})
  expect(run.output().stderr).toContain('was changed by someone else during the rollout')
  expect(weights(await alias(c))).toEqual(['1', {}])
})

import {FilterLogEventsCommand} from '@aws-sdk/client-cloudwatch-logs'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {afterAll, beforeAll, expect, test} from 'vitest'

import type {InvokeWorld} from './invoke-helper.js'
import {invokeWorld} from './invoke-helper.js'

// One local cloud for the file; each test works on functions of its own.
let world: InvokeWorld

beforeAll(async () => {
  world = await invokeWorld()
})

afterAll(async () => {
  await world.close()
})

const ECHO = 'exports.handler = async (event, context) => { console.log("echo", JSON.stringify(event)); return {echo: event, version: context.functionVersion, clientContext: context.clientContext ?? null} }'

test('a successful invocation writes the response as is when piped, and status, version and duration on stderr', async () => {
  await world.fn('echo', ECHO)

  const result = await world.sling(['invoke', 'echo', '--payload', '{"id": 1}'])

  expect(result.code).toBe(0)
  expect(JSON.parse(result.stdout)).toEqual({echo: {id: 1}, version: '$LATEST', clientContext: null})
  expect(result.stdout).toBe(`${JSON.stringify({echo: {id: 1}, version: '$LATEST', clientContext: null})}`)
  expect(result.stderr).toMatch(/^200 · version \$LATEST · [\d.]+ m?s · request [0-9a-f-]{36}\n$/)
})

test('--json gives every field; --log prints the decoded log tail; --client-context reaches the handler', async () => {
  await world.fn('echo-json', ECHO)

  const json = await world.sling(['invoke', 'echo-json', '--payload', '{"id": 2}', '--log', '--client-context', '{"custom":{"tenant":"acme"}}', '--json'])
  const logged = await world.sling(['invoke', 'echo-json', '--payload', '{"id": 3}', '--log'])

  expect(json.code).toBe(0)
  const summary = JSON.parse(json.stdout) as Record<string, unknown>
  expect(summary).toMatchObject({status: 'succeeded', functionName: 'echo-json', statusCode: 200, executedVersion: '$LATEST', payload: {echo: {id: 2}, clientContext: {custom: {tenant: 'acme'}}}})
  expect(summary.requestId).toMatch(/^[0-9a-f-]{36}$/)
  expect(summary.log).toMatch(/START RequestId: .*\n[\s\S]*echo \{"id":2\}[\s\S]*REPORT RequestId/)
  expect(logged.stderr).toMatch(/echo \{"id":3\}/)
  expect(logged.stderr).toMatch(/REPORT RequestId: [0-9a-f-]{36}\tDuration/)
})

test('a function that throws prints errorType, message and stack readably and exits 3; piped, stdout carries the error payload', async () => {
  await world.fn('thrower', 'exports.handler = async () => { const error = new TypeError("no such order: 42"); throw error }')

  const result = await world.sling(['invoke', 'thrower'])
  const json = await world.sling(['invoke', 'thrower', '--json'])

  expect(result.code).toBe(3)
  expect(result.stderr).toContain('Function error (Unhandled): TypeError: no such order: 42')
  expect(result.stderr).toMatch(/\n {4}at .*index\.js/)
  expect(JSON.parse(result.stdout)).toMatchObject({errorType: 'TypeError', errorMessage: 'no such order: 42'})
  expect(json.code).toBe(3)
  expect(JSON.parse(json.stdout)).toMatchObject({status: 'function-error', exitCode: 3, functionError: {kind: 'Unhandled', errorType: 'TypeError', errorMessage: 'no such order: 42'}})
})

test('an uncaught exception that crashes the runtime is a function error too (exit 3), not a sling failure', async () => {
  await world.fn('crasher', 'exports.handler = (event, context, callback) => { setTimeout(() => { throw new RangeError("boom in a timer") }, 1) }')

  const result = await world.sling(['invoke', 'crasher', '--json'])

  expect(result.code).toBe(3)
  expect(JSON.parse(result.stdout)).toMatchObject({status: 'function-error', functionError: {errorType: 'RangeError', errorMessage: 'boom in a timer'}})
})

test('a timeout says it timed out and after how long, and exits 3', async () => {
  await world.fn('sleeper', 'exports.handler = () => new Promise((resolve) => setTimeout(resolve, 10000))', {timeout: 1})

  const result = await world.sling(['invoke', 'sleeper'])
  const json = await world.sling(['invoke', 'sleeper', '--json'])

  expect(result.code).toBe(3)
  expect(result.stderr).toContain('Timed out: the function timed out after 1 s')
  expect(JSON.parse(json.stdout)).toMatchObject({status: 'timed-out', timedOutAfterSeconds: 1, exitCode: 3})
})

test('--async queues the invocation (202), and it shows up in the function\'s log', async () => {
  await world.fn('background', 'exports.handler = async (event) => { console.log("processing", event.job) }')

  const result = await world.sling(['invoke', 'background', '--async', '--payload', '{"job":"nightly-42"}', '--json'])

  expect(result.code).toBe(0)
  const summary = JSON.parse(result.stdout) as {status: string; statusCode: number; requestId: string}
  expect(summary).toMatchObject({status: 'queued', statusCode: 202})
  let messages: string[] = []
  for (let i = 0; i < 100 && !messages.some((m) => m.startsWith('END')); i++) {
    const page = await world.logs.send(new FilterLogEventsCommand({logGroupName: '/aws/lambda/background', filterPattern: `"${summary.requestId}"`})).catch(() => ({events: []}))
    messages = (page.events ?? []).map((event) => event.message ?? '')
    await sleep(100)
  }
  expect(messages[0]).toBe(`START RequestId: ${summary.requestId} Version: $LATEST`)
  expect(messages.some((m) => m.includes('processing nightly-42'))).toBe(true)
})

test('--dry-run checks permission and payload, and nothing runs', async () => {
  await world.fn('dry', 'exports.handler = async () => { console.log("ran!") }')

  const result = await world.sling(['invoke', 'dry', '--dry-run'])
  const json = await world.sling(['invoke', 'dry', '--dry-run', '--json'])

  expect(result.code).toBe(0)
  expect(result.stdout).toBe('')
  expect(result.stderr).toContain('(dry run) Lambda would invoke dry: permission checked and payload accepted; nothing ran (204')
  expect(JSON.parse(json.stdout)).toMatchObject({status: 'dry-run', statusCode: 204})
  const page = await world.logs.send(new FilterLogEventsCommand({logGroupName: '/aws/lambda/dry'})).catch(() => ({events: []}))
  expect(page.events ?? []).toEqual([])
})

test('the payload comes from a file (--payload @file) or from standard input', async () => {
  await world.fn('reader', ECHO)
  await writeFile(path.join(world.work, 'event.json'), '{"from": "file"}')

  const fromFile = await world.sling(['invoke', 'reader', '--payload', '@event.json'])
  const fromStdin = await world.sling(['invoke', 'reader'], {input: '{"from": "stdin"}'})
  const missing = await world.sling(['invoke', 'reader', '--payload', '@nope.json'])
  const invalid = await world.sling(['invoke', 'reader', '--payload', '{not json'])

  expect(JSON.parse(fromFile.stdout)).toMatchObject({echo: {from: 'file'}})
  expect(JSON.parse(fromStdin.stdout)).toMatchObject({echo: {from: 'stdin'}})
  expect(missing.code).toBe(2)
  expect(missing.stderr).toContain("The payload file nope.json doesn't exist.")
  expect(invalid.code).toBe(2)
  expect(invalid.stderr).toContain("The payload given with --payload isn't valid JSON")
})

test('an alias reports the version it ran; a weighted alias splits --repeat between its versions', async () => {
  const v1 = await world.publish('shifting', 'exports.handler = async () => "one"')
  const v2 = await world.publish('shifting', 'exports.handler = async () => "two"')
  await world.alias('shifting', 'live', v1)
  await world.alias('shifting', 'canary', v1, {[v2]: 0.5})

  const live = await world.sling(['invoke', 'shifting:live', '--json'])
  const flag = await world.sling(['invoke', 'shifting', '--qualifier', 'live'])
  const repeat = await world.sling(['invoke', 'shifting', '--qualifier', 'canary', '--repeat', '40', '--concurrency', '4', '--json'])

  expect(JSON.parse(live.stdout)).toMatchObject({qualifier: 'live', executedVersion: v1, payload: 'one'})
  expect(flag.stderr).toContain(`· version ${v1} ·`)
  expect(repeat.code).toBe(0)
  const summary = JSON.parse(repeat.stdout) as {versions: {version: string; count: number; percent: number}[]; succeeded: number}
  expect(summary.succeeded).toBe(40)
  expect(summary.versions.map((v) => v.version).sort()).toEqual([v1, v2].sort())
  expect(summary.versions.reduce((sum, v) => sum + v.count, 0)).toBe(40)
})

test('--repeat prints latency percentiles, errors and the version split; a function error among them exits 3', async () => {
  await world.fn('flaky', 'let n = 0; exports.handler = async () => { if (++n % 4 === 0) throw new Error("every fourth"); return n }')

  const result = await world.sling(['invoke', 'flaky', '--repeat', '12', '--concurrency', '1'])
  const json = await world.sling(['invoke', 'flaky', '--repeat', '8', '--json'])

  expect(result.code).toBe(3)
  expect(result.stdout).toContain('12 invocations of flaky, 1 at a time')
  expect(result.stdout).toMatch(/succeeded\s+9\n/)
  expect(result.stdout).toMatch(/function errors\s+3\n/)
  expect(result.stdout).toMatch(/latency\s+p50 [\d.]+ m?s · p90 [\d.]+ m?s · p99 [\d.]+ m?s/)
  expect(result.stdout).toMatch(/\$LATEST\s+100%\s+\(12\)/)
  expect(JSON.parse(json.stdout)).toMatchObject({status: 'completed', invocations: 8, succeeded: 6, functionErrors: 2, throttled: 0, failed: 0, exitCode: 3, versions: [{version: '$LATEST', count: 8, percent: 100}]})
})

test('a payload over Lambda\'s limits is refused before anything is sent, with both limits', async () => {
  await world.fn('big', ECHO)
  await writeFile(path.join(world.work, 'big.json'), JSON.stringify({blob: 'x'.repeat(7 * 1024 * 1024)}))
  await writeFile(path.join(world.work, 'medium.json'), JSON.stringify({blob: 'x'.repeat(2 * 1024 * 1024)}))

  const sync = await world.sling(['invoke', 'big', '--payload', '@big.json'])
  const async = await world.sling(['invoke', 'big', '--payload', '@medium.json', '--async'])
  const unknown = await world.sling(['invoke', 'no-such-function', '--payload', '@big.json', '--json'])

  expect(sync.code).toBe(1)
  expect(sync.stderr).toContain('Lambda accepts at most 6,291,456 bytes for a synchronous invocation')
  expect(sync.stderr).toContain('6,291,456 bytes (6 MB) synchronous, 1,048,576 bytes (1 MB) asynchronous')
  expect(async.code).toBe(1)
  expect(async.stderr).toContain('Lambda accepts at most 1,048,576 bytes for an asynchronous (--async) invocation')
  // Refused before any call: a function that doesn't exist isn't even looked up.
  expect(JSON.parse(unknown.stdout)).toMatchObject({error: {code: 'PayloadTooLarge'}})
})

test('a function that does not exist is a sling failure (exit 1) naming it', async () => {
  const result = await world.sling(['invoke', 'ghost'])

  expect(result.code).toBe(1)
  expect(result.stderr).toContain('Function "ghost" doesn\'t exist')
})

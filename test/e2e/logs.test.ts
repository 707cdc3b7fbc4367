/**
 * `sling logs` as a user runs it: the built CLI against a `sling local serve` whose functions really run.
 * The server's Live Tail sessions last 2.5 s here, so a follow of several seconds reconnects several times.
 */
import {spawn} from 'node:child_process'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {CreateFunctionCommand, InvokeCommand, LambdaClient, PublishVersionCommand, waitUntilFunctionActiveV2, waitUntilPublishedVersionActive} from '@aws-sdk/client-lambda'
import {afterAll, beforeAll, expect, test} from 'vitest'

import {zipOf} from '../helpers/aws.js'
import {BIN, runCli, tempDir} from '../helpers/cli.js'
import type {Served} from './local-serve-helper.js'
import {serve} from './local-serve-helper.js'

const cleanups: (() => Promise<void>)[] = []
let served: Served
let store: string
let lambda: LambdaClient

beforeAll(async () => {
  const {dir, cleanup} = await tempDir('sling-e2e-logs-')
  cleanups.push(cleanup)
  store = path.join(dir, 'store')
  served = await serve(['--port', '0', '--store', store], cleanups, {SLING_LOCAL_STATE_DELAY_MS: '10', SLING_LOCAL_LIVE_TAIL_TIMEOUT_MS: '2500'})
  lambda = new LambdaClient({endpoint: served.info.endpoint, region: 'us-east-1', credentials: {accessKeyId: 'x', secretAccessKey: 'x'}})
  cleanups.push(() => Promise.resolve(lambda.destroy()))
})

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const HANDLER = `exports.handler = async (event) => {
  console.log('handling', JSON.stringify(event))
  if (event.fail) throw new TypeError('it broke: ' + event.n)
  return {ok: event.n}
}`

async function aFunction(name: string): Promise<void> {
  await lambda.send(new CreateFunctionCommand({FunctionName: name, Runtime: 'nodejs20.x', Role: 'arn:aws:iam::123456789012:role/fn', Handler: 'index.handler', Code: {ZipFile: await zipOf({'index.js': HANDLER})}}))
  await waitUntilFunctionActiveV2({client: lambda, maxWaitTime: 30, minDelay: 1}, {FunctionName: name})
}

/** Invokes and returns the request id. */
async function invoke(name: string, payload: Record<string, unknown>, qualifier?: string): Promise<string> {
  const answer = await lambda.send(new InvokeCommand({FunctionName: name, Payload: JSON.stringify(payload), ...(qualifier ? {Qualifier: qualifier} : {})}))
  return answer.$metadata.requestId ?? ''
}

/** `sling logs` through the running server (--local finds it by the store). */
function logs(args: readonly string[]) {
  return runCli(['logs', ...args, '--local'], {env: {SLING_LOCAL_STORE: store}})
}

const starts = (text: string): string[] => text.split('\n').filter((line) => /\bSTART\b/.test(line))

test('logs after invocations: every line of each, REPORT summarised, the error and its stack, exit 0', async () => {
  await aFunction('logs-basic')
  const ok = await invoke('logs-basic', {n: 1})
  const failed = await invoke('logs-basic', {n: 2, fail: true})

  const {code, stdout, stderr} = await logs(['logs-basic'])

  expect(stderr).toBe('')
  expect(code).toBe(0)
  expect(starts(stdout)).toHaveLength(2)
  expect(stdout).toContain(`${ok.slice(0, 8)}  START $LATEST`)
  expect(stdout).toMatch(new RegExp(`${ok.slice(0, 8)}  REPORT [\\d.]+ ms \\(billed \\d+ ms\\) · \\d+/128 MB · cold start`))
  expect(stdout).toContain(`${failed.slice(0, 8)}  ERROR Invoke Error TypeError: it broke: 2`)
  expect(stdout).toMatch(/\n {26}at /) // the stack, under the message
  expect(stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {2}/)
})

test('--request-id, --filter, --since/--until and --json; --endpoint-url works as --local does', async () => {
  await aFunction('logs-search')
  const first = await invoke('logs-search', {n: 1})
  const second = await invoke('logs-search', {n: 2, fail: true})
  await invoke('logs-search', {n: 3})

  const one = await logs(['logs-search', '--request-id', second, '--format', 'raw'])
  expect(one.code).toBe(0)
  const lines = one.stdout.trim().split('\n')
  expect(lines[0]).toBe(`START RequestId: ${second} Version: $LATEST`)
  expect(lines.at(-1)).toMatch(new RegExp(`^REPORT RequestId: ${second}\\t`))
  expect(one.stdout).not.toContain(first)

  const errors = await logs(['logs-search', '--filter', 'ERROR', '--format', 'raw'])
  expect(errors.stdout.trim().split('\n')).toHaveLength(1)
  expect(errors.stdout).toContain('it broke: 2')

  const none = await logs(['logs-search', '--until', '1h'])
  expect(none.code).toBe(0)
  expect(none.stdout).toBe('')
  expect(none.stderr).toMatch(/^No log events in \/aws\/lambda\/logs-search from /)
  const old = await logs(['logs-search', '--since', new Date(Date.now() - 2 * 86_400_000).toISOString(), '--json'])
  const events = old.stdout.trim().split('\n').map((line) => JSON.parse(line) as {type: string; requestId?: string})
  expect(events.filter((event) => event.type === 'start').map((event) => event.requestId)).toEqual([first, second, expect.any(String)])

  const viaEndpoint = await runCli(['logs', 'logs-search', '--endpoint-url', served.info.endpoint, '--region', 'us-east-1', '--request-id', first, '--format', 'raw'], {
    env: {AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x'},
  })
  expect(viaEndpoint.stderr).toBe('')
  expect(starts(viaEndpoint.stdout)).toEqual([`START RequestId: ${first} Version: $LATEST`])
})

test("--qualifier: only that version's lines; an unknown alias is an error", async () => {
  await aFunction('logs-versions')
  await lambda.send(new PublishVersionCommand({FunctionName: 'logs-versions'}))
  await waitUntilPublishedVersionActive({client: lambda, maxWaitTime: 30, minDelay: 1}, {FunctionName: 'logs-versions', Qualifier: '1'})
  const onOne = await invoke('logs-versions', {n: 1}, '1')
  const onLatest = await invoke('logs-versions', {n: 2})

  const v1 = await logs(['logs-versions', '--qualifier', '1'])
  expect(v1.code).toBe(0)
  expect(starts(v1.stdout)).toHaveLength(1)
  expect(v1.stdout).toContain(`${onOne.slice(0, 8)}  START v1`)
  expect(v1.stdout).not.toContain(onLatest.slice(0, 8))
  const latest = await logs(['logs-versions:$LATEST', '--format', 'raw'])
  expect(starts(latest.stdout)).toEqual([`START RequestId: ${onLatest} Version: $LATEST`])

  const unknown = await logs(['logs-versions', '--qualifier', 'nope'])
  expect(unknown.code).toBe(1)
  expect(unknown.stderr).toContain('Function "logs-versions" has no alias or version "nope".')
})

/** `sling logs --follow` running in the background, its output collected as it comes. */
function follow(args: readonly string[]) {
  const child = spawn(process.execPath, [BIN, 'logs', ...args, '--follow', '--local'], {
    env: {PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1', SLING_LOCAL_STORE: store, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'},
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL')
    await exited
  })
  const until = async (check: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 20_000
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stdout:\n${stdout}\nstderr:\n${stderr}`)
      await sleep(25)
    }
  }
  return {child, exited, until, stdout: () => stdout, stderr: () => stderr}
}

/** N invocations while `args` follows: exactly N START lines (none twice, none missing), and Ctrl-C exits 0. */
async function followsEveryInvocation(name: string, args: readonly string[], announcement: string): Promise<string> {
  await aFunction(name)
  await invoke(name, {n: 0}) // before following: not shown
  const follower = follow([name, ...args])
  await follower.until(() => follower.stderr().includes(announcement), 'the follower to start')
  const ids: string[] = []
  for (let n = 1; n <= 6; n++) {
    ids.push(await invoke(name, {n}))
    await sleep(900) // across several Live Tail sessions of 2.5 s
  }
  await follower.until(() => starts(follower.stdout()).length >= ids.length, `${ids.length} START lines`)
  await sleep(1500) // a duplicate would have arrived by now
  follower.child.kill('SIGINT')
  expect(await follower.exited).toBe(0)
  const seen = starts(follower.stdout()).map((line) => /START RequestId: (\S+)/.exec(line)?.[1])
  expect(seen).toEqual(ids)
  return follower.stderr()
}

test('--follow over Live Tail: exactly the invocations made while it runs, across reconnects, and Ctrl-C exits 0', async () => {
  const stderr = await followsEveryInvocation('logs-live', ['--format', 'raw'], 'through Live Tail')
  expect(stderr).toContain('Following /aws/lambda/logs-live through Live Tail (Ctrl-C to stop)…')
  expect(stderr).not.toContain('Warning')
})

test('--follow --poll: exactly the invocations made while it runs, and Ctrl-C exits 0', async () => {
  const stderr = await followsEveryInvocation('logs-poll', ['--format', 'raw', '--poll'], 'by polling')
  expect(stderr).toContain('Following /aws/lambda/logs-poll by polling FilterLogEvents every second (Ctrl-C to stop)…')
})

test('--follow on a function that has never run waits for its log group, then shows its first invocation', async () => {
  await aFunction('logs-fresh')
  const follower = follow(['logs-fresh', '--format', 'raw'])
  await follower.until(() => follower.stderr().includes('Waiting for /aws/lambda/logs-fresh to appear'), 'the waiting notice')
  const id = await invoke('logs-fresh', {n: 1})
  await follower.until(() => starts(follower.stdout()).length === 1, 'the first START line')
  follower.child.kill('SIGINT')
  expect(await follower.exited).toBe(0)
  expect(starts(follower.stdout())).toEqual([`START RequestId: ${id} Version: $LATEST`])
})

test('--follow stops by itself, exit 0, once its reader is gone (`sling logs fn --follow | head -1`)', async () => {
  await aFunction('logs-head')
  await invoke('logs-head', {n: 0})
  const follower = follow(['logs-head', '--format', 'raw'])
  await follower.until(() => follower.stderr().includes('through Live Tail'), 'the follower to start')
  await invoke('logs-head', {n: 1})
  await follower.until(() => starts(follower.stdout()).length === 1, 'the first START line')
  follower.child.stdout.destroy() // what head does once it has its line
  await invoke('logs-head', {n: 2})
  expect(await follower.exited).toBe(0)
})

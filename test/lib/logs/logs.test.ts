/** `sling logs` as a workflow: which group, which lines, which invocation, and how it follows. */
import {afterEach, beforeEach, expect, test, vi} from 'vitest'

import type {LambdaApi} from '../../../src/lib/aws/lambda.js'
import type {AliasInfo, FunctionInfo} from '../../../src/lib/aws/types.js'
import {UserError} from '../../../src/lib/errors.js'
import type {LogsOptions} from '../../../src/lib/logs/logs.js'
import {showLogs} from '../../../src/lib/logs/logs.js'
import {createOutput} from '../../../src/lib/output.js'
import {resolveTarget} from '../../../src/lib/targets.js'
import {rejectionOf} from '../../helpers/aws.js'
import {fakeClock} from '../../helpers/clock.js'
import type {FakeEvent} from './fake-logs.js'
import {anEvent, fakeLogs} from './fake-logs.js'

const NOW = Date.UTC(2025, 0, 31, 12)
const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:shop-api'

beforeEach(() => {
  vi.stubEnv('TZ', 'UTC')
})
afterEach(() => {
  vi.unstubAllEnvs()
})

function lambda(fn: Partial<FunctionInfo> | 'missing' = {}, aliases: Record<string, AliasInfo> = {}): Pick<LambdaApi, 'getFunction' | 'getAlias'> {
  return {
    getFunction: vi.fn(() => Promise.resolve(fn === 'missing' ? undefined : ({name: 'shop-api', arn: ARN, version: '$LATEST', ...fn} as FunctionInfo))),
    getAlias: vi.fn((_name: string, alias: string) => Promise.resolve(aliases[alias])),
  }
}

function capture(): {stream: NodeJS.WriteStream; text: () => string} {
  let text = ''
  return {stream: {isTTY: false, write: (chunk: string) => ((text += chunk), true)} as unknown as NodeJS.WriteStream, text: () => text}
}

async function run(options: Partial<LogsOptions>, events: FakeEvent[], deps: {lambda?: Pick<LambdaApi, 'getFunction' | 'getAlias'>; json?: boolean} = {}) {
  const stdout = capture()
  const stderr = capture()
  const output = createOutput({stdout: stdout.stream, stderr: stderr.stream, env: {}, json: deps.json})
  const clock = fakeClock(NOW)
  const logs = fakeLogs({clock, events})
  const result = await showLogs(
    {target: resolveTarget('shop-api', {allowQualifier: true}), follow: false, poll: false, format: 'pretty', color: false, ...options},
    {lambda: deps.lambda ?? lambda(), logs, output, clock, signal: new AbortController().signal},
  )
  return {result, logs, stdout: stdout.text(), stderr: stderr.text()}
}

const invocation = (id: string, at: number, stream = '2025/01/31/[$LATEST]abc'): FakeEvent[] => [
  anEvent(`START RequestId: ${id} Version: $LATEST`, at, {stream}),
  anEvent(`2025-01-31T11:59:00.000Z\t${id}\tINFO\tworking on ${id}`, at + 1, {stream}),
  anEvent(`END RequestId: ${id}`, at + 2, {stream}),
  anEvent(`REPORT RequestId: ${id}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t`, at + 2, {stream}),
]

test("reads the function's own log group (its logging config) over the last 10 minutes, every line on stdout", async () => {
  const {result, logs, stdout, stderr} = await run({}, invocation('aaaaaaaa-1', NOW - 60_000), {lambda: lambda({loggingConfig: {logGroup: '/custom/shop'}})})
  expect(logs.filterEvents).toHaveBeenCalledWith('/custom/shop', expect.objectContaining({startTime: NOW - 600_000, endTime: undefined}))
  expect(stdout.split('\n').filter(Boolean)).toEqual([
    '11:59:00.000  aaaaaaaa  START $LATEST',
    '11:59:00.001  aaaaaaaa  INFO  working on aaaaaaaa-1',
    '11:59:00.002  aaaaaaaa  END',
    '11:59:00.002  aaaaaaaa  REPORT 1.00 ms (billed 1 ms) · 40/128 MB',
  ])
  expect(stderr).toBe('')
  expect(result).toEqual({status: 'read', functionName: 'shop-api', logGroup: '/custom/shop', events: 4})
})

test('--since, --until and --filter go to FilterLogEvents; nothing found says so on stderr', async () => {
  const {logs, stdout, stderr} = await run({since: '2h', until: '1h', filter: 'ERROR'}, [])
  expect(logs.filterEvents).toHaveBeenCalledWith('/aws/lambda/shop-api', expect.objectContaining({startTime: NOW - 7_200_000, endTime: NOW - 3_600_000, filterPattern: 'ERROR'}))
  expect(stdout).toBe('')
  expect(stderr).toBe('No log events in /aws/lambda/shop-api from 10:00:00.000 to 11:00:00.000 matching ERROR.\n')
})

test("--qualifier: only that version's streams; an alias means its version and the one it routes traffic to", async () => {
  const events = [
    anEvent('from v7', NOW - 3000, {stream: '2025/01/31/[7]abc'}),
    anEvent('from v8', NOW - 2000, {stream: '2025/01/31/[8]def'}),
    anEvent('from latest', NOW - 1000, {stream: '2025/01/31/[$LATEST]ghi'}),
  ]
  expect((await run({qualifier: '7', format: 'raw'}, events)).stdout).toBe('from v7\n')
  expect((await run({qualifier: '$LATEST', format: 'raw'}, events)).stdout).toBe('from latest\n')
  const live = {name: 'live', arn: `${ARN}:live`, version: '7', routing: {'8': 0.1}}
  expect((await run({qualifier: 'live', format: 'raw'}, events, {lambda: lambda({}, {live})})).stdout).toBe('from v7\nfrom v8\n')
  expect(await rejectionOf(run({qualifier: 'beta'}, events))).toMatchObject({code: 'AliasNotFound'})
})

test('--request-id: that invocation from START to REPORT, in its stream, without its neighbours', async () => {
  const id = 'bbbbbbbb-2'
  const events = [
    ...invocation('aaaaaaaa-1', NOW - 10_000),
    // Starts in the millisecond the previous invocation ended, in the same environment.
    ...invocation(id, NOW - 10_000 + 2),
    // Another environment, at the same time.
    ...invocation('cccccccc-3', NOW - 10_000 + 1, '2025/01/31/[$LATEST]other'),
    ...invocation('dddddddd-4', NOW - 5000),
  ]
  const {stdout, logs} = await run({requestId: id, format: 'raw'}, events)
  expect(stdout.split('\n').filter(Boolean)).toEqual(events.slice(4, 8).map((e) => e.message))
  expect(logs.filterEvents.mock.calls[0]?.[1]).toMatchObject({filterPattern: `"${id}"`})
  expect(logs.filterEvents.mock.calls[1]?.[1]).toMatchObject({streamNames: ['2025/01/31/[$LATEST]abc'], startTime: NOW - 10_000 + 2})
  const missing = await rejectionOf(run({requestId: 'nope'}, events))
  expect(missing).toMatchObject({code: 'InvocationNotFound'})
  expect(missing.message).toBe('No invocation nope in /aws/lambda/shop-api between 11:50:00.000 and now.')
})

test('--json: one JSON object per event on stdout (JSON Lines)', async () => {
  const {stdout} = await run({}, invocation('aaaaaaaa-1', NOW - 60_000), {json: true})
  const lines = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)
  expect(lines.map((line) => line.type)).toEqual(['start', 'log', 'end', 'report'])
  expect(lines[1]).toMatchObject({requestId: 'aaaaaaaa-1', level: 'INFO', logStream: '2025/01/31/[$LATEST]abc', time: '2025-01-31T11:59:00.001Z'})
})

test("a function that is gone: its logs are read where Lambda kept them, with a warning; following one is an error", async () => {
  const {stdout, stderr, logs} = await run({format: 'raw'}, [anEvent('still here', NOW - 1000)], {lambda: lambda('missing')})
  expect(stdout).toBe('still here\n')
  expect(stderr).toContain('Function "shop-api" doesn\'t exist (any more); reading /aws/lambda/shop-api')
  expect(logs.filterEvents).toHaveBeenCalledWith('/aws/lambda/shop-api', expect.anything())
  expect(await rejectionOf(run({follow: true}, [], {lambda: lambda('missing')}))).toMatchObject({code: 'FunctionNotFound'})
})

test('following where Live Tail is refused: says why, then polls', async () => {
  const controller = new AbortController()
  const clock = fakeClock(NOW)
  const logs = fakeLogs({clock, events: [anEvent('polled', NOW + 1500, {delay: 100})], refuse: new UserError('LiveTailUnavailable', "Live Tail isn't available at http://localhost:4566: UnknownOperationException")})
  const stdout = capture()
  const stderr = capture()
  const sleep = clock.sleep.bind(clock)
  clock.sleep = async (ms, signal) => {
    await sleep(ms, signal)
    if (clock.now() > NOW + 5000) controller.abort()
  }
  const result = await showLogs(
    {target: resolveTarget('shop-api'), follow: true, poll: false, format: 'raw', color: false},
    {lambda: lambda(), logs, output: createOutput({stdout: stdout.stream, stderr: stderr.stream, env: {}}), clock, signal: controller.signal},
  )
  expect(result).toMatchObject({status: 'followed', via: 'polling', events: 1})
  expect(stdout.text()).toBe('polled\n')
  expect(stderr.text().split('\n').filter(Boolean)).toEqual([
    "Live Tail isn't available at http://localhost:4566: UnknownOperationException; polling instead.",
    'Following /aws/lambda/shop-api by polling FilterLogEvents every second (Ctrl-C to stop)…',
  ])
  expect(logs.liveTail).toHaveBeenCalledWith(['arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/shop-api'], expect.anything())
})

/** `sling logs` run in-process with a fake Lambda and Logs: what reaches stdout and stderr, and the exit codes. */
import {afterEach, beforeEach, expect, test, vi} from 'vitest'

import Logs from '../../src/commands/logs.js'
import type {LambdaApi} from '../../src/lib/aws/lambda.js'
import type {LogsApi} from '../../src/lib/aws/logs.js'
import type {AwsSettings} from '../../src/lib/aws/settings.js'
import type {FunctionInfo} from '../../src/lib/aws/types.js'
import type {AwsFlags} from '../../src/lib/base-command.js'
import {abortReason} from '../../src/lib/clock.js'
import type {CommandDeps} from '../../src/lib/deps.js'
import {createAwsDeps} from '../../src/lib/deps.js'
import {ExitCode} from '../../src/lib/errors.js'
import type {FakeEvent} from '../lib/logs/fake-logs.js'
import {anEvent, fakeLogs} from '../lib/logs/fake-logs.js'
import {fakeClients, fakeProcess, runIn} from './helpers.js'

const ID = '8f5c2a1e-3b7d-4c0a-9e41-2d6f0b9a7c13'
const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:hello'

beforeEach(() => {
  vi.stubEnv('TZ', 'UTC')
  vi.stubEnv('FORCE_COLOR', '0')
})
afterEach(() => {
  vi.unstubAllEnvs()
})

/** The command over in-memory Lambda and Logs, on the real clock; `onStart` runs when a read or a session begins. */
function logsCommand(events: FakeEvent[], options: {onRead?: (proc: ReturnType<typeof fakeProcess>) => void} = {}) {
  const proc = fakeProcess()
  const getFunction = vi.fn(() => Promise.resolve({name: 'hello', arn: ARN, version: '$LATEST'} as FunctionInfo))
  const lambda = {getFunction, getAlias: vi.fn(() => Promise.resolve(undefined))} as unknown as LambdaApi
  const logs = fakeLogs({clock: {now: () => Date.now(), sleep: (ms, signal) => new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, Math.min(ms, 20))
    signal?.addEventListener('abort', () => {
      clearTimeout(timer)
      reject(abortReason(signal))
    }, {once: true})
  })}, events})
  const filterEvents = logs.filterEvents.getMockImplementation()
  logs.filterEvents.mockImplementation((group, filter) => {
    options.onRead?.(proc)
    return filterEvents?.(group, filter) ?? (async function* () {})()
  })
  class Faked extends Logs {
    protected override processControl = proc
    protected override createDeps(asked: AwsSettings, flags: AwsFlags): CommandDeps {
      const deps = createAwsDeps({settings: asked, output: this.output(flags), interrupts: this.interrupts, connect: fakeClients().connect})
      return {...deps, lambda, logs: logs as unknown as LogsApi}
    }
  }
  return {command: Faked, proc, logs, lambda: {getFunction}}
}

const invocation = (at: number): FakeEvent[] => [
  anEvent(`START RequestId: ${ID} Version: $LATEST`, at),
  anEvent(`${new Date(at).toISOString()}\t${ID}\tINFO\thello`, at),
  anEvent(`END RequestId: ${ID}`, at + 1),
  anEvent(`REPORT RequestId: ${ID}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t`, at + 1),
]

test('lines on stdout, without colour when piped; nothing on stderr', async () => {
  const at = Date.now() - 60_000
  const {command} = logsCommand(invocation(at))
  const {code, stdout, stderr} = await runIn(command, ['hello'])
  expect(code).toBe(0)
  expect(stdout.split('\n').filter(Boolean)).toHaveLength(4)
  expect(stdout).toContain('8f5c2a1e  INFO  hello')
  expect(stdout).not.toContain('\u001B')
  expect(stderr).toBe('')
})

test('--json prints JSON Lines, one object per event, and nothing else', async () => {
  const {command} = logsCommand(invocation(Date.now() - 60_000))
  const {code, stdout, stderr} = await runIn(command, ['hello', '--json'])
  expect(code).toBe(0)
  const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as {type: string; requestId: string})
  expect(lines.map((line) => line.type)).toEqual(['start', 'log', 'end', 'report'])
  expect(lines.every((line) => line.requestId === ID)).toBe(true)
  expect(stderr).toBe('')
})

test('FUNCTION:QUALIFIER works as --qualifier', async () => {
  const at = Date.now() - 1000
  const {command} = logsCommand([anEvent('v7 line', at, {stream: '2025/01/31/[7]a'}), anEvent('v8 line', at, {stream: '2025/01/31/[8]b'})])
  const {stdout} = await runIn(command, ['hello:7', '--format', 'raw'])
  expect(stdout).toBe('v7 line\n')
})

test.each([
  [['hello', '--follow', '--until', '1h'], '--until=1h cannot also be provided when using --follow'],
  [['hello', '--poll'], 'All of the following must be provided when using --poll: --follow'],
  [['hello', '--request-id', ID, '--filter', 'ERROR'], 'cannot also be provided when using'],
  [['hello', '--since', 'yesterday'], '--since "yesterday" is neither a duration'],
  [['hello', '--format', 'fancy'], 'Expected --format=fancy to be one of: pretty, raw, json'],
])('usage errors exit 2 before any AWS call: %s', async (argv, message) => {
  const {command, lambda} = logsCommand([])
  const {code, stderr} = await runIn(command, argv)
  expect(code).toBe(ExitCode.Usage)
  expect(stderr).toContain(message)
  expect(lambda.getFunction).not.toHaveBeenCalled()
})

test('Ctrl-C ends --follow cleanly: exit 0', async () => {
  const fake = logsCommand([], {onRead: (proc) => setTimeout(() => proc.signals.emit('SIGINT'), 50)})
  const {code, stderr} = await runIn(fake.command, ['hello', '--follow', '--poll'])
  expect(code).toBe(0)
  expect(stderr).toContain('Following /aws/lambda/hello by polling FilterLogEvents every second (Ctrl-C to stop)…')
  expect(fake.proc.exit).not.toHaveBeenCalled()
})

test('Ctrl-C during a read is an interruption: exit 130', async () => {
  const fake = logsCommand(invocation(Date.now() - 1000), {onRead: (proc) => proc.signals.emit('SIGINT')})
  const {code} = await runIn(fake.command, ['hello'])
  expect(code).toBe(ExitCode.Interrupted)
})

test('--json: an error ends the JSON Lines with one line of its own', async () => {
  const {command} = logsCommand([])
  const {code, stdout} = await runIn(command, ['hello', '--json', '--request-id', ID])
  expect(code).toBe(ExitCode.Failure)
  expect(stdout.trim().split('\n')).toHaveLength(1)
  expect(JSON.parse(stdout)).toMatchObject({error: {code: 'InvocationNotFound'}})
})

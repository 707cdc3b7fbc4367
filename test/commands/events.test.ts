import {expect, test} from 'vitest'

import EventsAttach from '../../src/commands/events/attach.js'
import EventsDetach from '../../src/commands/events/detach.js'
import EventsList from '../../src/commands/events/list.js'
import Url from '../../src/commands/url.js'
import type {AwsSettings} from '../../src/lib/aws/settings.js'
import type {FunctionInfo} from '../../src/lib/aws/types.js'
import type {AwsFlags, ProcessControl} from '../../src/lib/base-command.js'
import {systemClock} from '../../src/lib/clock.js'
import type {CommandDeps} from '../../src/lib/deps.js'
import {fakeBuses, fakeEventOps, fakeEventState, fakeNotificationOps} from '../helpers/fake-events.js'
import {fakeProcess, runIn} from './helpers.js'

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:worker'
const QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:jobs'

/** The command with deps whose Lambda, SQS and S3 are in-memory fakes sharing `state`. */
function withFakes<C extends {prototype: {run(): Promise<unknown>}}>(Command: C, state = fakeEventState(), options: {readonly proc?: ProcessControl; readonly s3?: Partial<ReturnType<typeof fakeNotificationOps>>; readonly lambda?: Partial<ReturnType<typeof fakeEventOps>>; readonly push?: Partial<ReturnType<typeof fakeBuses>>} = {}): C {
  const info = (): FunctionInfo => ({name: 'worker', arn: ARN, version: '$LATEST', packageType: 'Zip', role: 'arn:aws:iam::123456789012:role/r', codeSha256: '', codeSize: 0, environment: {}, architecture: 'x86_64', layers: [], tags: state.tags.get('worker') ?? {}})
  const unused = new Proxy({}, {get: () => () => Promise.reject(new Error('not used'))})
  const Base = Command as unknown as new (...args: never[]) => {createDeps(settings: AwsSettings, flags: AwsFlags): CommandDeps; output(flags?: AwsFlags): CommandDeps['output']; interrupts: CommandDeps['interrupts']}
  class WithFakes extends Base {
    protected processControl = options.proc ?? fakeProcess()

    override createDeps(_settings: AwsSettings, flags: AwsFlags): CommandDeps {
      return {
        ...(unused as CommandDeps), lambda: {...fakeEventOps(state), ...options.lambda, getFunction: () => Promise.resolve(info())} as unknown as CommandDeps['lambda'],
        sqs: {getQueue: (name: string) => Promise.resolve(name === 'jobs' ? {url: 'u', arn: QUEUE, visibilityTimeout: 30} : undefined)},
        s3: {...fakeNotificationOps(state), ...options.s3} as unknown as CommandDeps['s3'], output: this.output(flags), clock: systemClock, interrupts: this.interrupts,
        ...options.push, region: () => Promise.resolve('eu-west-1'), calls: () => ({reads: 0, writes: 0, byOperation: {}}), close: () => Promise.resolve(),
      }
    }
  }
  return WithFakes as unknown as C
}

test('events attach prints one line on stdout (progress on stderr), and --json the mapping with its state and owner', async () => {
  const state = fakeEventState()
  const line = await runIn(withFakes(EventsAttach, state), ['worker', 'sqs:jobs', '--batch-size', '3'])
  expect(line.code).toBe(0)
  expect(line.stdout).toMatch(/^Attached sqs:jobs → worker \(mapping [0-9a-f-]{36}\): Enabled, batch size 3\.\n$/)
  expect(line.stderr).toContain('Mapping sqs:jobs to worker…')
  const json = await runIn(withFakes(EventsAttach, state), ['worker', 'sqs:jobs', '--batch-size', '3', '--json'])
  expect(JSON.parse(json.stdout)).toMatchObject({status: 'unchanged', kind: 'mapping', functionName: 'worker', mapping: {source: 'sqs:jobs', eventSourceArn: QUEUE, state: 'Enabled', batchSize: 3, managedBy: 'sling-cli'}})
})

test('events list piped prints one tab-separated line per source', async () => {
  const state = fakeEventState()
  await runIn(withFakes(EventsAttach, state), ['worker', 'sqs:jobs', '--batch-size', '4', '--batching-window', '2'])
  const listed = await runIn(withFakes(EventsList, state), ['worker'])
  const uuid = [...state.mappings.keys()][0]
  expect(listed.stdout).toBe(`sqs:jobs\t\tEnabled\t4\t2\tNo records processed\tsling-cli\t${uuid}\n`)
})

test('sling url prints only the URL on stdout; NONE warns on stderr and adds the two public statements', async () => {
  const state = fakeEventState()
  const run = await runIn(withFakes(Url, state), ['worker', '--auth', 'NONE'])
  expect(run.code).toBe(0)
  expect(run.stdout).toBe('https://worker.lambda-url.eu-west-1.on.aws/\n')
  expect(run.stderr).toContain('Warning: Anyone on the internet who has this URL can call the function')
  expect(state.policies.get('worker:')?.map((s) => s.Action)).toEqual(['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction'])
})

test('an unknown source is a usage error (exit 2) that lists the forms, and no AWS call is made', async () => {
  const state = fakeEventState()
  const run = await runIn(withFakes(EventsAttach, state), ['worker', 'ftp:files'])
  expect(run.code).toBe(2)
  expect(run.stderr).toContain('"ftp:files" isn\'t an event source sling can attach.')
  expect(run.stderr).toContain('sqs:QUEUE (or the queue ARN)')
  expect(state.calls).toEqual([])
})

test('Ctrl-C during an S3 attach: the permission it added is taken back before sling exits 130', async () => {
  const state = fakeEventState()
  state.notifications.set('uploads', {})
  const proc = fakeProcess()
  let policiesAtExit: unknown
  proc.exit.mockImplementation(() => void (policiesAtExit = structuredClone(state.policies.get('worker:'))))
  const putBucketNotifications = (): Promise<void> => {
    proc.signals.emit('SIGINT') // Ctrl-C while S3 writes the notification
    return Promise.reject(new DOMException('Interrupted by SIGINT', 'AbortError'))
  }
  const ops = fakeEventOps(state)
  // A real RemovePermission is an HTTP round trip: slower than the few ticks an exit takes.
  const removePermission: typeof ops.removePermission = async (...args) => {
    await new Promise((resolve) => setTimeout(resolve, 20))
    return ops.removePermission(...args)
  }
  const run = await runIn(withFakes(EventsAttach, state, {proc, s3: {putBucketNotifications}, lambda: {removePermission}}), ['worker', 's3:uploads'])
  expect(run.code).toBe(130)
  expect(state.policies.get('worker:')).toEqual([])
  expect(policiesAtExit ?? []).toEqual([]) // never exits with the permission still there
})

test('Ctrl-C while sling url records a new URL: the URL is deleted again before sling exits 130', async () => {
  const state = fakeEventState()
  const proc = fakeProcess()
  let urlsAtExit = -1
  proc.exit.mockImplementation(() => void (urlsAtExit = state.urls.size))
  const ops = fakeEventOps(state)
  const tagResource = (): Promise<void> => {
    proc.signals.emit('SIGINT') // Ctrl-C while the ledger entry is written
    return Promise.reject(new DOMException('Interrupted by SIGINT', 'AbortError'))
  }
  // A real DeleteFunctionUrlConfig is an HTTP round trip: slower than the few ticks an exit takes.
  const deleteUrlConfig: typeof ops.deleteUrlConfig = async (...args) => {
    await new Promise((resolve) => setTimeout(resolve, 20))
    return ops.deleteUrlConfig(...args)
  }
  const run = await runIn(withFakes(Url, state, {proc, lambda: {tagResource, deleteUrlConfig}}), ['worker'])
  expect(run.code).toBe(130)
  expect(state.urls.size).toBe(0)
  expect(urlsAtExit === -1 || urlsAtExit === 0).toBe(true) // never exits with the URL still there
})

test('events detach FUNCTION schedule removes the schedules only, and detach FUNCTION eventbridge the pattern rules only', async () => {
  const state = fakeEventState()
  const push = fakeBuses()
  const attach = (...argv: string[]) => runIn(withFakes(EventsAttach, state, {push}), ['worker', ...argv])
  expect((await attach('schedule', '--schedule', 'rate(5 minutes)')).code).toBe(0)
  expect((await attach('eventbridge', '--pattern', '{"source": ["shop"]}')).code).toBe(0)
  const kinds = (): string[] => [...push.rules.values()].map((r) => (r.scheduleExpression ? 'schedule' : 'pattern'))
  expect(kinds().sort()).toEqual(['pattern', 'schedule'])
  expect((await runIn(withFakes(EventsDetach, state, {push}), ['worker', 'schedule'])).code).toBe(0)
  expect(kinds()).toEqual(['pattern'])
  expect((await attach('schedule', '--schedule', 'rate(5 minutes)')).code).toBe(0)
  expect((await runIn(withFakes(EventsDetach, state, {push}), ['worker', 'eventbridge'])).code).toBe(0)
  expect(kinds()).toEqual(['schedule'])
})

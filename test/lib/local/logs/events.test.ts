/**
 * Log streams on disk: read a page at a time (CloudWatch's 1 MB / 10,000 events), event ids and tokens
 * that stay put when retention drops old events, streams of older slings, and writers killed mid-append.
 */
import {appendFile, mkdir, readdir, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {afterEach, expect, test} from 'vitest'

import {LogStore} from '../../../../src/lib/local/logs/events.js'
import {OPERATIONS} from '../../../../src/lib/local/logs/operations.js'
import type {LogsScope} from '../../../../src/lib/local/logs/operations.js'
import {Store} from '../../../../src/lib/local/store.js'
import {tempDir} from '../../../helpers/cli.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const PAGE = 1_048_576
const DAY = 86_400_000

async function scope(): Promise<LogsScope> {
  const temp = await tempDir('sling-logs-')
  cleanups.push(temp.cleanup)
  return {logs: new LogStore(new Store(temp.dir), 'us-east-1'), region: 'us-east-1', accountId: '000000000000'}
}

/** The output fields these tests read. */
interface Output {
  readonly events: {readonly message: string; readonly eventId?: string}[]
  readonly nextForwardToken?: string
  readonly nextBackwardToken?: string
  readonly nextToken?: string
  readonly logStreams: Record<string, unknown>[]
}

async function call(s: LogsScope, operation: string, input: Record<string, unknown>): Promise<Output> {
  const run = OPERATIONS[operation]
  if (!run) throw new Error(`no operation ${operation}`)
  return (await run(input, s)) as Output
}

/** `count` events of about `size` bytes each, numbered in their message ("000017 xxxx…"), one second apart from `start`. */
function events(count: number, size: number, start: number, first = 0): {timestamp: number; message: string}[] {
  return Array.from({length: count}, (_, i) => ({timestamp: start + i * 1000, message: `${String(first + i).padStart(6, '0')} ${'x'.repeat(size)}`}))
}

const numbers = (page: {events: {message: string}[]}): number[] => page.events.map((event) => Number(event.message.slice(0, 6)))
const pageBytes = (page: {events: {message: string}[]}): number => page.events.reduce((sum, event) => sum + Buffer.byteLength(event.message) + 26, 0)

test('a 12 MB stream is read a page at a time: at most 1 MB per page, every event once and in order, forward, backward and filtered', async () => {
  const s = await scope()
  await call(s, 'CreateLogGroup', {logGroupName: '/big'})
  await call(s, 'CreateLogStream', {logGroupName: '/big', logStreamName: 'big'})
  const start = Date.now() - 3600_000
  for (let batch = 0; batch < 16; batch++) {
    await call(s, 'PutLogEvents', {logGroupName: '/big', logStreamName: 'big', logEvents: events(3, 256 * 1024, start + batch * 3000, batch * 3)})
  }

  const forward: number[] = []
  let token: string | undefined
  for (;;) {
    const page = await call(s, 'GetLogEvents', {logGroupName: '/big', logStreamName: 'big', ...(token ? {nextToken: token} : {startFromHead: true})})
    expect(pageBytes(page)).toBeLessThanOrEqual(PAGE)
    forward.push(...numbers(page))
    if (page.nextForwardToken === token) break
    token = page.nextForwardToken
  }
  expect(forward).toEqual(Array.from({length: 48}, (_, i) => i))

  const backward: number[] = []
  let back: string | undefined
  for (;;) {
    const page = await call(s, 'GetLogEvents', {logGroupName: '/big', logStreamName: 'big', ...(back ? {nextToken: back} : {})})
    expect(pageBytes(page)).toBeLessThanOrEqual(PAGE)
    if (page.events.length === 0) break
    backward.unshift(...numbers(page))
    back = page.nextBackwardToken
  }
  expect(backward).toEqual(forward)

  const filtered: number[] = []
  let next: string | undefined
  do {
    const page = await call(s, 'FilterLogEvents', {logGroupName: '/big', filterPattern: 'x', ...(next ? {nextToken: next} : {})})
    expect(pageBytes(page)).toBeLessThanOrEqual(PAGE)
    filtered.push(...numbers(page))
    next = page.nextToken
  } while (next)
  expect(filtered).toEqual(forward)

  const {logStreams} = await call(s, 'DescribeLogStreams', {logGroupName: '/big'})
  expect(logStreams[0]).toMatchObject({logStreamName: 'big', firstEventTimestamp: start, lastEventTimestamp: start + 47_000, uploadSequenceToken: expect.stringMatching(/^0*48$/)})
})

test('event ids and GetLogEvents tokens stay the same when retention drops older events', async () => {
  const s = await scope()
  await call(s, 'CreateLogGroup', {logGroupName: '/kept'})
  await call(s, 'CreateLogStream', {logGroupName: '/kept', logStreamName: 's'})
  // Twenty days old, and enough of them to fill a segment of their own; then two recent events.
  for (let batch = 0; batch < 6; batch++) await call(s, 'PutLogEvents', {logGroupName: '/kept', logStreamName: 's', logEvents: events(3, 256 * 1024, Date.now() - 20 * DAY + batch * 3000, batch * 3)})
  await call(s, 'PutLogEvents', {logGroupName: '/kept', logStreamName: 's', logEvents: events(2, 10, Date.now() - 1000, 100)})
  const before = await call(s, 'FilterLogEvents', {logGroupName: '/kept', startTime: Date.now() - DAY})
  const end = (await call(s, 'GetLogEvents', {logGroupName: '/kept', logStreamName: 's', startTime: Date.now() - DAY, startFromHead: true})).nextForwardToken

  await call(s, 'PutRetentionPolicy', {logGroupName: '/kept', retentionInDays: 7})
  await call(s, 'PutLogEvents', {logGroupName: '/kept', logStreamName: 's', logEvents: events(1, 10, Date.now(), 102)})

  const after = await call(s, 'FilterLogEvents', {logGroupName: '/kept'})
  expect(numbers(after)).toEqual([100, 101, 102])
  expect(after.events.slice(0, 2).map((event) => event.eventId)).toEqual(before.events.map((event) => event.eventId))
  const since = await call(s, 'GetLogEvents', {logGroupName: '/kept', logStreamName: 's', nextToken: end})
  expect(numbers(since)).toEqual([102])
})

test('a stream written by an older sling (one .jsonl file, a torn last line) reads as before and is moved into segments once', async () => {
  const s = await scope()
  const store = s.logs.store
  const now = Date.now()
  await store.put('logs/us-east-1/groups', '/old', {logGroupName: '/old', creationTime: now})
  await store.put('logs/us-east-1/streams/%2Fold', 's', {logStreamName: 's', creationTime: now})
  const legacy = path.join(store.dir, 'logs', 'us-east-1', '%2Fold', 's.jsonl')
  await mkdir(path.dirname(legacy), {recursive: true})
  const lines = ['one', 'two', 'three'].map((m, i) => JSON.stringify({t: now + i, m, i: now + 10}))
  await writeFile(legacy, `${lines.join('\n')}\n{"t":${now + 3},"m":"tor`)

  const {logStreams} = await call(s, 'DescribeLogStreams', {logGroupName: '/old'})
  expect(logStreams[0]).toMatchObject({firstEventTimestamp: now, lastEventTimestamp: now + 2, lastIngestionTime: now + 10})
  const page = await call(s, 'GetLogEvents', {logGroupName: '/old', logStreamName: 's', startFromHead: true})
  expect(page.events.map((event) => event.message)).toEqual(['one', 'two', 'three'])
  expect(await readdir(path.dirname(legacy))).toEqual(['s.events'])
  await call(s, 'PutLogEvents', {logGroupName: '/old', logStreamName: 's', logEvents: [{timestamp: now + 5, message: 'four'}]})
  const more = await call(s, 'GetLogEvents', {logGroupName: '/old', logStreamName: 's', nextToken: page.nextForwardToken})
  expect(more.events.map((event) => event.message)).toEqual(['four'])
})

test('lines a writer appended but never recorded (killed mid-append) are never read, and the next append replaces them', async () => {
  const s = await scope()
  await call(s, 'CreateLogGroup', {logGroupName: '/g'})
  await call(s, 'CreateLogStream', {logGroupName: '/g', logStreamName: 's'})
  const now = Date.now()
  await call(s, 'PutLogEvents', {logGroupName: '/g', logStreamName: 's', logEvents: [{timestamp: now, message: 'acknowledged'}]})
  const dir = path.join(s.logs.store.dir, 'logs', 'us-east-1', '%2Fg', 's.events')
  const [segment] = await readdir(dir)
  await appendFile(path.join(dir, segment ?? ''), `${JSON.stringify({t: now + 1, m: 'never acknowledged', i: now})}\n{"t":`)

  const read = async (): Promise<string[]> => (await call(s, 'GetLogEvents', {logGroupName: '/g', logStreamName: 's', startFromHead: true})).events.map((event) => event.message)
  expect(await read()).toEqual(['acknowledged'])
  await call(s, 'PutLogEvents', {logGroupName: '/g', logStreamName: 's', logEvents: [{timestamp: now + 2, message: 'next'}]})
  expect(await read()).toEqual(['acknowledged', 'next'])
  const filtered = await call(s, 'FilterLogEvents', {logGroupName: '/g'})
  expect(filtered.events.map((event) => event.eventId?.slice(-10))).toEqual(['0000000000', '0000000001'])
})

import {expect, test} from 'vitest'

import type {LambdaApi} from '../../../src/lib/aws/lambda.js'
import type {SqsApi} from '../../../src/lib/aws/sqs.js'
import type {FunctionInfo} from '../../../src/lib/aws/types.js'
import {UserError} from '../../../src/lib/errors.js'
import {attachMapping, mappingSettings} from '../../../src/lib/events/mappings.js'
import {parseLedger} from '../../../src/lib/events/marks.js'
import {applyEvents, needsEventsPlan, planEvents} from '../../../src/lib/events/reconcile.js'
import {eventFunctionOf} from '../../../src/lib/events/target.js'
import {attachS3, detachS3} from '../../../src/lib/events/s3-trigger.js'
import {attachRule, attachSns, detachPush} from '../../../src/lib/events/push.js'
import {putUrl} from '../../../src/lib/events/url.js'
import {silentOutput} from '../../../src/lib/output.js'
import {fakeBuses, fakeEventOps, fakeEventState, fakeNotificationOps} from '../../helpers/fake-events.js'
import type {FakeEventState} from '../../helpers/fake-events.js'

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:ingest'
const QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:jobs'
const info = (tags: Record<string, string> = {}): FunctionInfo => ({name: 'ingest', arn: ARN, version: '$LATEST', packageType: 'Zip', role: 'arn:aws:iam::123456789012:role/r', codeSha256: '', codeSize: 0, environment: {}, architecture: 'x86_64', layers: [], tags})

function world(state: FakeEventState = fakeEventState()) {
  const ops = fakeEventOps(state)
  const lambda = {...ops, getFunction: () => Promise.resolve(info(state.tags.get('ingest')))} as unknown as LambdaApi
  const sqs: SqsApi = {getQueue: (name) => Promise.resolve(name === 'jobs' ? {url: 'u', arn: QUEUE, visibilityTimeout: 30} : undefined)}
  return {state, deps: {lambda, sqs, s3: fakeNotificationOps(state), output: silentOutput()}, fn: () => eventFunctionOf(info(state.tags.get('ingest')), undefined)}
}

const theirs = {Id: 'audit', LambdaFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:audit', Events: ['s3:ObjectRemoved:*' as const]}
const queue = {Id: 'to-queue', QueueArn: 'arn:aws:sqs:eu-west-1:123456789012:q', Events: ['s3:ObjectCreated:*' as const], Filter: {Key: {FilterRules: [{Name: 'prefix' as const, Value: 'logs/'}]}}}

test('attaching a bucket keeps every other notification (Lambda and queue ones), and detaching removes only sling\'s entry and permission', async () => {
  const w = world()
  w.state.notifications.set('uploads', {LambdaFunctionConfigurations: [theirs], QueueConfigurations: [queue]})
  const {trigger} = await attachS3(w.fn(), 'uploads', {prefix: 'incoming/', origin: 'cli'}, w.deps)
  expect(w.state.notifications.get('uploads')).toEqual({
    LambdaFunctionConfigurations: [theirs, {Id: `sling-ingest-${trigger.id}`, LambdaFunctionArn: ARN, Events: ['s3:ObjectCreated:*'], Filter: {Key: {FilterRules: [{Name: 'prefix', Value: 'incoming/'}]}}}],
    QueueConfigurations: [queue],
  })
  expect(w.state.calls.indexOf(`addPermission ingest sling-${trigger.id}`)).toBeLessThan(w.state.calls.indexOf('putBucketNotifications uploads'))
  const [entry] = parseLedger(w.state.tags.get('ingest'))
  await detachS3(w.fn(), entry ?? expect.fail('no ledger entry'), w.deps)
  expect(w.state.notifications.get('uploads')).toEqual({LambdaFunctionConfigurations: [theirs], QueueConfigurations: [queue]})
  expect(w.state.calls).toContain(`removePermission ingest sling-${trigger.id}`)
  expect(parseLedger(w.state.tags.get('ingest'))).toEqual([])
})

test('an S3 rule overlapping another for the same event types is refused before anything is written; a disjoint prefix is fine', async () => {
  const w = world()
  w.state.notifications.set('uploads', {QueueConfigurations: [queue]})
  await expect(attachS3(w.fn(), 'uploads', {prefix: 'logs/app/', origin: 'cli'}, w.deps)).rejects.toThrow('The notification "to-queue" on bucket uploads already covers s3:ObjectCreated:* for keys this one would match (prefix "logs/", suffix "")')
  expect(w.state.calls.filter((c) => !c.startsWith('get'))).toEqual([])
  await attachS3(w.fn(), 'uploads', {prefix: 'images/', origin: 'cli'}, w.deps)
  await attachS3(w.fn(), 'uploads', {prefix: 'logs/', events: ['s3:ObjectRemoved:Delete'], origin: 'cli'}, w.deps)
  expect(w.state.notifications.get('uploads')?.LambdaFunctionConfigurations).toHaveLength(2)
})

test('when S3 refuses the configuration, the permission and the ledger entry attach added are taken back', async () => {
  const w = world()
  w.state.notifications.set('uploads', {})
  const s3 = {...w.deps.s3, putBucketNotifications: () => Promise.reject(new UserError('InvalidArgument', 'Unable to validate the following destination configurations'))}
  await expect(attachS3(w.fn(), 'uploads', {origin: 'cli'}, {...w.deps, s3})).rejects.toThrow('Unable to validate')
  expect(w.state.policies.get('ingest:')).toEqual([])
  expect(parseLedger(w.state.tags.get('ingest'))).toEqual([])
})

test('stream-only settings are refused for a queue, and --max-concurrency for a stream', () => {
  expect(() => mappingSettings('sqs', {startingPosition: 'LATEST', maxRetries: 2}, {creating: true})).toThrow('--starting-position, --max-retries apply to streams (Kinesis, DynamoDB, Kafka, MQ), not to an SQS queue.')
  expect(() => mappingSettings('kinesis', {maxConcurrency: 5}, {creating: true})).toThrow('--max-concurrency applies to SQS queues only.')
  expect(mappingSettings('kinesis', {}, {creating: true})).toEqual({StartingPosition: 'LATEST'})
})

test('attaching the same queue twice updates the one mapping sling made; unchanged settings write nothing', async () => {
  const w = world()
  const first = await attachMapping(w.fn(), QUEUE, {batchSize: 5, origin: 'cli'}, w.deps)
  const second = await attachMapping(w.fn(), QUEUE, {batchSize: 2, origin: 'cli'}, w.deps)
  expect([first.status, second.status, second.mapping.uuid, second.mapping.batchSize]).toEqual(['created', 'updated', first.mapping.uuid, 2])
  const writes = w.state.calls.length
  expect((await attachMapping(w.fn(), QUEUE, {batchSize: 2, origin: 'cli'}, w.deps)).status).toBe('unchanged')
  expect(w.state.calls.slice(writes).filter((c) => !c.startsWith('list') && !c.startsWith('get'))).toEqual([])
  expect(w.state.mappings.size).toBe(1)
})

test('deploy plans nothing (no reads) for a function that declares no sources and has none from the config', () => {
  expect(needsEventsPlan({}, info({'sling:ev:00000000-0000-0000-0000-000000000001': `cli esm ${QUEUE}`}))).toBe(false)
  expect(needsEventsPlan({}, info({'sling:ev:00000000-0000-0000-0000-000000000001': `config esm ${QUEUE}`}))).toBe(true)
  expect(needsEventsPlan({events: [{source: 'sqs:jobs'}]}, undefined)).toBe(true)
})

test('removing a source from the config deletes the mapping the config made, never one attached from the command line', async () => {
  const w = world()
  await attachMapping(w.fn(), QUEUE, {origin: 'config'}, w.deps)
  const other = 'arn:aws:sqs:eu-west-1:123456789012:other'
  await attachMapping(w.fn(), other, {origin: 'cli'}, w.deps)
  const plan = await planEvents({events: []}, info(w.state.tags.get('ingest')), w.deps)
  expect(plan.changes).toEqual([{action: 'delete', kind: 'mapping', source: 'sqs:jobs', qualifier: undefined}])
  await applyEvents(plan, 'ingest', w.deps)
  expect([...w.state.mappings.values()].map((m) => m.EventSourceArn)).toEqual([other])
  expect(parseLedger(w.state.tags.get('ingest')).map((e) => e.resource)).toEqual([other])
})

test('a declared queue already mapped by someone else is reported as blocked and never changed', async () => {
  const w = world()
  w.state.mappings.set('theirs', {UUID: 'theirs', FunctionArn: ARN, EventSourceArn: QUEUE, BatchSize: 7, State: 'Enabled'})
  const plan = await planEvents({events: [{source: 'sqs:jobs', batchSize: 1}]}, info(), w.deps)
  expect(plan.changes).toEqual([{action: 'blocked', kind: 'mapping', source: 'sqs:jobs', qualifier: undefined, reason: 'mapping theirs was made by something other than sling; sling leaves it alone'}])
  expect(plan.steps).toEqual([])
})

test('detachAll removes every source the ledger records (mappings, S3 entries, the URL) and leaves others\' notifications', async () => {
  const {detachAll} = await import('../../../src/lib/events/cleanup.js')
  const w = world()
  w.state.notifications.set('uploads', {LambdaFunctionConfigurations: [theirs]})
  await attachMapping(w.fn(), QUEUE, {origin: 'cli'}, w.deps)
  await attachS3(w.fn(), 'uploads', {origin: 'config'}, w.deps)
  w.state.mappings.set('theirs', {UUID: 'theirs', FunctionArn: ARN, EventSourceArn: 'arn:aws:sqs:eu-west-1:123456789012:other', State: 'Enabled'})
  const result = await detachAll(info(w.state.tags.get('ingest')), {...w.deps, eventBridge: {} as never, scheduler: {} as never, sns: {} as never})
  expect([result.removed.map((e) => e.kind).sort(), result.failed]).toEqual([['esm', 's3'], []])
  expect([...w.state.mappings.keys()]).toEqual(['theirs'])
  expect(w.state.notifications.get('uploads')).toEqual({LambdaFunctionConfigurations: [theirs]})
  expect(parseLedger(w.state.tags.get('ingest'))).toEqual([])
})

test('a declared schedule and topic are created once, unchanged on the next deploy, and removed with the config', async () => {
  const w = world()
  const calls: string[] = []
  const push = {
    eventBridge: {putRule: (rule: {name: string}) => (calls.push(`putRule ${rule.name}`), Promise.resolve(`arn:aws:events:eu-west-1:123456789012:rule/${rule.name}`)), putTarget: () => Promise.resolve(), describeRule: () => Promise.resolve(undefined), deleteRule: (name: string) => (calls.push(`deleteRule ${name}`), Promise.resolve('deleted' as const))},
    scheduler: {createSchedule: () => Promise.reject(new Error('not used')), deleteSchedule: () => Promise.reject(new Error('not used'))},
    sns: {subscribe: (topic: string) => (calls.push(`subscribe ${topic}`), Promise.resolve(`${topic}:0b7c2f8e-1111-2222-3333-444455556666`)), unsubscribe: (arn: string) => (calls.push(`unsubscribe ${arn}`), Promise.resolve('deleted' as const))},
  }
  const deps = {...w.deps, ...push}
  const declared = {events: [{source: 'schedule', schedule: 'rate(5 minutes)'}, {source: 'sns:alerts', filterPolicy: {severity: ['high']}}]}
  const first = await planEvents(declared, info(w.state.tags.get('ingest')), deps)
  expect(first.changes.map((c) => [c.action, c.kind])).toEqual([['create', 'rule'], ['create', 'sns']])
  await applyEvents(first, 'ingest', deps)
  expect(calls).toEqual([expect.stringMatching(/^putRule sling-ingest-[0-9a-f]{12}$/), 'subscribe arn:aws:sns:eu-west-1:123456789012:alerts'])
  const again = await planEvents(declared, info(w.state.tags.get('ingest')), deps)
  expect([again.changes.map((c) => c.action), again.steps]).toEqual([['unchanged', 'unchanged'], []])
  const removed = await planEvents({events: []}, info(w.state.tags.get('ingest')), deps)
  await applyEvents(removed, 'ingest', deps)
  expect(calls.slice(2).sort()).toEqual([expect.stringMatching(/^deleteRule sling-ingest-/), 'unsubscribe arn:aws:sns:eu-west-1:123456789012:alerts:0b7c2f8e-1111-2222-3333-444455556666'])
  expect(parseLedger(w.state.tags.get('ingest'))).toEqual([])
})

/** A Lambda API that, like the SDK, refuses every call made with an aborted signal. */
function abortable(lambda: LambdaApi): LambdaApi {
  return new Proxy(lambda, {
    get(target, key) {
      const value = (target as unknown as Record<string | symbol, unknown>)[key]
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        const signal = args.map((a) => (a as {signal?: AbortSignal} | undefined)?.signal).find((s) => s !== undefined)
        if (signal?.aborted) return Promise.reject(new DOMException('Interrupted by SIGINT', 'AbortError'))
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
}

test('Ctrl-C while S3 writes the notification still takes back the permission and ledger entry attach added', async () => {
  const w = world()
  w.state.notifications.set('uploads', {})
  const controller = new AbortController()
  const s3 = {...w.deps.s3, putBucketNotifications: () => {
    controller.abort(new DOMException('Interrupted by SIGINT', 'AbortError'))
    return Promise.reject(new DOMException('Interrupted by SIGINT', 'AbortError'))
  }}
  const deps = {...w.deps, lambda: abortable(w.deps.lambda), s3, signal: controller.signal}
  await expect(attachS3(w.fn(), 'uploads', {origin: 'cli'}, deps)).rejects.toThrow('Interrupted')
  expect(w.state.policies.get('ingest:')).toEqual([])
  expect(parseLedger(w.state.tags.get('ingest'))).toEqual([])
})

test('Ctrl-C while the new mapping is being recorded deletes the mapping instead of leaving one sling can\'t tell apart', async () => {
  const w = world()
  const controller = new AbortController()
  const lambda = abortable({...w.deps.lambda, tagResource: () => {
    controller.abort(new DOMException('Interrupted by SIGINT', 'AbortError'))
    return Promise.reject(new DOMException('Interrupted by SIGINT', 'AbortError'))
  }})
  await expect(attachMapping(w.fn(), QUEUE, {origin: 'cli'}, {...w.deps, lambda, signal: controller.signal})).rejects.toThrow('Interrupted')
  expect(w.state.mappings.size).toBe(0)
})

test('detaching an event-pattern rule on a custom event bus deletes the rule on that bus, not a missing one on the default bus', async () => {
  const w = world()
  const buses = fakeBuses()
  const deps = {...w.deps, ...buses}
  await attachRule(w.fn(), {eventPattern: '{"source": ["shop.orders"]}', eventBusName: 'orders', origin: 'cli'}, deps)
  expect([...buses.rules.keys()]).toEqual([expect.stringMatching(/^orders\/sling-ingest-[0-9a-f]{12}$/)])
  const [entry] = parseLedger(w.state.tags.get('ingest'))
  await detachPush(w.fn(), entry ?? expect.fail('no ledger entry'), deps)
  expect([...buses.rules.keys()]).toEqual([])
  expect(parseLedger(w.state.tags.get('ingest'))).toEqual([])
})

test('a rule whose target EventBridge refuses is taken back whole: no rule, no permission, no ledger entry', async () => {
  const w = world()
  const buses = fakeBuses()
  const eventBridge = {...buses.eventBridge, putTarget: () => Promise.reject(new UserError('LimitExceededException', 'The requested resource exceeds the maximum number allowed.'))}
  await expect(attachRule(w.fn(), {eventPattern: '{"source": ["shop.orders"]}', origin: 'cli'}, {...w.deps, ...buses, eventBridge})).rejects.toThrow('maximum number')
  expect([...buses.rules.keys()]).toEqual([])
  expect(w.state.policies.get('ingest:')).toEqual([])
  expect(parseLedger(w.state.tags.get('ingest'))).toEqual([])
})

test('a subscription sling can\'t record in the ledger is unsubscribed, and its permission removed', async () => {
  const w = world()
  const subscriptions = new Set<string>()
  const sns = {
    subscribe: (topic: string) => (subscriptions.add(`${topic}:1`), Promise.resolve(`${topic}:1`)),
    unsubscribe: (arn: string) => Promise.resolve(subscriptions.delete(arn) ? ('deleted' as const) : ('absent' as const)),
  }
  const lambda = {...w.deps.lambda, tagResource: () => Promise.reject(new UserError('TooManyRequestsException', 'Rate exceeded'))} as LambdaApi
  await expect(attachSns(w.fn(), 'arn:aws:sns:eu-west-1:123456789012:alerts', {origin: 'cli'}, {...w.deps, ...fakeBuses(), sns, lambda})).rejects.toThrow('Rate exceeded')
  expect([...subscriptions]).toEqual([])
  expect(w.state.policies.get('ingest:')).toEqual([])
})

test('a new function URL that sling can\'t record is deleted again, with its public permissions: a later deploy would call it someone else\'s', async () => {
  const w = world()
  const lambda = {...w.deps.lambda, tagResource: () => Promise.reject(new UserError('TooManyRequestsException', 'Rate exceeded'))} as LambdaApi
  await expect(putUrl(w.fn(), {authType: 'NONE', origin: 'config'}, {...w.deps, lambda})).rejects.toThrow('Rate exceeded')
  expect(w.state.urls.size).toBe(0)
  expect(w.state.policies.get('ingest:')).toEqual([])
})

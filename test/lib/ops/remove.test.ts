import {expect, test, vi} from 'vitest'

import type {LambdaApi} from '../../../src/lib/aws/lambda.js'
import type {FunctionInfo} from '../../../src/lib/aws/types.js'
import {silentOutput} from '../../../src/lib/output.js'
import type {RemoveDeps} from '../../../src/lib/ops/remove.js'
import {remove} from '../../../src/lib/ops/remove.js'
import type {FakeEventState} from '../../helpers/fake-events.js'
import {fakeEventOps, fakeEventState, fakeNotificationOps} from '../../helpers/fake-events.js'

const ROLE = 'arn:aws:iam::123456789012:role/sling-shop'

function aFunction(name: string, overrides: Partial<FunctionInfo> = {}): FunctionInfo {
  return {name, arn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`, version: '$LATEST', packageType: 'Zip', role: ROLE, codeSha256: 'x', codeSize: 1, environment: {}, architecture: 'x86_64', layers: [], tags: {}, ...overrides}
}

function fakes(functions: FunctionInfo[], others: {name: string; role: string}[] = [], state: FakeEventState = fakeEventState()): RemoveDeps & {deleted: string[]} {
  const deleted: string[] = []
  const refuse = (): Promise<never> => Promise.reject(new Error('no trigger of this kind was attached'))
  const record = (what: string) => vi.fn((name: string) => {
    deleted.push(`${what} ${name}`)
    return Promise.resolve('deleted' as const)
  })
  return {
    deleted,
    output: silentOutput(),
    lambda: {
      ...fakeEventOps(state, '123456789012', 'us-east-1'),
      getFunction: vi.fn((name: string) => Promise.resolve(functions.find((f) => f.name === name))),
      deleteFunction: record('function'),
      listVersions: vi.fn(() => Promise.resolve([])),
      listAliases: vi.fn(() => Promise.resolve([])),
      listEventSourceMappings: vi.fn(() => Promise.resolve([])),
    } as unknown as LambdaApi,
    s3: fakeNotificationOps(state),
    eventBridge: {putRule: refuse, putTarget: refuse, describeRule: refuse, deleteRule: record('rule')},
    scheduler: {createSchedule: refuse, deleteSchedule: record('schedule')},
    sns: {subscribe: refuse, unsubscribe: record('subscription')},
    ops: {
      listKeys: vi.fn(() => Promise.resolve([])),
      deleteKeys: vi.fn(() => Promise.resolve()),
      listFunctions: vi.fn(() => Promise.resolve([...functions, ...others].map((f) => ({name: f.name, arn: '', role: f.role, packageType: 'Zip' as const, codeSize: 0, architecture: 'x86_64' as const})))),
    },
    iam: {getRole: vi.fn((name: string) => Promise.resolve({name, arn: ROLE, roleId: 'r', trustPolicy: '{}', tags: {'sling:managed': 'execution-role'}})), deleteRole: record('role')},
    logs: {deleteLogGroup: record('log-group')},
  }
}

const target = (name: string) => ({name, functionName: name})

test("sling's role goes once, after every function that used it, when they are removed together", async () => {
  const deps = fakes([aFunction('shop-api'), aFunction('shop-worker')])
  const result = await remove({targets: [target('shop-api'), target('shop-worker')], yes: true, artifactsBucket: 'b'}, deps)
  expect(result.status).toBe('removed')
  expect(deps.deleted).toEqual(['function shop-api', 'function shop-worker', 'role sling-shop'])
  expect(vi.mocked(deps.ops).listFunctions.mock.calls).toHaveLength(1) // who else uses the role: asked once for both
})

test("sling's role stays while another function uses it", async () => {
  const deps = fakes([aFunction('shop-api')], [{name: 'shop-worker', role: ROLE}])
  const result = await remove({targets: [target('shop-api')], yes: true, artifactsBucket: 'b'}, deps)
  expect(deps.deleted).toEqual(['function shop-api'])
  expect(result.functions[0]?.keep).toContainEqual(expect.objectContaining({kind: 'role', reason: 'shop-worker still uses it'}))
})

test('a function that does not exist stops the removal before anything is deleted', async () => {
  const deps = fakes([aFunction('shop-api')])
  await expect(remove({targets: [target('shop-api'), target('shop-gone')], yes: true, artifactsBucket: 'b'}, deps)).rejects.toMatchObject({code: 'FunctionNotFound'})
  expect(deps.deleted).toEqual([])
})

test('the answer "no" deletes nothing', async () => {
  const deps = {...fakes([aFunction('shop-api')]), output: silentOutput({confirm: () => Promise.resolve(false)})}
  const result = await remove({targets: [target('shop-api')], artifactsBucket: 'b'}, deps)
  expect(result.status).toBe('cancelled')
  expect(deps.deleted).toEqual([])
})

/** A function whose ledger records an EventBridge rule, a Scheduler schedule and an SNS subscription sling attached. */
function withPushTriggers(state: FakeEventState): FunctionInfo {
  const arn = 'arn:aws:lambda:us-east-1:123456789012:function:shop-api'
  const tags = {
    team: 'shop',
    'sling:ev:aaaaaaaaaaaa': 'cli rule sling-shop-api-aaaaaaaaaaaa',
    'sling:ev:bbbbbbbbbbbb': 'config schedule sling-shop-api-bbbbbbbbbbbb live',
    'sling:ev:cccccccccccc': 'cli sns arn:aws:sns:us-east-1:123456789012:orders:0b7c2f8e-1111-2222-3333-444455556666',
  }
  state.tags.set('shop-api', {...tags})
  state.policies.set('shop-api:', [
    {Sid: 'sling-aaaaaaaaaaaa', Effect: 'Allow', Principal: {Service: 'events.amazonaws.com'}, Action: 'lambda:InvokeFunction', Condition: {ArnLike: {'AWS:SourceArn': 'arn:aws:events:us-east-1:123456789012:rule/sling-shop-api-aaaaaaaaaaaa'}}},
    {Sid: 'sling-cccccccccccc', Effect: 'Allow', Principal: {Service: 'sns.amazonaws.com'}, Action: 'lambda:InvokeFunction'},
    {Sid: 'theirs', Effect: 'Allow', Principal: {Service: 's3.amazonaws.com'}, Action: 'lambda:InvokeFunction'},
  ])
  return aFunction('shop-api', {arn, tags})
}

test('the plan lists each rule, schedule and SNS subscription the ledger records, with their permissions, and --dry-run deletes none', async () => {
  const state = fakeEventState()
  const deps = fakes([withPushTriggers(state)], [], state)
  const result = await remove({targets: [target('shop-api')], dryRun: true, artifactsBucket: 'b'}, deps)
  expect(result.status).toBe('would-remove')
  expect(result.functions[0]?.remove.map((i) => [i.kind, i.name, i.qualifier])).toEqual([
    ['function', 'shop-api', undefined],
    ['permission', 'sling-aaaaaaaaaaaa', undefined],
    ['permission', 'sling-cccccccccccc', undefined],
    ['rule', 'sling-shop-api-aaaaaaaaaaaa', undefined],
    ['schedule', 'sling-shop-api-bbbbbbbbbbbb', 'live'],
    ['subscription', 'arn:aws:sns:us-east-1:123456789012:orders:0b7c2f8e-1111-2222-3333-444455556666', undefined],
    ['role', 'sling-shop', undefined],
  ])
  expect(deps.deleted).toEqual([])
  expect(state.calls.filter((c) => !c.startsWith('get'))).toEqual([])
})

test('remove detaches every rule, schedule and SNS subscription sling attached, then deletes the function; the permission it did not add stays', async () => {
  const state = fakeEventState()
  const deps = fakes([withPushTriggers(state)], [], state)
  const result = await remove({targets: [target('shop-api')], yes: true, artifactsBucket: 'b'}, deps)
  expect(result.status).toBe('removed')
  expect(deps.deleted).toEqual([
    'rule sling-shop-api-aaaaaaaaaaaa',
    'schedule sling-shop-api-bbbbbbbbbbbb',
    'subscription arn:aws:sns:us-east-1:123456789012:orders:0b7c2f8e-1111-2222-3333-444455556666',
    'function shop-api',
    'role sling-shop',
  ])
  expect(state.policies.get('shop-api:')?.map((s) => s.Sid)).toEqual(['theirs'])
  expect(state.tags.get('shop-api')).toEqual({team: 'shop'}) // the ledger is emptied as each goes
})

test('a trigger that cannot be removed keeps the function (so its ledger still names what is left) and says which', async () => {
  const state = fakeEventState()
  const deps = {...fakes([withPushTriggers(state)], [], state), sns: {subscribe: () => Promise.reject(new Error('unused')), unsubscribe: () => Promise.reject(new Error('AuthorizationError: not allowed to sns:Unsubscribe'))}}
  await expect(remove({targets: [target('shop-api')], yes: true, artifactsBucket: 'b'}, deps)).rejects.toMatchObject({code: 'RemoveIncomplete', message: expect.stringContaining('sns arn:aws:sns:us-east-1:123456789012:orders:0b7c2f8e-1111-2222-3333-444455556666: AuthorizationError') as unknown})
  expect(deps.deleted).toEqual(['rule sling-shop-api-aaaaaaaaaaaa', 'schedule sling-shop-api-bbbbbbbbbbbb'])
  expect(Object.keys(state.tags.get('shop-api') ?? {})).toEqual(['team', 'sling:ev:cccccccccccc'])
})

import {expect, test, vi} from 'vitest'

import type {FunctionInfo} from '../../../src/lib/aws/types.js'
import {silentOutput} from '../../../src/lib/output.js'
import type {RemoveDeps} from '../../../src/lib/ops/remove.js'
import {remove} from '../../../src/lib/ops/remove.js'

const ROLE = 'arn:aws:iam::123456789012:role/sling-shop'

function aFunction(name: string, overrides: Partial<FunctionInfo> = {}): FunctionInfo {
  return {name, arn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`, version: '$LATEST', packageType: 'Zip', role: ROLE, codeSha256: 'x', codeSize: 1, environment: {}, architecture: 'x86_64', layers: [], tags: {}, ...overrides}
}

function fakes(functions: FunctionInfo[], others: {name: string; role: string}[] = []): RemoveDeps & {deleted: string[]} {
  const deleted: string[] = []
  const record = (what: string) => vi.fn((name: string) => {
    deleted.push(`${what} ${name}`)
    return Promise.resolve('deleted' as const)
  })
  return {
    deleted,
    output: silentOutput(),
    lambda: {
      getFunction: vi.fn((name: string) => Promise.resolve(functions.find((f) => f.name === name))),
      deleteFunction: record('function'),
      listVersions: vi.fn(() => Promise.resolve([])),
      listAliases: vi.fn(() => Promise.resolve([])),
      listEventSourceMappings: vi.fn(() => Promise.resolve([])),
    },
    ops: {
      getPolicy: vi.fn(() => Promise.resolve([])),
      getUrlConfig: vi.fn(() => Promise.resolve(undefined)),
      getBucketNotifications: vi.fn(() => Promise.resolve(undefined)),
      listKeys: vi.fn(() => Promise.resolve([])),
      listFunctions: vi.fn(() => Promise.resolve([...functions, ...others].map((f) => ({name: f.name, arn: '', role: f.role, packageType: 'Zip' as const, codeSize: 0, architecture: 'x86_64' as const})))),
    } as unknown as RemoveDeps['ops'],
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

import {afterEach, expect, test} from 'vitest'

import type {FunctionInfo} from '../../../src/lib/aws/types.js'
import type {DesiredFunction} from '../../../src/lib/deploy/desired.js'
import {desiredFunction} from '../../../src/lib/deploy/desired.js'
import {planFunction, tagChanges} from '../../../src/lib/deploy/plan.js'
import {planView} from '../../../src/lib/deploy/view.js'
import {rejectionOf} from '../../helpers/aws.js'
import {aProject, ROLE} from './helpers.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

const SHA = 'c2hhMjU2LW9mLXRoZS16aXA='

/** The desired state of function "api" (deployed as shop-api) from `settings`, with a zip of SHA. */
async function desired(settings: Record<string, unknown>, layerArns: string[] = []): Promise<DesiredFunction> {
  const project = await aProject({functions: {api: {entry: 'src/api.ts', role: ROLE, ...settings}}})
  cleanups.push(project.cleanup)
  const fn = project.config.functions[0]
  if (!fn) throw new Error('no function')
  return desiredFunction(fn, {artifact: {file: '/tmp/api.zip', codeSha256: SHA, size: 1234, handler: 'index.handler'}, layerArns})
}

/** shop-api as GetFunction describes a function sling deployed with the defaults: Lambda's own way of saying "not set". */
function deployed(overrides: Partial<FunctionInfo> = {}): FunctionInfo {
  return {
    name: 'shop-api', arn: 'arn:aws:lambda:eu-west-1:123456789012:function:shop-api', version: '$LATEST', packageType: 'Zip', runtime: 'nodejs24.x', handler: 'index.handler',
    role: ROLE, codeSha256: SHA, codeSize: 1234, memorySize: 128, timeout: 3, description: undefined, environment: {}, architecture: 'x86_64', layers: [], tags: {},
    state: 'Active', lastUpdateStatus: 'Successful', revisionId: 'r1',
    ...overrides,
  }
}

test("Lambda's way of reporting unset settings plans as unchanged against the config's explicit defaults", async () => {
  const wanted = await desired({description: '', tracing: 'PassThrough', ephemeralStorage: 512, loggingConfig: {logFormat: 'Text'}, vpcConfig: {subnetIds: [], securityGroupIds: []}, environment: {}, layers: [], memorySize: 128, timeout: 3})
  // No TracingConfig, no EphemeralStorage, no LoggingConfig, an empty VpcConfig, Description "" (read as undefined).
  expect(planFunction(wanted, {current: deployed()}).action).toBe('unchanged')
  // And as newer Lambda reports them: every default spelled out.
  const spelledOut = deployed({tracing: 'PassThrough', ephemeralStorage: 512, loggingConfig: {logFormat: 'Text', logGroup: '/aws/lambda/shop-api'}, vpcConfig: {subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false}})
  expect(planFunction(wanted, {current: spelledOut}).action).toBe('unchanged')
})

test('JSON logging defaults both levels to INFO, so an unset level is no change; Text has no levels', async () => {
  const wanted = await desired({loggingConfig: {logFormat: 'JSON'}})
  const current = deployed({loggingConfig: {logFormat: 'JSON', applicationLogLevel: 'INFO', systemLogLevel: 'INFO', logGroup: '/aws/lambda/shop-api'}})
  expect(planFunction(wanted, {current}).configuration).toEqual([])
  const plan = planFunction(await desired({loggingConfig: {logFormat: 'JSON', systemLogLevel: 'WARN', logGroup: '/custom/api'}}), {current})
  expect(plan.configuration).toEqual([{
    field: 'loggingConfig',
    from: {logFormat: 'JSON', logGroup: '/aws/lambda/shop-api', applicationLogLevel: 'INFO', systemLogLevel: 'INFO'},
    to: {logFormat: 'JSON', logGroup: '/custom/api', applicationLogLevel: 'INFO', systemLogLevel: 'WARN'},
  }])
})

test('subnets and security groups compare as sets; layers compare in order, since Lambda applies them in order', async () => {
  const vpc = await desired({vpcConfig: {subnetIds: ['subnet-b', 'subnet-a'], securityGroupIds: ['sg-1']}})
  expect(planFunction(vpc, {current: deployed({vpcConfig: {subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-1']}})}).action).toBe('unchanged')
  const l1 = 'arn:aws:lambda:eu-west-1:123456789012:layer:a:1'
  const l2 = 'arn:aws:lambda:eu-west-1:123456789012:layer:b:1'
  const layers = await desired({layers: [l1, l2]}, [l1, l2])
  expect(planFunction(layers, {current: deployed({layers: [l1, l2]})}).action).toBe('unchanged')
  expect(planFunction(layers, {current: deployed({layers: [l2, l1]})}).configuration).toEqual([{field: 'layers', from: [l2, l1], to: [l1, l2]}])
})

test('only settings the config writes are managed on an existing function; code, handler and runtime of the zip always are', async () => {
  const wanted = await desired({timeout: 30})
  const current = deployed({memorySize: 2048, timeout: 3, tracing: 'Active', runtime: 'nodejs22.x', handler: 'old.handler', description: 'console', environment: {A: '1'}})
  const plan = planFunction(wanted, {current})
  expect(plan.configuration.map((c) => c.field)).toEqual(['runtime', 'handler', 'timeout'])
  expect(plan.configuration).toContainEqual({field: 'runtime', from: 'nodejs22.x', to: 'nodejs24.x'})
  expect(wanted.settings.memorySize).toBe(128) // what a new function would get
})

test('an architecture change travels with the code; a code hash change shows old and new hash and size', async () => {
  const plan = planFunction(await desired({architecture: 'arm64'}), {current: deployed({codeSha256: 'old=', codeSize: 99})})
  expect(plan.code).toEqual({from: {codeSha256: 'old=', size: 99}, to: {codeSha256: SHA, size: 1234}, architecture: {field: 'architecture', from: 'x86_64', to: 'arm64'}})
  const archOnly = planFunction(await desired({architecture: 'arm64'}), {current: deployed()})
  expect(archOnly.code?.architecture).toEqual({field: 'architecture', from: 'x86_64', to: 'arm64'})
  expect(planView(archOnly).code).toBeUndefined() // the same code: only the architecture shows
})

test('environment values never show in the plan view unless asked; keys show as added, removed and changed', async () => {
  const plan = planFunction(await desired({environment: {KEEP: 'same', TOKEN: 'new-secret', NEW: 'x'}}), {current: deployed({environment: {KEEP: 'same', TOKEN: 'old-secret', GONE: 'y'}})})
  const view = planView(plan)
  expect(view.configuration).toEqual([{field: 'environment', added: ['NEW'], removed: ['GONE'], changed: ['TOKEN']}])
  expect(JSON.stringify(view)).not.toContain('secret')
  expect(planView(plan, {showValues: true}).configuration[0]).toMatchObject({from: {TOKEN: 'old-secret'}, to: {TOKEN: 'new-secret'}})
})

test("tags: AWS's own tags are never removed", () => {
  expect(tagChanges({'aws:cloudformation:stack-id': 'x', a: '1', b: '2'}, {a: '1', c: '3'})).toEqual({set: {c: '3'}, remove: ['b'], added: ['c'], changed: []})
})

test('async settings: none configured in Lambda equals the defaults; a difference is planned whole', async () => {
  const defaults = await desired({eventInvokeConfig: {maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21600}})
  expect(planFunction(defaults, {current: deployed(), eventInvokeConfig: 'absent'}).eventInvokeConfig).toBeUndefined()
  const plan = planFunction(await desired({eventInvokeConfig: {maximumRetryAttempts: 0}}), {current: deployed(), eventInvokeConfig: {maximumRetryAttempts: 2, maximumEventAgeSeconds: 3600}})
  expect(plan.eventInvokeConfig).toEqual({from: {maximumRetryAttempts: 2, maximumEventAgeSeconds: 3600, onSuccess: undefined, onFailure: undefined}, to: {maximumRetryAttempts: 0, maximumEventAgeSeconds: 21600, onSuccess: undefined, onFailure: undefined}})
})

test("publishing: nothing when the alias's version has the same code and settings, else a version and the alias move", async () => {
  const wanted = await desired({alias: 'live'})
  const version3 = deployed({version: '3', description: 'abc1234', revisionId: 'v3'})
  expect(planFunction(wanted, {current: deployed(), published: version3}).action).toBe('unchanged')
  const plan = planFunction(wanted, {current: deployed({environment: {A: '1'}}), published: version3})
  expect(plan).toMatchObject({action: 'update', publish: {reason: 'unpublished', alias: {name: 'live', from: '3'}}})
  expect(planFunction(wanted, {current: deployed(), published: 'absent'}).publish).toEqual({reason: 'unpublished', alias: {name: 'live', from: undefined}})
  // Publishing without an alias asks for the newest version only when nothing else changed.
  expect(planFunction(await desired({publish: true}), {current: deployed()}).needsLatestVersion).toBe(true)
  expect(planFunction(await desired({publish: true, timeout: 9}), {current: deployed()}).needsLatestVersion).toBeUndefined()
})

test('provisioned concurrency: the same count is no change, a FAILED one is put again', async () => {
  const wanted = await desired({alias: 'live', provisionedConcurrency: {executions: 4}})
  const same = {requested: 4, allocated: 4, available: 4, status: 'READY'}
  expect(planFunction(wanted, {current: deployed(), published: deployed({version: '1'}), provisioned: same}).provisionedConcurrency).toBeUndefined()
  expect(planFunction(wanted, {current: deployed(), published: deployed({version: '1'}), provisioned: {...same, status: 'FAILED'}}).provisionedConcurrency).toEqual({alias: 'live', from: 4, to: 4})
  expect(planFunction(wanted, {current: deployed(), published: deployed({version: '1'}), provisioned: 'absent'}).provisionedConcurrency).toEqual({alias: 'live', from: undefined, to: 4})
})

test("a zip config for an image function (or the reverse) is refused: Lambda can't change a package type", async () => {
  const error = await rejectionOf(Promise.resolve().then(async () => planFunction(await desired({}), {current: deployed({packageType: 'Image'})})))
  expect(error).toMatchObject({code: 'PackageTypeChange', exitCode: 2})
})

test("a function whose last update failed is never unchanged: every managed setting and the code are sent again, with Lambda's reason", async () => {
  const vpcConfig = {subnetIds: ['subnet-a'], securityGroupIds: ['sg-1']}
  const wanted = await desired({timeout: 30, vpcConfig})
  const reason = 'The provided execution role does not have permissions to call CreateNetworkInterface on EC2'
  // Lambda reports the failed update's settings as if they were applied.
  const failed = deployed({timeout: 30, vpcConfig, lastUpdateStatus: 'Failed', lastUpdateStatusReason: reason})

  const plan = planFunction(wanted, {current: failed})

  expect(plan).toMatchObject({action: 'update', failedUpdate: {reason}})
  expect(plan.configuration.map((c) => c.field)).toEqual(['runtime', 'handler', 'role', 'timeout', 'vpcConfig'])
  expect(plan.code).toMatchObject({from: {codeSha256: SHA}, to: {codeSha256: SHA}})
  expect(planView(plan).failedUpdate).toEqual({reason})
  expect(planFunction(wanted, {current: {...failed, lastUpdateStatus: 'Successful', lastUpdateStatusReason: undefined}}).action).toBe('unchanged')
})

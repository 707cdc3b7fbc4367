import {writeFile} from 'node:fs/promises'
import path from 'node:path'
import {afterEach, beforeEach, expect, test} from 'vitest'

import {loadConfig} from '../../../src/lib/config/load.js'
import {UserError} from '../../../src/lib/errors.js'
import {tempDir} from '../../helpers/cli.js'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => {
  ;({dir, cleanup} = await tempDir('sling-config-'))
})
afterEach(() => cleanup())

async function load(config: unknown, stage?: string) {
  const file = path.join(dir, 'sling.config.json')
  await writeFile(file, JSON.stringify({service: 'shop', ...(config as object)}))
  return loadConfig({file, ...(stage ? {stage} : {})})
}

async function loadError(config: unknown): Promise<UserError> {
  const error = await load(config).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(UserError)
  return error as UserError
}

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api:1.4.2'

test('the resolved function records which settings some level wrote, before defaults were applied', async () => {
  const config = await load({
    defaults: {memorySize: 256, tags: {team: 'shop'}},
    functions: {api: {entry: 'a.ts', timeout: 10}, worker: {entry: 'w.ts'}},
    stages: {prod: {functions: {worker: {tracing: 'Active'}}}},
  }, 'prod')
  expect(config.functions.map((fn) => [fn.key, fn.setFields])).toEqual([
    ['api', ['entry', 'memorySize', 'tags', 'timeout']],
    ['worker', ['entry', 'memorySize', 'tags', 'tracing']],
  ])
  // The defaults are still applied, for functions deploy creates.
  expect(config.functions[0]).toMatchObject({ephemeralStorage: 512, tracing: 'PassThrough', publish: false})
})

test('objects and lists are replaced whole by a later level; maps merge key by key', async () => {
  const config = await load({
    defaults: {vpcConfig: {subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-1']}, loggingConfig: {logFormat: 'JSON', applicationLogLevel: 'WARN'}, environment: {AA: '1'}},
    functions: {api: {entry: 'a.ts', vpcConfig: {subnetIds: ['subnet-c'], securityGroupIds: []}, loggingConfig: {logGroup: '/shop/api'}, environment: {BB: '2'}}},
  })
  expect(config.functions[0]).toMatchObject({vpcConfig: {subnetIds: ['subnet-c'], securityGroupIds: []}, environment: {AA: '1', BB: '2'}})
  expect(config.functions[0]?.loggingConfig).toEqual({logGroup: '/shop/api'})
})

test('every deploy setting is checked against Lambda\'s limits and patterns', async () => {
  const error = await loadError({functions: {api: {
    entry: 'a.ts', ephemeralStorage: 100, tracing: 'On', deadLetterTargetArn: 'my-queue', vpcConfig: {subnetIds: ['net-1'], securityGroupIds: []},
    reservedConcurrentExecutions: -1, eventInvokeConfig: {maximumRetryAttempts: 3, maximumEventAgeInSeconds: 30}, alias: '12',
  }}})
  for (const expected of [
    'functions.api.ephemeralStorage: expected at least 512, found 100.',
    'functions.api.tracing: expected one of "Active", "PassThrough", found "On".',
    'functions.api.deadLetterTargetArn: expected an ARN such as arn:aws:sqs:eu-west-1:123456789012:my-queue, found "my-queue".',
    'functions.api.vpcConfig.subnetIds.0: expected a subnet id such as subnet-0abc, found "net-1".',
    'functions.api.reservedConcurrentExecutions: expected at least 0, found -1.',
    'functions.api.eventInvokeConfig.maximumRetryAttempts: expected at most 2, found 3.',
    'functions.api.eventInvokeConfig.maximumEventAgeInSeconds: expected at least 60, found 30.',
    'functions.api.alias: expected letters, digits, hyphens and underscores, not only digits (those name versions), found "12".',
  ]) expect(error.message).toContain(expected)
})

test('log levels are refused with the Text format, as Lambda refuses them', async () => {
  const error = await loadError({functions: {api: {entry: 'a.ts', loggingConfig: {applicationLogLevel: 'DEBUG'}}}})
  expect(error.message).toContain('functions.api.loggingConfig.applicationLogLevel: expected a log level only with "logFormat": "JSON"')
  await expect(load({functions: {api: {entry: 'a.ts', loggingConfig: {logFormat: 'JSON', applicationLogLevel: 'DEBUG', systemLogLevel: 'WARN'}}}})).resolves.toBeDefined()
})

test('an image function needs no entry, takes no zip settings of its own, and ignores those from defaults', async () => {
  const config = await load({defaults: {runtime: 'nodejs22.x', memorySize: 512}, functions: {api: {image: IMAGE, imageConfig: {command: ['index.handler']}}}})
  expect(config.functions[0]).toMatchObject({image: IMAGE, imageConfig: {command: ['index.handler']}, memorySize: 512})
  expect(config.functions[0]?.entry).toBeUndefined()
  expect(config.functions[0]?.setFields).toEqual(['image', 'imageConfig', 'memorySize'])

  const mixed = await loadError({functions: {api: {image: IMAGE, entry: 'a.ts', handler: 'main'}}})
  expect(mixed.message).toContain('functions.api sets "image" and "entry", "handler", which only apply to zip functions')
  const notEcr = await loadError({functions: {api: {image: 'docker.io/library/node:22'}}})
  expect(notEcr.message).toContain('functions.api.image: expected an Amazon ECR image URI')
  const stray = await loadError({functions: {api: {entry: 'a.ts', imageConfig: {command: ['x']}}}})
  expect(stray.message).toContain('functions.api.imageConfig applies only to container image functions')
})

test('provisioned concurrency needs an alias: its own, or the function\'s', async () => {
  const error = await loadError({functions: {api: {entry: 'a.ts', provisionedConcurrency: {executions: 2}}}})
  expect(error.message).toContain('functions.api.provisionedConcurrency needs an alias')
  await expect(load({functions: {api: {entry: 'a.ts', alias: 'live', provisionedConcurrency: {executions: 2}}}})).resolves.toBeDefined()
})

test('the deployment section: the artifacts bucket and the name of the role sling may create', async () => {
  expect((await load({functions: {api: {entry: 'a.ts'}}})).deployment).toEqual({bucket: undefined, roleName: 'sling-shop'})
  expect((await load({functions: {api: {entry: 'a.ts'}}, deployment: {bucket: 'my-artifacts', rolePrefix: 'team'}})).deployment).toEqual({bucket: 'my-artifacts', roleName: 'team-shop'})
  const error = await loadError({functions: {api: {entry: 'a.ts'}}, deployment: {bucket: 'a.'}})
  expect(error.message).toContain('deployment.bucket')
})

/**
 * What `sling deploy` sets on a function reads back exactly, as the model shapes it, and the
 * RevisionId preconditions a deploy relies on to never overwrite someone else's change hold.
 */
import {FilterLogEventsCommand, CloudWatchLogsClient} from '@aws-sdk/client-cloudwatch-logs'
import {AttachRolePolicyCommand, CreateRoleCommand, IAMClient} from '@aws-sdk/client-iam'
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvokeCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  waitUntilPublishedVersionActive,
} from '@aws-sdk/client-lambda'
import type {CreateFunctionCommandInput, LambdaClient, UpdateFunctionConfigurationCommandInput} from '@aws-sdk/client-lambda'
import {afterEach, beforeEach, expect, test} from 'vitest'

import {expectModeledError, expectOutputMatchesModel} from '../../../helpers/model.js'
import type {LambdaHarness} from './harness.js'
import {handlerZip, rejectionOf, startLambda, zipOf} from './harness.js'

const TRUST = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'lambda.amazonaws.com'}, Action: 'sts:AssumeRole'}]})
const fast = {minDelay: 0.05, maxDelay: 0.2, maxWaitTime: 20}
const credentials = {accessKeyId: 'sling-local', secretAccessKey: 'sling-local'}

let h: LambdaHarness
let lambda: LambdaClient
let iam: IAMClient
let logs: CloudWatchLogsClient
beforeEach(async () => {
  h = await startLambda({stateDelayMs: 150, rolePropagationMs: 0})
  lambda = h.lambda()
  iam = new IAMClient({region: 'us-east-1', endpoint: h.cloud.endpoint, credentials, maxAttempts: 1})
  logs = new CloudWatchLogsClient({region: 'us-east-1', endpoint: h.cloud.endpoint, credentials, maxAttempts: 1})
})
afterEach(async () => {
  iam.destroy()
  logs.destroy()
  await h.close()
})

async function deployRole(): Promise<string> {
  const role = await iam.send(new CreateRoleCommand({RoleName: 'orders-role', AssumeRolePolicyDocument: TRUST}))
  await iam.send(new AttachRolePolicyCommand({RoleName: 'orders-role', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'}))
  return role.Role?.Arn ?? ''
}

test('every field sling deploy sets reads back exactly, and a custom log group receives the logs', async () => {
  const role = await deployRole()
  const layer = await lambda.send(new PublishLayerVersionCommand({LayerName: 'deps', Content: {ZipFile: await zipOf({'nodejs/node_modules/dep/index.js': 'module.exports = 1\n'})}}))
  const settings = {
    Role: role,
    Runtime: 'nodejs22.x',
    Handler: 'index.handler',
    Description: 'Orders API',
    MemorySize: 512,
    Timeout: 30,
    Environment: {Variables: {STAGE: 'prod', TABLE: 'orders'}},
    Layers: [layer.LayerVersionArn ?? ''],
    TracingConfig: {Mode: 'Active'},
    DeadLetterConfig: {TargetArn: 'arn:aws:sqs:us-east-1:000000000000:orders-dlq'},
    VpcConfig: {SubnetIds: ['subnet-0aaa', 'subnet-0bbb'], SecurityGroupIds: ['sg-0ccc'], Ipv6AllowedForDualStack: true},
    LoggingConfig: {LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG', SystemLogLevel: 'WARN', LogGroup: '/sling/orders'},
    EphemeralStorage: {Size: 2048},
    Architectures: ['arm64'],
  } satisfies Omit<CreateFunctionCommandInput, 'FunctionName' | 'Code'>
  const created = await lambda.send(new CreateFunctionCommand({FunctionName: 'orders', Code: {ZipFile: await handlerZip('console.log("hello from orders"); return 1')}, Tags: {app: 'orders', team: 'core'}, ...settings}))
  expectOutputMatchesModel('lambda', 'CreateFunction', created)
  await waitUntilFunctionActiveV2({client: lambda, ...fast}, {FunctionName: 'orders'})
  await lambda.send(new PutFunctionConcurrencyCommand({FunctionName: 'orders', ReservedConcurrentExecutions: 10}))

  const got = await lambda.send(new GetFunctionCommand({FunctionName: 'orders'}))
  expectOutputMatchesModel('lambda', 'GetFunction', got)
  const {Role, Runtime, Handler, Description, MemorySize, Timeout, Environment, TracingConfig, DeadLetterConfig, EphemeralStorage, Architectures} = settings
  expect(got.Configuration).toMatchObject({Role, Runtime, Handler, Description, MemorySize, Timeout, Environment, TracingConfig, DeadLetterConfig, EphemeralStorage, Architectures, State: 'Active'})
  expect(got.Configuration?.Layers).toEqual([{Arn: layer.LayerVersionArn, CodeSize: layer.Content?.CodeSize}])
  expect(got.Configuration?.VpcConfig).toEqual({...settings.VpcConfig, VpcId: 'vpc-0a1b2c3d4e5f67890'})
  expect(got.Configuration?.LoggingConfig).toEqual(settings.LoggingConfig)
  expect(got.Tags).toEqual({app: 'orders', team: 'core'})
  expect(got.Concurrency).toEqual({ReservedConcurrentExecutions: 10})

  await lambda.send(new InvokeCommand({FunctionName: 'orders', Payload: '{}'}))
  const events = await logs.send(new FilterLogEventsCommand({logGroupName: '/sling/orders'}))
  expect(events.events?.some((event) => event.message?.includes('hello from orders'))).toBe(true)

  // A deploy that changes settings: each reads back, and settings not named are kept.
  const next = {
    Environment: {Variables: {STAGE: 'prod'}},
    TracingConfig: {Mode: 'PassThrough'},
    DeadLetterConfig: {TargetArn: ''},
    VpcConfig: {SubnetIds: [], SecurityGroupIds: []},
    LoggingConfig: {LogFormat: 'Text', LogGroup: ''},
    EphemeralStorage: {Size: 512},
  } satisfies Omit<UpdateFunctionConfigurationCommandInput, 'FunctionName'>
  const updated = await lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'orders', ...next}))
  expectOutputMatchesModel('lambda', 'UpdateFunctionConfiguration', updated)
  await waitUntilFunctionUpdatedV2({client: lambda, ...fast}, {FunctionName: 'orders'})
  const after = (await lambda.send(new GetFunctionCommand({FunctionName: 'orders'}))).Configuration
  expect(after).toMatchObject({Environment: next.Environment, TracingConfig: next.TracingConfig, EphemeralStorage: next.EphemeralStorage, MemorySize: 512, Description: 'Orders API'})
  expect(after?.DeadLetterConfig).toBeUndefined()
  expect(after?.VpcConfig).toEqual({SubnetIds: [], SecurityGroupIds: [], VpcId: '', Ipv6AllowedForDualStack: false})
  expect(after?.LoggingConfig).toEqual({LogFormat: 'Text', LogGroup: '/aws/lambda/orders'})

  const textLevels = await rejectionOf(lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'orders', LoggingConfig: {ApplicationLogLevel: 'ERROR'}})))
  expectModeledError('lambda', 'UpdateFunctionConfiguration', textLevels)
  expect(textLevels.name).toBe('InvalidParameterValueException')
})

test('provisioned concurrency on an alias is IN_PROGRESS, then READY after the state delay', async () => {
  const role = await deployRole()
  await lambda.send(new CreateFunctionCommand({FunctionName: 'orders', Role: role, Runtime: 'nodejs22.x', Handler: 'index.handler', Code: {ZipFile: await handlerZip()}}))
  await waitUntilFunctionActiveV2({client: lambda, ...fast}, {FunctionName: 'orders'})
  const version = await lambda.send(new PublishVersionCommand({FunctionName: 'orders'}))
  await waitUntilPublishedVersionActive({client: lambda, ...fast}, {FunctionName: 'orders', Qualifier: version.Version})
  await lambda.send(new CreateAliasCommand({FunctionName: 'orders', Name: 'live', FunctionVersion: version.Version}))

  const put = await lambda.send(new PutProvisionedConcurrencyConfigCommand({FunctionName: 'orders', Qualifier: 'live', ProvisionedConcurrentExecutions: 5}))
  expectOutputMatchesModel('lambda', 'PutProvisionedConcurrencyConfig', put)
  expect(put).toMatchObject({Status: 'IN_PROGRESS', RequestedProvisionedConcurrentExecutions: 5, AllocatedProvisionedConcurrentExecutions: 0, AvailableProvisionedConcurrentExecutions: 0})
  let config = await lambda.send(new GetProvisionedConcurrencyConfigCommand({FunctionName: 'orders', Qualifier: 'live'}))
  for (let i = 0; i < 100 && config.Status !== 'READY'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    config = await lambda.send(new GetProvisionedConcurrencyConfigCommand({FunctionName: 'orders', Qualifier: 'live'}))
  }
  expectOutputMatchesModel('lambda', 'GetProvisionedConcurrencyConfig', config)
  expect(config).toMatchObject({Status: 'READY', RequestedProvisionedConcurrentExecutions: 5, AllocatedProvisionedConcurrentExecutions: 5, AvailableProvisionedConcurrentExecutions: 5})
})

test('a stale RevisionId is refused with PreconditionFailedException by UpdateFunctionConfiguration, UpdateFunctionCode, PublishVersion and UpdateAlias', async () => {
  const role = await deployRole()
  await lambda.send(new CreateFunctionCommand({FunctionName: 'orders', Role: role, Runtime: 'nodejs22.x', Handler: 'index.handler', Code: {ZipFile: await handlerZip()}}))
  await waitUntilFunctionActiveV2({client: lambda, ...fast}, {FunctionName: 'orders'})
  const stale = (await lambda.send(new GetFunctionCommand({FunctionName: 'orders'}))).Configuration?.RevisionId
  // Someone else changes the function meanwhile.
  await lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'orders', Description: 'changed elsewhere'}))
  await waitUntilFunctionUpdatedV2({client: lambda, ...fast}, {FunctionName: 'orders'})

  const zip = await handlerZip('return 2')
  const refusals: [string, () => Promise<unknown>][] = [
    ['UpdateFunctionConfiguration', () => lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'orders', MemorySize: 256, RevisionId: stale}))],
    ['UpdateFunctionCode', () => lambda.send(new UpdateFunctionCodeCommand({FunctionName: 'orders', ZipFile: zip, RevisionId: stale}))],
    ['PublishVersion', () => lambda.send(new PublishVersionCommand({FunctionName: 'orders', RevisionId: stale}))],
  ]
  for (const [operation, call] of refusals) {
    const error = await rejectionOf(call())
    expectModeledError('lambda', operation, error)
    expect(error.name).toBe('PreconditionFailedException')
    expect(error.$metadata?.httpStatusCode).toBe(412)
  }
  // With the current RevisionId each goes through.
  const current = (await lambda.send(new GetFunctionCommand({FunctionName: 'orders'}))).Configuration?.RevisionId
  const version = await lambda.send(new PublishVersionCommand({FunctionName: 'orders', RevisionId: current}))
  await waitUntilPublishedVersionActive({client: lambda, ...fast}, {FunctionName: 'orders', Qualifier: version.Version})

  const alias = await lambda.send(new CreateAliasCommand({FunctionName: 'orders', Name: 'live', FunctionVersion: version.Version}))
  await lambda.send(new UpdateAliasCommand({FunctionName: 'orders', Name: 'live', Description: 'moved elsewhere', RevisionId: alias.RevisionId}))
  const staleAlias = await rejectionOf(lambda.send(new UpdateAliasCommand({FunctionName: 'orders', Name: 'live', FunctionVersion: version.Version, RevisionId: alias.RevisionId})))
  expectModeledError('lambda', 'UpdateAlias', staleAlias)
  expect(staleAlias.name).toBe('PreconditionFailedException')
  expect((await lambda.send(new GetAliasCommand({FunctionName: 'orders', Name: 'live'}))).Description).toBe('moved elsewhere')
})

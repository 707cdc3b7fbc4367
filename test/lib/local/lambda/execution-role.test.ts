import {AttachRolePolicyCommand, CreateRoleCommand, IAMClient, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand} from '@aws-sdk/client-iam'
import {CreateFunctionCommand, GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2} from '@aws-sdk/client-lambda'
import type {CreateFunctionCommandInput, FunctionConfiguration, LambdaClient} from '@aws-sdk/client-lambda'
import {afterEach, expect, test} from 'vitest'

import type {LocalSettings} from '../../../../src/lib/local/settings.js'
import {expectModeledError, expectOutputMatchesModel} from '../../../helpers/model.js'
import type {LambdaHarness} from './harness.js'
import {handlerZip, rejectionOf, ROLE, startLambda} from './harness.js'

const LAMBDA_TRUST = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'lambda.amazonaws.com'}, Action: 'sts:AssumeRole'}]})
const EC2_TRUST = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'ec2.amazonaws.com'}, Action: 'sts:AssumeRole'}]})
const NOT_ASSUMABLE = 'The role defined for the function cannot be assumed by Lambda.'
const VPC = {SubnetIds: ['subnet-0123456789abcdef0'], SecurityGroupIds: ['sg-0123456789abcdef0']}
const fast = {minDelay: 0.05, maxDelay: 0.2, maxWaitTime: 20}

const open: {close(): Promise<void>}[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()))
})

async function cloud(settings: Partial<LocalSettings> = {}): Promise<{h: LambdaHarness; lambda: LambdaClient; iam: IAMClient}> {
  const h = await startLambda({rolePropagationMs: 0, ...settings})
  const iam = new IAMClient({region: 'us-east-1', endpoint: h.cloud.endpoint, credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, maxAttempts: 1})
  open.push({close: async () => {
    iam.destroy()
    await h.close()
  }})
  return {h, lambda: h.lambda(), iam}
}

async function role(iam: IAMClient, name: string, trust = LAMBDA_TRUST): Promise<string> {
  const created = await iam.send(new CreateRoleCommand({RoleName: name, AssumeRolePolicyDocument: trust}))
  return created.Role?.Arn ?? ''
}

async function create(lambda: LambdaClient, name: string, overrides: Partial<CreateFunctionCommandInput>) {
  return lambda.send(new CreateFunctionCommand({FunctionName: name, Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: await handlerZip()}, ...overrides}))
}

/** Reads the configuration until `done` says it settled (bounded). */
async function settled(lambda: LambdaClient, name: string, done: (config: FunctionConfiguration) => boolean): Promise<FunctionConfiguration> {
  for (let i = 0; i < 100; i++) {
    const config = await lambda.send(new GetFunctionConfigurationCommand({FunctionName: name}))
    if (done(config)) return config
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`${name} never settled`)
}

test('a role of the local account must exist in the local IAM and trust lambda.amazonaws.com', async () => {
  const {lambda, iam} = await cloud()
  const missing = await rejectionOf(create(lambda, 'fn', {Role: 'arn:aws:iam::000000000000:role/ghost'}))
  expectModeledError('lambda', 'CreateFunction', missing)
  expect(missing.name).toBe('InvalidParameterValueException')
  expect(missing.message).toBe(NOT_ASSUMABLE)

  const ec2Only = await role(iam, 'ec2-role', EC2_TRUST)
  expect((await rejectionOf(create(lambda, 'fn', {Role: ec2Only}))).message).toBe(NOT_ASSUMABLE)

  const good = await role(iam, 'fn-role')
  const created = await create(lambda, 'fn', {Role: good})
  expect(created.Role).toBe(good)
  // The same ARN under another path isn't the role IAM has.
  expect((await rejectionOf(create(lambda, 'other', {Role: 'arn:aws:iam::000000000000:role/service-role/fn-role'}))).message).toBe(NOT_ASSUMABLE)

  // Roles of other accounts can't be looked at: accepted, as before.
  expect((await create(lambda, 'elsewhere', {Role: ROLE})).Role).toBe(ROLE)

  await waitUntilFunctionActiveV2({client: lambda, ...fast}, {FunctionName: 'fn'})
  const update = await rejectionOf(lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'fn', Role: ec2Only})))
  expectModeledError('lambda', 'UpdateFunctionConfiguration', update)
  expect(update.message).toBe(NOT_ASSUMABLE)
  expect((await lambda.send(new GetFunctionConfigurationCommand({FunctionName: 'fn'}))).Role).toBe(good)

  // Trusting Lambda afterwards is enough.
  await iam.send(new UpdateAssumeRolePolicyCommand({RoleName: 'ec2-role', PolicyDocument: LAMBDA_TRUST}))
  expect((await create(lambda, 'fixed', {Role: ec2Only})).Role).toBe(ec2Only)
})

test('a role created moments ago is refused until it has propagated, so a deploy must retry', async () => {
  const {lambda, iam} = await cloud({rolePropagationMs: 400})
  const arn = await role(iam, 'fresh-role')
  const started = Date.now()
  const first = await rejectionOf(create(lambda, 'fn', {Role: arn}))
  expect(first.name).toBe('InvalidParameterValueException')
  expect(first.message).toBe(NOT_ASSUMABLE)
  // A retry with backoff gets through once the role has propagated.
  let attempts = 1
  for (;;) {
    attempts++
    const result = await create(lambda, 'fn', {Role: arn}).catch((error: Error) => error)
    if (!(result instanceof Error)) break
    expect(result.message).toBe(NOT_ASSUMABLE)
    expect(Date.now() - started).toBeLessThan(10_000)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  expect(attempts).toBeGreaterThan(1)
})

test('a VPC function whose role may not create network interfaces goes Pending → Failed, as Lambda reports it', async () => {
  const {lambda, iam} = await cloud({stateDelayMs: 100})
  const bare = await role(iam, 'bare-role')
  const created = await create(lambda, 'in-vpc', {Role: bare, VpcConfig: VPC})
  expect(created).toMatchObject({State: 'Pending', LastUpdateStatus: 'InProgress'})
  expect(created.VpcConfig).toEqual({...VPC, VpcId: expect.stringMatching(/^vpc-[0-9a-f]{17}$/) as string, Ipv6AllowedForDualStack: false})

  const failed = await settled(lambda, 'in-vpc', (config) => config.State !== 'Pending')
  expectOutputMatchesModel('lambda', 'GetFunctionConfiguration', failed)
  expect(failed).toMatchObject({
    State: 'Failed',
    StateReasonCode: 'InsufficientRolePermissions',
    StateReason: 'The provided execution role does not have permissions to call CreateNetworkInterface on EC2',
    LastUpdateStatus: 'Failed',
    LastUpdateStatusReasonCode: 'InsufficientRolePermissions',
  })
  // The SDK's waiter gives up on a Failed function, as against AWS.
  await expect(waitUntilFunctionActiveV2({client: lambda, ...fast}, {FunctionName: 'in-vpc'})).rejects.toThrow()
})

test('AWSLambdaVPCAccessExecutionRole, AWSLambdaENIManagementAccess or an inline ec2:CreateNetworkInterface grant lets a VPC function become Active', async () => {
  const {lambda, iam} = await cloud({stateDelayMs: 50})
  const grants: [string, (name: string) => Promise<unknown>][] = [
    ['vpc-access', (name) => iam.send(new AttachRolePolicyCommand({RoleName: name, PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'}))],
    ['eni-management', (name) => iam.send(new AttachRolePolicyCommand({RoleName: name, PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaENIManagementAccess'}))],
    ['inline', (name) => iam.send(new PutRolePolicyCommand({RoleName: name, PolicyName: 'eni', PolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: ['ec2:Create*', 'ec2:DescribeNetworkInterfaces'], Resource: '*'}]})}))],
  ]
  for (const [name, grant] of grants) {
    const arn = await role(iam, name)
    await grant(name)
    await create(lambda, name, {Role: arn, VpcConfig: VPC})
    await waitUntilFunctionActiveV2({client: lambda, ...fast}, {FunctionName: name})
  }
  // Basic execution alone doesn't grant it.
  const basic = await role(iam, 'basic')
  await iam.send(new AttachRolePolicyCommand({RoleName: 'basic', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'}))
  await create(lambda, 'basic', {Role: basic, VpcConfig: VPC})
  expect((await settled(lambda, 'basic', (config) => config.State !== 'Pending')).State).toBe('Failed')
})

test('moving a function into a VPC with such a role: the update goes InProgress → Failed, the function stays Active', async () => {
  const {lambda, iam} = await cloud({stateDelayMs: 100})
  const bare = await role(iam, 'bare-role')
  await create(lambda, 'fn', {Role: bare})
  await waitUntilFunctionActiveV2({client: lambda, ...fast}, {FunctionName: 'fn'})

  const updating = await lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'fn', VpcConfig: VPC}))
  expect(updating).toMatchObject({State: 'Active', LastUpdateStatus: 'InProgress'})
  const failed = await settled(lambda, 'fn', (config) => config.LastUpdateStatus !== 'InProgress')
  expectOutputMatchesModel('lambda', 'GetFunctionConfiguration', failed)
  expect(failed).toMatchObject({
    State: 'Active',
    LastUpdateStatus: 'Failed',
    LastUpdateStatusReasonCode: 'InsufficientRolePermissions',
    LastUpdateStatusReason: 'The provided execution role does not have permissions to call CreateNetworkInterface on EC2',
  })
  expect(failed.StateReasonCode).toBeUndefined()
  await expect(waitUntilFunctionUpdatedV2({client: lambda, ...fast}, {FunctionName: 'fn'})).rejects.toThrow()

  // Granting the permission and updating again succeeds.
  await iam.send(new AttachRolePolicyCommand({RoleName: 'bare-role', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'}))
  await lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'fn', VpcConfig: VPC}))
  await waitUntilFunctionUpdatedV2({client: lambda, ...fast}, {FunctionName: 'fn'})
})

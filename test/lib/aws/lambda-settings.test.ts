import {
  DeleteProvisionedConcurrencyConfigCommand,
  GetAccountSettingsCommand,
  GetFunctionEventInvokeConfigCommand,
  GetProvisionedConcurrencyConfigCommand,
  LambdaClient,
  ProvisionedConcurrencyConfigNotFoundException,
  PutFunctionEventInvokeConfigCommand,
  PutProvisionedConcurrencyConfigCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, expect, test} from 'vitest'

import {createLambdaApi} from '../../../src/lib/aws/lambda.js'
import {rejectionOf} from '../../helpers/aws.js'
import type {FakeClock} from '../../helpers/clock.js'
import {fakeClock} from '../../helpers/clock.js'

const lambdaMock = mockClient(LambdaClient)
afterEach(() => {
  lambdaMock.reset()
})

const api = (clock: FakeClock = fakeClock()) => createLambdaApi(new LambdaClient({region: 'eu-west-1'}), {region: 'eu-west-1'}, {clock})
const noConfig = () => new ProvisionedConcurrencyConfigNotFoundException({message: 'No Provisioned Concurrency Config found for this function', $metadata: {httpStatusCode: 404}})

test('putProvisionedConcurrency waits until the environments are READY', async () => {
  const clock = fakeClock()
  lambdaMock.on(PutProvisionedConcurrencyConfigCommand).resolves({Status: 'IN_PROGRESS'})
  lambdaMock
    .on(GetProvisionedConcurrencyConfigCommand)
    .resolvesOnce({Status: 'IN_PROGRESS', RequestedProvisionedConcurrentExecutions: 5, AllocatedProvisionedConcurrentExecutions: 2, AvailableProvisionedConcurrentExecutions: 2})
    .resolves({Status: 'READY', RequestedProvisionedConcurrentExecutions: 5, AllocatedProvisionedConcurrentExecutions: 5, AvailableProvisionedConcurrentExecutions: 5})
  const ready = await api(clock).putProvisionedConcurrency('hello', 'live', 5)
  expect(ready).toEqual({requested: 5, allocated: 5, available: 5, status: 'READY', statusReason: undefined})
  expect(lambdaMock).toHaveReceivedCommandWith(PutProvisionedConcurrencyConfigCommand, {FunctionName: 'hello', Qualifier: 'live', ProvisionedConcurrentExecutions: 5})
  expect(lambdaMock).toHaveReceivedCommandTimes(GetProvisionedConcurrencyConfigCommand, 2)
  expect(clock.sleeps).toEqual([1000])
})

test('provisioned concurrency that fails says why; one that never gets READY says how far it got', async () => {
  lambdaMock.on(PutProvisionedConcurrencyConfigCommand).resolves({})
  lambdaMock.on(GetProvisionedConcurrencyConfigCommand).resolves({Status: 'FAILED', StatusReason: 'FUNCTION_ERROR_INIT_FAILURE'})
  expect(await rejectionOf(api().putProvisionedConcurrency('hello', 'live', 5))).toMatchObject({
    code: 'ProvisionedConcurrencyFailed', message: 'Provisioned concurrency (5) on "hello:live" failed: FUNCTION_ERROR_INIT_FAILURE.',
  })

  lambdaMock.on(GetProvisionedConcurrencyConfigCommand).resolves({Status: 'IN_PROGRESS', RequestedProvisionedConcurrentExecutions: 5, AvailableProvisionedConcurrentExecutions: 1})
  const clock = fakeClock()
  expect(await rejectionOf(api(clock).putProvisionedConcurrency('hello', 'live', 5))).toMatchObject({
    code: 'WaitTimedOut', message: 'Provisioned concurrency (5) on "hello:live" isn\'t READY after 600s; it is still IN_PROGRESS (1 of 5 available).',
  })
  expect(clock.elapsed()).toBe(600_000)
})

test('no provisioned concurrency is undefined, and deleting it twice is fine', async () => {
  lambdaMock.on(GetProvisionedConcurrencyConfigCommand).rejects(noConfig())
  expect(await api().getProvisionedConcurrency('hello', 'live')).toBeUndefined()
  lambdaMock.on(DeleteProvisionedConcurrencyConfigCommand).resolvesOnce({}).rejects(noConfig())
  expect(await api().deleteProvisionedConcurrency('hello', 'live')).toBe('deleted')
  expect(await api().deleteProvisionedConcurrency('hello', 'live')).toBe('absent')
})

test('putEventInvokeConfig sends retries, age and destinations; a missing config reads as undefined', async () => {
  lambdaMock.on(PutFunctionEventInvokeConfigCommand).resolves({MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 3600, DestinationConfig: {OnFailure: {Destination: 'arn:aws:sqs:eu-west-1:1:dlq'}}})
  const config = await api().putEventInvokeConfig('hello', {maximumRetryAttempts: 0, maximumEventAgeSeconds: 3600, onFailure: 'arn:aws:sqs:eu-west-1:1:dlq'}, {qualifier: 'live'})
  expect(lambdaMock).toHaveReceivedCommandWith(PutFunctionEventInvokeConfigCommand, {
    FunctionName: 'hello', Qualifier: 'live', MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 3600, DestinationConfig: {OnFailure: {Destination: 'arn:aws:sqs:eu-west-1:1:dlq'}},
  })
  expect(config).toEqual({maximumRetryAttempts: 0, maximumEventAgeSeconds: 3600, onSuccess: undefined, onFailure: 'arn:aws:sqs:eu-west-1:1:dlq'})

  lambdaMock.on(GetFunctionEventInvokeConfigCommand).rejects(new ResourceNotFoundException({message: 'The function hello has no event invoke config', $metadata: {httpStatusCode: 404}}))
  expect(await api().getEventInvokeConfig('hello')).toBeUndefined()
})

test("getAccountSettings returns the account's limits and usage", async () => {
  lambdaMock.on(GetAccountSettingsCommand).resolves({
    AccountLimit: {TotalCodeSize: 80_530_636_800, CodeSizeUnzipped: 262_144_000, CodeSizeZipped: 52_428_800, ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 900},
    AccountUsage: {TotalCodeSize: 1234, FunctionCount: 3},
  })
  expect(await api().getAccountSettings()).toEqual({
    limits: {totalCodeSize: 80_530_636_800, codeSizeUnzipped: 262_144_000, codeSizeZipped: 52_428_800, concurrentExecutions: 1000, unreservedConcurrentExecutions: 900},
    usage: {totalCodeSize: 1234, functionCount: 3},
  })
})

import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  ListFunctionsCommand,
  PublishVersionCommand,
  ResourceConflictException,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  waitUntilPublishedVersionActive,
} from '@aws-sdk/client-lambda'
import type {LambdaClient} from '@aws-sdk/client-lambda'
import {afterEach, expect, test} from 'vitest'

import {expectModeledError} from '../../../helpers/model.js'
import type {LambdaHarness} from './harness.js'
import {handlerZip, rejectionOf, ROLE, startLambda} from './harness.js'

const open: LambdaHarness[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()))
})

async function cloud(stateDelayMs: number, storeDir?: string): Promise<LambdaHarness> {
  const h = await startLambda({stateDelayMs}, storeDir)
  open.push(h)
  return h
}

async function create(lambda: LambdaClient, name: string) {
  return lambda.send(new CreateFunctionCommand({FunctionName: name, Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: await handlerZip()}}))
}

const fast = {minDelay: 0.05, maxDelay: 0.2, maxWaitTime: 20}

test('a new function is Pending, and a change meanwhile is a ResourceConflictException', async () => {
  const h = await cloud(60_000)
  const lambda = h.lambda()
  const created = await create(lambda, 'slow')
  expect(created).toMatchObject({State: 'Pending', StateReasonCode: 'Creating'})
  const pending = await lambda.send(new GetFunctionCommand({FunctionName: 'slow'}))
  expect(pending.Configuration?.State).toBe('Pending')
  const error = await rejectionOf(lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'slow', Timeout: 10})))
  expect(error).toBeInstanceOf(ResourceConflictException)
  expect(error.message).toBe('The operation cannot be performed at this time. The function is currently in the following state: Pending')
})

test('the SDK waiters wait for Active and Successful', async () => {
  const h = await cloud(300)
  const lambda = h.lambda()
  await create(lambda, 'waited')
  expect((await waitUntilFunctionActiveV2({client: lambda, ...fast}, {FunctionName: 'waited'})).state).toBe('SUCCESS')
  expect((await lambda.send(new GetFunctionCommand({FunctionName: 'waited'}))).Configuration).toMatchObject({State: 'Active', LastUpdateStatus: 'Successful'})
  const updating = await lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'waited', Timeout: 10}))
  expect(updating.LastUpdateStatus).toBe('InProgress')
  expect((await waitUntilFunctionUpdatedV2({client: lambda, ...fast}, {FunctionName: 'waited'})).state).toBe('SUCCESS')
  expect((await lambda.send(new GetFunctionConfigurationCommand({FunctionName: 'waited'}))).LastUpdateStatus).toBe('Successful')
})

test('a change while an update is in progress is a ResourceConflictException (409) with AWS\'s message', async () => {
  // Created on a cloud where changes settle at once, updated through one where they take a minute.
  const quick = await cloud(0)
  const slow = await cloud(60_000, quick.storeDir)
  await create(quick.lambda(), 'busy')
  const lambda = slow.lambda()
  await lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'busy', Timeout: 10}))
  const during = await lambda.send(new GetFunctionConfigurationCommand({FunctionName: 'busy'}))
  expect(during).toMatchObject({State: 'Active', LastUpdateStatus: 'InProgress'})
  const error = await rejectionOf(lambda.send(new UpdateFunctionCodeCommand({FunctionName: 'busy', ZipFile: await handlerZip('return 2')})))
  expect(error).toBeInstanceOf(ResourceConflictException)
  expect(error.$metadata?.httpStatusCode).toBe(409)
  expect(error.message).toBe('The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-1:000000000000:function:busy')
  expectModeledError('lambda', 'UpdateFunctionCode', error)
  await expect(lambda.send(new PublishVersionCommand({FunctionName: 'busy'}))).rejects.toBeInstanceOf(ResourceConflictException)
  await expect(lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'busy', Timeout: 11}))).rejects.toBeInstanceOf(ResourceConflictException)
})

test('a published version is Pending, then Active for waitUntilPublishedVersionActive', async () => {
  const h = await cloud(300)
  const lambda = h.lambda()
  await create(lambda, 'pv')
  await waitUntilFunctionActiveV2({client: lambda, ...fast}, {FunctionName: 'pv'})
  const published = await lambda.send(new PublishVersionCommand({FunctionName: 'pv'}))
  expect(published.State).toBe('Pending')
  const waited = await waitUntilPublishedVersionActive({client: lambda, ...fast}, {FunctionName: 'pv', Qualifier: published.Version})
  expect(waited.state).toBe('SUCCESS')
})

test('the RevisionId changes when an update settles, so a precondition uses the settled one', async () => {
  const h = await cloud(200)
  const lambda = h.lambda()
  const created = await create(lambda, 'revs')
  await waitUntilFunctionActiveV2({client: lambda, ...fast}, {FunctionName: 'revs'})
  const settled = await lambda.send(new GetFunctionConfigurationCommand({FunctionName: 'revs'}))
  expect(settled.RevisionId).not.toBe(created.RevisionId)
  await expect(lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'revs', Timeout: 5, RevisionId: settled.RevisionId}))).resolves.toBeDefined()
})

test('state survives a restart on the same store', async () => {
  const first = await startLambda({stateDelayMs: 0})
  const lambda = first.lambda()
  await create(lambda, 'durable')
  await lambda.send(new PublishVersionCommand({FunctionName: 'durable'}))
  await lambda.send(new CreateAliasCommand({FunctionName: 'durable', Name: 'live', FunctionVersion: '1'}))
  const second = await first.restart()
  open.push(second)
  const again = second.lambda()
  const config = await again.send(new GetFunctionConfigurationCommand({FunctionName: 'durable', Qualifier: 'live'}))
  expect(config).toMatchObject({Version: '1', State: 'Active'})
  expect((await again.send(new GetAliasCommand({FunctionName: 'durable', Name: 'live'}))).FunctionVersion).toBe('1')
})

test('two clouds on one store create and update functions concurrently without losing or corrupting any', async () => {
  const a = await cloud(0)
  const b = await cloud(0, a.storeDir)
  const [la, lb] = [a.lambda(), b.lambda()]
  const names = Array.from({length: 8}, (_, i) => `shared-${i}`)
  await Promise.all(names.map((name, i) => create(i % 2 === 0 ? la : lb, name)))
  // Both processes now change the same functions at once: every write must land on a consistent document.
  await Promise.all(names.flatMap((name) => [
    la.send(new UpdateFunctionConfigurationCommand({FunctionName: name, Description: 'from a'})).catch((error: unknown) => error),
    lb.send(new PublishVersionCommand({FunctionName: name})).catch((error: unknown) => error),
  ]))
  const listed = await lb.send(new ListFunctionsCommand({}))
  expect(listed.Functions?.map((f) => f.FunctionName).sort()).toEqual(names.sort())
  for (const name of names) {
    const config = await la.send(new GetFunctionConfigurationCommand({FunctionName: name, Qualifier: '1'}))
    expect(config.Version).toBe('1')
  }
})

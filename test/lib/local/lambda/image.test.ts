import {
  CreateFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda'
import type {CreateFunctionCommandInput, LambdaClient} from '@aws-sdk/client-lambda'
import {afterEach, beforeEach, expect, test} from 'vitest'

import {expectModeledError, expectOutputMatchesModel} from '../../../helpers/model.js'
import type {LambdaHarness} from './harness.js'
import {handlerZip, rejectionOf, ROLE, startLambda} from './harness.js'

const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api:v1'
const REPOSITORY = '123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api'
const fast = {minDelay: 0.05, maxDelay: 0.2, maxWaitTime: 20}

let h: LambdaHarness
let lambda: LambdaClient
beforeEach(async () => {
  h = await startLambda()
  lambda = h.lambda()
})
afterEach(async () => {
  await h.close()
})

function createImage(name: string, overrides: Partial<CreateFunctionCommandInput> = {}) {
  return lambda.send(new CreateFunctionCommand({FunctionName: name, Role: ROLE, PackageType: 'Image', Code: {ImageUri: IMAGE}, ...overrides}))
}

test('an Image function is created and read back as Lambda shapes it: ECR code, a stable resolved digest, no Runtime or Handler', async () => {
  const imageConfig = {EntryPoint: ['/lambda-entrypoint.sh'], Command: ['app.handler'], WorkingDirectory: '/var/task'}
  const created = await createImage('orders', {ImageConfig: imageConfig, MemorySize: 512})
  expectOutputMatchesModel('lambda', 'CreateFunction', created)
  expect(created).toMatchObject({PackageType: 'Image', CodeSize: 0, MemorySize: 512, ImageConfigResponse: {ImageConfig: imageConfig}})
  expect(created.Runtime).toBeUndefined()
  expect(created.Handler).toBeUndefined()
  expect(created.CodeSha256).toMatch(/^[a-f0-9]{64}$/)
  await waitUntilFunctionActiveV2({client: lambda, ...fast}, {FunctionName: 'orders'})

  const got = await lambda.send(new GetFunctionCommand({FunctionName: 'orders'}))
  expectOutputMatchesModel('lambda', 'GetFunction', got)
  expect(got.Code).toEqual({RepositoryType: 'ECR', ImageUri: IMAGE, ResolvedImageUri: `${REPOSITORY}@sha256:${created.CodeSha256 ?? ''}`})
  expect(got.Configuration).toMatchObject({PackageType: 'Image', ImageConfigResponse: {ImageConfig: imageConfig}})
  expect(got.Configuration?.Runtime).toBeUndefined()

  // The same tag resolves to the same digest, every time; a pinned digest is kept as given.
  await createImage('again')
  expect((await lambda.send(new GetFunctionCommand({FunctionName: 'again'}))).Code?.ResolvedImageUri).toBe(got.Code?.ResolvedImageUri)
  const digest = 'a'.repeat(64)
  const pinned = await createImage('pinned', {Code: {ImageUri: `${REPOSITORY}@sha256:${digest}`}})
  expect(pinned.CodeSha256).toBe(digest)
})

test('UpdateFunctionCode takes a new ImageUri, and versions publish', async () => {
  await createImage('orders')
  await waitUntilFunctionActiveV2({client: lambda, ...fast}, {FunctionName: 'orders'})
  const v1 = await lambda.send(new PublishVersionCommand({FunctionName: 'orders'}))
  expect(v1).toMatchObject({Version: '1', PackageType: 'Image'})

  const updated = await lambda.send(new UpdateFunctionCodeCommand({FunctionName: 'orders', ImageUri: `${REPOSITORY}:v2`}))
  expectOutputMatchesModel('lambda', 'UpdateFunctionCode', updated)
  expect(updated.CodeSha256).not.toBe(v1.CodeSha256)
  await waitUntilFunctionUpdatedV2({client: lambda, ...fast}, {FunctionName: 'orders'})
  const v2 = await lambda.send(new PublishVersionCommand({FunctionName: 'orders'}))
  expect(v2.Version).toBe('2')

  expect((await lambda.send(new GetFunctionCommand({FunctionName: 'orders', Qualifier: '1'}))).Code?.ImageUri).toBe(IMAGE)
  expect((await lambda.send(new GetFunctionCommand({FunctionName: 'orders', Qualifier: '2'}))).Code?.ImageUri).toBe(`${REPOSITORY}:v2`)

  const config = await lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'orders', ImageConfig: {Command: ['other.handler']}}))
  expect(config.ImageConfigResponse).toEqual({ImageConfig: {Command: ['other.handler']}})
})

test('Invoke refuses an Image function with a clear, typed, non-retried error', async () => {
  await createImage('orders')
  await waitUntilFunctionActiveV2({client: lambda, ...fast}, {FunctionName: 'orders'})
  for (const InvocationType of ['RequestResponse', 'Event'] as const) {
    const error = await rejectionOf(lambda.send(new InvokeCommand({FunctionName: 'orders', InvocationType, Payload: '{}'})))
    expectModeledError('lambda', 'Invoke', error)
    expect(error.name).toBe('InvalidParameterValueException')
    expect(error.$metadata?.httpStatusCode).toBe(400)
    expect(error.message).toBe("sling's local cloud doesn't run container images (this function's PackageType is Image); deploy it to AWS, or use a zip function locally.")
  }
})

test('zip-only requests on an Image function, and image requests on a Zip function, are refused as Lambda refuses them', async () => {
  await createImage('image-fn')
  await lambda.send(new CreateFunctionCommand({FunctionName: 'zip-fn', Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: await handlerZip()}}))
  await waitUntilFunctionActiveV2({client: lambda, ...fast}, {FunctionName: 'image-fn'})
  await waitUntilFunctionActiveV2({client: lambda, ...fast}, {FunctionName: 'zip-fn'})

  const zip = await handlerZip()
  const cases: [string, () => Promise<unknown>, string][] = [
    ['UpdateFunctionCode', () => lambda.send(new UpdateFunctionCodeCommand({FunctionName: 'image-fn', ZipFile: zip})), 'Please provide ImageUri when updating a function with packageType Image.'],
    ['UpdateFunctionCode', () => lambda.send(new UpdateFunctionCodeCommand({FunctionName: 'zip-fn', ImageUri: IMAGE})), "Please don't provide ImageUri when updating a function with packageType Zip."],
    ['UpdateFunctionConfiguration', () => lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'image-fn', Runtime: 'nodejs20.x', Handler: 'index.handler'})), "Please don't provide Runtime, Handler for a function with package type Image: the image sets them."],
    ['UpdateFunctionConfiguration', () => lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'zip-fn', ImageConfig: {Command: ['x']}})), 'ImageUri and ImageConfig are only supported for functions with package type Image.'],
    ['CreateFunction', () => createImage('with-runtime', {Runtime: 'nodejs20.x', Handler: 'index.handler'}), "Please don't provide Runtime, Handler for a function with package type Image: the image sets them."],
    ['CreateFunction', () => createImage('not-ecr', {Code: {ImageUri: 'docker.io/library/node:20'}}), 'Source image docker.io/library/node:20 is not valid. Provide a valid source image.'],
    ['CreateFunction', () => createImage('zip-code', {Code: {ZipFile: zip}}), 'Please provide a source for function code.'],
  ]
  for (const [operation, call, message] of cases) {
    const error = await rejectionOf(call())
    expectModeledError('lambda', operation, error)
    expect(error.name).toBe('InvalidParameterValueException')
    expect(error.message).toBe(message)
  }
})

import {
  CreateFunctionCommand,
  DeleteLayerVersionCommand,
  GetFunctionConfigurationCommand,
  GetLayerVersionByArnCommand,
  GetLayerVersionCommand,
  InvalidParameterValueException,
  ListLayersCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  ResourceNotFoundException,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda'
import type {LambdaClient} from '@aws-sdk/client-lambda'
import {CreateBucketCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {createHash} from 'node:crypto'
import {afterEach, beforeEach, expect, test} from 'vitest'

import {resolveInvocationTarget} from '../../../../src/lib/local/lambda/resolve.js'
import {expectModeledError, expectOutputMatchesModel, modelHttp} from '../../../helpers/model.js'
import type {LambdaHarness} from './harness.js'
import {handlerZip, rejectionOf, ROLE, startLambda, zipOf} from './harness.js'

let h: LambdaHarness
let lambda: LambdaClient

beforeEach(async () => {
  h = await startLambda()
  lambda = h.lambda()
})
afterEach(async () => h.close())

const layerZip = (text: string): Promise<Buffer> => zipOf({'nodejs/node_modules/dep/index.js': `module.exports = ${JSON.stringify(text)}\n`})

test('PublishLayerVersion numbers versions; Get/GetByArn return the content, which downloads', async () => {
  const zip = await layerZip('one')
  const v1 = await lambda.send(new PublishLayerVersionCommand({LayerName: 'deps', Content: {ZipFile: zip}, CompatibleRuntimes: ['nodejs20.x'], CompatibleArchitectures: ['x86_64'], Description: 'd'}))
  expect(v1.$metadata.httpStatusCode).toBe(modelHttp('lambda', 'PublishLayerVersion').responseCode)
  expectOutputMatchesModel('lambda', 'PublishLayerVersion', v1)
  expect(v1).toMatchObject({
    Version: 1,
    LayerArn: 'arn:aws:lambda:us-east-1:000000000000:layer:deps',
    LayerVersionArn: 'arn:aws:lambda:us-east-1:000000000000:layer:deps:1',
    Content: {CodeSha256: createHash('sha256').update(zip).digest('base64'), CodeSize: zip.length},
  })
  const v2 = await lambda.send(new PublishLayerVersionCommand({LayerName: 'deps', Content: {ZipFile: await layerZip('two')}}))
  expect(v2.Version).toBe(2)
  const got = await lambda.send(new GetLayerVersionCommand({LayerName: 'deps', VersionNumber: 1}))
  expectOutputMatchesModel('lambda', 'GetLayerVersion', got)
  const byArn = await lambda.send(new GetLayerVersionByArnCommand({Arn: v1.LayerVersionArn}))
  expectOutputMatchesModel('lambda', 'GetLayerVersionByArn', byArn)
  expect(byArn.Description).toBe('d')
  const download = await fetch(byArn.Content?.Location ?? '')
  expect(Buffer.from(await download.arrayBuffer()).equals(zip)).toBe(true)
})

test('publishes a layer from the local S3', async () => {
  const s3 = new S3Client({region: 'us-east-1', endpoint: h.cloud.endpoint, forcePathStyle: true, credentials: {accessKeyId: 'x', secretAccessKey: 'x'}})
  await s3.send(new CreateBucketCommand({Bucket: 'layers'}))
  await s3.send(new PutObjectCommand({Bucket: 'layers', Key: 'deps.zip', Body: await layerZip('s3')}))
  const published = await lambda.send(new PublishLayerVersionCommand({LayerName: 'from-s3', Content: {S3Bucket: 'layers', S3Key: 'deps.zip'}}))
  expect(published.Version).toBe(1)
  s3.destroy()
})

test('ListLayerVersions (newest first, filtered by runtime) and ListLayers', async () => {
  await lambda.send(new PublishLayerVersionCommand({LayerName: 'a', Content: {ZipFile: await layerZip('1')}, CompatibleRuntimes: ['nodejs20.x']}))
  await lambda.send(new PublishLayerVersionCommand({LayerName: 'a', Content: {ZipFile: await layerZip('2')}, CompatibleRuntimes: ['python3.12']}))
  await lambda.send(new PublishLayerVersionCommand({LayerName: 'b', Content: {ZipFile: await layerZip('3')}}))
  const versions = await lambda.send(new ListLayerVersionsCommand({LayerName: 'a'}))
  expectOutputMatchesModel('lambda', 'ListLayerVersions', versions)
  expect(versions.LayerVersions?.map((v) => v.Version)).toEqual([2, 1])
  const node = await lambda.send(new ListLayerVersionsCommand({LayerName: 'a', CompatibleRuntime: 'nodejs20.x'}))
  expect(node.LayerVersions?.map((v) => v.Version)).toEqual([1])
  const layers = await lambda.send(new ListLayersCommand({}))
  expectOutputMatchesModel('lambda', 'ListLayers', layers)
  expect(layers.Layers?.map((l) => [l.LayerName, l.LatestMatchingVersion?.Version])).toEqual([['a', 2], ['b', 1]])
})

test('DeleteLayerVersion removes it; functions that use it keep their layer', async () => {
  const layer = await lambda.send(new PublishLayerVersionCommand({LayerName: 'gone', Content: {ZipFile: await layerZip('x')}}))
  await lambda.send(new CreateFunctionCommand({FunctionName: 'user', Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: await handlerZip()}, Layers: [layer.LayerVersionArn ?? '']}))
  const deleted = await lambda.send(new DeleteLayerVersionCommand({LayerName: 'gone', VersionNumber: 1}))
  expect(deleted.$metadata.httpStatusCode).toBe(204)
  const error = await rejectionOf(lambda.send(new GetLayerVersionCommand({LayerName: 'gone', VersionNumber: 1})))
  expect(error).toBeInstanceOf(ResourceNotFoundException)
  expectModeledError('lambda', 'GetLayerVersion', error)
  const config = await lambda.send(new GetFunctionConfigurationCommand({FunctionName: 'user'}))
  expect(config.Layers).toEqual([{Arn: layer.LayerVersionArn, CodeSize: layer.Content?.CodeSize}])
  const target = await resolveInvocationTarget(h.cloud.store, 'us-east-1', 'user')
  expect(target.version.layers.map((l) => l.arn)).toEqual([layer.LayerVersionArn])
})

test('functions reference up to 5 existing layer versions, and code plus layers must fit 250 MB unzipped', async () => {
  const arns: string[] = []
  for (let i = 0; i < 5; i++) arns.push((await lambda.send(new PublishLayerVersionCommand({LayerName: `l${i}`, Content: {ZipFile: await layerZip(String(i))}}))).LayerVersionArn ?? '')
  await lambda.send(new CreateFunctionCommand({FunctionName: 'layered', Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: await handlerZip()}, Layers: arns}))
  const big = await lambda.send(new PublishLayerVersionCommand({LayerName: 'big', Content: {ZipFile: await zipOf({'zeros.bin': Buffer.alloc(262_144_000)})}}))
  const error = await rejectionOf(lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'layered', Layers: [big.LayerVersionArn ?? '', ...arns.slice(0, 4)]})))
  expect(error).toBeInstanceOf(InvalidParameterValueException)
  expect(error.message).toMatch(/^Function code combined with layers exceeds the maximum allowed size of 262144000 bytes\. The actual size is \d+ bytes\.$/)
})

test('an invalid layer zip is refused', async () => {
  const error = await rejectionOf(lambda.send(new PublishLayerVersionCommand({LayerName: 'bad', Content: {ZipFile: Buffer.from('nope')}})))
  expect(error).toBeInstanceOf(InvalidParameterValueException)
  expectModeledError('lambda', 'PublishLayerVersion', error)
})

import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvalidParameterValueException,
  ListFunctionsCommand,
  PreconditionFailedException,
  ResourceConflictException,
  ResourceNotFoundException,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  paginateListFunctions,
} from '@aws-sdk/client-lambda'
import type {CreateFunctionCommandInput, LambdaClient} from '@aws-sdk/client-lambda'
import {CreateBucketCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {createHash} from 'node:crypto'
import {afterEach, beforeEach, describe, expect, test} from 'vitest'

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

async function create(name: string, overrides: Partial<CreateFunctionCommandInput> = {}) {
  return lambda.send(new CreateFunctionCommand({FunctionName: name, Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: await handlerZip()}, ...overrides}))
}

describe('CreateFunction', () => {
  test('answers 201 with the configuration AWS returns: Pending, ARN, base64 CodeSha256, timestamp format', async () => {
    const zip = await handlerZip()
    const created = await create('hello', {Code: {ZipFile: zip}, Environment: {Variables: {GREETING: 'hi'}}, MemorySize: 256, Tags: {team: 'a'}})
    expect(created.$metadata.httpStatusCode).toBe(modelHttp('lambda', 'CreateFunction').responseCode)
    expectOutputMatchesModel('lambda', 'CreateFunction', created)
    expect(created).toMatchObject({
      FunctionName: 'hello',
      FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:hello',
      Version: '$LATEST',
      State: 'Pending',
      StateReasonCode: 'Creating',
      CodeSha256: createHash('sha256').update(zip).digest('base64'),
      CodeSize: zip.length,
      MemorySize: 256,
      Timeout: 3,
      PackageType: 'Zip',
      Environment: {Variables: {GREETING: 'hi'}},
    })
    expect(created.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/)
    expect(created.RevisionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  })

  test('a second function with the same name is a ResourceConflictException', async () => {
    await create('twice')
    const error = await rejectionOf(create('twice'))
    expect(error).toBeInstanceOf(ResourceConflictException)
    expect(error.message).toBe('Function already exist: twice')
    expectModeledError('lambda', 'CreateFunction', error)
  })

  test('takes the package from the local S3', async () => {
    const s3 = new S3Client({region: 'us-east-1', endpoint: h.cloud.endpoint, forcePathStyle: true, credentials: {accessKeyId: 'x', secretAccessKey: 'x'}})
    const zip = await handlerZip('return 1')
    await s3.send(new CreateBucketCommand({Bucket: 'artifacts'}))
    await s3.send(new PutObjectCommand({Bucket: 'artifacts', Key: 'fn.zip', Body: zip}))
    const created = await create('from-s3', {Code: {S3Bucket: 'artifacts', S3Key: 'fn.zip'}})
    expect(created.CodeSha256).toBe(createHash('sha256').update(zip).digest('base64'))
    const missing = await rejectionOf(create('from-s3-missing', {Code: {S3Bucket: 'artifacts', S3Key: 'nope.zip'}}))
    expect(missing).toBeInstanceOf(InvalidParameterValueException)
    expect(missing.message).toContain('NoSuchKey')
    const noBucket = await rejectionOf(create('from-s3-no-bucket', {Code: {S3Bucket: '..', S3Key: 'fn.zip'}}))
    expect(noBucket).toBeInstanceOf(InvalidParameterValueException)
    expect(noBucket.message).toContain('NoSuchBucket')
    s3.destroy()
  })

  test.each([
    ['an invalid zip', {Code: {ZipFile: Buffer.from('not a zip')}}, InvalidParameterValueException, 'Could not unzip uploaded file. Please check your file, then try to upload again.'],
    ['more than 5 layers', {Layers: [1, 2, 3, 4, 5, 6].map((n) => `arn:aws:lambda:us-east-1:000000000000:layer:l${n}:1`)}, InvalidParameterValueException, 'Cannot reference more than 5 layers.'],
    ['a layer that does not exist', {Layers: ['arn:aws:lambda:us-east-1:000000000000:layer:ghost:1']}, InvalidParameterValueException, 'Layer version arn:aws:lambda:us-east-1:000000000000:layer:ghost:1 does not exist.'],
    ['environment variables over 4 KB', {Environment: {Variables: {BIG: 'x'.repeat(4100)}}}, InvalidParameterValueException, 'exceeded the 4KB limit'],
    ['a reserved environment variable', {Environment: {Variables: {AWS_REGION: 'eu-west-1'}}}, InvalidParameterValueException, 'Reserved keys used in this request: AWS_REGION'],
    ['a deprecated runtime', {Runtime: 'nodejs12.x' as const}, InvalidParameterValueException, 'The runtime parameter of nodejs12.x is no longer supported'],
  ])('refuses %s with the exception AWS throws', async (_label, overrides, type, message) => {
    const error = await rejectionOf(create('refused', overrides))
    expect(error).toBeInstanceOf(type)
    expect(error.message).toContain(message)
    expectModeledError('lambda', 'CreateFunction', error)
  })

  test.each([
    ['memory below 128 MB', {MemorySize: 64}, "Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128"],
    ['a timeout of 0', {Timeout: 0}, "Value '0' at 'timeout' failed to satisfy constraint"],
    ['a malformed role', {Role: 'not-a-role'}, "at 'role' failed to satisfy constraint"],
    ['a name with spaces', {FunctionName: 'bad name'}, "at 'functionName' failed to satisfy constraint"],
    ['a handler with spaces', {Handler: 'index handler'}, "at 'handler' failed to satisfy constraint"],
    ['an unknown runtime', {Runtime: 'cobol1.0'}, "at 'runtime' failed to satisfy constraint: Member must satisfy enum value set"],
  ])('answers a ValidationException for %s, listing the violated constraint', async (_label, overrides, message) => {
    const error = await rejectionOf(create('invalid', overrides as Partial<CreateFunctionCommandInput>))
    expect(error.name).toBe('ValidationException')
    expect(error.$metadata?.httpStatusCode).toBe(400)
    expect(error.message).toContain(message)
  })

  test('refuses a zip over 50 MB with RequestEntityTooLargeException (413), as AWS names it on the wire', async () => {
    const zip = await zipOf({'big.bin': Buffer.alloc(52_428_900, 1)}, {store: true})
    const error = await rejectionOf(create('too-big', {Code: {ZipFile: zip}}))
    expect(error.name).toBe('RequestEntityTooLargeException')
    expect(error.$metadata?.httpStatusCode).toBe(413)
    expect(error.message).toBe('Request must be smaller than 70167211 bytes for the CreateFunction operation')
  })

  test('refuses code over 250 MB unzipped', async () => {
    const zip = await zipOf({'zeros.bin': Buffer.alloc(262_144_001)})
    const error = await rejectionOf(create('too-big-unzipped', {Code: {ZipFile: zip}}))
    expect(error).toBeInstanceOf(InvalidParameterValueException)
    expect(error.message).toBe('Unzipped size must be smaller than 262144000 bytes')
  })
})

describe('reading functions', () => {
  test('GetFunction returns the configuration, tags and a Code.Location that serves the zip', async () => {
    const zip = await handlerZip()
    await create('reader', {Code: {ZipFile: zip}, Tags: {team: 'a'}})
    const got = await lambda.send(new GetFunctionCommand({FunctionName: 'reader'}))
    expectOutputMatchesModel('lambda', 'GetFunction', got)
    expect(got.Configuration?.State).toBe('Active')
    expect(got.Configuration?.LastUpdateStatus).toBe('Successful')
    expect(got.Tags).toEqual({team: 'a'})
    const download = await fetch(got.Code?.Location ?? '')
    expect(Buffer.from(await download.arrayBuffer()).equals(zip)).toBe(true)
  })

  test('GetFunctionConfiguration accepts a name, an ARN and a partial ARN', async () => {
    await create('named')
    for (const name of ['named', 'arn:aws:lambda:us-east-1:000000000000:function:named', '000000000000:function:named']) {
      const config = await lambda.send(new GetFunctionConfigurationCommand({FunctionName: name}))
      expectOutputMatchesModel('lambda', 'GetFunctionConfiguration', config)
      expect(config.FunctionName).toBe('named')
    }
  })

  test('an unknown function or version is a ResourceNotFoundException naming its ARN', async () => {
    await create('known')
    const error = await rejectionOf(lambda.send(new GetFunctionCommand({FunctionName: 'unknown'})))
    expect(error).toBeInstanceOf(ResourceNotFoundException)
    expect(error.message).toBe('Function not found: arn:aws:lambda:us-east-1:000000000000:function:unknown')
    expectModeledError('lambda', 'GetFunction', error)
    const version = await rejectionOf(lambda.send(new GetFunctionCommand({FunctionName: 'known', Qualifier: '7'})))
    expect(version.message).toBe('Function not found: arn:aws:lambda:us-east-1:000000000000:function:known:7')
  })

  test('ListFunctions pages with Marker/MaxItems, and the SDK paginator sees every function once', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) await create(`list-${name}`)
    const first = await lambda.send(new ListFunctionsCommand({MaxItems: 2}))
    expectOutputMatchesModel('lambda', 'ListFunctions', first)
    expect(first.Functions?.map((f) => f.FunctionName)).toEqual(['list-a', 'list-b'])
    expect(first.NextMarker).toBeDefined()
    const names: string[] = []
    for await (const page of paginateListFunctions({client: lambda, pageSize: 2}, {})) names.push(...(page.Functions ?? []).map((f) => f.FunctionName ?? ''))
    expect(names).toEqual(['list-a', 'list-b', 'list-c', 'list-d', 'list-e'])
  })
})

describe('updating functions', () => {
  test('UpdateFunctionCode changes CodeSha256 and RevisionId, and reports InProgress', async () => {
    const created = await create('code')
    const zip = await handlerZip('return 2')
    const updated = await lambda.send(new UpdateFunctionCodeCommand({FunctionName: 'code', ZipFile: zip}))
    expect(updated.$metadata.httpStatusCode).toBe(modelHttp('lambda', 'UpdateFunctionCode').responseCode)
    expectOutputMatchesModel('lambda', 'UpdateFunctionCode', updated)
    expect(updated.CodeSha256).toBe(createHash('sha256').update(zip).digest('base64'))
    expect(updated.LastUpdateStatus).toBe('InProgress')
    expect(updated.RevisionId).not.toBe(created.RevisionId)
  })

  test('DryRun validates the package without changing the function', async () => {
    const created = await create('dry')
    const zip = await handlerZip('return 3')
    const dry = await lambda.send(new UpdateFunctionCodeCommand({FunctionName: 'dry', ZipFile: zip, DryRun: true}))
    expect(dry.CodeSha256).toBe(createHash('sha256').update(zip).digest('base64'))
    const after = await lambda.send(new GetFunctionConfigurationCommand({FunctionName: 'dry'}))
    expect(after.CodeSha256).toBe(created.CodeSha256)
  })

  test('Publish with UpdateFunctionCode publishes a version', async () => {
    await create('pub')
    const published = await lambda.send(new UpdateFunctionCodeCommand({FunctionName: 'pub', ZipFile: await handlerZip('return 4'), Publish: true}))
    expect(published.Version).toBe('1')
    expect(published.FunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:pub:1')
  })

  test('a stale RevisionId is a PreconditionFailedException (412)', async () => {
    await create('rev')
    const current = await lambda.send(new GetFunctionConfigurationCommand({FunctionName: 'rev'}))
    const stale = await rejectionOf(lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'rev', RevisionId: '00000000-0000-4000-8000-000000000000', Timeout: 10})))
    expect(stale).toBeInstanceOf(PreconditionFailedException)
    expect(stale.$metadata?.httpStatusCode).toBe(412)
    expectModeledError('lambda', 'UpdateFunctionConfiguration', stale)
    const ok = await lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'rev', RevisionId: current.RevisionId, Timeout: 10}))
    expect(ok.Timeout).toBe(10)
    const codeStale = await rejectionOf(lambda.send(new UpdateFunctionCodeCommand({FunctionName: 'rev', ZipFile: await handlerZip(), RevisionId: current.RevisionId})))
    expect(codeStale).toBeInstanceOf(PreconditionFailedException)
  })

  test('UpdateFunctionConfiguration changes only what it is given; an empty environment removes it', async () => {
    await create('cfg', {Environment: {Variables: {AB: '1'}}, Description: 'before'})
    const updated = await lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'cfg', MemorySize: 512, Environment: {Variables: {}}}))
    expectOutputMatchesModel('lambda', 'UpdateFunctionConfiguration', updated)
    expect(updated).toMatchObject({MemorySize: 512, Description: 'before', Handler: 'index.handler'})
    expect(updated.Environment).toBeUndefined()
  })
})

describe('DeleteFunction', () => {
  test('deletes the function, or one version with Qualifier', async () => {
    await create('gone', {Publish: true})
    await lambda.send(new UpdateFunctionCodeCommand({FunctionName: 'gone', ZipFile: await handlerZip('return 5'), Publish: true}))
    const deleted = await lambda.send(new DeleteFunctionCommand({FunctionName: 'gone', Qualifier: '1'}))
    expect(deleted.$metadata.httpStatusCode).toBe(modelHttp('lambda', 'DeleteFunction').responseCode)
    await expect(lambda.send(new GetFunctionCommand({FunctionName: 'gone', Qualifier: '1'}))).rejects.toBeInstanceOf(ResourceNotFoundException)
    await expect(lambda.send(new GetFunctionCommand({FunctionName: 'gone', Qualifier: '2'}))).resolves.toBeDefined()
    const latest = await rejectionOf(lambda.send(new DeleteFunctionCommand({FunctionName: 'gone', Qualifier: '$LATEST'})))
    expect(latest).toBeInstanceOf(InvalidParameterValueException)
    await lambda.send(new DeleteFunctionCommand({FunctionName: 'gone'}))
    await expect(lambda.send(new GetFunctionCommand({FunctionName: 'gone'}))).rejects.toBeInstanceOf(ResourceNotFoundException)
    await expect(lambda.send(new DeleteFunctionCommand({FunctionName: 'gone'}))).rejects.toBeInstanceOf(ResourceNotFoundException)
  })
})

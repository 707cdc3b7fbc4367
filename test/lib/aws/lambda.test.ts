import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PreconditionFailedException,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  TooManyRequestsException,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda'
import type {InvokeCommandOutput} from '@aws-sdk/client-lambda'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, expect, test} from 'vitest'

import {createLambdaApi} from '../../../src/lib/aws/lambda.js'
import {UserError} from '../../../src/lib/errors.js'
import {rejectionOf} from '../../helpers/aws.js'

const lambdaMock = mockClient(LambdaClient)
afterEach(() => {
  lambdaMock.reset()
})

const $metadata = {httpStatusCode: 409}
const conflict = () => new ResourceConflictException({message: 'An update is in progress for resource: hello', $metadata})
const notFound = () => new ResourceNotFoundException({message: 'Function not found', $metadata: {httpStatusCode: 404}})
const throttled = () => new TooManyRequestsException({message: 'Rate exceeded', $metadata: {httpStatusCode: 429}})

function api(): ReturnType<typeof createLambdaApi> {
  return createLambdaApi(new LambdaClient({region: 'eu-west-1'}), {region: 'eu-west-1'}, {pollSeconds: 0.01, maxWaitSeconds: 0.2, retry: {attempts: 3, baseDelayMs: 1}})
}

test('getFunction returns sling\'s own view of the function, asking for the qualifier', async () => {
  lambdaMock.on(GetFunctionCommand).resolves({
    Configuration: {FunctionName: 'hello', FunctionArn: 'arn:aws:lambda:eu-west-1:1:function:hello:3', Version: '3', Runtime: 'nodejs22.x', Role: 'arn:aws:iam::1:role/r', CodeSha256: 'abc=', CodeSize: 42, Environment: {Variables: {A: '1'}}, Architectures: ['arm64'], Layers: [{Arn: 'arn:aws:lambda:eu-west-1:1:layer:deps:2'}], State: 'Active', LastUpdateStatus: 'Successful', RevisionId: 'r1'},
    Tags: {team: 'x'},
  })
  const fn = await api().getFunction('hello', '3')
  expect(lambdaMock).toHaveReceivedCommandWith(GetFunctionCommand, {FunctionName: 'hello', Qualifier: '3'})
  expect(fn).toMatchObject({name: 'hello', version: '3', codeSha256: 'abc=', codeSize: 42, environment: {A: '1'}, architecture: 'arm64', layers: ['arn:aws:lambda:eu-west-1:1:layer:deps:2'], tags: {team: 'x'}, state: 'Active', revisionId: 'r1', packageType: 'Zip'})
})

test('getFunction returns undefined for a function that does not exist', async () => {
  lambdaMock.on(GetFunctionCommand).rejects(notFound())
  expect(await api().getFunction('nope')).toBeUndefined()
})

test('createFunction sends the settings under their Lambda names, and refuses an existing name without retrying', async () => {
  lambdaMock.on(CreateFunctionCommand).resolvesOnce({FunctionName: 'hello', State: 'Pending'}).rejects(conflict())
  const spec = {name: 'hello', role: 'arn:aws:iam::1:role/r', runtime: 'nodejs22.x', handler: 'index.handler', memorySize: 256, timeout: 10, environment: {A: '1'}, layers: ['arn:l:1'], architecture: 'arm64' as const, tags: {team: 'x'}, code: {s3Bucket: 'b', s3Key: 'k.zip'}}
  expect((await api().createFunction(spec)).state).toBe('Pending')
  expect(lambdaMock).toHaveReceivedCommandWith(CreateFunctionCommand, {
    FunctionName: 'hello', Role: 'arn:aws:iam::1:role/r', Runtime: 'nodejs22.x', Handler: 'index.handler', MemorySize: 256, Timeout: 10, PackageType: 'Zip',
    Environment: {Variables: {A: '1'}}, Layers: ['arn:l:1'], Architectures: ['arm64'], Tags: {team: 'x'}, Code: {S3Bucket: 'b', S3Key: 'k.zip'},
  })
  const error = await rejectionOf(api().createFunction(spec))
  expect(error).toBeInstanceOf(UserError)
  expect(error).toMatchObject({code: 'FunctionExists', message: 'Function "hello" already exists in eu-west-1.'})
  expect(lambdaMock).toHaveReceivedCommandTimes(CreateFunctionCommand, 2)
})

test('updateCode retries while an update is in progress, then succeeds, sending the RevisionId', async () => {
  lambdaMock.on(UpdateFunctionCodeCommand).rejectsOnce(conflict()).resolves({FunctionName: 'hello', CodeSha256: 'new=', LastUpdateStatus: 'InProgress'})
  const fn = await api().updateCode('hello', {zipFile: Buffer.from('zip')}, {revisionId: 'r1'})
  expect(fn).toMatchObject({codeSha256: 'new=', lastUpdateStatus: 'InProgress'})
  expect(lambdaMock).toHaveReceivedCommandTimes(UpdateFunctionCodeCommand, 2)
  expect(lambdaMock).toHaveReceivedCommandWith(UpdateFunctionCodeCommand, {FunctionName: 'hello', ZipFile: Buffer.from('zip'), RevisionId: 'r1'})
})

test('a function that stays busy fails after a few attempts with a UserError naming it', async () => {
  lambdaMock.on(UpdateFunctionCodeCommand).rejects(conflict())
  const error = await rejectionOf(api().updateCode('hello', {s3Bucket: 'b', s3Key: 'k'}))
  expect(error).toMatchObject({code: 'FunctionBusy', message: expect.stringContaining('"hello"') as string})
  expect(lambdaMock).toHaveReceivedCommandTimes(UpdateFunctionCodeCommand, 3)
})

test('a revision mismatch says someone else changed the function', async () => {
  lambdaMock.on(UpdateFunctionCodeCommand).rejects(new PreconditionFailedException({message: 'The Revision Id provided does not match', $metadata: {httpStatusCode: 412}}))
  const error = await rejectionOf(api().updateCode('hello', {zipFile: new Uint8Array([1])}, {revisionId: 'old'}))
  expect(error).toMatchObject({code: 'ConcurrentChange'})
  expect(lambdaMock).toHaveReceivedCommandTimes(UpdateFunctionCodeCommand, 1)
})

test('publishVersion sends the CodeSha256 we uploaded and returns the new version', async () => {
  lambdaMock.on(PublishVersionCommand).resolves({Version: '7'})
  expect(await api().publishVersion('hello', 'abc=', {revisionId: 'r2'})).toBe('7')
  expect(lambdaMock).toHaveReceivedCommandWith(PublishVersionCommand, {FunctionName: 'hello', CodeSha256: 'abc=', RevisionId: 'r2'})
})

test('listVersions follows every page and leaves out $LATEST', async () => {
  lambdaMock
    .on(ListVersionsByFunctionCommand, {FunctionName: 'hello', Marker: undefined})
    .resolves({Versions: [{Version: '$LATEST'}, {Version: '1', CodeSha256: 'a='}], NextMarker: 'm1'})
    .on(ListVersionsByFunctionCommand, {FunctionName: 'hello', Marker: 'm1'})
    .resolves({Versions: [{Version: '2', CodeSha256: 'b='}]})
  const versions = await api().listVersions('hello')
  expect(versions.map((v) => [v.version, v.codeSha256])).toEqual([['1', 'a='], ['2', 'b=']])
  expect(lambdaMock).toHaveReceivedCommandTimes(ListVersionsByFunctionCommand, 2)
})

test('pointAlias updates an existing alias with routing and returns the version it pointed to before', async () => {
  lambdaMock.on(GetAliasCommand).resolves({Name: 'live', FunctionVersion: '3'}).on(UpdateAliasCommand).resolves({})
  expect(await api().pointAlias('hello', 'live', '4', {'5': 0.1})).toBe('3')
  expect(lambdaMock).toHaveReceivedCommandWith(UpdateAliasCommand, {FunctionName: 'hello', Name: 'live', FunctionVersion: '4', RoutingConfig: {AdditionalVersionWeights: {'5': 0.1}}})
  expect(lambdaMock).not.toHaveReceivedCommand(CreateAliasCommand)
})

test('pointAlias without routing clears any traffic split', async () => {
  lambdaMock.on(GetAliasCommand).resolves({Name: 'live', FunctionVersion: '3', RoutingConfig: {AdditionalVersionWeights: {}}}).on(UpdateAliasCommand).resolves({})
  await api().pointAlias('hello', 'live', '4')
  expect(lambdaMock).toHaveReceivedCommandWith(UpdateAliasCommand, {RoutingConfig: {AdditionalVersionWeights: {}}})
})

test('pointAlias creates a missing alias and returns undefined; a concurrent create falls back to an update', async () => {
  lambdaMock.on(GetAliasCommand).rejects(notFound()).on(CreateAliasCommand).resolves({})
  expect(await api().pointAlias('hello', 'live', '1')).toBeUndefined()
  expect(lambdaMock).toHaveReceivedCommandWith(CreateAliasCommand, {FunctionName: 'hello', Name: 'live', FunctionVersion: '1'})

  lambdaMock.reset()
  lambdaMock.on(GetAliasCommand).rejectsOnce(notFound()).resolves({Name: 'live', FunctionVersion: '1'}).on(CreateAliasCommand).rejects(conflict()).on(UpdateAliasCommand).resolves({})
  expect(await api().pointAlias('hello', 'live', '2')).toBe('1')
  expect(lambdaMock).toHaveReceivedCommandWith(UpdateAliasCommand, {FunctionVersion: '2'})
})

test('invoke retries when throttled and returns status, version, payload, function error and the decoded log tail', async () => {
  lambdaMock.on(InvokeCommand).rejectsOnce(throttled()).resolves({StatusCode: 200, ExecutedVersion: '4', FunctionError: 'Unhandled', Payload: Buffer.from('{"errorMessage":"boom"}') as unknown as InvokeCommandOutput['Payload'], LogResult: Buffer.from('START RequestId: 1\nboom\n').toString('base64')})
  const result = await api().invoke('hello', '{"a":1}', {qualifier: 'live', logTail: true})
  expect(lambdaMock).toHaveReceivedCommandWith(InvokeCommand, {FunctionName: 'hello', Qualifier: 'live', LogType: 'Tail', Payload: new TextEncoder().encode('{"a":1}')})
  expect(result).toMatchObject({statusCode: 200, executedVersion: '4', functionError: 'Unhandled', logTail: 'START RequestId: 1\nboom\n'})
  expect(Buffer.from(result.payload).toString()).toBe('{"errorMessage":"boom"}')
})

test('invoking a missing function is a UserError naming it and the region', async () => {
  lambdaMock.on(InvokeCommand).rejects(notFound())
  const error = await rejectionOf(api().invoke('nope', '{}'))
  expect(error).toMatchObject({code: 'FunctionNotFound', message: 'Function "nope" doesn\'t exist in eu-west-1.'})
})

test('waitUntilUpdated that times out names the function, the status it is stuck in and why', async () => {
  lambdaMock.on(GetFunctionCommand).resolves({Configuration: {FunctionName: 'hello', LastUpdateStatus: 'InProgress', LastUpdateStatusReason: 'Creating ENIs'}})
  const error = await rejectionOf(api().waitUntilUpdated('hello'))
  expect(error).toBeInstanceOf(UserError)
  expect(error).toMatchObject({code: 'WaitTimedOut', message: expect.stringMatching(/^Function "hello" didn't become Updated within 0.2s; it is still in update status InProgress \(Creating ENIs\)/) as string})
})

test('waitUntilActive on a function that failed says why', async () => {
  lambdaMock.on(GetFunctionCommand).resolvesOnce({Configuration: {State: 'Pending'}}).resolves({Configuration: {FunctionName: 'hello', State: 'Failed', StateReason: 'The role cannot be assumed'}})
  const error = await rejectionOf(api().waitUntilActive('hello'))
  expect(error).toMatchObject({code: 'FunctionFailed', message: 'Function "hello" failed to become Active (state Failed): The role cannot be assumed.'})
})

test('waitUntilActive returns once the function is Active', async () => {
  lambdaMock.on(GetFunctionCommand).resolvesOnce({Configuration: {State: 'Pending'}}).resolves({Configuration: {State: 'Active'}})
  await api().waitUntilActive('hello')
  expect(lambdaMock).toHaveReceivedCommandTimes(GetFunctionCommand, 2)
})

test('publishLayerVersion sends the content and compatibility, and returns the version ARN', async () => {
  lambdaMock.on(PublishLayerVersionCommand).resolves({LayerArn: 'arn:l', LayerVersionArn: 'arn:l:3', Version: 3, Content: {CodeSha256: 's=', CodeSize: 9}})
  const layer = await api().publishLayerVersion({name: 'deps', content: {zipFile: Buffer.from('z')}, compatibleRuntimes: ['nodejs22.x'], compatibleArchitectures: ['arm64']})
  expect(layer).toEqual({arn: 'arn:l:3', layerArn: 'arn:l', version: 3, codeSha256: 's=', codeSize: 9})
  expect(lambdaMock).toHaveReceivedCommandWith(PublishLayerVersionCommand, {LayerName: 'deps', Content: {ZipFile: Buffer.from('z')}, CompatibleRuntimes: ['nodejs22.x'], CompatibleArchitectures: ['arm64']})
})

import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvalidParameterValueException,
  InvokeCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PreconditionFailedException,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  TagResourceCommand,
  TooManyRequestsException,
  UntagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda'
import type {FunctionConfiguration, GetFunctionCommandOutput, InvokeCommandOutput} from '@aws-sdk/client-lambda'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, expect, test} from 'vitest'

import {systemClock} from '../../../src/lib/clock.js'
import type {LambdaApiOptions} from '../../../src/lib/aws/lambda.js'
import {createLambdaApi} from '../../../src/lib/aws/lambda.js'
import {UserError} from '../../../src/lib/errors.js'
import {rejectionOf} from '../../helpers/aws.js'
import type {FakeClock} from '../../helpers/clock.js'
import {fakeClock} from '../../helpers/clock.js'

const lambdaMock = mockClient(LambdaClient)
afterEach(() => {
  lambdaMock.reset()
})

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:hello'
const conflict = () => new ResourceConflictException({message: 'An update is in progress for resource: hello', $metadata: {httpStatusCode: 409}})
const notFound = () => new ResourceNotFoundException({message: 'Function not found', $metadata: {httpStatusCode: 404}})
const throttled = () => new TooManyRequestsException({message: 'Rate exceeded', $metadata: {httpStatusCode: 429}})
const revisionMismatch = () => new PreconditionFailedException({message: 'The Revision Id provided does not match the latest Revision Id.', $metadata: {httpStatusCode: 412}})

/** A GetFunction answer: settled (Active, Successful) unless overridden. */
const fn = (c: Partial<FunctionConfiguration> = {}): GetFunctionCommandOutput => ({
  Configuration: {FunctionName: 'hello', FunctionArn: ARN, State: 'Active', LastUpdateStatus: 'Successful', RevisionId: 'r1', ...c},
  $metadata: {},
})

/** Waits use the SDK's waiters, which sleep on real timers: tests give them pauses of milliseconds. */
const QUICK_WAITS = {pollSeconds: 0.001, maxPollSeconds: 0.002}

function api(clock: FakeClock = fakeClock(), options: LambdaApiOptions = {}): ReturnType<typeof createLambdaApi> {
  return createLambdaApi(new LambdaClient({region: 'eu-west-1'}), {region: 'eu-west-1'}, {clock, conflictRetry: {attempts: 3, baseDelayMs: 1000}, ...QUICK_WAITS, ...options})
}

/** The commands sent, in order, by class name. */
function sent(): string[] {
  return lambdaMock.calls().map((call) => (call.args[0] as object).constructor.name.replace(/Command$/, ''))
}

test("getFunction returns sling's own view of the function, asking for the qualifier", async () => {
  lambdaMock.on(GetFunctionCommand).resolves({
    ...fn({FunctionArn: `${ARN}:3`, Version: '3', Runtime: 'nodejs22.x', Role: 'arn:aws:iam::1:role/r', CodeSha256: 'abc=', CodeSize: 42, Environment: {Variables: {A: '1'}}, Architectures: ['arm64'], Layers: [{Arn: 'arn:aws:lambda:eu-west-1:1:layer:deps:2'}]}),
    Tags: {team: 'x'},
    Concurrency: {ReservedConcurrentExecutions: 5},
  })
  const got = await api().getFunction('hello', {qualifier: '3'})
  expect(lambdaMock).toHaveReceivedCommandWith(GetFunctionCommand, {FunctionName: 'hello', Qualifier: '3'})
  expect(got).toMatchObject({name: 'hello', version: '3', codeSha256: 'abc=', codeSize: 42, environment: {A: '1'}, architecture: 'arm64', layers: ['arn:aws:lambda:eu-west-1:1:layer:deps:2'], tags: {team: 'x'}, state: 'Active', revisionId: 'r1', packageType: 'Zip', reservedConcurrency: 5})
})

test('getFunction returns undefined for a function that does not exist', async () => {
  lambdaMock.on(GetFunctionCommand).rejects(notFound())
  expect(await api().getFunction('nope')).toBeUndefined()
})

test('createFunction sends the settings under their Lambda names and waits until the function is Active', async () => {
  const clock = fakeClock()
  lambdaMock.on(CreateFunctionCommand).resolves({FunctionName: 'hello', State: 'Pending'})
  lambdaMock.on(GetFunctionCommand).resolvesOnce(fn({State: 'Pending', LastUpdateStatus: 'InProgress'})).resolves(fn({RevisionId: 'r2'}))
  const spec = {name: 'hello', role: 'arn:aws:iam::1:role/r', runtime: 'nodejs22.x', handler: 'index.handler', memorySize: 256, timeout: 10, environment: {A: '1'}, layers: ['arn:l:1'], architecture: 'arm64' as const, tags: {team: 'x'}, code: {s3Bucket: 'b', s3Key: 'k.zip'}}
  const created = await api(clock).createFunction(spec)
  expect(created).toMatchObject({state: 'Active', revisionId: 'r2'})
  // The SDK's waitUntilFunctionActiveV2 read until Active; its last read is the result, with no read after it.
  expect(sent()).toEqual(['CreateFunction', 'GetFunction', 'GetFunction'])
  expect(clock.sleeps).toEqual([])
  expect(lambdaMock).toHaveReceivedCommandWith(CreateFunctionCommand, {
    FunctionName: 'hello', Role: 'arn:aws:iam::1:role/r', Runtime: 'nodejs22.x', Handler: 'index.handler', MemorySize: 256, Timeout: 10, PackageType: 'Zip',
    Environment: {Variables: {A: '1'}}, Layers: ['arn:l:1'], Architectures: ['arm64'], Tags: {team: 'x'}, Code: {S3Bucket: 'b', S3Key: 'k.zip'},
  })
})

test('createFunction refuses an existing name without retrying', async () => {
  lambdaMock.on(CreateFunctionCommand).rejects(conflict())
  const error = await rejectionOf(api().createFunction({name: 'hello', role: 'r', code: {zipFile: new Uint8Array([1])}}))
  expect(error).toBeInstanceOf(UserError)
  expect(error).toMatchObject({code: 'FunctionExists', message: 'Function "hello" already exists in eu-west-1.'})
  expect(sent()).toEqual(['CreateFunction'])
})

test('createFunction on a function that fails to become Active says why', async () => {
  lambdaMock.on(CreateFunctionCommand).resolves({})
  lambdaMock.on(GetFunctionCommand).resolvesOnce(fn({State: 'Pending'})).resolves(fn({State: 'Failed', StateReason: 'The role cannot be assumed', LastUpdateStatus: 'Failed'}))
  const error = await rejectionOf(api().createFunction({name: 'hello', role: 'r', code: {zipFile: new Uint8Array([1])}}))
  expect(error).toMatchObject({code: 'FunctionFailed', message: 'Function "hello" failed to become Active (state Failed): The role cannot be assumed.'})
})

test('createFunction with a new role retries while IAM propagates it, and only then', async () => {
  const roleNotReady = () => new InvalidParameterValueException({message: 'The role defined for the function cannot be assumed by Lambda.', $metadata: {httpStatusCode: 400}})
  lambdaMock.on(CreateFunctionCommand).rejectsOnce(roleNotReady()).rejectsOnce(roleNotReady()).resolves({})
  lambdaMock.on(GetFunctionCommand).resolves(fn())
  const clock = fakeClock()
  await api(clock).createFunction({name: 'hello', role: 'r', code: {zipFile: new Uint8Array([1])}}, {newRole: true})
  expect(lambdaMock).toHaveReceivedCommandTimes(CreateFunctionCommand, 3)
  expect(clock.sleeps).toEqual([1000, 2000]) // backing off, in fake time

  lambdaMock.reset()
  lambdaMock.on(CreateFunctionCommand).rejects(roleNotReady())
  expect(await rejectionOf(api().createFunction({name: 'hello', role: 'r', code: {zipFile: new Uint8Array([1])}}))).toMatchObject({code: 'InvalidParameterValueException'})
  expect(lambdaMock).toHaveReceivedCommandTimes(CreateFunctionCommand, 1)
})

test('the propagation retry gives up after a minute, and never retries another InvalidParameterValueException', async () => {
  const roleNotReady = () => new InvalidParameterValueException({message: 'The role defined for the function cannot be assumed by Lambda.', $metadata: {httpStatusCode: 400}})
  lambdaMock.on(CreateFunctionCommand).rejects(roleNotReady())
  const clock = fakeClock()
  const error = await rejectionOf(api(clock).createFunction({name: 'hello', role: 'r', code: {zipFile: new Uint8Array([1])}}, {newRole: true}))
  expect(error).toMatchObject({code: 'InvalidParameterValueException', message: expect.stringContaining('cannot be assumed by Lambda') as string})
  expect(clock.elapsed()).toBe(60_000)
  expect(clock.sleeps.slice(0, 5)).toEqual([1000, 2000, 4000, 8000, 8000])

  lambdaMock.reset()
  const badHandler = new InvalidParameterValueException({message: 'Value index is invalid for handler.', $metadata: {httpStatusCode: 400}})
  lambdaMock.on(CreateFunctionCommand).rejects(badHandler)
  const other = fakeClock()
  expect(await rejectionOf(api(other).createFunction({name: 'hello', role: 'r', code: {zipFile: new Uint8Array([1])}}, {newRole: true}))).toMatchObject({code: 'InvalidParameterValueException'})
  expect(lambdaMock).toHaveReceivedCommandTimes(CreateFunctionCommand, 1)
  expect(other.sleeps).toEqual([])
})

test('update waits until the function is idle, applies the change, then waits until it is applied', async () => {
  const clock = fakeClock()
  lambdaMock
    .on(GetFunctionCommand)
    .resolvesOnce(fn({LastUpdateStatus: 'InProgress'})) // someone else's update is still running
    .resolvesOnce(fn({RevisionId: 'r1'}))
    .resolvesOnce(fn({LastUpdateStatus: 'InProgress', RevisionId: 'r2'}))
    .resolves(fn({CodeSha256: 'new=', RevisionId: 'r3'}))
  lambdaMock.on(UpdateFunctionCodeCommand).resolves({FunctionName: 'hello', CodeSha256: 'new=', LastUpdateStatus: 'InProgress', RevisionId: 'r2'})
  const updated = await api(clock).update('hello', {kind: 'code', code: {zipFile: Buffer.from('zip')}, revisionId: 'r1', architecture: 'arm64'})
  expect(sent()).toEqual(['GetFunction', 'GetFunction', 'UpdateFunctionCode', 'GetFunction', 'GetFunction'])
  expect(lambdaMock).toHaveReceivedCommandWith(UpdateFunctionCodeCommand, {FunctionName: 'hello', ZipFile: Buffer.from('zip'), RevisionId: 'r1', Architectures: ['arm64']})
  // The settled function: its RevisionId is the one for the next change or publishVersion.
  expect(updated).toMatchObject({codeSha256: 'new=', revisionId: 'r3', lastUpdateStatus: 'Successful'})
  expect(clock.sleeps).toEqual([]) // the SDK waiters pause on their own timers, not the clock
})

test('update skips the wait before the change when the caller has just read the function settled', async () => {
  lambdaMock.on(GetFunctionCommand).resolves(fn({RevisionId: 'r3'}))
  lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({})
  const settled = await api().getFunction('hello')
  lambdaMock.resetHistory()
  await api().update('hello', {kind: 'configuration', settings: {timeout: 9}, revisionId: 'r3'}, {settled})
  expect(sent()).toEqual(['UpdateFunctionConfiguration', 'GetFunction'])
  lambdaMock.resetHistory()
  // A read that shows an update in progress is no reason to skip it.
  await api().update('hello', {kind: 'configuration', settings: {timeout: 9}}, {settled: {...settled!, lastUpdateStatus: 'InProgress'}})
  expect(sent()).toEqual(['GetFunction', 'UpdateFunctionConfiguration', 'GetFunction'])
})

test('a function that reports no State or LastUpdateStatus (older functions, other endpoints) counts as settled', async () => {
  lambdaMock.on(GetFunctionCommand).resolves({Configuration: {FunctionName: 'hello', FunctionArn: ARN, RevisionId: 'r1'}})
  lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({})
  const updated = await api(undefined, {maxWaitSeconds: 3600}).update('hello', {kind: 'configuration', settings: {timeout: 9}})
  expect(updated).toMatchObject({state: 'Active', lastUpdateStatus: 'Successful'})
  expect(sent()).toEqual(['GetFunction', 'UpdateFunctionConfiguration', 'GetFunction'])
})

test('a read that fails for good stops a wait at once instead of retrying until the deadline', async () => {
  const denied = Object.assign(new Error('User is not authorized to perform: lambda:GetFunction'), {name: 'AccessDeniedException', $metadata: {httpStatusCode: 403}})
  lambdaMock.on(GetFunctionCommand).resolvesOnce(fn()).rejects(denied)
  lambdaMock.on(UpdateFunctionCodeCommand).resolves({})
  const error = await rejectionOf(api(undefined, {maxWaitSeconds: 3600}).update('hello', {kind: 'code', code: {s3Bucket: 'b', s3Key: 'k'}}))
  expect(error).toMatchObject({code: 'AccessDenied', message: 'AWS denied lambda:GetFunction in eu-west-1.'})
  expect(sent()).toEqual(['GetFunction', 'UpdateFunctionCode', 'GetFunction'])
})

test('update sends a configuration change under the Lambda names, with the RevisionId', async () => {
  lambdaMock.on(GetFunctionCommand).resolves(fn())
  lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({})
  await api().update('hello', {kind: 'configuration', settings: {memorySize: 512, timeout: 30, environment: {A: '2'}, layers: []}, revisionId: 'r1'})
  expect(sent()).toEqual(['GetFunction', 'UpdateFunctionConfiguration', 'GetFunction'])
  expect(lambdaMock).toHaveReceivedCommandWith(UpdateFunctionConfigurationCommand, {FunctionName: 'hello', MemorySize: 512, Timeout: 30, Environment: {Variables: {A: '2'}}, Layers: [], RevisionId: 'r1'})
})

test('update retries "update in progress" with a jittered pause, then succeeds', async () => {
  const clock = fakeClock()
  lambdaMock.on(GetFunctionCommand).resolves(fn())
  lambdaMock.on(UpdateFunctionCodeCommand).rejectsOnce(conflict()).resolves({})
  await api(clock).update('hello', {kind: 'code', code: {s3Bucket: 'b', s3Key: 'k'}})
  expect(sent()).toEqual(['GetFunction', 'UpdateFunctionCode', 'UpdateFunctionCode', 'GetFunction'])
  expect(clock.sleeps).toHaveLength(1)
  expect(clock.sleeps[0]).toBeGreaterThanOrEqual(500)
  expect(clock.sleeps[0]).toBeLessThanOrEqual(1000)
})

test('a function that stays busy fails after the last attempt with a UserError naming it', async () => {
  const clock = fakeClock()
  lambdaMock.on(GetFunctionCommand).resolves(fn())
  lambdaMock.on(UpdateFunctionCodeCommand).rejects(conflict())
  const error = await rejectionOf(api(clock).update('hello', {kind: 'code', code: {s3Bucket: 'b', s3Key: 'k'}}))
  expect(error).toMatchObject({code: 'FunctionBusy', message: 'Function "hello" is still applying an earlier change in eu-west-1; sling retried and gave up.'})
  expect(lambdaMock).toHaveReceivedCommandTimes(UpdateFunctionCodeCommand, 3)
  expect(clock.sleeps).toHaveLength(2)
})

test('a RevisionId mismatch is never retried: it says someone else changed the function, and how to start again', async () => {
  const clock = fakeClock()
  lambdaMock.on(GetFunctionCommand).resolves(fn())
  lambdaMock.on(UpdateFunctionCodeCommand).rejects(revisionMismatch())
  const error = await rejectionOf(api(clock).update('hello', {kind: 'code', code: {zipFile: new Uint8Array([1])}, revisionId: 'old'}))
  expect(error).toBeInstanceOf(UserError)
  expect(error).toMatchObject({
    code: 'ConcurrentChange',
    message: 'Function "hello" was changed by someone else since sling read it (its RevisionId no longer matches), so sling left that change in place.',
    hints: ['See what changed with "aws lambda get-function --function-name hello --region eu-west-1", then run the same sling command again: it starts from the current state.'],
  })
  expect(sent()).toEqual(['GetFunction', 'UpdateFunctionCode'])
  expect(clock.sleeps).toEqual([])
})

test('throttling is left to the SDK: sling itself does not repeat a throttled call', async () => {
  lambdaMock.on(GetFunctionCommand).resolves(fn())
  lambdaMock.on(UpdateFunctionCodeCommand).rejects(throttled())
  const error = await rejectionOf(api().update('hello', {kind: 'code', code: {s3Bucket: 'b', s3Key: 'k'}}))
  expect(error).toMatchObject({code: 'Throttled'})
  expect(lambdaMock).toHaveReceivedCommandTimes(UpdateFunctionCodeCommand, 1)
})

test('an update that fails says why', async () => {
  lambdaMock.on(GetFunctionCommand).resolvesOnce(fn()).resolves(fn({LastUpdateStatus: 'Failed', LastUpdateStatusReason: 'Lambda was unable to configure your environment variables because they exceed 4 KB'}))
  lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({})
  const error = await rejectionOf(api().update('hello', {kind: 'configuration', settings: {environment: {BIG: 'x'}}}))
  expect(error).toMatchObject({code: 'FunctionFailed', message: 'Function "hello" failed to finish updating (update status Failed): Lambda was unable to configure your environment variables because they exceed 4 KB.'})
})

test('a wait that runs out reads the function once more and names the status it is stuck in and why', async () => {
  lambdaMock.on(GetFunctionCommand).resolves(fn({LastUpdateStatus: 'InProgress', LastUpdateStatusReason: 'Creating ENIs'}))
  const error = await rejectionOf(api(undefined, {maxWaitSeconds: 0.05, pollSeconds: 0.01, maxPollSeconds: 0.01}).update('hello', {kind: 'code', code: {s3Bucket: 'b', s3Key: 'k'}}))
  expect(error).toMatchObject({code: 'WaitTimedOut', message: 'Function "hello" didn\'t finish its previous update within 0.05s; it is still in update status InProgress (Creating ENIs).'})
  expect(lambdaMock).not.toHaveReceivedCommand(UpdateFunctionCodeCommand)
  expect(sent().length).toBeGreaterThanOrEqual(2) // the waiter's reads, then the one that says where it is stuck
})

test('update of tags uses the function ARN from the read before the change', async () => {
  lambdaMock.on(GetFunctionCommand).resolves(fn())
  lambdaMock.on(TagResourceCommand).resolves({}).on(UntagResourceCommand).resolves({})
  await api().update('hello', {kind: 'tags', set: {team: 'x'}, remove: ['old']})
  expect(sent()).toEqual(['GetFunction', 'TagResource', 'UntagResource', 'GetFunction'])
  expect(lambdaMock).toHaveReceivedCommandWith(TagResourceCommand, {Resource: ARN, Tags: {team: 'x'}})
  expect(lambdaMock).toHaveReceivedCommandWith(UntagResourceCommand, {Resource: ARN, TagKeys: ['old']})
})

test('update of reserved concurrency puts a number and deletes for none', async () => {
  lambdaMock.on(GetFunctionCommand).resolves(fn())
  lambdaMock.on(PutFunctionConcurrencyCommand).resolves({}).on(DeleteFunctionConcurrencyCommand).resolves({})
  await api().update('hello', {kind: 'reservedConcurrency', count: 10})
  await api().update('hello', {kind: 'reservedConcurrency', count: undefined})
  expect(lambdaMock).toHaveReceivedCommandWith(PutFunctionConcurrencyCommand, {FunctionName: 'hello', ReservedConcurrentExecutions: 10})
  expect(lambdaMock).toHaveReceivedCommandWith(DeleteFunctionConcurrencyCommand, {FunctionName: 'hello'})
})

test('an abort stops a wait at once, with the abort reason, and sends nothing more', {timeout: 10_000}, async () => {
  // Hour-long pauses: only the abort can end this wait in time.
  lambdaMock.on(GetFunctionCommand).resolves(fn({LastUpdateStatus: 'InProgress'}))
  const lambda = api(undefined, {clock: systemClock, pollSeconds: 3600, maxPollSeconds: 3600, maxWaitSeconds: 7200})
  const controller = new AbortController()
  const update = lambda.update('hello', {kind: 'code', code: {s3Bucket: 'b', s3Key: 'k'}}, {signal: controller.signal})
  await new Promise((resolve) => setTimeout(resolve, 50))
  controller.abort(new Error('Interrupted by SIGINT'))
  expect(await rejectionOf(update)).toMatchObject({message: 'Interrupted by SIGINT'})
  expect(sent()).toEqual(['GetFunction'])
})

test('an aborted signal stops a call before anything is sent', async () => {
  const controller = new AbortController()
  controller.abort(new Error('Interrupted by SIGINT'))
  lambdaMock.on(GetFunctionCommand).resolves(fn())
  expect(await rejectionOf(api().update('hello', {kind: 'tags', set: {a: 'b'}}, {signal: controller.signal}))).toMatchObject({message: 'Interrupted by SIGINT'})
  expect(sent()).toEqual([])
})

test('publishVersion waits for the function, sends the CodeSha256 and RevisionId, and waits for the version to be Active', async () => {
  lambdaMock.on(GetFunctionCommand, {FunctionName: 'hello', Qualifier: undefined}).resolves(fn())
  lambdaMock.on(GetFunctionConfigurationCommand, {FunctionName: 'hello', Qualifier: '7'}).resolvesOnce({Version: '7', State: 'Pending'}).resolves({Version: '7', State: 'Active', RevisionId: 'v7'})
  lambdaMock.on(PublishVersionCommand).resolves({Version: '7', FunctionArn: `${ARN}:7`, CodeSha256: 'abc=', State: 'Pending'})
  const version = await api().publishVersion('hello', {codeSha256: 'abc=', revisionId: 'r2'})
  expect(version).toMatchObject({version: '7', arn: `${ARN}:7`, codeSha256: 'abc=', revisionId: 'v7'})
  // waitUntilPublishedVersionActive reads the version's configuration until it is Active.
  expect(sent()).toEqual(['GetFunction', 'PublishVersion', 'GetFunctionConfiguration', 'GetFunctionConfiguration'])
  expect(lambdaMock).toHaveReceivedCommandWith(PublishVersionCommand, {FunctionName: 'hello', CodeSha256: 'abc=', RevisionId: 'r2'})
})

test('publishVersion after a settled read publishes at once, and a version Active on publish needs no wait', async () => {
  lambdaMock.on(PublishVersionCommand).resolves({Version: '8', FunctionArn: `${ARN}:8`, CodeSha256: 'abc=', State: 'Active', RevisionId: 'v8'})
  const settled = {name: 'hello', arn: ARN, version: '$LATEST', packageType: 'Zip', role: 'r', codeSha256: 'abc=', codeSize: 1, environment: {}, architecture: 'x86_64', layers: [], tags: {}, state: 'Active', lastUpdateStatus: 'Successful'} as const
  const version = await api().publishVersion('hello', {codeSha256: 'abc=', revisionId: 'r2', description: 'abc1234'}, {settled})
  expect(version).toMatchObject({version: '8', revisionId: 'v8'})
  expect(sent()).toEqual(['PublishVersion'])
  expect(lambdaMock).toHaveReceivedCommandWith(PublishVersionCommand, {FunctionName: 'hello', CodeSha256: 'abc=', RevisionId: 'r2', Description: 'abc1234'})
})

test('latestVersion follows every page and returns the newest version with its configuration', async () => {
  lambdaMock
    .on(ListVersionsByFunctionCommand, {FunctionName: 'hello', Marker: undefined})
    .resolves({Versions: [{Version: '$LATEST'}, {Version: '9', CodeSha256: 'a='}], NextMarker: 'm1'})
    .on(ListVersionsByFunctionCommand, {FunctionName: 'hello', Marker: 'm1'})
    .resolves({Versions: [{Version: '10', CodeSha256: 'b=', MemorySize: 512, TracingConfig: {Mode: 'Active'}}]})
  expect(await api().latestVersion('hello')).toMatchObject({version: '10', codeSha256: 'b=', memorySize: 512, tracing: 'Active'})
  lambdaMock.reset()
  lambdaMock.on(ListVersionsByFunctionCommand).resolves({Versions: [{Version: '$LATEST'}]})
  expect(await api().latestVersion('hello')).toBeUndefined()
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

test('deleteVersion and deleteFunction say whether there was anything to delete', async () => {
  lambdaMock.on(DeleteFunctionCommand, {FunctionName: 'hello', Qualifier: '3'}).resolves({}).on(DeleteFunctionCommand, {FunctionName: 'hello', Qualifier: '4'}).rejects(notFound())
  expect(await api().deleteVersion('hello', '3')).toBe('deleted')
  expect(await api().deleteVersion('hello', '4')).toBe('absent')
  lambdaMock.on(DeleteFunctionCommand, {FunctionName: 'hello', Qualifier: '5'}).rejects(new ResourceConflictException({message: 'Unable to delete version because the following aliases reference it: [live]', $metadata: {httpStatusCode: 409}}))
  expect(await rejectionOf(api().deleteVersion('hello', '5'))).toMatchObject({code: 'VersionInUse', message: 'Version 5 of function "hello" can\'t be deleted while something uses it: Unable to delete version because the following aliases reference it: [live]'})
  expect(lambdaMock).toHaveReceivedCommandTimes(DeleteFunctionCommand, 3) // the conflict is not retried
  lambdaMock.reset()
  lambdaMock.on(DeleteFunctionCommand).rejects(notFound())
  expect(await api().deleteFunction('hello')).toBe('absent')
  expect(lambdaMock).toHaveReceivedCommandWith(DeleteFunctionCommand, {FunctionName: 'hello'})
})

test('invoke retries a function that is not ready yet, and returns status, version, payload, function error and the decoded log tail', async () => {
  lambdaMock.on(InvokeCommand).rejectsOnce(conflict()).resolves({StatusCode: 200, ExecutedVersion: '4', FunctionError: 'Unhandled', Payload: Buffer.from('{"errorMessage":"boom"}') as unknown as InvokeCommandOutput['Payload'], LogResult: Buffer.from('START RequestId: 1\nboom\n').toString('base64')})
  const result = await api().invoke('hello', '{"a":1}', {qualifier: 'live', logTail: true})
  expect(lambdaMock).toHaveReceivedCommandTimes(InvokeCommand, 2)
  expect(lambdaMock).toHaveReceivedCommandWith(InvokeCommand, {FunctionName: 'hello', Qualifier: 'live', LogType: 'Tail', Payload: new TextEncoder().encode('{"a":1}')})
  expect(result).toMatchObject({statusCode: 200, executedVersion: '4', functionError: 'Unhandled', logTail: 'START RequestId: 1\nboom\n'})
  expect(Buffer.from(result.payload).toString()).toBe('{"errorMessage":"boom"}')
})

test('invoking a missing function is a UserError naming it and the region', async () => {
  lambdaMock.on(InvokeCommand).rejects(notFound())
  const error = await rejectionOf(api().invoke('nope', '{}'))
  expect(error).toMatchObject({code: 'FunctionNotFound', message: 'Function "nope" doesn\'t exist in eu-west-1.'})
})

test('publishLayerVersion sends the content and compatibility, and returns the version ARN', async () => {
  lambdaMock.on(PublishLayerVersionCommand).resolves({LayerArn: 'arn:l', LayerVersionArn: 'arn:l:3', Version: 3, Content: {CodeSha256: 's=', CodeSize: 9}})
  const layer = await api().publishLayerVersion({name: 'deps', content: {zipFile: Buffer.from('z')}, compatibleRuntimes: ['nodejs22.x'], compatibleArchitectures: ['arm64']})
  expect(layer).toEqual({arn: 'arn:l:3', layerArn: 'arn:l', version: 3, codeSha256: 's=', codeSize: 9})
  expect(lambdaMock).toHaveReceivedCommandWith(PublishLayerVersionCommand, {LayerName: 'deps', Content: {ZipFile: Buffer.from('z')}, CompatibleRuntimes: ['nodejs22.x'], CompatibleArchitectures: ['arm64']})
})

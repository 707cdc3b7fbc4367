import type {
  LambdaClient} from '@aws-sdk/client-lambda';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionConcurrencyCommand,
  DeleteFunctionUrlConfigCommand,
  GetAccountSettingsCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvalidParameterValueException,
  ListFunctionUrlConfigsCommand,
  ListProvisionedConcurrencyConfigsCommand,
  ListTagsCommand,
  PreconditionFailedException,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
  RemovePermissionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  TagResourceCommand,
  TooManyRequestsException,
  UntagResourceCommand,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda'
import {afterEach, beforeEach, describe, expect, test} from 'vitest'

import {createFaultInjector} from '../../../../src/lib/local/faults.js'
import {expectModeledError, expectOutputMatchesModel, modelHttp} from '../../../helpers/model.js'
import type {LambdaHarness} from './harness.js'
import {handlerZip, rejectionOf, ROLE, startLambda} from './harness.js'

let h: LambdaHarness
let lambda: LambdaClient
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:fn'

beforeEach(async () => {
  h = await startLambda()
  lambda = h.lambda()
  await lambda.send(new CreateFunctionCommand({FunctionName: 'fn', Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: await handlerZip()}}))
})
afterEach(async () => h.close())

describe('permissions', () => {
  test('AddPermission, GetPolicy (a policy document with a RevisionId), RemovePermission', async () => {
    const added = await lambda.send(new AddPermissionCommand({FunctionName: 'fn', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::bucket'}))
    expect(added.$metadata.httpStatusCode).toBe(modelHttp('lambda', 'AddPermission').responseCode)
    expect(JSON.parse(added.Statement ?? '')).toEqual({
      Sid: 's3', Effect: 'Allow', Principal: {Service: 's3.amazonaws.com'}, Action: 'lambda:InvokeFunction', Resource: ARN, Condition: {ArnLike: {'AWS:SourceArn': 'arn:aws:s3:::bucket'}},
    })
    const policy = await lambda.send(new GetPolicyCommand({FunctionName: 'fn'}))
    expectOutputMatchesModel('lambda', 'GetPolicy', policy)
    expect(JSON.parse(policy.Policy ?? '')).toMatchObject({Version: '2012-10-17', Statement: [{Sid: 's3'}]})
    const again = await rejectionOf(lambda.send(new AddPermissionCommand({FunctionName: 'fn', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: '*'})))
    expect(again).toBeInstanceOf(ResourceConflictException)
    expectModeledError('lambda', 'AddPermission', again)
    await expect(lambda.send(new RemovePermissionCommand({FunctionName: 'fn', StatementId: 's3', RevisionId: 'stale'}))).rejects.toBeInstanceOf(PreconditionFailedException)
    await lambda.send(new RemovePermissionCommand({FunctionName: 'fn', StatementId: 's3', RevisionId: policy.RevisionId}))
    await expect(lambda.send(new GetPolicyCommand({FunctionName: 'fn'}))).rejects.toBeInstanceOf(ResourceNotFoundException)
  })
})

describe('function URLs', () => {
  test('create, get, update, list and delete a URL config', async () => {
    const created = await lambda.send(new CreateFunctionUrlConfigCommand({FunctionName: 'fn', AuthType: 'NONE'}))
    expect(created.$metadata.httpStatusCode).toBe(modelHttp('lambda', 'CreateFunctionUrlConfig').responseCode)
    expectOutputMatchesModel('lambda', 'CreateFunctionUrlConfig', created)
    // The path form every client reaches (url.test.ts serves it, and AWS's *.localhost host form).
    expect(created.FunctionUrl).toMatch(new RegExp(`^${h.cloud.endpoint}/_sling/url/[a-z2-7]{32}/$`))
    const exists = await rejectionOf(lambda.send(new CreateFunctionUrlConfigCommand({FunctionName: 'fn', AuthType: 'NONE'})))
    expect(exists).toBeInstanceOf(ResourceConflictException)
    const updated = await lambda.send(new UpdateFunctionUrlConfigCommand({FunctionName: 'fn', AuthType: 'AWS_IAM', Cors: {AllowOrigins: ['*']}}))
    expectOutputMatchesModel('lambda', 'UpdateFunctionUrlConfig', updated)
    expect(updated).toMatchObject({AuthType: 'AWS_IAM', FunctionUrl: created.FunctionUrl, Cors: {AllowOrigins: ['*']}})
    const got = await lambda.send(new GetFunctionUrlConfigCommand({FunctionName: 'fn'}))
    expectOutputMatchesModel('lambda', 'GetFunctionUrlConfig', got)
    const listed = await lambda.send(new ListFunctionUrlConfigsCommand({FunctionName: 'fn'}))
    expectOutputMatchesModel('lambda', 'ListFunctionUrlConfigs', listed)
    expect(listed.FunctionUrlConfigs).toHaveLength(1)
    await lambda.send(new DeleteFunctionUrlConfigCommand({FunctionName: 'fn'}))
    await expect(lambda.send(new GetFunctionUrlConfigCommand({FunctionName: 'fn'}))).rejects.toBeInstanceOf(ResourceNotFoundException)
  })
})

describe('tags', () => {
  test('TagResource, ListTags, UntagResource on the function ARN; GetFunction shows them', async () => {
    const tagged = await lambda.send(new TagResourceCommand({Resource: ARN, Tags: {team: 'a', env: 'dev'}}))
    expect(tagged.$metadata.httpStatusCode).toBe(modelHttp('lambda', 'TagResource').responseCode)
    await lambda.send(new UntagResourceCommand({Resource: ARN, TagKeys: ['env']}))
    const listed = await lambda.send(new ListTagsCommand({Resource: ARN}))
    expectOutputMatchesModel('lambda', 'ListTags', listed)
    expect(listed.Tags).toEqual({team: 'a'})
    expect((await lambda.send(new GetFunctionCommand({FunctionName: 'fn'}))).Tags).toEqual({team: 'a'})
    await expect(lambda.send(new ListTagsCommand({Resource: `${ARN}x`}))).rejects.toBeInstanceOf(ResourceNotFoundException)
  })

  /** A JSON request as a client that skips the SDK's typing would send it. */
  async function sendJson(method: string, path: string, body: unknown): Promise<{status: number; type: string | null; body: {message?: string}}> {
    const auth = 'AWS4-HMAC-SHA256 Credential=sling-local/20240101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=x'
    const response = await fetch(`${h.cloud.endpoint}${path}`, {method, headers: {authorization: auth, 'content-type': 'application/json'}, body: JSON.stringify(body)})
    return {status: response.status, type: response.headers.get('x-amzn-errortype'), body: (await response.json()) as {message?: string}}
  }

  test('Tags must be a map of strings to strings: anything else is refused, never stored or echoed', async () => {
    const zip = (await handlerZip()).toString('base64')
    const create = await sendJson('POST', '/2015-03-31/functions', {FunctionName: 'bad-tags', Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: zip}, Tags: 'abc'})
    expect(create).toMatchObject({status: 400, type: 'InvalidRequestContentException'})
    await expect(lambda.send(new GetFunctionCommand({FunctionName: 'bad-tags'}))).rejects.toBeInstanceOf(ResourceNotFoundException)
    for (const Tags of [['team'], {team: 1}, 'abc']) {
      expect(await sendJson('POST', `/2017-03-31/tags/${encodeURIComponent(ARN)}`, {Tags})).toMatchObject({status: 400, type: 'InvalidRequestContentException'})
    }
    expect((await lambda.send(new ListTagsCommand({Resource: ARN}))).Tags).toEqual({})
  })

  test('tag keys and values are held to the model\'s lengths and pattern; "aws:" and more than 50 tags are refused', async () => {
    const tag = (Tags: Record<string, string>) => rejectionOf(lambda.send(new TagResourceCommand({Resource: ARN, Tags})))
    for (const [tags, constraint] of [
      [{['k'.repeat(129)]: 'v'}, 'Map keys must satisfy constraint'],
      [{'': 'v'}, 'Map keys must satisfy constraint'],
      [{'team#1': 'v'}, 'Map keys must satisfy constraint'],
      [{team: 'v'.repeat(257)}, 'Map value must satisfy constraint'],
    ] as const) {
      const error = await tag(tags)
      expect(error.name).toBe('ValidationException')
      expect(error.message).toContain(`at 'tags' failed to satisfy constraint: ${constraint}`)
    }
    const reserved = await tag({'AWS:team': 'a'})
    expect(reserved).toBeInstanceOf(InvalidParameterValueException)
    expectModeledError('lambda', 'TagResource', reserved)
    await lambda.send(new TagResourceCommand({Resource: ARN, Tags: {['k'.repeat(128)]: 'v'.repeat(256), 'a b:c/d=e+f-g@h_i.j': ''}}))
    const many = Object.fromEntries(Array.from({length: 49}, (_, i) => [`t${i}`, 'x']))
    const tooMany = await tag(many)
    expect(tooMany).toBeInstanceOf(InvalidParameterValueException)
    expect(tooMany.message).toBe('Number of tags exceeds resource tag limit of 50.')
    const created = await rejectionOf(lambda.send(new CreateFunctionCommand({FunctionName: 'many', Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: await handlerZip()}, Tags: {...many, t49: 'x', t50: 'x'}})))
    expect(created.message).toBe('Number of tags exceeds resource tag limit of 50.')
  })
})

describe('concurrency', () => {
  test('reserved concurrency is stored, returned by GetFunction, and limited by the account quota', async () => {
    const put = await lambda.send(new PutFunctionConcurrencyCommand({FunctionName: 'fn', ReservedConcurrentExecutions: 5}))
    expectOutputMatchesModel('lambda', 'PutFunctionConcurrency', put)
    expect((await lambda.send(new GetFunctionConcurrencyCommand({FunctionName: 'fn'}))).ReservedConcurrentExecutions).toBe(5)
    expect((await lambda.send(new GetFunctionCommand({FunctionName: 'fn'}))).Concurrency).toEqual({ReservedConcurrentExecutions: 5})
    const settings = await lambda.send(new GetAccountSettingsCommand({}))
    expectOutputMatchesModel('lambda', 'GetAccountSettings', settings)
    expect(settings.AccountLimit).toMatchObject({ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 995, CodeSizeZipped: 52_428_800, CodeSizeUnzipped: 262_144_000})
    const tooMuch = await rejectionOf(lambda.send(new PutFunctionConcurrencyCommand({FunctionName: 'fn', ReservedConcurrentExecutions: 901})))
    expect(tooMuch).toBeInstanceOf(InvalidParameterValueException)
    await lambda.send(new DeleteFunctionConcurrencyCommand({FunctionName: 'fn'}))
    expect((await lambda.send(new GetFunctionConcurrencyCommand({FunctionName: 'fn'}))).ReservedConcurrentExecutions).toBeUndefined()
  })

  test('provisioned concurrency on a version', async () => {
    await lambda.send(new PublishVersionCommand({FunctionName: 'fn'}))
    const put = await lambda.send(new PutProvisionedConcurrencyConfigCommand({FunctionName: 'fn', Qualifier: '1', ProvisionedConcurrentExecutions: 2}))
    expect(put.$metadata.httpStatusCode).toBe(modelHttp('lambda', 'PutProvisionedConcurrencyConfig').responseCode)
    expectOutputMatchesModel('lambda', 'PutProvisionedConcurrencyConfig', put)
    expect((await lambda.send(new GetProvisionedConcurrencyConfigCommand({FunctionName: 'fn', Qualifier: '1'}))).Status).toBe('READY')
    const listed = await lambda.send(new ListProvisionedConcurrencyConfigsCommand({FunctionName: 'fn'}))
    expect(listed.ProvisionedConcurrencyConfigs?.[0]?.FunctionArn).toBe(`${ARN}:1`)
    const latest = await rejectionOf(lambda.send(new PutProvisionedConcurrencyConfigCommand({FunctionName: 'fn', Qualifier: '$LATEST', ProvisionedConcurrentExecutions: 1})))
    expect(latest).toBeInstanceOf(InvalidParameterValueException)
  })
})

describe('protocol', () => {
  test('an operation the local cloud does not emulate gets a clear error in Lambda\'s format', async () => {
    const response = await fetch(`${h.cloud.endpoint}/2015-03-31/functions/fn/nothing-here`, {
      headers: {authorization: 'AWS4-HMAC-SHA256 Credential=x/20240101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=x'},
    })
    expect(response.status).toBe(404)
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException')
    expect(await response.json()).toMatchObject({Type: 'User', message: expect.stringContaining("doesn't emulate the Lambda operation GET /2015-03-31/functions/fn/nothing-here")})
  })

  test('injected throttling reaches the caller as TooManyRequestsException with Reason and retryAfterSeconds', async () => {
    const throttled = await startLambda({faults: createFaultInjector({throttle: 1, ops: ['lambda']})})
    try {
      const error = await rejectionOf(throttled.lambda().send(new GetFunctionCommand({FunctionName: 'fn'})))
      expect(error).toBeInstanceOf(TooManyRequestsException)
      expect(error.$metadata?.httpStatusCode).toBe(429)
      expect(error).toMatchObject({Reason: 'CallerRateLimitExceeded', retryAfterSeconds: '1'})
      expectModeledError('lambda', 'GetFunction', error)
    } finally {
      await throttled.close()
    }
  })
})

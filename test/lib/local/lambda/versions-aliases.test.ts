import {
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  InvalidParameterValueException,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  PreconditionFailedException,
  PublishVersionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda'
import type {LambdaClient} from '@aws-sdk/client-lambda'
import {afterEach, beforeEach, describe, expect, test} from 'vitest'

import {pickAliasVersion, resolveInvocationTarget} from '../../../../src/lib/local/lambda/resolve.js'
import {expectModeledError, expectOutputMatchesModel, modelHttp} from '../../../helpers/model.js'
import type {LambdaHarness} from './harness.js'
import {handlerZip, rejectionOf, ROLE, startLambda} from './harness.js'

let h: LambdaHarness
let lambda: LambdaClient

beforeEach(async () => {
  h = await startLambda()
  lambda = h.lambda()
})
afterEach(async () => h.close())

/** A function with `versions` published versions, each with different code. */
async function withVersions(name: string, versions: number): Promise<void> {
  await lambda.send(new CreateFunctionCommand({FunctionName: name, Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: await handlerZip('return 0')}}))
  for (let i = 1; i <= versions; i++) {
    if (i > 1) await lambda.send(new UpdateFunctionCodeCommand({FunctionName: name, ZipFile: await handlerZip(`return ${i}`)}))
    await lambda.send(new PublishVersionCommand({FunctionName: name}))
  }
}

describe('PublishVersion', () => {
  test('publishes $LATEST as version 1, 2…; returns the latest version again when nothing changed', async () => {
    await withVersions('pub', 0)
    const v1 = await lambda.send(new PublishVersionCommand({FunctionName: 'pub', Description: 'first'}))
    expect(v1.$metadata.httpStatusCode).toBe(modelHttp('lambda', 'PublishVersion').responseCode)
    expectOutputMatchesModel('lambda', 'PublishVersion', v1)
    expect(v1).toMatchObject({Version: '1', Description: 'first', FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:pub:1'})
    const again = await lambda.send(new PublishVersionCommand({FunctionName: 'pub'}))
    expect(again.Version).toBe('1')
    await lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'pub', MemorySize: 256}))
    const v2 = await lambda.send(new PublishVersionCommand({FunctionName: 'pub'}))
    expect(v2).toMatchObject({Version: '2', MemorySize: 256})
  })

  test('honours the CodeSha256 and RevisionId preconditions', async () => {
    await withVersions('pre', 0)
    const wrongSha = await rejectionOf(lambda.send(new PublishVersionCommand({FunctionName: 'pre', CodeSha256: 'AAAA'})))
    expect(wrongSha).toBeInstanceOf(InvalidParameterValueException)
    expect(wrongSha.message).toMatch(/^CodeSHA256 \(AAAA\) is different from current CodeSHA256 in \$LATEST \(.+\)\. Please try again with the current CodeSHA256\.$/)
    expectModeledError('lambda', 'PublishVersion', wrongSha)
    const stale = await rejectionOf(lambda.send(new PublishVersionCommand({FunctionName: 'pre', RevisionId: 'stale'})))
    expect(stale).toBeInstanceOf(PreconditionFailedException)
  })

  test('ListVersionsByFunction lists $LATEST then the versions, paginated', async () => {
    await withVersions('listed', 3)
    const first = await lambda.send(new ListVersionsByFunctionCommand({FunctionName: 'listed', MaxItems: 2}))
    expectOutputMatchesModel('lambda', 'ListVersionsByFunction', first)
    expect(first.Versions?.map((v) => v.Version)).toEqual(['$LATEST', '1'])
    const rest = await lambda.send(new ListVersionsByFunctionCommand({FunctionName: 'listed', Marker: first.NextMarker}))
    expect(rest.Versions?.map((v) => v.Version)).toEqual(['2', '3'])
    expect(rest.NextMarker).toBeUndefined()
  })
})

describe('aliases', () => {
  test('create, get, update (with a weighted second version), list and delete', async () => {
    await withVersions('al', 2)
    const created = await lambda.send(new CreateAliasCommand({FunctionName: 'al', Name: 'live', FunctionVersion: '1', Description: 'prod'}))
    expect(created.$metadata.httpStatusCode).toBe(modelHttp('lambda', 'CreateAlias').responseCode)
    expectOutputMatchesModel('lambda', 'CreateAlias', created)
    expect(created).toMatchObject({AliasArn: 'arn:aws:lambda:us-east-1:000000000000:function:al:live', Name: 'live', FunctionVersion: '1'})
    const got = await lambda.send(new GetAliasCommand({FunctionName: 'al', Name: 'live'}))
    expectOutputMatchesModel('lambda', 'GetAlias', got)
    const shifted = await lambda.send(new UpdateAliasCommand({FunctionName: 'al', Name: 'live', RoutingConfig: {AdditionalVersionWeights: {'2': 0.1}}, RevisionId: got.RevisionId}))
    expectOutputMatchesModel('lambda', 'UpdateAlias', shifted)
    expect(shifted).toMatchObject({FunctionVersion: '1', Description: 'prod', RoutingConfig: {AdditionalVersionWeights: {'2': 0.1}}})
    expect(shifted.RevisionId).not.toBe(got.RevisionId)
    await expect(lambda.send(new UpdateAliasCommand({FunctionName: 'al', Name: 'live', FunctionVersion: '2', RevisionId: got.RevisionId}))).rejects.toBeInstanceOf(PreconditionFailedException)
    const listed = await lambda.send(new ListAliasesCommand({FunctionName: 'al', FunctionVersion: '2'}))
    expectOutputMatchesModel('lambda', 'ListAliases', listed)
    expect(listed.Aliases?.map((a) => a.Name)).toEqual(['live'])
    const done = await lambda.send(new UpdateAliasCommand({FunctionName: 'al', Name: 'live', FunctionVersion: '2', RoutingConfig: {AdditionalVersionWeights: {}}}))
    expect(done.RoutingConfig).toBeUndefined()
    const deleted = await lambda.send(new DeleteAliasCommand({FunctionName: 'al', Name: 'live'}))
    expect(deleted.$metadata.httpStatusCode).toBe(204)
    await expect(lambda.send(new GetAliasCommand({FunctionName: 'al', Name: 'live'}))).rejects.toBeInstanceOf(ResourceNotFoundException)
  })

  test('an existing alias name is a ResourceConflictException; a missing version is ResourceNotFoundException', async () => {
    await withVersions('dup', 1)
    await lambda.send(new CreateAliasCommand({FunctionName: 'dup', Name: 'live', FunctionVersion: '1'}))
    const exists = await rejectionOf(lambda.send(new CreateAliasCommand({FunctionName: 'dup', Name: 'live', FunctionVersion: '1'})))
    expect(exists).toBeInstanceOf(ResourceConflictException)
    expect(exists.message).toBe('Alias already exists: arn:aws:lambda:us-east-1:000000000000:function:dup:live')
    expectModeledError('lambda', 'CreateAlias', exists)
    const missing = await rejectionOf(lambda.send(new CreateAliasCommand({FunctionName: 'dup', Name: 'next', FunctionVersion: '9'})))
    expect(missing).toBeInstanceOf(ResourceNotFoundException)
  })

  test.each([
    ['two additional versions', '1', {'2': 0.1, '3': 0.1}, 'InvalidParameterValueException', 'Number of items in AdditionalVersionWeights cannot be greater than 1'],
    ['a weight above 1', '1', {'2': 1.5}, 'ValidationException', 'Member must have value less than or equal to 1.0'],
    ['a negative weight', '1', {'2': -0.1}, 'ValidationException', 'Member must have value greater than or equal to 0.0'],
    ['$LATEST as the additional version', '1', {$LATEST: 0.5}, 'ValidationException', 'Member must satisfy regular expression pattern: [0-9]+'],
    ['$LATEST as the primary version with routing', '$LATEST', {'2': 0.5}, 'InvalidParameterValueException', '$LATEST is not supported for an alias pointing to more than 1 version'],
    ['the primary version as the additional one', '1', {'1': 0.5}, 'InvalidParameterValueException', 'Function version 1 is already included in routing configuration.'],
    ['a version that does not exist', '1', {'9': 0.5}, 'ResourceNotFoundException', 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:routes:9'],
    ['versions with different roles', '1', {'4': 0.5}, 'InvalidParameterValueException', 'execution role of function versions 1 and 4 must be the same'],
  ])('refuses routing with %s', async (_label, version, weights, name, message) => {
    await withVersions('routes', 3)
    await lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'routes', Role: 'arn:aws:iam::123456789012:role/other'}))
    await lambda.send(new PublishVersionCommand({FunctionName: 'routes'}))
    const error = await rejectionOf(lambda.send(new CreateAliasCommand({FunctionName: 'routes', Name: 'canary', FunctionVersion: version, RoutingConfig: {AdditionalVersionWeights: weights}})))
    expect(error.name).toBe(name)
    expect(error.message).toContain(message)
    if (name !== 'ValidationException') expectModeledError('lambda', 'CreateAlias', error)
  })

  test('a version an alias points to cannot be deleted', async () => {
    await withVersions('keep', 2)
    await lambda.send(new CreateAliasCommand({FunctionName: 'keep', Name: 'live', FunctionVersion: '1', RoutingConfig: {AdditionalVersionWeights: {'2': 0.5}}}))
    for (const version of ['1', '2']) {
      const error = await rejectionOf(lambda.send(new DeleteFunctionCommand({FunctionName: 'keep', Qualifier: version})))
      expect(error).toBeInstanceOf(ResourceConflictException)
      expect(error.message).toBe('Unable to delete version because the following aliases reference it: [live]')
    }
  })
})

describe('resolveInvocationTarget', () => {
  test('resolves $LATEST, a version, an alias and an ARN, and routes an alias by weight', async () => {
    await withVersions('target', 2)
    await lambda.send(new CreateAliasCommand({FunctionName: 'target', Name: 'live', FunctionVersion: '1', RoutingConfig: {AdditionalVersionWeights: {'2': 0.25}}}))
    const store = h.cloud.store
    expect((await resolveInvocationTarget(store, 'us-east-1', 'target')).executedVersion).toBe('$LATEST')
    expect((await resolveInvocationTarget(store, 'us-east-1', 'target', '2')).version.config.Version).toBe('2')
    const viaArn = await resolveInvocationTarget(store, 'us-east-1', 'arn:aws:lambda:us-east-1:000000000000:function:target:live')
    expect(viaArn.aliasName).toBe('live')
    expect((await resolveInvocationTarget(store, 'us-east-1', 'target', 'live', undefined, () => 0.1)).executedVersion).toBe('2')
    expect((await resolveInvocationTarget(store, 'us-east-1', 'target', 'live', undefined, () => 0.3)).executedVersion).toBe('1')
    await expect(resolveInvocationTarget(store, 'us-east-1', 'target', 'nope')).rejects.toMatchObject({code: 'ResourceNotFoundException', status: 404})
    await expect(resolveInvocationTarget(store, 'us-east-1', 'target:live', '1')).rejects.toMatchObject({code: 'InvalidParameterValueException'})
  })

  test('weighted routing sends about the weight of calls to the additional version', () => {
    let seed = 1
    const random = (): number => ((seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647)
    const picks = Array.from({length: 10_000}, () => pickAliasVersion('1', {'2': 0.2}, random))
    const share = picks.filter((v) => v === '2').length / picks.length
    expect(share).toBeGreaterThan(0.18)
    expect(share).toBeLessThan(0.22)
  })
})

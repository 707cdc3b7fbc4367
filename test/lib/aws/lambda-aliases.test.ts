import {
  CreateAliasCommand,
  DeleteAliasCommand,
  GetAliasCommand,
  LambdaClient,
  ListAliasesCommand,
  PreconditionFailedException,
  ResourceConflictException,
  ResourceNotFoundException,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, expect, test} from 'vitest'

import {createLambdaApi} from '../../../src/lib/aws/lambda.js'
import {rejectionOf} from '../../helpers/aws.js'
import {fakeClock} from '../../helpers/clock.js'

const lambdaMock = mockClient(LambdaClient)
afterEach(() => {
  lambdaMock.reset()
})

const notFound = () => new ResourceNotFoundException({message: 'Alias not found', $metadata: {httpStatusCode: 404}})
const conflict = () => new ResourceConflictException({message: 'Alias already exists', $metadata: {httpStatusCode: 409}})
const api = () => createLambdaApi(new LambdaClient({region: 'eu-west-1'}), {region: 'eu-west-1'}, {clock: fakeClock(), conflictRetry: {attempts: 3}})

test('pointAlias sends the alias its own RevisionId with the routing, and returns it before and after', async () => {
  lambdaMock.on(GetAliasCommand).resolves({Name: 'live', FunctionVersion: '3', RevisionId: 'a1'})
  lambdaMock.on(UpdateAliasCommand).resolves({Name: 'live', FunctionVersion: '4', RoutingConfig: {AdditionalVersionWeights: {'5': 0.1}}, RevisionId: 'a2'})
  const change = await api().pointAlias('hello', 'live', {version: '4', routing: {'5': 0.1}})
  expect(lambdaMock).toHaveReceivedCommandWith(UpdateAliasCommand, {FunctionName: 'hello', Name: 'live', FunctionVersion: '4', RoutingConfig: {AdditionalVersionWeights: {'5': 0.1}}, RevisionId: 'a1'})
  expect(lambdaMock).not.toHaveReceivedCommand(CreateAliasCommand)
  expect(change.previous).toMatchObject({version: '3', revisionId: 'a1'})
  expect(change.alias).toMatchObject({version: '4', routing: {'5': 0.1}, revisionId: 'a2'})
})

test('pointAlias without routing clears any traffic split', async () => {
  lambdaMock.on(GetAliasCommand).resolves({Name: 'live', FunctionVersion: '3', RoutingConfig: {AdditionalVersionWeights: {'4': 0.5}}, RevisionId: 'a1'}).on(UpdateAliasCommand).resolves({})
  await api().pointAlias('hello', 'live', {version: '4'})
  expect(lambdaMock).toHaveReceivedCommandWith(UpdateAliasCommand, {RoutingConfig: {AdditionalVersionWeights: {}}})
})

test('a RevisionId mismatch on the alias is never retried and names the alias and the function', async () => {
  lambdaMock.on(GetAliasCommand).resolves({Name: 'live', FunctionVersion: '3', RevisionId: 'a1'})
  lambdaMock.on(UpdateAliasCommand).rejects(new PreconditionFailedException({message: 'The Revision Id provided does not match', $metadata: {httpStatusCode: 412}}))
  const error = await rejectionOf(api().pointAlias('hello', 'live', {version: '4'}))
  expect(error).toMatchObject({
    code: 'ConcurrentChange',
    message: 'Alias "live" of function "hello" was changed by someone else since sling read it (its RevisionId no longer matches), so sling left that change in place.',
    hints: [expect.stringContaining('aws lambda get-alias --function-name hello --name live --region eu-west-1') as string],
  })
  expect(lambdaMock).toHaveReceivedCommandTimes(UpdateAliasCommand, 1)
})

test("with the caller's revisionId, an alias that moved since is refused before anything is sent", async () => {
  // A rollout step: the operator moved the alias by hand between two steps.
  lambdaMock.on(GetAliasCommand).resolves({Name: 'live', FunctionVersion: '2', RevisionId: 'changed-by-hand'})
  const error = await rejectionOf(api().pointAlias('hello', 'live', {version: '4', routing: {'3': 0.5}}, {revisionId: 'a2'}))
  expect(error).toMatchObject({code: 'ConcurrentChange'})
  expect(lambdaMock).not.toHaveReceivedCommand(UpdateAliasCommand)
})

test('pointAlias creates a missing alias, and a concurrent create falls back to an update with the new RevisionId', async () => {
  lambdaMock.on(GetAliasCommand).rejects(notFound()).on(CreateAliasCommand).resolves({Name: 'live', FunctionVersion: '1', RevisionId: 'a1'})
  const created = await api().pointAlias('hello', 'live', {version: '1', description: 'sling'})
  expect(created).toMatchObject({previous: undefined, alias: {version: '1', revisionId: 'a1'}})
  expect(lambdaMock).toHaveReceivedCommandWith(CreateAliasCommand, {FunctionName: 'hello', Name: 'live', FunctionVersion: '1', Description: 'sling'})

  lambdaMock.reset()
  lambdaMock.on(GetAliasCommand).rejectsOnce(notFound()).resolves({Name: 'live', FunctionVersion: '1', RevisionId: 'theirs'}).on(CreateAliasCommand).rejects(conflict()).on(UpdateAliasCommand).resolves({FunctionVersion: '2'})
  const raced = await api().pointAlias('hello', 'live', {version: '2'})
  expect(raced.previous).toMatchObject({version: '1'})
  expect(lambdaMock).toHaveReceivedCommandWith(UpdateAliasCommand, {FunctionVersion: '2', RevisionId: 'theirs'})
})

test('listAliases follows every page', async () => {
  lambdaMock
    .on(ListAliasesCommand, {FunctionName: 'hello', Marker: undefined})
    .resolves({Aliases: [{Name: 'live', FunctionVersion: '2'}], NextMarker: 'm'})
    .on(ListAliasesCommand, {FunctionName: 'hello', Marker: 'm'})
    .resolves({Aliases: [{Name: 'canary', FunctionVersion: '3', RoutingConfig: {AdditionalVersionWeights: {'2': 0.9}}}]})
  expect((await api().listAliases('hello')).map((a) => [a.name, a.version, a.routing])).toEqual([['live', '2', {}], ['canary', '3', {'2': 0.9}]])
})

test('deleteAlias says whether there was anything to delete', async () => {
  lambdaMock.on(DeleteAliasCommand, {Name: 'live'}).resolves({}).on(DeleteAliasCommand, {Name: 'gone'}).rejects(notFound())
  expect(await api().deleteAlias('hello', 'live')).toBe('deleted')
  expect(await api().deleteAlias('hello', 'gone')).toBe('absent')
})

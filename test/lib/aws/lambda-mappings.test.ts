import {
  CreateAliasCommand,
  GetAliasCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ListProvisionedConcurrencyConfigsCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, expect, test} from 'vitest'

import {qualifierOf} from '../../../src/lib/aws/lambda-mappings.js'
import {createLambdaApi} from '../../../src/lib/aws/lambda.js'
import {rejectionOf} from '../../helpers/aws.js'
import {fakeClock} from '../../helpers/clock.js'

const lambdaMock = mockClient(LambdaClient)
afterEach(() => {
  lambdaMock.reset()
})

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:hello'
const api = () => createLambdaApi(new LambdaClient({region: 'eu-west-1'}), {region: 'eu-west-1'}, {clock: fakeClock(), conflictRetry: {attempts: 3}})
const notFound = () => new ResourceNotFoundException({message: 'Function not found', $metadata: {httpStatusCode: 404}})

test('listEventSourceMappings asks about exactly the ARN given and follows every page', async () => {
  lambdaMock
    .on(ListEventSourceMappingsCommand, {FunctionName: `${ARN}:3`, Marker: undefined})
    .resolves({EventSourceMappings: [{UUID: 'u1', FunctionArn: `${ARN}:3`, EventSourceArn: 'arn:aws:sqs:eu-west-1:123456789012:orders', State: 'Enabled'}], NextMarker: 'm1'})
    .on(ListEventSourceMappingsCommand, {FunctionName: `${ARN}:3`, Marker: 'm1'})
    .resolves({EventSourceMappings: [{UUID: 'u2', FunctionArn: `${ARN}:3`, EventSourceArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks', State: 'Disabled'}]})
  const mappings = await api().listEventSourceMappings(`${ARN}:3`)
  expect(mappings).toEqual([
    {uuid: 'u1', functionArn: `${ARN}:3`, eventSourceArn: 'arn:aws:sqs:eu-west-1:123456789012:orders', state: 'Enabled'},
    {uuid: 'u2', functionArn: `${ARN}:3`, eventSourceArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks', state: 'Disabled'},
  ])
  expect(lambdaMock).toHaveReceivedCommandTimes(ListEventSourceMappingsCommand, 2)
  expect(lambdaMock).toHaveReceivedNthCommandWith(ListEventSourceMappingsCommand, 1, {FunctionName: `${ARN}:3`})
})

test('listEventSourceMappings of a version that no longer exists is an empty list, other errors are not', async () => {
  lambdaMock.on(ListEventSourceMappingsCommand).rejects(notFound())
  expect(await api().listEventSourceMappings(`${ARN}:9`)).toEqual([])
  lambdaMock.reset()
  lambdaMock.on(ListEventSourceMappingsCommand).rejects(Object.assign(new Error('User is not authorized to perform: lambda:ListEventSourceMappings'), {name: 'AccessDeniedException', $metadata: {httpStatusCode: 403}}))
  expect(await rejectionOf(api().listEventSourceMappings(`${ARN}:9`))).toMatchObject({code: 'AccessDenied', message: 'AWS denied lambda:ListEventSourceMappings in eu-west-1.'})
})

test('listProvisionedConcurrency follows every page and names the version or alias of each configuration', async () => {
  lambdaMock
    .on(ListProvisionedConcurrencyConfigsCommand, {FunctionName: 'hello', Marker: undefined})
    .resolves({ProvisionedConcurrencyConfigs: [{FunctionArn: `${ARN}:4`, RequestedProvisionedConcurrentExecutions: 5, AllocatedProvisionedConcurrentExecutions: 5, AvailableProvisionedConcurrentExecutions: 5, Status: 'READY'}], NextMarker: 'p1'})
    .on(ListProvisionedConcurrencyConfigsCommand, {FunctionName: 'hello', Marker: 'p1'})
    .resolves({ProvisionedConcurrencyConfigs: [{FunctionArn: `${ARN}:live`, RequestedProvisionedConcurrentExecutions: 2, Status: 'IN_PROGRESS'}]})
  const configs = await api().listProvisionedConcurrency('hello')
  expect(configs).toEqual([
    {arn: `${ARN}:4`, qualifier: '4', requested: 5, allocated: 5, available: 5, status: 'READY', statusReason: undefined},
    {arn: `${ARN}:live`, qualifier: 'live', requested: 2, allocated: 0, available: 0, status: 'IN_PROGRESS', statusReason: undefined},
  ])
  expect(lambdaMock).toHaveReceivedCommandTimes(ListProvisionedConcurrencyConfigsCommand, 2)
})

test('listProvisionedConcurrency of a missing function says the function is missing', async () => {
  lambdaMock.on(ListProvisionedConcurrencyConfigsCommand).rejects(notFound())
  expect(await rejectionOf(api().listProvisionedConcurrency('hello'))).toMatchObject({code: 'FunctionNotFound', message: 'Function "hello" doesn\'t exist in eu-west-1.'})
})

test('qualifierOf reads the version or alias of a function ARN; an unqualified ARN is $LATEST', () => {
  expect(qualifierOf(`${ARN}:12`)).toBe('12')
  expect(qualifierOf(`${ARN}:live`)).toBe('live')
  expect(qualifierOf(ARN)).toBe('$LATEST')
})

test('pointAlias with expectAbsent refuses, without writing, an alias that exists by the time it is sent', async () => {
  // sling read "no alias" and built the new alias from nothing; someone created one meanwhile.
  lambdaMock.on(GetAliasCommand).resolves({Name: 'live', FunctionVersion: '2', RevisionId: 'theirs'})
  const error = await rejectionOf(api().pointAlias('hello', 'live', {version: '3'}, {expectAbsent: true}))
  expect(error).toMatchObject({code: 'ConcurrentChange'})
  expect(lambdaMock).not.toHaveReceivedCommand(UpdateAliasCommand)
  expect(lambdaMock).not.toHaveReceivedCommand(CreateAliasCommand)
})

test('pointAlias with expectAbsent refuses to update an alias created between its read and its CreateAlias', async () => {
  lambdaMock.on(GetAliasCommand).rejectsOnce(new ResourceNotFoundException({message: 'Alias not found', $metadata: {httpStatusCode: 404}})).resolves({Name: 'live', FunctionVersion: '2', RevisionId: 'theirs'})
  lambdaMock.on(CreateAliasCommand).rejects(new ResourceConflictException({message: 'Alias already exists', $metadata: {httpStatusCode: 409}}))
  const error = await rejectionOf(api().pointAlias('hello', 'live', {version: '3'}, {expectAbsent: true}))
  expect(error).toMatchObject({code: 'ConcurrentChange'})
  expect(lambdaMock).not.toHaveReceivedCommand(UpdateAliasCommand)
})

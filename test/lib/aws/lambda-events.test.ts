import {AddPermissionCommand, CreateEventSourceMappingCommand, CreateFunctionUrlConfigCommand, GetEventSourceMappingCommand, GetFunctionUrlConfigCommand, GetPolicyCommand, LambdaClient, ResourceConflictException, ResourceNotFoundException, UpdateFunctionUrlConfigCommand} from '@aws-sdk/client-lambda'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, expect, test} from 'vitest'

import {createLambdaApi} from '../../../src/lib/aws/lambda.js'
import {fakeClock} from '../../helpers/clock.js'

const lambdaMock = mockClient(LambdaClient)
afterEach(() => {
  lambdaMock.reset()
})

const clock = fakeClock()
const api = () => createLambdaApi(new LambdaClient({region: 'eu-west-1'}), {region: 'eu-west-1'}, {clock, conflictRetry: {attempts: 3}})
const notFound = () => new ResourceNotFoundException({message: 'not found', $metadata: {httpStatusCode: 404}})

test('createMapping sends the function (qualified) and source with exactly the settings given', async () => {
  lambdaMock.on(CreateEventSourceMappingCommand).resolves({UUID: 'u1', State: 'Creating'})
  await api().createMapping('arn:aws:lambda:eu-west-1:123456789012:function:w:live', 'arn:aws:sqs:eu-west-1:123456789012:jobs', {BatchSize: 5, FunctionResponseTypes: ['ReportBatchItemFailures']})
  expect(lambdaMock).toHaveReceivedCommandWith(CreateEventSourceMappingCommand, {FunctionName: 'arn:aws:lambda:eu-west-1:123456789012:function:w:live', EventSourceArn: 'arn:aws:sqs:eu-west-1:123456789012:jobs', BatchSize: 5, FunctionResponseTypes: ['ReportBatchItemFailures']})
})

test('waitForMapping polls until the state is reached, and when it gives up says which state the mapping is stuck in and why', async () => {
  lambdaMock.on(GetEventSourceMappingCommand).resolvesOnce({UUID: 'u1', State: 'Creating'}).resolvesOnce({UUID: 'u1', State: 'Enabled'})
  expect(await api().waitForMapping('u1', ['Enabled'])).toMatchObject({State: 'Enabled'})
  lambdaMock.reset()
  lambdaMock.on(GetEventSourceMappingCommand).resolves({UUID: 'u1', State: 'Updating', StateTransitionReason: 'USER_INITIATED'})
  await expect(api().waitForMapping('u1', ['Enabled'])).rejects.toThrow("Event source mapping u1 didn't become Enabled within 300s; it is still Updating (USER_INITIATED).")
  lambdaMock.reset()
  lambdaMock.on(GetEventSourceMappingCommand).rejects(notFound())
  expect(await api().waitForMapping('u1', ['Deleted'])).toBeUndefined()
})

test('addPermission reports a statement id that is already there as "exists" (an earlier attach), not an error', async () => {
  lambdaMock.on(AddPermissionCommand).rejects(new ResourceConflictException({message: 'The statement id (sling-abc) provided already exists.', $metadata: {httpStatusCode: 409}}))
  expect(await api().addPermission('w', 'sling-abc', {Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com'})).toBe('exists')
  expect(lambdaMock).toHaveReceivedCommandWith(AddPermissionCommand, {FunctionName: 'w', StatementId: 'sling-abc', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com'})
})

test('getPolicy reads the statements, and a function without a policy has none', async () => {
  lambdaMock.on(GetPolicyCommand, {FunctionName: 'a'}).resolves({Policy: JSON.stringify({Statement: [{Sid: 'sling-abc', Effect: 'Allow'}]})}).on(GetPolicyCommand, {FunctionName: 'b'}).rejects(notFound())
  expect(await api().getPolicy('a')).toEqual([{Sid: 'sling-abc', Effect: 'Allow'}])
  expect(await api().getPolicy('b')).toEqual([])
})

test('putUrlConfig creates the URL when there is none and updates it (CORS cleared when not given) when there is', async () => {
  lambdaMock.on(GetFunctionUrlConfigCommand).rejectsOnce(notFound()).resolves({FunctionUrl: 'https://x.lambda-url.eu-west-1.on.aws/', AuthType: 'NONE'})
  lambdaMock.on(CreateFunctionUrlConfigCommand).resolves({FunctionUrl: 'https://x.lambda-url.eu-west-1.on.aws/', AuthType: 'AWS_IAM'}).on(UpdateFunctionUrlConfigCommand).resolves({FunctionUrl: 'https://x.lambda-url.eu-west-1.on.aws/', AuthType: 'AWS_IAM'})
  expect(await api().putUrlConfig('w', {authType: 'AWS_IAM'}, {qualifier: 'live'})).toMatchObject({created: true})
  expect(lambdaMock).toHaveReceivedCommandWith(CreateFunctionUrlConfigCommand, {FunctionName: 'w', Qualifier: 'live', AuthType: 'AWS_IAM'})
  expect(await api().putUrlConfig('w', {authType: 'AWS_IAM'}, {qualifier: 'live'})).toMatchObject({created: false})
  expect(lambdaMock).toHaveReceivedCommandWith(UpdateFunctionUrlConfigCommand, {FunctionName: 'w', Qualifier: 'live', AuthType: 'AWS_IAM', Cors: {}})
})

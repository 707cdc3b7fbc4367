import {GetFunctionCommand, LambdaClient, ResourceNotFoundException, TooManyRequestsException} from '@aws-sdk/client-lambda'
import {mockClient} from 'aws-sdk-client-mock'
import {afterEach, expect, test} from 'vitest'

import {toUserError} from '../../../src/lib/aws/errors.js'
import {ExitCode, UserError} from '../../../src/lib/errors.js'

const lambdaMock = mockClient(LambdaClient)
afterEach(() => {
  lambdaMock.reset()
})

const metadata = {httpStatusCode: 400, requestId: 'req-1'}

async function failureOf(client: LambdaClient): Promise<unknown> {
  try {
    await client.send(new GetFunctionCommand({FunctionName: 'hello'}))
  } catch (error) {
    return error
  }
  throw new Error('expected the call to fail')
}

test('missing credentials say how to configure them, and offer --local', () => {
  const error = Object.assign(new Error('Could not load credentials from any providers'), {name: 'CredentialsProviderError'})
  const user = toUserError(error)
  expect(user.code).toBe('NoCredentials')
  expect(user.message).toBe("sling couldn't find AWS credentials.")
  expect(user.hints.join('\n')).toContain('aws configure')
  expect(user.hints.join('\n')).toContain('--local')
  expect(user.exitCode).toBe(ExitCode.Failure)
})

test('AccessDenied names the IAM action that was refused', () => {
  const error = Object.assign(new Error('User: arn:aws:iam::123456789012:user/dev is not authorized to perform: lambda:UpdateFunctionCode on resource: arn:aws:lambda:us-east-1:123456789012:function:hello'), {
    name: 'AccessDeniedException',
    $metadata: {httpStatusCode: 403},
  })
  const user = toUserError(error, {region: 'us-east-1'})
  expect(user.code).toBe('AccessDenied')
  expect(user.message).toBe('AWS denied lambda:UpdateFunctionCode in us-east-1.')
  expect(user.hints[0]).toContain('Grant lambda:UpdateFunctionCode')
})

test('ResourceNotFound names the function and region, and the command that creates it', async () => {
  lambdaMock.on(GetFunctionCommand).rejects(new ResourceNotFoundException({message: 'Function not found: arn:aws:lambda:eu-west-1:123:function:hello', $metadata: {...metadata, httpStatusCode: 404}}))
  const error = await failureOf(new LambdaClient({region: 'eu-west-1'}))
  const user = toUserError(error, {functionName: 'hello', region: 'eu-west-1'})
  expect(user.code).toBe('FunctionNotFound')
  expect(user.message).toBe('Function "hello" doesn\'t exist in eu-west-1.')
  expect(user.hints.join('\n')).toContain('sling deploy')
})

test('throttling that outlasted the retries says so and that repeating is safe', async () => {
  lambdaMock.on(GetFunctionCommand).rejects(new TooManyRequestsException({message: 'Rate exceeded', $metadata: {...metadata, httpStatusCode: 429}}))
  const user = toUserError(await failureOf(new LambdaClient({region: 'us-east-1'})), {region: 'us-east-1'})
  expect(user.code).toBe('Throttled')
  expect(user.hints.join('\n')).toMatch(/safe to repeat/)
})

test('an unreachable endpoint (real connection refused) points at sling local serve', async () => {
  const client = new LambdaClient({region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, maxAttempts: 1})
  lambdaMock.restore()
  try {
    const user = toUserError(await failureOf(client), {endpoint: 'http://127.0.0.1:9'})
    expect(user.code).toBe('EndpointUnreachable')
    expect(user.message).toBe("Can't reach http://127.0.0.1:9 (ECONNREFUSED).")
    expect(user.hints.join('\n')).toContain('sling local serve')
  } finally {
    client.destroy()
    lambdaMock.reset()
  }
})

test('other modelled AWS errors keep AWS\'s words; unknown errors are Unexpected; UserErrors pass through', () => {
  const conflict = Object.assign(new Error('The operation cannot be performed at this time.'), {name: 'ResourceConflictException', $metadata: {httpStatusCode: 409}})
  const user = toUserError(conflict, {region: 'us-east-1'})
  expect(user.code).toBe('ResourceConflictException')
  expect(user.message).toContain('The operation cannot be performed at this time.')
  expect(toUserError(new TypeError('boom')).code).toBe('Unexpected')
  const mine = new UserError('Mine', 'mine')
  expect(toUserError(mine)).toBe(mine)
})

test('an aborted request or wait is an interruption (exit 130), not an unexpected error', () => {
  const user = toUserError(new DOMException('This operation was aborted', 'AbortError'))
  expect(user).toMatchObject({code: 'Interrupted', exitCode: ExitCode.Interrupted})
  expect(user.message).toBe('Interrupted: sling stopped waiting for AWS (changes AWS had already accepted still apply).')
})

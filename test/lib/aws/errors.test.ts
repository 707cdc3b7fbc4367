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

test('AccessDenied names the action, the resource and the identity, and says how to grant it', () => {
  const error = Object.assign(
    new Error('User: arn:aws:sts::123456789012:assumed-role/ci/run-7 is not authorized to perform: lambda:GetFunction on resource: arn:aws:lambda:eu-west-1:123456789012:function:api because no identity-based policy allows the lambda:GetFunction action'),
    {name: 'AccessDeniedException', $metadata: {httpStatusCode: 403}},
  )
  const user = toUserError(error, {region: 'eu-west-1'})
  expect(user.message).toBe('AWS denied lambda:GetFunction in eu-west-1.')
  expect(user.hints).toEqual([
    'Grant lambda:GetFunction on arn:aws:lambda:eu-west-1:123456789012:function:api to arn:aws:sts::123456789012:assumed-role/ci/run-7 (an IAM policy statement allowing "lambda:GetFunction"), or use a profile that has it (--profile NAME).',
  ])
})

test('a denial that names no identity or resource still names the action', () => {
  const user = toUserError(Object.assign(new Error('User is not authorized to perform: lambda:GetFunction'), {name: 'AccessDeniedException', $metadata: {httpStatusCode: 403}}), {region: 'eu-west-1'})
  expect(user.message).toBe('AWS denied lambda:GetFunction in eu-west-1.')
  expect(user.hints).toEqual(['Grant lambda:GetFunction to the identity sling runs as (an IAM policy statement allowing "lambda:GetFunction"), or use a profile that has it (--profile NAME).'])
})

test('an explicit deny says that granting the action will not help', () => {
  const error = Object.assign(
    new Error('User: arn:aws:iam::123456789012:user/dev is not authorized to perform: lambda:DeleteFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:api with an explicit deny in a service control policy'),
    {name: 'AccessDeniedException', $metadata: {httpStatusCode: 403}},
  )
  const user = toUserError(error, {region: 'us-east-1'})
  expect(user.code).toBe('AccessDenied')
  expect(user.hints[0]).toMatch(/^An explicit deny in a service control policy blocks lambda:DeleteFunction .*won't help/)
})

test("S3's bare Access Denied still says whose policy to check and how to see the call", () => {
  const user = toUserError(Object.assign(new Error('Access Denied'), {name: 'AccessDenied', $metadata: {httpStatusCode: 403}}), {region: 'us-east-1'})
  expect(user.message).toBe('AWS denied the request in us-east-1: Access Denied')
  expect(user.hints[0]).toContain('aws sts get-caller-identity')
  expect(user.hints[0]).toContain('--verbose')
})

test.each(['UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidSignatureException', 'SignatureDoesNotMatch'])('%s is a credentials problem, not a permission one: how to check them, or --local', (name) => {
  const user = toUserError(Object.assign(new Error('The security token included in the request is invalid.'), {name, $metadata: {httpStatusCode: 403}}))
  expect(user.code).toBe('InvalidCredentials')
  expect(user.message).toMatch(/^AWS doesn't recognise the credentials sling is using/)
  expect(user.hints[0]).toContain('aws sts get-caller-identity')
  expect(user.hints[1]).toContain('--local')
})

test('expired credentials say how to refresh them (SSO first), or --local', () => {
  const user = toUserError(Object.assign(new Error('The security token included in the request is expired'), {name: 'ExpiredTokenException', $metadata: {httpStatusCode: 403}}))
  expect(user).toMatchObject({code: 'NoCredentials', message: 'Your AWS credentials have expired.'})
  expect(user.hints[0]).toContain('aws sso login --profile NAME')
  expect(user.hints[1]).toContain('--local')
})

test('a function missing in this region suggests another region and names the command that creates it', () => {
  const error = Object.assign(new Error('Function not found: arn:aws:lambda:eu-west-1:123456789012:function:orders'), {name: 'ResourceNotFoundException', $metadata: {httpStatusCode: 404}})
  const user = toUserError(error) // no context: the name and region come from the ARN in AWS's message
  expect(user).toMatchObject({code: 'FunctionNotFound', message: 'Function "orders" doesn\'t exist in eu-west-1.'})
  expect(user.hints[0]).toBe('If it is in another region, pass --region REGION (sling looked in eu-west-1); check --stage too, or create it with "sling deploy".')
})

test('an unreachable AWS endpoint says to check the region name when the host has no address', () => {
  const user = toUserError(Object.assign(new Error('getaddrinfo ENOTFOUND lambda.eu-wst-1.amazonaws.com'), {code: 'ENOTFOUND'}), {region: 'eu-wst-1'})
  expect(user.message).toBe("Can't reach AWS in eu-wst-1 (ENOTFOUND).")
  expect(user.hints[0]).toContain('Check the region name "eu-wst-1"')
  const custom = toUserError(Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'}), {endpoint: 'https://minio.internal:9000'})
  expect(custom.hints[0]).toContain('--endpoint-url')
  expect(custom.hints[0]).not.toContain('sling local serve')
})

test("Lambda's refusal of a too-large environment is reported without the values it quotes (secrets among them)", () => {
  const refused = Object.assign(new Error('Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {"API_KEY":"sk-live-123456","TABLE":"orders"}'), {
    name: 'InvalidParameterValueException',
    $metadata: metadata,
  })
  const error = toUserError(refused, {region: 'eu-west-1'})
  expect(error.code).toBe('InvalidParameterValueException')
  expect(error.message).toContain('exceeded the 4KB limit')
  expect(error.message).not.toContain('sk-live-123456')
  expect(error.message).not.toContain('orders')
})

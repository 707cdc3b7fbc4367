import {CreateFunctionCommand, InvalidParameterValueException, UpdateFunctionConfigurationCommand} from '@aws-sdk/client-lambda'
import {describe, expect, test} from 'vitest'

import {CONFIG_RUNTIMES, DEFAULT_RUNTIME} from '../../../src/lib/config/schema.js'
import {
  acceptsNewFunctions,
  isReservedEnvKey,
  RESERVED_ENV_KEYS,
  RUNTIMES,
  runtimeLifecycle,
  runtimeStatus,
  RUNTIMES_CHECKED_ON,
  UNRESERVED_ENV_KEY_PATTERN,
} from '../../../src/lib/lambda/rules.js'
import {expectModeledError, loadModel} from '../../helpers/model.js'
import {handlerZip, rejectionOf, ROLE, startLambda} from '../local/lambda/harness.js'

describe('runtimes', () => {
  test('the table lists exactly the Runtime enum of the Lambda model', () => {
    const modelled = loadModel('lambda').shapes.Runtime?.enum ?? []
    expect([...RUNTIMES].sort()).toEqual([...modelled].sort())
  })

  test('a runtime moves from supported to deprecated to create-blocked to blocked on its dates', () => {
    expect(runtimeStatus('nodejs20.x', '2026-04-29')).toBe('supported')
    expect(runtimeStatus('nodejs20.x', '2026-04-30')).toBe('deprecated')
    expect(runtimeStatus('nodejs20.x', '2026-08-31')).toBe('create-blocked')
    expect(runtimeStatus('nodejs20.x', '2026-09-30')).toBe('blocked')
    expect(runtimeStatus('nodejs26.x', RUNTIMES_CHECKED_ON)).toBe('preview')
    expect(runtimeStatus('nodejs12.x', '2020-01-01')).toBe('blocked') // Lambda refuses it outright, whatever the day
  })

  test('without a published block date, the deprecation date is when new functions are refused', () => {
    expect(runtimeLifecycle('java8').blockCreate).toBeUndefined()
    expect(acceptsNewFunctions('java8', '2024-01-07')).toBe(true)
    expect(acceptsNewFunctions('java8', '2024-01-08')).toBe(false)
  })

  test('the config offers the runtimes Lambda still creates or updates functions with, the default first', () => {
    expect(CONFIG_RUNTIMES[0]).toBe(DEFAULT_RUNTIME)
    expect(DEFAULT_RUNTIME).toBe('nodejs24.x')
    expect(CONFIG_RUNTIMES).toEqual(expect.arrayContaining(['nodejs22.x', 'python3.13', 'java21', 'dotnet8', 'ruby3.4', 'provided.al2023']))
    expect(CONFIG_RUNTIMES).not.toContain('nodejs20.x') // updates refused since 2026-09-30
    expect(CONFIG_RUNTIMES).not.toContain('nodejs12.x')
    // Lambda still updates existing python3.10 functions (until 2027-01-15), so a project using it can deploy.
    expect(CONFIG_RUNTIMES).toContain('python3.10')
    for (const runtime of CONFIG_RUNTIMES) expect(runtimeStatus(runtime, RUNTIMES_CHECKED_ON)).not.toBe('blocked')
  })
})

describe('reserved environment variables', () => {
  test('are the keys Lambda sets itself; TZ, LANG and NODE_OPTIONS are not among them', () => {
    for (const key of ['AWS_REGION', 'AWS_DEFAULT_REGION', '_HANDLER', 'AWS_LAMBDA_FUNCTION_NAME', 'LAMBDA_TASK_ROOT', 'AWS_SESSION_TOKEN']) expect(isReservedEnvKey(key)).toBe(true)
    for (const key of ['TZ', 'LANG', 'NODE_OPTIONS', 'AWS_REGION_HINT', 'MY_AWS_REGION']) expect(isReservedEnvKey(key)).toBe(false)
  })

  test("the editor pattern refuses exactly the reserved keys", () => {
    for (const key of RESERVED_ENV_KEYS) expect(UNRESERVED_ENV_KEY_PATTERN.test(key)).toBe(false)
    for (const key of ['TZ', 'AWS_REGIONS', 'XAWS_REGION', 'TABLE']) expect(UNRESERVED_ENV_KEY_PATTERN.test(key)).toBe(true)
  })

  test('the local cloud refuses AWS_DEFAULT_REGION as Lambda does, on create and on update', async () => {
    const harness = await startLambda()
    try {
      const lambda = harness.lambda()
      const base = {FunctionName: 'env', Role: ROLE, Runtime: 'nodejs24.x' as const, Handler: 'index.handler', Code: {ZipFile: await handlerZip()}}
      const created = await rejectionOf(lambda.send(new CreateFunctionCommand({...base, Environment: {Variables: {AWS_DEFAULT_REGION: 'eu-west-1'}}})))
      expect(created).toBeInstanceOf(InvalidParameterValueException)
      expect(created.message).toBe(
        'Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_DEFAULT_REGION',
      )
      expectModeledError('lambda', 'CreateFunction', created)
      await lambda.send(new CreateFunctionCommand(base))
      const updated = await rejectionOf(lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'env', Environment: {Variables: {TZ: 'Europe/Paris', AWS_DEFAULT_REGION: 'x'}}})))
      expect(updated.message).toContain('Reserved keys used in this request: AWS_DEFAULT_REGION')
      await expect(lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'env', Environment: {Variables: {TZ: 'Europe/Paris'}}}))).resolves.toMatchObject({Environment: {Variables: {TZ: 'Europe/Paris'}}})
    } finally {
      await harness.close()
    }
  })

  test('the local cloud accepts every runtime of the model that Lambda has not retired, and refuses the rest with its message', async () => {
    const harness = await startLambda()
    try {
      const lambda = harness.lambda()
      const zip = await handlerZip()
      const create = (name: string, runtime: string) => lambda.send(new CreateFunctionCommand({FunctionName: name, Role: ROLE, Runtime: runtime as 'nodejs24.x', Handler: 'index.handler', Code: {ZipFile: zip}}))
      await expect(create('al2023', 'java17.al2023')).resolves.toMatchObject({Runtime: 'java17.al2023'})
      await expect(create('ruby4', 'ruby4.0')).resolves.toMatchObject({Runtime: 'ruby4.0'})
      const retired = await rejectionOf(create('go', 'go1.x'))
      expect(retired.message).toBe('The runtime parameter of go1.x is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (provided.al2023) while creating or updating functions.')
    } finally {
      await harness.close()
    }
  })
})

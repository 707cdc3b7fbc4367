import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  ListFunctionEventInvokeConfigsCommand,
  PublishVersionCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand,
} from '@aws-sdk/client-lambda'
import type {LambdaClient} from '@aws-sdk/client-lambda'
import {afterEach, beforeEach, expect, test} from 'vitest'

import {tempDir} from '../../../helpers/cli.js'
import {expectModeledError, expectOutputMatchesModel} from '../../../helpers/model.js'
import type {LambdaHarness} from './harness.js'
import {handlerZip, rejectionOf, ROLE, startLambda, zipOf} from './harness.js'

const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:failures'
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:fn'

let h: LambdaHarness
let lambda: LambdaClient
beforeEach(async () => {
  h = await startLambda({asyncRetryMs: 20})
  lambda = h.lambda()
})
afterEach(async () => {
  await h.close()
})

async function create(name = 'fn', zip?: Buffer, variables: Record<string, string> = {}) {
  await lambda.send(new CreateFunctionCommand({FunctionName: name, Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: zip ?? (await handlerZip())}, Environment: {Variables: variables}}))
}

test('Put, Get, Update, List and Delete an event invoke config, shaped as the model says', async () => {
  await create()
  const put = await lambda.send(new PutFunctionEventInvokeConfigCommand({FunctionName: 'fn', MaximumRetryAttempts: 1, DestinationConfig: {OnFailure: {Destination: QUEUE}}}))
  expectOutputMatchesModel('lambda', 'PutFunctionEventInvokeConfig', put)
  expect(put).toMatchObject({FunctionArn: `${ARN}:$LATEST`, MaximumRetryAttempts: 1, DestinationConfig: {OnSuccess: {}, OnFailure: {Destination: QUEUE}}})
  expect(put.LastModified).toBeInstanceOf(Date)
  expect(put.MaximumEventAgeInSeconds).toBeUndefined()

  const got = await lambda.send(new GetFunctionEventInvokeConfigCommand({FunctionName: 'fn'}))
  expectOutputMatchesModel('lambda', 'GetFunctionEventInvokeConfig', got)
  expect(got).toMatchObject({FunctionArn: `${ARN}:$LATEST`, MaximumRetryAttempts: 1})

  // Update changes only what it names.
  const updated = await lambda.send(new UpdateFunctionEventInvokeConfigCommand({FunctionName: 'fn', MaximumEventAgeInSeconds: 600}))
  expect(updated).toMatchObject({MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 600, DestinationConfig: {OnFailure: {Destination: QUEUE}}})
  // Put replaces everything.
  const replaced = await lambda.send(new PutFunctionEventInvokeConfigCommand({FunctionName: 'fn', MaximumRetryAttempts: 0}))
  expect(replaced).toMatchObject({MaximumRetryAttempts: 0, DestinationConfig: {OnSuccess: {}, OnFailure: {}}})
  expect(replaced.MaximumEventAgeInSeconds).toBeUndefined()

  await lambda.send(new PublishVersionCommand({FunctionName: 'fn'}))
  await lambda.send(new CreateAliasCommand({FunctionName: 'fn', Name: 'live', FunctionVersion: '1'}))
  await lambda.send(new PutFunctionEventInvokeConfigCommand({FunctionName: 'fn', Qualifier: 'live', MaximumRetryAttempts: 2}))
  const listed = await lambda.send(new ListFunctionEventInvokeConfigsCommand({FunctionName: 'fn'}))
  expectOutputMatchesModel('lambda', 'ListFunctionEventInvokeConfigs', listed)
  expect(listed.FunctionEventInvokeConfigs?.map((config) => [config.FunctionArn, config.MaximumRetryAttempts])).toEqual([
    [`${ARN}:$LATEST`, 0],
    [`${ARN}:live`, 2],
  ])

  const deleted = await lambda.send(new DeleteFunctionEventInvokeConfigCommand({FunctionName: 'fn', Qualifier: 'live'}))
  expect(deleted.$metadata.httpStatusCode).toBe(204)
  const gone = await rejectionOf(lambda.send(new GetFunctionEventInvokeConfigCommand({FunctionName: 'fn', Qualifier: 'live'})))
  expectModeledError('lambda', 'GetFunctionEventInvokeConfig', gone)
  expect(gone.name).toBe('ResourceNotFoundException')
  expect(gone.message).toBe(`The function ${ARN}:live doesn't have an EventInvokeConfig`)
})

test('refusals: no config to update, a qualifier or function that does not exist, out-of-range settings, a destination Lambda cannot send to', async () => {
  await create()
  const cases: [string, () => Promise<unknown>, string, string][] = [
    ['UpdateFunctionEventInvokeConfig', () => lambda.send(new UpdateFunctionEventInvokeConfigCommand({FunctionName: 'fn', MaximumRetryAttempts: 1})), 'ResourceNotFoundException', `The function ${ARN}:$LATEST doesn't have an EventInvokeConfig`],
    ['PutFunctionEventInvokeConfig', () => lambda.send(new PutFunctionEventInvokeConfigCommand({FunctionName: 'fn', Qualifier: '7', MaximumRetryAttempts: 1})), 'ResourceNotFoundException', `Function not found: ${ARN}:7`],
    ['PutFunctionEventInvokeConfig', () => lambda.send(new PutFunctionEventInvokeConfigCommand({FunctionName: 'ghost', MaximumRetryAttempts: 1})), 'ResourceNotFoundException', 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:ghost'],
    ['PutFunctionEventInvokeConfig', () => lambda.send(new PutFunctionEventInvokeConfigCommand({FunctionName: 'fn', MaximumRetryAttempts: 3})), 'ValidationException', "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2"],
    ['PutFunctionEventInvokeConfig', () => lambda.send(new PutFunctionEventInvokeConfigCommand({FunctionName: 'fn', MaximumEventAgeInSeconds: 30})), 'ValidationException', "1 validation error detected: Value '30' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60"],
    ['PutFunctionEventInvokeConfig', () => lambda.send(new PutFunctionEventInvokeConfigCommand({FunctionName: 'fn', DestinationConfig: {OnSuccess: {Destination: 'arn:aws:s3:::bucket'}}})), 'InvalidParameterValueException', 'The provided destination config DestinationArn arn:aws:s3:::bucket is invalid.'],
  ]
  for (const [operation, call, name, message] of cases) {
    const error = await rejectionOf(call())
    expectModeledError('lambda', operation, error)
    expect(error.name).toBe(name)
    expect(error.message).toBe(message)
  }
})

test('the async queue honours MaximumRetryAttempts: a failing Event invocation runs once with 0, three times by default', async () => {
  const {dir, cleanup} = await tempDir('sling-eic-')
  try {
    const failing = await zipOf({'index.mjs': "import {appendFileSync} from 'node:fs'\nexport const handler = async () => { appendFileSync(process.env.RUNS, 'run\\n'); throw new Error('boom') }\n"})
    const runs = async (file: string): Promise<number> => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).length
    const until = async (file: string, count: number): Promise<void> => {
      for (let i = 0; i < 200 && (await runs(file)) < count; i++) await new Promise((resolve) => setTimeout(resolve, 25))
    }
    await create('once', failing, {RUNS: path.join(dir, 'once')})
    await create('thrice', failing, {RUNS: path.join(dir, 'thrice')})
    await lambda.send(new PutFunctionEventInvokeConfigCommand({FunctionName: 'once', MaximumRetryAttempts: 0}))
    await lambda.send(new InvokeCommand({FunctionName: 'once', InvocationType: 'Event', Payload: '{}'}))
    await lambda.send(new InvokeCommand({FunctionName: 'thrice', InvocationType: 'Event', Payload: '{}'}))
    await until(path.join(dir, 'once'), 1)
    await until(path.join(dir, 'thrice'), 3)
    expect(await runs(path.join(dir, 'thrice'))).toBe(3)
    // Both were queued together, with the same retry delays: by now "once" would have been retried too.
    expect(await runs(path.join(dir, 'once'))).toBe(1)
  } finally {
    await cleanup()
  }
})

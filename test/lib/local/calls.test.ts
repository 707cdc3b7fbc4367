import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {CreateRoleCommand, GetRoleCommand, IAMClient} from '@aws-sdk/client-iam'
import {GetFunctionCommand, LambdaClient, ListFunctionsCommand} from '@aws-sdk/client-lambda'
import {CreateBucketCommand, S3Client} from '@aws-sdk/client-s3'
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import {afterEach, expect, test} from 'vitest'

import {kindOf} from '../../../src/lib/local/calls.js'
import type {CallReport} from '../../../src/lib/local/calls.js'
import {startLocalCloud} from '../../../src/lib/local/server.js'
import {UserError} from '../../../src/lib/errors.js'
import {rejectionOf} from '../../helpers/aws.js'
import {tempDir} from '../../helpers/cli.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const config = (endpoint: string) => ({region: 'us-east-1', endpoint, credentials: {accessKeyId: 'sling-local', secretAccessKey: 'sling-local'}, maxAttempts: 1})

async function cloudOn(dir: string, callLogFile?: string) {
  const cloud = await startLocalCloud({storeDir: dir, settings: {stateDelayMs: 0, ...(callLogFile ? {callLogFile} : {})}})
  const lambda = new LambdaClient(config(cloud.endpoint))
  const iam = new IAMClient(config(cloud.endpoint))
  const s3 = new S3Client({...config(cloud.endpoint), forcePathStyle: true})
  const sts = new STSClient(config(cloud.endpoint))
  cleanups.push(async () => {
    for (const client of [lambda, iam, s3, sts]) client.destroy()
    await cloud.close()
  })
  return {cloud, lambda, iam, s3, sts}
}

async function calls(endpoint: string, reset = false): Promise<CallReport> {
  const response = await fetch(`${endpoint}/_sling/calls${reset ? '?reset=1' : ''}`)
  expect(response.status).toBe(200)
  return (await response.json()) as CallReport
}

test('GET /_sling/calls counts every call by service, operation and status; ?reset=1 starts over', async () => {
  const {dir, cleanup} = await tempDir('sling-calls-')
  cleanups.push(cleanup)
  const {cloud, lambda, iam, s3, sts} = await cloudOn(dir)
  expect(await calls(cloud.endpoint)).toMatchObject({total: 0, reads: 0, writes: 0, calls: []})

  await lambda.send(new ListFunctionsCommand({}))
  await lambda.send(new ListFunctionsCommand({}))
  await rejectionOf(lambda.send(new GetFunctionCommand({FunctionName: 'ghost'})))
  // Query calls name their operation in the POST body, not the URL.
  await iam.send(new CreateRoleCommand({RoleName: 'r', AssumeRolePolicyDocument: '{"Statement":[]}'}))
  await iam.send(new GetRoleCommand({RoleName: 'r'}))
  await s3.send(new CreateBucketCommand({Bucket: 'artifacts'}))
  await sts.send(new GetCallerIdentityCommand({}))

  const report = await calls(cloud.endpoint)
  expect(report.calls).toEqual([
    {service: 'iam', operation: 'CreateRole', status: 200, kind: 'write', count: 1},
    {service: 'iam', operation: 'GetRole', status: 200, kind: 'read', count: 1},
    {service: 'lambda', operation: 'GetFunction', status: 404, kind: 'read', count: 1},
    {service: 'lambda', operation: 'ListFunctions', status: 200, kind: 'read', count: 2},
    {service: 's3', operation: 'CreateBucket', status: 200, kind: 'write', count: 1},
    {service: 'sts', operation: 'GetCallerIdentity', status: 200, kind: 'read', count: 1},
  ])
  expect(report).toMatchObject({total: 7, reads: 5, writes: 2})
  expect(Date.parse(report.since)).not.toBeNaN()

  // reset answers what was counted, then counting starts anew; the endpoint itself is never counted.
  expect((await calls(cloud.endpoint, true)).total).toBe(7)
  expect(await calls(cloud.endpoint)).toMatchObject({total: 0, calls: []})
  await lambda.send(new ListFunctionsCommand({}))
  expect(cloud.calls().calls).toEqual([{service: 'lambda', operation: 'ListFunctions', status: 200, kind: 'read', count: 1}])
})

test('SLING_LOCAL_CALL_LOG appends one JSON line per call, from every local cloud sharing the file', async () => {
  const {dir, cleanup} = await tempDir('sling-calls-log-')
  cleanups.push(cleanup)
  const log = path.join(dir, 'calls.jsonl')
  const first = await cloudOn(path.join(dir, 'store'), log)
  const second = await cloudOn(path.join(dir, 'store'), log)
  await first.lambda.send(new ListFunctionsCommand({}))
  await second.s3.send(new CreateBucketCommand({Bucket: 'artifacts'}))
  await first.iam.send(new CreateRoleCommand({RoleName: 'r', AssumeRolePolicyDocument: '{"Statement":[]}'}))
  await rejectionOf(second.lambda.send(new GetFunctionCommand({FunctionName: 'ghost'})))

  const lines = (await readFile(log, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
  expect(lines.map(({service, operation, status, kind}) => ({service, operation, status, kind}))).toEqual([
    {service: 'lambda', operation: 'ListFunctions', status: 200, kind: 'read'},
    {service: 's3', operation: 'CreateBucket', status: 200, kind: 'write'},
    {service: 'iam', operation: 'CreateRole', status: 200, kind: 'write'},
    {service: 'lambda', operation: 'GetFunction', status: 404, kind: 'read'},
  ])
  for (const line of lines) {
    expect(line.pid).toBe(process.pid)
    expect(Date.parse(String(line.time))).not.toBeNaN()
  }
})

test('a call log that cannot be opened is a UserError naming the variable', async () => {
  const {dir, cleanup} = await tempDir('sling-calls-bad-')
  cleanups.push(cleanup)
  const error = await rejectionOf(startLocalCloud({storeDir: dir, settings: {callLogFile: path.join(dir, 'missing', 'calls.jsonl')}}))
  expect(error).toBeInstanceOf(UserError)
  expect((error as unknown as UserError).code).toBe('LocalCallLog')
  expect(error.message).toContain('SLING_LOCAL_CALL_LOG')
})

test('reads are the operations AWS names Get, List, Head, Describe or Filter; everything else writes', () => {
  expect(['GetFunction', 'ListAliases', 'HeadObject', 'DescribeLogGroups', 'FilterLogEvents', 'GetCallerIdentity'].map((operation) => kindOf(operation))).toEqual(Array(6).fill('read'))
  expect(['CreateFunction', 'PutObject', 'UpdateAlias', 'Invoke', 'Unknown', 'Getaway'].map((operation) => kindOf(operation))).toEqual(Array(6).fill('write'))
  // An operation the router couldn't name reads when its method does (Lambda's code download is a GET).
  expect(kindOf('Unknown', 'GET')).toBe('read')
  expect(kindOf('Unknown', 'POST')).toBe('write')
})

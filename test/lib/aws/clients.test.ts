import {writeFile} from 'node:fs/promises'
import path from 'node:path'

import {afterEach, expect, test} from 'vitest'

import {formatCallTally} from '../../../src/lib/aws/calls.js'
import {createAwsClients} from '../../../src/lib/aws/clients.js'
import {startLocalCloud} from '../../../src/lib/local/server.js'
import {tempDir} from '../../helpers/cli.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function store(): Promise<string> {
  const {dir, cleanup} = await tempDir('sling-clients-')
  cleanups.push(cleanup)
  return dir
}

async function healthy(endpoint: string): Promise<boolean> {
  try {
    return (await fetch(`${endpoint}/_sling/health`)).ok
  } catch {
    return false
  }
}

test('an explicit region, profile and endpoint reach every client; S3 goes path-style on a custom endpoint', async () => {
  const clients = await createAwsClients({region: 'eu-west-3', profile: 'work', endpointUrl: 'http://127.0.0.1:9'})
  cleanups.push(() => clients.close())
  expect(await clients.region()).toBe('eu-west-3')
  expect(clients.endpoint).toBe('http://127.0.0.1:9')
  const lambda = await clients.lambda()
  expect(await lambda.config.region()).toBe('eu-west-3')
  expect(lambda.config.profile).toBe('work')
  expect(await lambda.config.maxAttempts()).toBe(5)
  expect(lambda.config.retryMode).toBe('adaptive')
  const s3 = await clients.s3()
  expect(s3.config.forcePathStyle).toBe(true)
  expect(await (await clients.logs()).config.region()).toBe('eu-west-3')
  for (const client of [await clients.cloudwatch(), await clients.iam(), await clients.sts()]) {
    expect(await client.config.region()).toBe('eu-west-3')
    expect(client.config.retryMode).toBe('adaptive')
    expect(await client.config.maxAttempts()).toBe(5)
  }
  // Built once per command.
  expect(await clients.lambda()).toBe(lambda)
})

test('without a region flag the SDK resolves one from the environment', async () => {
  const previous = process.env.AWS_REGION
  process.env.AWS_REGION = 'ap-south-1'
  try {
    const clients = await createAwsClients({})
    cleanups.push(() => clients.close())
    expect(await clients.region()).toBe('ap-south-1')
    expect(clients.endpoint).toBeUndefined()
    expect((await clients.s3()).config.forcePathStyle).toBe(false)
  } finally {
    if (previous === undefined) delete process.env.AWS_REGION
    else process.env.AWS_REGION = previous
  }
})

test('--local with no server running starts one in-process, needs no credentials, and close() stops it', async () => {
  const dir = await store()
  const clients = await createAwsClients({local: true, localStore: dir})
  const endpoint = clients.endpoint ?? ''
  expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  expect(await clients.region()).toBe('us-east-1')
  const credentials = await (await clients.s3()).config.credentials()
  expect(credentials).toMatchObject({accessKeyId: 'sling-local', secretAccessKey: 'sling-local'})
  expect(await healthy(endpoint)).toBe(true)
  await clients.close()
  expect(await healthy(endpoint)).toBe(false)
})

test('--local uses the `sling local serve` recorded for the store, and leaves it running', async () => {
  const dir = await store()
  const cloud = await startLocalCloud({storeDir: dir})
  cleanups.push(() => cloud.close())
  await writeFile(path.join(dir, 'server.json'), JSON.stringify({pid: process.pid, endpoint: cloud.endpoint, store: dir}))
  const clients = await createAwsClients({local: true, localStore: dir, region: 'eu-central-1'})
  expect(clients.endpoint).toBe(cloud.endpoint)
  expect(await clients.region()).toBe('eu-central-1')
  await clients.close()
  expect(await healthy(cloud.endpoint)).toBe(true)
})

test('--local ignores a stale server.json (dead process) and starts its own', async () => {
  const dir = await store()
  await writeFile(path.join(dir, 'server.json'), JSON.stringify({pid: 2 ** 22 + 12_345, endpoint: 'http://127.0.0.1:9', store: dir}))
  const clients = await createAwsClients({local: true, localStore: dir})
  cleanups.push(() => clients.close())
  expect(clients.endpoint).not.toBe('http://127.0.0.1:9')
  expect(await healthy(clients.endpoint ?? '')).toBe(true)
})

test('an explicit endpoint wins over --local', async () => {
  const clients = await createAwsClients({local: true, endpointUrl: 'http://127.0.0.1:9', region: 'us-west-2'})
  cleanups.push(() => clients.close())
  expect(clients.endpoint).toBe('http://127.0.0.1:9')
})

test('the clients count each request once, by service and operation, reads apart from writes', async () => {
  const dir = await store()
  const clients = await createAwsClients({local: true, localStore: dir})
  cleanups.push(() => clients.close())
  const {GetFunctionCommand, ListFunctionsCommand} = await import('@aws-sdk/client-lambda')
  const {CreateBucketCommand} = await import('@aws-sdk/client-s3')
  const lambda = await clients.lambda()
  await lambda.send(new GetFunctionCommand({FunctionName: 'absent'})).catch(() => undefined)
  await lambda.send(new ListFunctionsCommand({}))
  await (await clients.s3()).send(new CreateBucketCommand({Bucket: 'counted'}))
  expect(clients.calls()).toEqual({reads: 2, writes: 1, byOperation: {'Lambda.GetFunction': 1, 'Lambda.ListFunctions': 1, 'S3.CreateBucket': 1}})
  expect(formatCallTally(clients.calls())).toBe('AWS calls: 2 reads, 1 write (Lambda.GetFunction ×1, Lambda.ListFunctions ×1, S3.CreateBucket ×1)')
})

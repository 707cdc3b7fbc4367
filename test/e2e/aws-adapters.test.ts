import {createHash, randomBytes} from 'node:crypto'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'

import {CloudWatchLogsClient} from '@aws-sdk/client-cloudwatch-logs'
import {LambdaClient} from '@aws-sdk/client-lambda'
import {S3Client} from '@aws-sdk/client-s3'
import {afterEach, expect, test} from 'vitest'

import {createLambdaApi} from '../../src/lib/aws/lambda.js'
import type {LambdaApi} from '../../src/lib/aws/lambda.js'
import {createLogsApi, logGroupOf} from '../../src/lib/aws/logs.js'
import type {LogsApi} from '../../src/lib/aws/logs.js'
import {createS3Api} from '../../src/lib/aws/s3.js'
import type {S3Api} from '../../src/lib/aws/s3.js'
import type {LogEvent} from '../../src/lib/aws/types.js'
import {startLocalCloud} from '../../src/lib/local/server.js'
import {rejectionOf, zipOf} from '../helpers/aws.js'
import {tempDir} from '../helpers/cli.js'

// The typed adapters against the local cloud over real HTTP: the round trips later commands make.

const ROLE = 'arn:aws:iam::000000000000:role/lambda-role'
const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function cloud(): Promise<{lambda: LambdaApi; s3: S3Api; logs: LogsApi; dir: string}> {
  const temp = await tempDir()
  const local = await startLocalCloud({storeDir: path.join(temp.dir, 'store'), settings: {stateDelayMs: 50}})
  const config = {endpoint: local.endpoint, region: 'us-east-1', credentials: {accessKeyId: 'x', secretAccessKey: 'x'}}
  const clients = {lambda: new LambdaClient(config), s3: new S3Client({...config, forcePathStyle: true}), logs: new CloudWatchLogsClient(config)}
  cleanups.push(temp.cleanup, () => local.close(), () => Promise.resolve(Object.values(clients).forEach((client) => client.destroy())))
  const context = {region: 'us-east-1', endpoint: local.endpoint}
  return {
    lambda: createLambdaApi(clients.lambda, context, {pollSeconds: 0.05, maxWaitSeconds: 30}),
    s3: createS3Api(clients.s3, context),
    logs: createLogsApi(clients.logs, context),
    dir: temp.dir,
  }
}

const source = (tag: string) => `exports.handler = async (event) => { console.log("${tag} saw", JSON.stringify(event)); return {tag: "${tag}"} }`
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64')

async function collect(events: AsyncIterable<LogEvent>): Promise<LogEvent[]> {
  const all: LogEvent[] = []
  for await (const event of events) all.push(event)
  return all
}

test('create, update, publish, point an alias, invoke and read the logs', async () => {
  const {lambda, logs} = await cloud()
  expect(await lambda.getFunction('orders')).toBeUndefined()
  await lambda.createFunction({name: 'orders', role: ROLE, runtime: 'nodejs20.x', handler: 'index.handler', environment: {STAGE: 'dev'}, code: {zipFile: await zipOf({'index.js': source('v0')})}})
  await lambda.waitUntilActive('orders')
  const created = await lambda.getFunction('orders')
  expect(created).toMatchObject({state: 'Active', environment: {STAGE: 'dev'}, runtime: 'nodejs20.x'})

  const v1 = await zipOf({'index.js': source('v1')})
  await lambda.updateCode('orders', {zipFile: v1}, {revisionId: created?.revisionId})
  await lambda.waitUntilUpdated('orders')
  expect(await rejectionOf(lambda.publishVersion('orders', sha256(Buffer.from('other code'))))).toMatchObject({code: 'InvalidParameterValueException'})
  expect(await lambda.publishVersion('orders', sha256(v1))).toBe('1')

  const v2 = await zipOf({'index.js': source('v2')})
  await lambda.updateCode('orders', {zipFile: v2})
  await lambda.waitUntilUpdated('orders')
  expect(await lambda.publishVersion('orders', sha256(v2))).toBe('2')
  expect((await lambda.listVersions('orders')).map((v) => [v.version, v.codeSha256])).toEqual([['1', sha256(v1)], ['2', sha256(v2)]])

  expect(await lambda.pointAlias('orders', 'live', '1')).toBeUndefined()
  expect(await lambda.pointAlias('orders', 'live', '2', {'1': 0.25})).toBe('1')
  expect(await lambda.getAlias('orders', 'live')).toMatchObject({version: '2', routing: {'1': 0.25}})
  expect(await lambda.pointAlias('orders', 'live', '2')).toBe('2')
  expect(await lambda.getAlias('orders', 'live')).toMatchObject({version: '2', routing: {}})

  const result = await lambda.invoke('orders', JSON.stringify({id: 42}), {qualifier: 'live', logTail: true})
  expect(result).toMatchObject({statusCode: 200, executedVersion: '2', functionError: undefined})
  expect(JSON.parse(Buffer.from(result.payload).toString('utf8'))).toEqual({tag: 'v2'})
  expect(result.logTail).toContain('v2 saw {"id":42}')

  const lines = await collect(logs.filterEvents(logGroupOf('orders'), {filterPattern: '"v2 saw"'}))
  expect(lines.map((line) => line.message)).toEqual([expect.stringContaining('v2 saw {"id":42}')])
  expect(await rejectionOf(collect(logs.filterEvents(logGroupOf('never-ran'))))).toMatchObject({code: 'NoLogs'})
})

test('a large artifact goes to S3 in parts, and a function is created from it', async () => {
  const {lambda, s3, dir} = await cloud()
  // Stored, incompressible padding keeps the zip above the 8 MiB part size.
  const zip = await zipOf({'index.js': source('big'), 'pad.bin': randomBytes(9 * 1024 * 1024)}, {store: true})
  const file = path.join(dir, 'big.zip')
  await writeFile(file, zip)

  expect(await s3.ensureBucket('sling-artifacts')).toBe('created')
  expect(await s3.ensureBucket('sling-artifacts')).toBe('exists')
  expect(await s3.headObject('sling-artifacts', 'big.zip')).toBeUndefined()
  const stored = await s3.putArtifact('sling-artifacts', 'big.zip', file)
  expect(stored).toMatchObject({size: zip.length, etag: expect.stringMatching(/-2"$/) as string})
  expect(await s3.headObject('sling-artifacts', 'big.zip')).toMatchObject({size: zip.length, etag: stored.etag})

  await lambda.createFunction({name: 'big', role: ROLE, runtime: 'nodejs20.x', handler: 'index.handler', code: {s3Bucket: 'sling-artifacts', s3Key: 'big.zip'}})
  await lambda.waitUntilActive('big')
  expect(await lambda.getFunction('big')).toMatchObject({codeSha256: sha256(zip), codeSize: zip.length})
  const result = await lambda.invoke('big', '{}')
  expect(JSON.parse(Buffer.from(result.payload).toString('utf8'))).toEqual({tag: 'big'})
})

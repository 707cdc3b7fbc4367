import {createHash, randomBytes} from 'node:crypto'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'

import {CloudWatchLogsClient} from '@aws-sdk/client-cloudwatch-logs'
import {IAMClient} from '@aws-sdk/client-iam'
import {LambdaClient} from '@aws-sdk/client-lambda'
import {S3Client} from '@aws-sdk/client-s3'
import {afterEach, expect, test} from 'vitest'

import {basicExecutionPolicyArn, createIamApi, LAMBDA_TRUST_POLICY} from '../../src/lib/aws/iam.js'
import type {IamApi} from '../../src/lib/aws/iam.js'
import {createLambdaApi} from '../../src/lib/aws/lambda.js'
import type {LambdaApi} from '../../src/lib/aws/lambda.js'
import {createLogsApi, logGroupOf} from '../../src/lib/aws/logs.js'
import type {LogsApi} from '../../src/lib/aws/logs.js'
import {createS3Api} from '../../src/lib/aws/s3.js'
import type {S3Api} from '../../src/lib/aws/s3.js'
import type {StoredLogEvent} from '../../src/lib/aws/types.js'
import {startLocalCloud} from '../../src/lib/local/server.js'
import {rejectionOf, zipOf} from '../helpers/aws.js'
import {tempDir} from '../helpers/cli.js'

// The typed adapters against the local cloud over real HTTP: the round trips later commands make.

// Another account's role: the local cloud checks only its own account's roles against its IAM.
const ROLE = 'arn:aws:iam::123456789012:role/lambda-role'
const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function cloud(): Promise<{lambda: LambdaApi; s3: S3Api; logs: LogsApi; iam: IamApi; dir: string}> {
  const temp = await tempDir()
  const local = await startLocalCloud({storeDir: path.join(temp.dir, 'store'), settings: {stateDelayMs: 50}})
  const config = {endpoint: local.endpoint, region: 'us-east-1', credentials: {accessKeyId: 'x', secretAccessKey: 'x'}}
  const clients = {lambda: new LambdaClient(config), s3: new S3Client({...config, forcePathStyle: true}), logs: new CloudWatchLogsClient(config), iam: new IAMClient(config)}
  cleanups.push(temp.cleanup, () => local.close(), () => Promise.resolve(Object.values(clients).forEach((client) => client.destroy())))
  const context = {region: 'us-east-1', endpoint: local.endpoint}
  return {
    lambda: createLambdaApi(clients.lambda, context, {pollSeconds: 0.05, maxWaitSeconds: 30}),
    s3: createS3Api(clients.s3, context),
    logs: createLogsApi(clients.logs, context),
    iam: createIamApi(clients.iam, context),
    dir: temp.dir,
  }
}

const source = (tag: string) => `exports.handler = async (event) => { console.log("${tag} saw", JSON.stringify(event)); return {tag: "${tag}"} }`
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64')

async function collect(events: AsyncIterable<StoredLogEvent>): Promise<StoredLogEvent[]> {
  const all: StoredLogEvent[] = []
  for await (const event of events) all.push(event)
  return all
}

test('create, update, publish, point an alias, invoke and read the logs', async () => {
  const {lambda, logs} = await cloud()
  expect(await lambda.getFunction('orders')).toBeUndefined()
  // createFunction waits until Active, update until the change is applied: no caller waits by hand.
  const created = await lambda.createFunction({name: 'orders', role: ROLE, runtime: 'nodejs20.x', handler: 'index.handler', environment: {STAGE: 'dev'}, code: {zipFile: await zipOf({'index.js': source('v0')})}})
  expect(created).toMatchObject({state: 'Active', environment: {STAGE: 'dev'}, runtime: 'nodejs20.x'})

  const v1 = await zipOf({'index.js': source('v1')})
  const updated = await lambda.update('orders', {kind: 'code', code: {zipFile: v1}, revisionId: created.revisionId})
  expect(updated).toMatchObject({codeSha256: sha256(v1), lastUpdateStatus: 'Successful'})
  expect(await rejectionOf(lambda.publishVersion('orders', {codeSha256: sha256(Buffer.from('other code'))}))).toMatchObject({code: 'InvalidParameterValueException'})
  expect(await lambda.publishVersion('orders', {codeSha256: sha256(v1), revisionId: updated.revisionId})).toMatchObject({version: '1', codeSha256: sha256(v1)})

  const v2 = await zipOf({'index.js': source('v2')})
  await lambda.update('orders', {kind: 'code', code: {zipFile: v2}})
  expect((await lambda.publishVersion('orders', {codeSha256: sha256(v2)})).version).toBe('2')
  expect((await lambda.listVersions('orders')).map((v) => [v.version, v.codeSha256])).toEqual([['1', sha256(v1)], ['2', sha256(v2)]])

  expect((await lambda.pointAlias('orders', 'live', {version: '1'})).previous).toBeUndefined()
  const split = await lambda.pointAlias('orders', 'live', {version: '2', routing: {'1': 0.25}})
  expect(split.previous?.version).toBe('1')
  expect(await lambda.getAlias('orders', 'live')).toMatchObject({version: '2', routing: {'1': 0.25}, revisionId: split.alias.revisionId})
  const promoted = await lambda.pointAlias('orders', 'live', {version: '2'}, {revisionId: split.alias.revisionId})
  expect(promoted.alias).toMatchObject({version: '2', routing: {}})
  expect((await lambda.listAliases('orders')).map((a) => a.name)).toEqual(['live'])

  const result = await lambda.invoke('orders', JSON.stringify({id: 42}), {qualifier: 'live', logTail: true})
  expect(result).toMatchObject({statusCode: 200, executedVersion: '2', functionError: undefined})
  expect(JSON.parse(Buffer.from(result.payload).toString('utf8'))).toEqual({tag: 'v2'})
  expect(result.logTail).toContain('v2 saw {"id":42}')

  const lines = await collect(logs.filterEvents(logGroupOf('orders'), {filterPattern: '"v2 saw"'}))
  expect(lines.map((line) => line.message)).toEqual([expect.stringContaining('v2 saw {"id":42}')])
  expect(await rejectionOf(collect(logs.filterEvents(logGroupOf('never-ran'))))).toMatchObject({code: 'NoLogs'})

  expect(await lambda.deleteAlias('orders', 'live')).toBe('deleted')
  expect(await lambda.deleteVersion('orders', '1')).toBe('deleted')
  expect(await lambda.deleteFunction('orders')).toBe('deleted')
  expect(await lambda.deleteFunction('orders')).toBe('absent')
})

test('a change someone else made in between is reported, not overwritten', async () => {
  const {lambda} = await cloud()
  const created = await lambda.createFunction({name: 'shared', role: ROLE, runtime: 'nodejs20.x', handler: 'index.handler', code: {zipFile: await zipOf({'index.js': source('v0')})}})
  await lambda.update('shared', {kind: 'configuration', settings: {memorySize: 512}}) // "someone else"
  const error = await rejectionOf(lambda.update('shared', {kind: 'configuration', settings: {timeout: 30}, revisionId: created.revisionId}))
  expect(error).toMatchObject({code: 'ConcurrentChange', message: expect.stringContaining('Function "shared" was changed by someone else') as string})
  expect(await lambda.getFunction('shared')).toMatchObject({memorySize: 512, timeout: 3})

  const zip = await zipOf({'index.js': source('v0')})
  await lambda.publishVersion('shared', {codeSha256: sha256(zip)})
  const live = await lambda.pointAlias('shared', 'live', {version: '1'})
  await lambda.pointAlias('shared', 'live', {version: '1', routing: {}, description: 'moved by hand'})
  expect(await rejectionOf(lambda.pointAlias('shared', 'live', {version: '1'}, {revisionId: live.alias.revisionId}))).toMatchObject({code: 'ConcurrentChange'})
})

test('tags, reserved and provisioned concurrency, and the account settings', async () => {
  const {lambda} = await cloud()
  await lambda.createFunction({name: 'tuned', role: ROLE, runtime: 'nodejs20.x', handler: 'index.handler', code: {zipFile: await zipOf({'index.js': source('v0')})}, tags: {old: '1'}})
  await lambda.update('tuned', {kind: 'tags', set: {team: 'orders'}, remove: ['old']})
  expect((await lambda.update('tuned', {kind: 'reservedConcurrency', count: 5})).reservedConcurrency).toBe(5)
  expect(await lambda.getFunction('tuned')).toMatchObject({tags: {team: 'orders'}, reservedConcurrency: 5})
  expect((await lambda.update('tuned', {kind: 'reservedConcurrency', count: undefined})).reservedConcurrency).toBeUndefined()

  await lambda.publishVersion('tuned', {codeSha256: (await lambda.getFunction('tuned'))?.codeSha256 ?? ''})
  await lambda.pointAlias('tuned', 'live', {version: '1'})
  expect(await lambda.getProvisionedConcurrency('tuned', 'live')).toBeUndefined()
  expect(await lambda.putProvisionedConcurrency('tuned', 'live', 2)).toMatchObject({status: 'READY', requested: 2})
  expect(await lambda.deleteProvisionedConcurrency('tuned', 'live')).toBe('deleted')

  expect((await lambda.getAccountSettings()).limits).toMatchObject({codeSizeZipped: 52_428_800, codeSizeUnzipped: 262_144_000})
})

test('an execution role made with the IAM API', async () => {
  const {iam} = await cloud()
  expect(await iam.getRole('orders-role')).toBeUndefined()
  const role = await iam.createRole({name: 'orders-role', trustPolicy: LAMBDA_TRUST_POLICY})
  expect(JSON.parse(role.trustPolicy)).toEqual(LAMBDA_TRUST_POLICY)
  await iam.attachRolePolicy('orders-role', basicExecutionPolicyArn())
  await iam.putRolePolicy('orders-role', 'read-table', {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*'}]})
  expect(await iam.getRole('orders-role')).toMatchObject({name: 'orders-role', arn: role.arn})
  expect(await iam.deleteRole('orders-role')).toBe('deleted')
  expect(await iam.getRole('orders-role')).toBeUndefined()
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
  expect(await lambda.getFunction('big')).toMatchObject({codeSha256: sha256(zip), codeSize: zip.length})
  const result = await lambda.invoke('big', '{}')
  expect(JSON.parse(Buffer.from(result.payload).toString('utf8'))).toEqual({tag: 'big'})
})

import {randomBytes} from 'node:crypto'
import {rm, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {GetFunctionCommand} from '@aws-sdk/client-lambda'
import {GetBucketEncryptionCommand, GetBucketOwnershipControlsCommand, GetPublicAccessBlockCommand, HeadObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {afterAll, beforeAll, expect, test} from 'vitest'

import type {Cloud, DeployJson} from './deploy-helpers.js'
import {byOperation, parseDeploy, startCloud} from './deploy-helpers.js'

// Its own server: a 51 MiB artifact is heavy, and this file's count of S3 calls must see no one else's.
let cloud: Cloud
let s3: S3Client
beforeAll(async () => {
  cloud = await startCloud()
  s3 = new S3Client({endpoint: cloud.served.info.endpoint, region: cloud.served.info.region, forcePathStyle: true, credentials: {accessKeyId: 'x', secretAccessKey: 'x'}})
})
afterAll(async () => {
  s3.destroy()
  await cloud.stop()
})

const LAMBDA_REQUEST_MAX = 52_428_800 // the zip Lambda takes in a CreateFunction/UpdateFunctionCode request
const UPLOADS = ['S3.PutObject', 'S3.CreateMultipartUpload', 'S3.UploadPart', 'S3.CompleteMultipartUpload']

/** The upload calls in a tally or a server report (none, when nothing was uploaded). */
function uploadsIn(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([op]) => UPLOADS.includes(op)))
}

test('a zip over 50 MB goes through S3: sling creates its private, encrypted bucket, uploads once, and a later deploy of the same zip uploads nothing', {timeout: 180_000}, async () => {
  const role = await cloud.role('e2e-big-role')
  const project = await cloud.project({service: 'e2e-big', functions: {api: {bundle: false, source: 'api', runtime: 'nodejs22.x', role}}}, {
    'api/index.js': 'exports.handler = async () => "big"\n',
  })
  // Random bytes don't compress: 51 MiB of them zip to just over Lambda's 50 MB request limit.
  const blob = randomBytes(51 * 1024 * 1024)
  await writeFile(path.join(project.dir, 'api', 'blob.bin'), blob)
  const deploy = async (): Promise<{json: DeployJson; stderr: string; served: Record<string, number>}> => {
    await cloud.calls({reset: true})
    const run = await cloud.cli(['deploy', '--config', project.config, '--json', '--verbose'])
    expect(run.code, run.stderr).toBe(0)
    return {json: parseDeploy(run), stderr: run.stderr, served: byOperation(await cloud.calls())}
  }

  const first = await deploy()

  const bucket = `sling-artifacts-000000000000-${cloud.served.info.region}`
  expect(first.json.functions[0]).toMatchObject({action: 'created'})
  const key = `sling/e2e-big-api/${Buffer.from(first.json.functions[0]?.codeSha256 ?? '', 'base64').toString('hex')}.zip`
  expect(first.stderr).toContain(`Created the S3 bucket ${bucket} for large artifacts (private, encrypted).`)
  expect(first.stderr).toMatch(new RegExp(`Uploading [\\d.]+ MB to s3://${bucket}/${key} `))
  expect(first.json.calls.byOperation).toMatchObject({
    'STS.GetCallerIdentity': 1, 'S3.HeadBucket': 1, 'S3.CreateBucket': 1, 'S3.PutPublicAccessBlock': 1, 'S3.PutBucketOwnershipControls': 1, 'S3.PutBucketEncryption': 1,
    'S3.HeadObject': 1, 'S3.CreateMultipartUpload': 1, 'S3.CompleteMultipartUpload': 1, 'Lambda.CreateFunction': 1,
  })
  expect(uploadsIn(first.served)).toEqual(uploadsIn(first.json.calls.byOperation))
  // Private and encrypted, as S3 itself reports the bucket.
  const access = await s3.send(new GetPublicAccessBlockCommand({Bucket: bucket}))
  expect(access.PublicAccessBlockConfiguration).toEqual({BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true})
  const ownership = await s3.send(new GetBucketOwnershipControlsCommand({Bucket: bucket}))
  expect(ownership.OwnershipControls?.Rules).toEqual([{ObjectOwnership: 'BucketOwnerEnforced'}])
  const encryption = await s3.send(new GetBucketEncryptionCommand({Bucket: bucket}))
  expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault).toMatchObject({SSEAlgorithm: 'AES256'})
  const object = await s3.send(new HeadObjectCommand({Bucket: bucket, Key: key}))
  const created = await cloud.lambda.send(new GetFunctionCommand({FunctionName: 'e2e-big-api'}))
  expect(created.Configuration?.CodeSha256).toBe(first.json.functions[0]?.codeSha256)
  expect(created.Configuration?.CodeSize).toBe(object.ContentLength)
  expect(object.ContentLength).toBeGreaterThan(LAMBDA_REQUEST_MAX)

  // Nothing changed: no S3 call at all.
  const noop = await deploy()
  expect(noop.json).toMatchObject({status: 'unchanged', calls: {writes: 0}})
  expect(noop.served).toEqual({'Lambda.GetFunction': 1})

  // Small code (in the request), then the big zip again: byte for byte the one already in S3, so it isn't uploaded again.
  await rm(path.join(project.dir, 'api', 'blob.bin'))
  const small = await deploy()
  expect(small.json.functions[0]).toMatchObject({action: 'updated', changed: {code: true}})
  expect(Object.keys(small.served).filter((op) => op.startsWith('S3.') || op.startsWith('STS.'))).toEqual([])
  await writeFile(path.join(project.dir, 'api', 'blob.bin'), blob)
  const back = await deploy()

  expect(back.json.functions[0]).toMatchObject({action: 'updated', changed: {code: true}, codeSha256: first.json.functions[0]?.codeSha256})
  expect(back.stderr).not.toContain('Uploading')
  expect(back.json.calls.byOperation).toMatchObject({'S3.HeadBucket': 1, 'S3.HeadObject': 1, 'Lambda.UpdateFunctionCode': 1})
  expect(uploadsIn(back.json.calls.byOperation)).toEqual({})
  expect(uploadsIn(back.served)).toEqual({})
  expect(back.served['S3.CreateBucket']).toBeUndefined()
  expect((await cloud.lambda.send(new GetFunctionCommand({FunctionName: 'e2e-big-api'}))).Configuration?.CodeSha256).toBe(first.json.functions[0]?.codeSha256)
})

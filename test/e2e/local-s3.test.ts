import {createHash} from 'node:crypto'

import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import {afterEach, expect, test} from 'vitest'

import {createAwsClients} from '../../src/lib/aws/clients.js'
import {readObject} from '../../src/lib/local/s3/objects.js'
import {Store} from '../../src/lib/local/store.js'
import {tempDir} from '../helpers/cli.js'
import {expectOutputMatchesModel} from '../helpers/model.js'
import {serve} from './local-serve-helper.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

test('--local finds the running server; a multipart artifact uploaded through it is readable from the shared store', async () => {
  const {dir, cleanup} = await tempDir('sling-s3-e2e-')
  cleanups.push(cleanup)
  const served = await serve(['--port', '0', '--store', dir], cleanups)

  const clients = await createAwsClients({local: true, localStore: dir})
  cleanups.push(() => clients.close())
  expect(clients.endpoint).toBe(served.info.endpoint)
  const s3 = await clients.s3()

  await s3.send(new CreateBucketCommand({Bucket: 'sling-artifacts'}))
  const parts = [Buffer.alloc(5 * 1024 * 1024, 7), Buffer.alloc(1024 * 1024, 9)]
  const {UploadId} = await s3.send(new CreateMultipartUploadCommand({Bucket: 'sling-artifacts', Key: 'hello/code.zip'}))
  const etags: string[] = []
  for (const [i, body] of parts.entries()) {
    etags.push((await s3.send(new UploadPartCommand({Bucket: 'sling-artifacts', Key: 'hello/code.zip', UploadId, PartNumber: i + 1, Body: body}))).ETag ?? '')
  }
  const done = await s3.send(
    new CompleteMultipartUploadCommand({Bucket: 'sling-artifacts', Key: 'hello/code.zip', UploadId, MultipartUpload: {Parts: etags.map((ETag, i) => ({ETag, PartNumber: i + 1}))}}),
  )
  expect(done.ETag).toMatch(/^"[0-9a-f]{32}-2"$/)
  const head = await s3.send(new HeadObjectCommand({Bucket: 'sling-artifacts', Key: 'hello/code.zip'}))
  expectOutputMatchesModel('s3', 'HeadObject', head)
  expect(head.ContentLength).toBe(6 * 1024 * 1024)

  // What Lambda's CreateFunction with S3Bucket/S3Key reads, from another process sharing the store.
  const stored = await readObject(new Store(dir), 'sling-artifacts', 'hello/code.zip')
  const whole = Buffer.concat(parts)
  expect(stored?.blob.sha256).toBe(createHash('sha256').update(whole).digest('hex'))
})

test('serve --fault-throttle: sling\'s clients (adaptive retries) still get every answer right', async () => {
  const {dir, cleanup} = await tempDir('sling-s3-e2e-')
  cleanups.push(cleanup)
  await serve(['--port', '0', '--store', dir, '--fault-throttle', '0.3', '--fault-5xx', '0.05', '--fault-seed', '11', '--fault-ops', 'PutObject,GetObject'], cleanups)
  const clients = await createAwsClients({local: true, localStore: dir})
  cleanups.push(() => clients.close())
  const s3 = await clients.s3()
  await s3.send(new CreateBucketCommand({Bucket: 'flaky'}))
  for (let i = 0; i < 4; i++) {
    await s3.send(new PutObjectCommand({Bucket: 'flaky', Key: `k${i}`, Body: `v${i}`}))
    expect(await (await s3.send(new GetObjectCommand({Bucket: 'flaky', Key: `k${i}`}))).Body?.transformToString()).toBe(`v${i}`)
  }
  // The same store without retries shows the faults are really there.
  const {S3Client} = await import('@aws-sdk/client-s3')
  const bare = new S3Client({region: 'us-east-1', endpoint: clients.endpoint, forcePathStyle: true, credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, maxAttempts: 1})
  const outcomes = await Promise.allSettled(Array.from({length: 20}, (_, i) => bare.send(new PutObjectCommand({Bucket: 'flaky', Key: `bare${i}`, Body: 'x'}))))
  bare.destroy()
  const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as Error).name] : []))
  expect(failures).toContain('SlowDown')
})

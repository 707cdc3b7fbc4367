import {writeFile} from 'node:fs/promises'
import path from 'node:path'

import {
  BucketAlreadyExists,
  BucketAlreadyOwnedByYou,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, expect, test} from 'vitest'

import {createS3Api} from '../../../src/lib/aws/s3.js'
import {rejectionOf} from '../../helpers/aws.js'
import {tempDir} from '../../helpers/cli.js'

const s3Mock = mockClient(S3Client)
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  s3Mock.reset()
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

const missing = () => new NotFound({message: 'NotFound', $metadata: {httpStatusCode: 404}})
const api = (region = 'eu-west-1') => createS3Api(new S3Client({region, credentials: {accessKeyId: 'x', secretAccessKey: 'x'}}), {region})

async function fileOf(size: number): Promise<string> {
  const temp = await tempDir()
  cleanups.push(temp.cleanup)
  const file = path.join(temp.dir, 'artifact.zip')
  await writeFile(file, Buffer.alloc(size, 7))
  return file
}

test('ensureBucket creates a missing bucket in the client\'s region', async () => {
  s3Mock.on(HeadBucketCommand).rejects(missing()).on(CreateBucketCommand).resolves({})
  expect(await api().ensureBucket('artifacts')).toBe('created')
  expect(s3Mock).toHaveReceivedCommandWith(CreateBucketCommand, {Bucket: 'artifacts', CreateBucketConfiguration: {LocationConstraint: 'eu-west-1'}})
})

test('ensureBucket sends no LocationConstraint in us-east-1, and leaves an existing bucket alone', async () => {
  s3Mock.on(HeadBucketCommand).rejectsOnce(missing()).resolves({}).on(CreateBucketCommand).resolves({})
  expect(await api('us-east-1').ensureBucket('artifacts')).toBe('created')
  expect(s3Mock.commandCalls(CreateBucketCommand)[0]?.args[0].input.CreateBucketConfiguration).toBeUndefined()
  expect(await api('us-east-1').ensureBucket('artifacts')).toBe('exists')
  expect(s3Mock).toHaveReceivedCommandTimes(CreateBucketCommand, 1)
})

test('ensureBucket tolerates a bucket we created in between, and explains a name owned by someone else', async () => {
  s3Mock.on(HeadBucketCommand).rejects(missing()).on(CreateBucketCommand).rejectsOnce(new BucketAlreadyOwnedByYou({message: 'yours', $metadata: {httpStatusCode: 409}}))
  expect(await api().ensureBucket('artifacts')).toBe('exists')
  s3Mock.on(CreateBucketCommand).rejects(new BucketAlreadyExists({message: 'taken', $metadata: {httpStatusCode: 409}}))
  expect(await rejectionOf(api().ensureBucket('artifacts'))).toMatchObject({code: 'BucketNameTaken', message: expect.stringContaining('"artifacts"') as string})
})

test('ensureBucket on a bucket we may not use says so', async () => {
  s3Mock.on(HeadBucketCommand).rejects(new S3ServiceException({name: 'Forbidden', $fault: 'client', message: 'Forbidden', $metadata: {httpStatusCode: 403}}))
  expect(await rejectionOf(api().ensureBucket('theirs'))).toMatchObject({code: 'BucketForbidden'})
  expect(s3Mock).not.toHaveReceivedCommand(CreateBucketCommand)
})

test('putArtifact uploads a small file in one PutObject and returns its ETag and size', async () => {
  s3Mock.on(PutObjectCommand).resolves({ETag: '"abc"'})
  const file = await fileOf(1024)
  expect(await api().putArtifact('b', 'fn/a.zip', file)).toEqual({bucket: 'b', key: 'fn/a.zip', etag: '"abc"', size: 1024, versionId: undefined})
  expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {Bucket: 'b', Key: 'fn/a.zip', ContentType: 'application/zip'})
  expect(s3Mock).not.toHaveReceivedCommand(CreateMultipartUploadCommand)
})

test('putArtifact goes multipart above the part size', async () => {
  s3Mock
    .on(CreateMultipartUploadCommand).resolves({UploadId: 'u1'})
    .on(UploadPartCommand).callsFake((input: {PartNumber?: number}) => ({ETag: `"p${input.PartNumber ?? 0}"`}))
    .on(CompleteMultipartUploadCommand).resolves({ETag: '"whole-2"'})
  const file = await fileOf(6 * 1024 * 1024)
  const stored = await api().putArtifact('b', 'big.zip', file, {partSize: 5 * 1024 * 1024})
  expect(stored).toMatchObject({etag: '"whole-2"', size: 6 * 1024 * 1024})
  expect(s3Mock).toHaveReceivedCommandTimes(UploadPartCommand, 2)
  expect(s3Mock).toHaveReceivedCommandWith(CompleteMultipartUploadCommand, {Bucket: 'b', Key: 'big.zip', UploadId: 'u1', MultipartUpload: {Parts: [expect.objectContaining({PartNumber: 1, ETag: '"p1"'}), expect.objectContaining({PartNumber: 2, ETag: '"p2"'})]}})
})

test('headObject returns the size and ETag, or undefined when there is no object', async () => {
  s3Mock.on(HeadObjectCommand, {Key: 'here'}).resolves({ContentLength: 5, ETag: '"e"'}).on(HeadObjectCommand, {Key: 'gone'}).rejects(missing())
  expect(await api().headObject('b', 'here')).toMatchObject({size: 5, etag: '"e"'})
  expect(await api().headObject('b', 'gone')).toBeUndefined()
})

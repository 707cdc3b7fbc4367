import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketEncryptionCommand,
  DeleteBucketOwnershipControlsCommand,
  DeleteBucketTaggingCommand,
  DeletePublicAccessBlockCommand,
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3'
import {afterEach, beforeEach, expect, test} from 'vitest'

import {expectOutputMatchesModel, modelHttp} from '../../../helpers/model.js'
import type {S3Harness} from './harness.js'
import {rejectionOf, startS3} from './harness.js'

let h: S3Harness
beforeEach(async () => {
  h = await startS3()
})
afterEach(async () => {
  await h.close()
})

// S3's model lists no errors for these operations: NoSuchTagSet, NoSuchPublicAccessBlockConfiguration and
// OwnershipControlsNotFoundError are the codes S3 answers (its error-code list), checked by name and status.

test('a new bucket has S3 defaults since 2023: public access blocked, BucketOwnerEnforced, SSE-S3, no tags', async () => {
  const s3 = h.s3()
  await s3.send(new CreateBucketCommand({Bucket: 'artifacts'}))

  const block = await s3.send(new GetPublicAccessBlockCommand({Bucket: 'artifacts'}))
  expectOutputMatchesModel('s3', 'GetPublicAccessBlock', block)
  expect(block.PublicAccessBlockConfiguration).toEqual({BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true})

  const ownership = await s3.send(new GetBucketOwnershipControlsCommand({Bucket: 'artifacts'}))
  expectOutputMatchesModel('s3', 'GetBucketOwnershipControls', ownership)
  expect(ownership.OwnershipControls).toEqual({Rules: [{ObjectOwnership: 'BucketOwnerEnforced'}]})

  const encryption = await s3.send(new GetBucketEncryptionCommand({Bucket: 'artifacts'}))
  expectOutputMatchesModel('s3', 'GetBucketEncryption', encryption)
  expect(encryption.ServerSideEncryptionConfiguration).toEqual({Rules: [{ApplyServerSideEncryptionByDefault: {SSEAlgorithm: 'AES256'}, BucketKeyEnabled: false}]})

  const tags = await rejectionOf(s3.send(new GetBucketTaggingCommand({Bucket: 'artifacts'})))
  expect(tags.name).toBe('NoSuchTagSet')
  expect(tags.$metadata?.httpStatusCode).toBe(404)
  expect(tags.message).toBe('The TagSet does not exist')
})

test('public access block: put, get, delete (then NoSuchPublicAccessBlockConfiguration)', async () => {
  const s3 = h.s3()
  await s3.send(new CreateBucketCommand({Bucket: 'artifacts'}))
  const config = {BlockPublicAcls: true, IgnorePublicAcls: false, BlockPublicPolicy: true, RestrictPublicBuckets: false}
  const put = await s3.send(new PutPublicAccessBlockCommand({Bucket: 'artifacts', PublicAccessBlockConfiguration: config}))
  expect(put.$metadata.httpStatusCode).toBe(modelHttp('s3', 'PutPublicAccessBlock').responseCode)
  expect((await s3.send(new GetPublicAccessBlockCommand({Bucket: 'artifacts'}))).PublicAccessBlockConfiguration).toEqual(config)

  const deleted = await s3.send(new DeletePublicAccessBlockCommand({Bucket: 'artifacts'}))
  expect(deleted.$metadata.httpStatusCode).toBe(modelHttp('s3', 'DeletePublicAccessBlock').responseCode)
  const gone = await rejectionOf(s3.send(new GetPublicAccessBlockCommand({Bucket: 'artifacts'})))
  expect(gone.name).toBe('NoSuchPublicAccessBlockConfiguration')
  expect(gone.$metadata?.httpStatusCode).toBe(404)

  const noBucket = await rejectionOf(s3.send(new PutPublicAccessBlockCommand({Bucket: 'ghost', PublicAccessBlockConfiguration: config})))
  expect(noBucket.name).toBe('NoSuchBucket')
})

test('ownership controls: CreateBucket x-amz-object-ownership, put, delete (then OwnershipControlsNotFoundError), a bad value refused', async () => {
  const s3 = h.s3()
  await s3.send(new CreateBucketCommand({Bucket: 'writer-owned', ObjectOwnership: 'ObjectWriter'}))
  expect((await s3.send(new GetBucketOwnershipControlsCommand({Bucket: 'writer-owned'}))).OwnershipControls?.Rules).toEqual([{ObjectOwnership: 'ObjectWriter'}])

  const put = await s3.send(new PutBucketOwnershipControlsCommand({Bucket: 'writer-owned', OwnershipControls: {Rules: [{ObjectOwnership: 'BucketOwnerPreferred'}]}}))
  expect(put.$metadata.httpStatusCode).toBe(200)
  expect((await s3.send(new GetBucketOwnershipControlsCommand({Bucket: 'writer-owned'}))).OwnershipControls?.Rules).toEqual([{ObjectOwnership: 'BucketOwnerPreferred'}])

  const deleted = await s3.send(new DeleteBucketOwnershipControlsCommand({Bucket: 'writer-owned'}))
  expect(deleted.$metadata.httpStatusCode).toBe(204)
  const gone = await rejectionOf(s3.send(new GetBucketOwnershipControlsCommand({Bucket: 'writer-owned'})))
  expect(gone.name).toBe('OwnershipControlsNotFoundError')
  expect(gone.$metadata?.httpStatusCode).toBe(404)

  const bad = await rejectionOf(s3.send(new CreateBucketCommand({Bucket: 'bad', ObjectOwnership: 'Nobody' as 'ObjectWriter'})))
  expect(bad.name).toBe('InvalidArgument')
  expect(bad.$metadata?.httpStatusCode).toBe(400)
  const malformed = await rejectionOf(s3.send(new PutBucketOwnershipControlsCommand({Bucket: 'writer-owned', OwnershipControls: {Rules: [{ObjectOwnership: 'Nobody' as 'ObjectWriter'}]}})))
  expect(malformed.name).toBe('MalformedXML')
})

test('default encryption: SSE-KMS set and read back, applied to new objects (HeadObject, GetObject, PutObject headers); deleting it restores SSE-S3', async () => {
  const s3 = h.s3()
  await s3.send(new CreateBucketCommand({Bucket: 'artifacts'}))
  const plain = await s3.send(new PutObjectCommand({Bucket: 'artifacts', Key: 'a.zip', Body: 'a'}))
  expect(plain.ServerSideEncryption).toBe('AES256')
  const head = await s3.send(new HeadObjectCommand({Bucket: 'artifacts', Key: 'a.zip'}))
  expectOutputMatchesModel('s3', 'HeadObject', head)
  expect(head.ServerSideEncryption).toBe('AES256')

  const key = 'arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab'
  const put = await s3.send(new PutBucketEncryptionCommand({Bucket: 'artifacts', ServerSideEncryptionConfiguration: {Rules: [{ApplyServerSideEncryptionByDefault: {SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key}, BucketKeyEnabled: true}]}}))
  expect(put.$metadata.httpStatusCode).toBe(200)
  const read = await s3.send(new GetBucketEncryptionCommand({Bucket: 'artifacts'}))
  expect(read.ServerSideEncryptionConfiguration?.Rules).toEqual([{ApplyServerSideEncryptionByDefault: {SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key}, BucketKeyEnabled: true}])

  const kms = await s3.send(new PutObjectCommand({Bucket: 'artifacts', Key: 'b.zip', Body: 'b'}))
  expect(kms).toMatchObject({ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key})
  expect(await s3.send(new HeadObjectCommand({Bucket: 'artifacts', Key: 'b.zip'}))).toMatchObject({ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key})
  const got = await s3.send(new GetObjectCommand({Bucket: 'artifacts', Key: 'b.zip'}))
  expect(got.ServerSideEncryption).toBe('aws:kms')
  await got.Body?.transformToString()
  // Objects already stored keep how they were encrypted; a copy takes the bucket's default now.
  expect((await s3.send(new HeadObjectCommand({Bucket: 'artifacts', Key: 'a.zip'}))).ServerSideEncryption).toBe('AES256')
  expect((await s3.send(new CopyObjectCommand({Bucket: 'artifacts', Key: 'c.zip', CopySource: 'artifacts/a.zip'}))).ServerSideEncryption).toBe('aws:kms')
  // A request can ask for SSE-S3 explicitly.
  expect((await s3.send(new PutObjectCommand({Bucket: 'artifacts', Key: 'd.zip', Body: 'd', ServerSideEncryption: 'AES256'}))).ServerSideEncryption).toBe('AES256')

  expect((await s3.send(new DeleteBucketEncryptionCommand({Bucket: 'artifacts'}))).$metadata.httpStatusCode).toBe(204)
  expect((await s3.send(new GetBucketEncryptionCommand({Bucket: 'artifacts'}))).ServerSideEncryptionConfiguration?.Rules).toEqual([{ApplyServerSideEncryptionByDefault: {SSEAlgorithm: 'AES256'}, BucketKeyEnabled: false}])

  const badKey = await rejectionOf(s3.send(new PutBucketEncryptionCommand({Bucket: 'artifacts', ServerSideEncryptionConfiguration: {Rules: [{ApplyServerSideEncryptionByDefault: {SSEAlgorithm: 'AES256', KMSMasterKeyID: key}}]}})))
  expect(badKey.name).toBe('InvalidArgument')
})

test('bucket tags: put, get, replace, delete; S3 refuses duplicate keys, aws: keys and more than 50', async () => {
  const s3 = h.s3()
  await s3.send(new CreateBucketCommand({Bucket: 'artifacts'}))
  const put = await s3.send(new PutBucketTaggingCommand({Bucket: 'artifacts', Tagging: {TagSet: [{Key: 'app', Value: 'hello'}, {Key: 'stage', Value: ''}]}}))
  expect(put.$metadata.httpStatusCode).toBe(modelHttp('s3', 'PutBucketTagging').responseCode)
  const got = await s3.send(new GetBucketTaggingCommand({Bucket: 'artifacts'}))
  expectOutputMatchesModel('s3', 'GetBucketTagging', got)
  expect(got.TagSet).toEqual([{Key: 'app', Value: 'hello'}, {Key: 'stage', Value: ''}])

  await s3.send(new PutBucketTaggingCommand({Bucket: 'artifacts', Tagging: {TagSet: [{Key: 'only', Value: 'one'}]}}))
  expect((await s3.send(new GetBucketTaggingCommand({Bucket: 'artifacts'}))).TagSet).toEqual([{Key: 'only', Value: 'one'}])

  for (const TagSet of [[{Key: 'a', Value: '1'}, {Key: 'a', Value: '2'}], [{Key: 'aws:cloudformation', Value: 'x'}], Array.from({length: 51}, (_, i) => ({Key: `k${i}`, Value: 'v'}))]) {
    const refused = await rejectionOf(s3.send(new PutBucketTaggingCommand({Bucket: 'artifacts', Tagging: {TagSet}})))
    expect(refused.name).toBe('InvalidTag')
    expect(refused.$metadata?.httpStatusCode).toBe(400)
  }

  expect((await s3.send(new DeleteBucketTaggingCommand({Bucket: 'artifacts'}))).$metadata.httpStatusCode).toBe(204)
  expect((await rejectionOf(s3.send(new GetBucketTaggingCommand({Bucket: 'artifacts'})))).name).toBe('NoSuchTagSet')

  // Object tags aren't kept: still NotImplemented.
  await s3.send(new PutObjectCommand({Bucket: 'artifacts', Key: 'a', Body: 'a'}))
  const objectTags = await rejectionOf(s3.send(new PutObjectTaggingCommand({Bucket: 'artifacts', Key: 'a', Tagging: {TagSet: []}})))
  expect(objectTags.$metadata?.httpStatusCode).toBe(501)
})

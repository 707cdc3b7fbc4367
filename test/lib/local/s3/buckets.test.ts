import {
  CreateBucketCommand,
  DeleteBucketCommand,
  GetBucketLocationCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3'
import {afterEach, beforeEach, expect, test} from 'vitest'

import {expectModeledError, expectOutputMatchesModel} from '../../../helpers/model.js'
import type {S3Harness} from './harness.js'
import {rejectionOf, startS3} from './harness.js'

let h: S3Harness
beforeEach(async () => {
  h = await startS3()
})
afterEach(async () => {
  await h.close()
})

test('creates, heads, lists and deletes a bucket as S3 does', async () => {
  const s3 = h.s3()
  const created = await s3.send(new CreateBucketCommand({Bucket: 'artifacts'}))
  expectOutputMatchesModel('s3', 'CreateBucket', created)
  expect(created.Location).toBe('/artifacts')

  const head = await s3.send(new HeadBucketCommand({Bucket: 'artifacts'}))
  expectOutputMatchesModel('s3', 'HeadBucket', head)
  expect(head.BucketRegion).toBe('us-east-1')

  const listed = await s3.send(new ListBucketsCommand({}))
  expectOutputMatchesModel('s3', 'ListBuckets', listed)
  expect(listed.Buckets?.map((b) => b.Name)).toEqual(['artifacts'])
  expect(listed.Buckets?.[0]?.CreationDate).toBeInstanceOf(Date)

  const deleted = await s3.send(new DeleteBucketCommand({Bucket: 'artifacts'}))
  expect(deleted.$metadata.httpStatusCode).toBe(204)
  const afterDelete = await rejectionOf(s3.send(new ListObjectsV2Command({Bucket: 'artifacts'})))
  expect(afterDelete.name).toBe('NoSuchBucket')
  expectModeledError('s3', 'ListObjectsV2', afterDelete)
})

test('HEAD of a missing bucket throws NotFound (no body), other calls NoSuchBucket', async () => {
  const s3 = h.s3()
  const head = await rejectionOf(s3.send(new HeadBucketCommand({Bucket: 'nope-bucket'})))
  expect(head.name).toBe('NotFound')
  expectModeledError('s3', 'HeadBucket', head)
  const put = await rejectionOf(s3.send(new PutObjectCommand({Bucket: 'nope-bucket', Key: 'k', Body: 'x'})))
  expect(put.name).toBe('NoSuchBucket')
  expect(put.$metadata?.httpStatusCode).toBe(404)
  expect(put.BucketName).toBe('nope-bucket')
})

test('re-creating your own bucket succeeds in us-east-1 but is BucketAlreadyOwnedByYou elsewhere', async () => {
  await h.s3().send(new CreateBucketCommand({Bucket: 'mine'}))
  await expect(h.s3().send(new CreateBucketCommand({Bucket: 'mine'}))).resolves.toBeDefined()

  const west = h.s3({region: 'eu-west-1'})
  await west.send(new CreateBucketCommand({Bucket: 'west-bucket', CreateBucketConfiguration: {LocationConstraint: 'eu-west-1'}}))
  const again = await rejectionOf(west.send(new CreateBucketCommand({Bucket: 'west-bucket', CreateBucketConfiguration: {LocationConstraint: 'eu-west-1'}})))
  expect(again.name).toBe('BucketAlreadyOwnedByYou')
  expectModeledError('s3', 'CreateBucket', again)
  const location = await west.send(new GetBucketLocationCommand({Bucket: 'west-bucket'}))
  expect(location.LocationConstraint).toBe('eu-west-1')
})

test('the location constraint must name the region the request went to, as on S3', async () => {
  const error = await rejectionOf(h.s3({region: 'eu-west-1'}).send(new CreateBucketCommand({Bucket: 'elsewhere', CreateBucketConfiguration: {LocationConstraint: 'us-west-2'}})))
  expect(error.name).toBe('IllegalLocationConstraintException')
  expect(error.$metadata?.httpStatusCode).toBe(400)
})

test('rejects invalid bucket names and refuses to delete a bucket that has objects', async () => {
  const s3 = h.s3()
  const invalid = await rejectionOf(s3.send(new CreateBucketCommand({Bucket: 'Has_Upper'})))
  expect(invalid.name).toBe('InvalidBucketName')
  await s3.send(new CreateBucketCommand({Bucket: 'full'}))
  await s3.send(new PutObjectCommand({Bucket: 'full', Key: 'a.txt', Body: 'a'}))
  const notEmpty = await rejectionOf(s3.send(new DeleteBucketCommand({Bucket: 'full'})))
  expect(notEmpty.name).toBe('BucketNotEmpty')
  expect(notEmpty.$metadata?.httpStatusCode).toBe(409)
})

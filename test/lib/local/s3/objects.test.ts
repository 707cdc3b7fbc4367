import {createHash} from 'node:crypto'
import {Readable} from 'node:stream'

import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3'
import {afterEach, beforeEach, expect, test} from 'vitest'

import {readObject} from '../../../../src/lib/local/s3/objects.js'
import {expectModeledError, expectOutputMatchesModel} from '../../../helpers/model.js'
import type {S3Harness} from './harness.js'
import {rejectionOf, startS3} from './harness.js'

let h: S3Harness
beforeEach(async () => {
  h = await startS3()
  await h.s3().send(new CreateBucketCommand({Bucket: 'bucket'}))
})
afterEach(async () => {
  await h.close()
})

const md5 = (data: string | Buffer): string => `"${createHash('md5').update(data).digest('hex')}"`

test('PutObject then GetObject returns the bytes, ETag, type and metadata; the SDK validates the checksum', async () => {
  const s3 = h.s3()
  const put = await s3.send(new PutObjectCommand({Bucket: 'bucket', Key: 'dir/hello world.txt', Body: 'hello world', ContentType: 'text/plain', Metadata: {owner: 'sling'}}))
  expectOutputMatchesModel('s3', 'PutObject', put)
  expect(put.ETag).toBe(md5('hello world'))
  expect(put.ChecksumCRC32).toBe('DUoRhQ==')

  const got = await s3.send(new GetObjectCommand({Bucket: 'bucket', Key: 'dir/hello world.txt'}))
  expect(await got.Body?.transformToString()).toBe('hello world')
  expectOutputMatchesModel('s3', 'GetObject', got)
  expect(got).toMatchObject({ETag: md5('hello world'), ContentType: 'text/plain', ContentLength: 11, Metadata: {owner: 'sling'}, ChecksumCRC32: 'DUoRhQ=='})
  expect(got.LastModified).toBeInstanceOf(Date)

  const head = await s3.send(new HeadObjectCommand({Bucket: 'bucket', Key: 'dir/hello world.txt'}))
  expectOutputMatchesModel('s3', 'HeadObject', head)
  expect(head).toMatchObject({ContentLength: 11, ETag: md5('hello world')})
})

test('streams an aws-chunked upload with a checksum trailer (what the SDK sends for streams)', async () => {
  const s3 = h.s3()
  const chunks = Array.from({length: 40}, (_, i) => Buffer.alloc(64 * 1024, i))
  const whole = Buffer.concat(chunks)
  const put = await s3.send(new PutObjectCommand({Bucket: 'bucket', Key: 'big.bin', Body: Readable.from(chunks), ContentLength: whole.length}))
  expect(put.ETag).toBe(md5(whole))
  const got = await s3.send(new GetObjectCommand({Bucket: 'bucket', Key: 'big.bin'}))
  expect(Buffer.from(await got.Body!.transformToByteArray()).equals(whole)).toBe(true)
  expect(got.ContentEncoding).toBeUndefined()

  const stored = await readObject(h.cloud.store, 'bucket', 'big.bin')
  expect(stored?.size).toBe(whole.length)
  expect((await stored?.bytes())?.equals(whole)).toBe(true)
  expect(await readObject(h.cloud.store, 'bucket', 'missing')).toBeUndefined()
})

test('a checksum that does not match the bytes is refused with BadDigest', async () => {
  const error = await rejectionOf(h.s3().send(new PutObjectCommand({Bucket: 'bucket', Key: 'k', Body: 'hello', ChecksumCRC32: 'AAAAAA=='})))
  expect(error.name).toBe('BadDigest')
  expect(error.$metadata?.httpStatusCode).toBe(400)
})

test('missing keys: NoSuchKey on GET, NotFound on HEAD; DeleteObject succeeds regardless', async () => {
  const s3 = h.s3()
  const get = await rejectionOf(s3.send(new GetObjectCommand({Bucket: 'bucket', Key: 'nope'})))
  expect(get.name).toBe('NoSuchKey')
  expect(get.Key).toBe('nope')
  expectModeledError('s3', 'GetObject', get)
  const head = await rejectionOf(s3.send(new HeadObjectCommand({Bucket: 'bucket', Key: 'nope'})))
  expect(head.name).toBe('NotFound')
  expectModeledError('s3', 'HeadObject', head)
  const deleted = await s3.send(new DeleteObjectCommand({Bucket: 'bucket', Key: 'nope'}))
  expect(deleted.$metadata.httpStatusCode).toBe(204)
})

test('Range requests answer 206 with Content-Range; unsatisfiable ranges are InvalidRange', async () => {
  const s3 = h.s3()
  await s3.send(new PutObjectCommand({Bucket: 'bucket', Key: 'r', Body: '0123456789'}))
  const part = await s3.send(new GetObjectCommand({Bucket: 'bucket', Key: 'r', Range: 'bytes=2-5'}))
  expect(await part.Body?.transformToString()).toBe('2345')
  expect(part.ContentRange).toBe('bytes 2-5/10')
  expect(part.$metadata.httpStatusCode).toBe(206)
  const tail = await s3.send(new GetObjectCommand({Bucket: 'bucket', Key: 'r', Range: 'bytes=-3'}))
  expect(await tail.Body?.transformToString()).toBe('789')
  const bad = await rejectionOf(s3.send(new GetObjectCommand({Bucket: 'bucket', Key: 'r', Range: 'bytes=20-'})))
  expect(bad.name).toBe('InvalidRange')
  expect(bad.$metadata?.httpStatusCode).toBe(416)
})

test('ListObjectsV2 pages with continuation tokens and rolls keys up into CommonPrefixes', async () => {
  const s3 = h.s3()
  const keys = ['a/1.txt', 'a/2.txt', 'b/1.txt', 'c.txt', 'd.txt', 'e/x/y.txt']
  for (const key of keys) await s3.send(new PutObjectCommand({Bucket: 'bucket', Key: key, Body: key}))

  const all = await s3.send(new ListObjectsV2Command({Bucket: 'bucket'}))
  expectOutputMatchesModel('s3', 'ListObjectsV2', all)
  expect(all.Contents?.map((o) => o.Key)).toEqual(keys)
  expect(all.KeyCount).toBe(6)
  expect(all.Contents?.[0]).toMatchObject({ETag: md5('a/1.txt'), Size: 7, StorageClass: 'STANDARD'})

  const rolled = await s3.send(new ListObjectsV2Command({Bucket: 'bucket', Delimiter: '/'}))
  expectOutputMatchesModel('s3', 'ListObjectsV2', rolled)
  expect(rolled.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['a/', 'b/', 'e/'])
  expect(rolled.Contents?.map((o) => o.Key)).toEqual(['c.txt', 'd.txt'])

  const underA = await s3.send(new ListObjectsV2Command({Bucket: 'bucket', Prefix: 'a/'}))
  expect(underA.Contents?.map((o) => o.Key)).toEqual(['a/1.txt', 'a/2.txt'])

  const pages: string[][] = []
  for await (const page of paginateListObjectsV2({client: s3, pageSize: 2}, {Bucket: 'bucket', Delimiter: '/'})) {
    expect(page.MaxKeys).toBe(2)
    pages.push([...(page.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''), ...(page.Contents ?? []).map((o) => o.Key ?? '')].sort())
  }
  expect(pages).toEqual([['a/', 'b/'], ['c.txt', 'd.txt'], ['e/']])
})

test('CopyObject and DeleteObjects', async () => {
  const s3 = h.s3()
  await s3.send(new PutObjectCommand({Bucket: 'bucket', Key: 'src', Body: 'copy me'}))
  const copied = await s3.send(new CopyObjectCommand({Bucket: 'bucket', Key: 'dst', CopySource: 'bucket/src'}))
  expectOutputMatchesModel('s3', 'CopyObject', copied)
  expect(copied.CopyObjectResult?.ETag).toBe(md5('copy me'))
  const deleted = await s3.send(new DeleteObjectsCommand({Bucket: 'bucket', Delete: {Objects: [{Key: 'src'}, {Key: 'dst'}]}}))
  expectOutputMatchesModel('s3', 'DeleteObjects', deleted)
  expect(deleted.Deleted?.map((d) => d.Key)).toEqual(['src', 'dst'])
  expect((await s3.send(new ListObjectsV2Command({Bucket: 'bucket'}))).KeyCount).toBe(0)
})

test('multipart upload: parts of at least 5 MiB, S3-style ETag, ListParts, abort', async () => {
  const s3 = h.s3()
  const first = Buffer.alloc(5 * 1024 * 1024, 'a')
  const last = Buffer.from('the end')
  const {UploadId} = await s3.send(new CreateMultipartUploadCommand({Bucket: 'bucket', Key: 'layer.zip', ContentType: 'application/zip'}))
  const p1 = await s3.send(new UploadPartCommand({Bucket: 'bucket', Key: 'layer.zip', UploadId, PartNumber: 1, Body: first}))
  const p2 = await s3.send(new UploadPartCommand({Bucket: 'bucket', Key: 'layer.zip', UploadId, PartNumber: 2, Body: last}))
  expectOutputMatchesModel('s3', 'UploadPart', p2)

  const parts = await s3.send(new ListPartsCommand({Bucket: 'bucket', Key: 'layer.zip', UploadId}))
  expectOutputMatchesModel('s3', 'ListParts', parts)
  expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([[1, first.length], [2, last.length]])

  const done = await s3.send(
    new CompleteMultipartUploadCommand({Bucket: 'bucket', Key: 'layer.zip', UploadId, MultipartUpload: {Parts: [{PartNumber: 1, ETag: p1.ETag}, {PartNumber: 2, ETag: p2.ETag}]}}),
  )
  expectOutputMatchesModel('s3', 'CompleteMultipartUpload', done)
  const partMd5s = Buffer.concat([first, last].map((b) => createHash('md5').update(b).digest()))
  expect(done.ETag).toBe(`"${createHash('md5').update(partMd5s).digest('hex')}-2"`)

  const got = await s3.send(new GetObjectCommand({Bucket: 'bucket', Key: 'layer.zip'}))
  expect(got.ContentType).toBe('application/zip')
  expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat([first, last]))).toBe(true)

  const gone = await rejectionOf(s3.send(new ListPartsCommand({Bucket: 'bucket', Key: 'layer.zip', UploadId})))
  expect(gone.name).toBe('NoSuchUpload')
})

test('multipart: a small non-final part is EntityTooSmall; an aborted upload is NoSuchUpload', async () => {
  const s3 = h.s3()
  const {UploadId} = await s3.send(new CreateMultipartUploadCommand({Bucket: 'bucket', Key: 'x'}))
  const p1 = await s3.send(new UploadPartCommand({Bucket: 'bucket', Key: 'x', UploadId, PartNumber: 1, Body: 'small'}))
  const p2 = await s3.send(new UploadPartCommand({Bucket: 'bucket', Key: 'x', UploadId, PartNumber: 2, Body: 'small'}))
  const tooSmall = await rejectionOf(
    s3.send(new CompleteMultipartUploadCommand({Bucket: 'bucket', Key: 'x', UploadId, MultipartUpload: {Parts: [{PartNumber: 1, ETag: p1.ETag}, {PartNumber: 2, ETag: p2.ETag}]}})),
  )
  expect(tooSmall.name).toBe('EntityTooSmall')
  const aborted = await s3.send(new AbortMultipartUploadCommand({Bucket: 'bucket', Key: 'x', UploadId}))
  expect(aborted.$metadata.httpStatusCode).toBe(204)
  const again = await rejectionOf(s3.send(new AbortMultipartUploadCommand({Bucket: 'bucket', Key: 'x', UploadId})))
  expect(again.name).toBe('NoSuchUpload')
  expectModeledError('s3', 'AbortMultipartUpload', again)
})

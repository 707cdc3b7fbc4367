import {DEFAULT_REGION} from '../../aws/settings.js'
import {requestedOwnership} from './bucket-settings.js'
import type {BucketDoc, ObjectDoc} from './objects.js'
import {BUCKETS, getBucket, listObjects as listObjectDocs} from './objects.js'
import type {S3Call} from './call.js'
import {noSuchBucket, readXml, S3Error, sendEmpty, sendXml} from './xml.js'

/** The canonical user every local bucket and object belongs to. */
export const LOCAL_OWNER = {ID: '75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a', DisplayName: 'sling-local'}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

export async function requireBucket(call: S3Call): Promise<BucketDoc> {
  const bucket = await getBucket(call.context.store, call.bucket)
  if (!bucket) throw noSuchBucket(call.bucket)
  return bucket
}

export async function createBucket(call: S3Call): Promise<void> {
  const {bucket, request, context} = call
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
    throw new S3Error(400, 'InvalidBucketName', 'The specified bucket is not valid.', {BucketName: bucket})
  }
  const ownership = requestedOwnership(request.headers['x-amz-object-ownership'])
  const body = await readXml(request)
  const constraint = (body.CreateBucketConfiguration as {LocationConstraint?: string} | undefined)?.LocationConstraint
  // As on S3: outside us-east-1 the LocationConstraint must name the region the request went to.
  const region = constraint || DEFAULT_REGION
  if (region !== request.region) {
    const message = constraint ? `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.` : 'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.'
    throw new S3Error(400, 'IllegalLocationConstraintException', message)
  }
  await context.store.transaction(async () => {
    const existing = await getBucket(context.store, bucket)
    // S3 answers 200 (and changes nothing) when you re-create your own bucket in us-east-1; elsewhere 409.
    if (existing && region !== DEFAULT_REGION) {
      throw new S3Error(409, 'BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', {BucketName: bucket})
    }
    if (!existing) await context.store.put(BUCKETS, bucket, {name: bucket, region, created: new Date().toISOString(), ...(ownership ? {objectOwnership: ownership} : {})} satisfies BucketDoc)
  })
  sendEmpty(call.response, 200, {location: `/${bucket}`})
}

export async function headBucket(call: S3Call): Promise<void> {
  const bucket = await requireBucket(call)
  sendEmpty(call.response, 200, {'x-amz-bucket-region': bucket.region, 'x-amz-access-point-alias': 'false'})
}

export async function deleteBucket(call: S3Call): Promise<void> {
  const {store} = call.context
  await store.transaction(async () => {
    await requireBucket(call)
    if ((await listObjectDocs(store, call.bucket)).length > 0) {
      throw new S3Error(409, 'BucketNotEmpty', 'The bucket you tried to delete is not empty', {BucketName: call.bucket})
    }
    await store.delete(BUCKETS, call.bucket)
  })
  sendEmpty(call.response, 204)
}

export async function getBucketLocation(call: S3Call): Promise<void> {
  const bucket = await requireBucket(call)
  // us-east-1 buckets report an empty LocationConstraint, as on S3.
  sendXml(call.response, 200, 'LocationConstraint', bucket.region === DEFAULT_REGION ? {} : {'#text': bucket.region})
}

export async function listBuckets(call: S3Call): Promise<void> {
  const buckets = await call.context.store.list<BucketDoc>(BUCKETS)
  const prefix = call.query.get('prefix') ?? ''
  const Bucket = buckets
    .filter((bucket) => bucket.name.startsWith(prefix))
    .map((bucket) => ({Name: bucket.name, CreationDate: bucket.created, BucketRegion: bucket.region, BucketArn: `arn:aws:s3:::${bucket.name}`}))
  sendXml(call.response, 200, 'ListAllMyBucketsResult', {Owner: LOCAL_OWNER, Buckets: {Bucket}, ...(prefix ? {Prefix: prefix} : {})})
}

type Entry = {kind: 'object'; doc: ObjectDoc; sortKey: string} | {kind: 'prefix'; prefix: string; sortKey: string}

/** Objects and rolled-up common prefixes, in key order, after `after`. */
function entriesOf(docs: readonly ObjectDoc[], prefix: string, delimiter: string, after: string): Entry[] {
  const entries: Entry[] = []
  let lastPrefix: string | undefined
  for (const doc of docs) {
    if (!doc.key.startsWith(prefix)) continue
    const cut = delimiter ? doc.key.indexOf(delimiter, prefix.length) : -1
    if (cut >= 0) {
      const common = doc.key.slice(0, cut + delimiter.length)
      if (common !== lastPrefix && common > after) entries.push({kind: 'prefix', prefix: common, sortKey: common})
      lastPrefix = common
    } else if (doc.key > after) {
      entries.push({kind: 'object', doc, sortKey: doc.key})
    }
  }
  return entries
}

/** ListObjectsV2 (`version` 2, continuation tokens) and the original ListObjects (markers). */
export async function listObjects(call: S3Call, version: 1 | 2): Promise<void> {
  await requireBucket(call)
  const {query} = call
  const prefix = query.get('prefix') ?? ''
  const delimiter = query.get('delimiter') ?? ''
  const maxKeys = Math.max(0, Math.min(1000, Number(query.get('max-keys') ?? 1000) || 0))
  const token = query.get('continuation-token')
  let after: string
  if (version === 2) {
    after = query.get('start-after') ?? ''
    if (token !== null) {
      after = decodeToken(token)
    }
  } else {
    after = query.get('marker') ?? ''
  }
  const all = entriesOf(await listObjectDocs(call.context.store, call.bucket), prefix, delimiter, after)
  const page = all.slice(0, maxKeys)
  const truncated = all.length > page.length
  const encode = query.get('encoding-type') === 'url' ? (text: string) => encodeURIComponent(text).replaceAll('%2F', '/') : (text: string) => text
  const Contents = page.flatMap((entry) => (entry.kind === 'object' ? [objectEntry(entry.doc, encode, version === 1 || query.get('fetch-owner') === 'true')] : []))
  const CommonPrefixes = page.flatMap((entry) => (entry.kind === 'prefix' ? [{Prefix: encode(entry.prefix)}] : []))
  const last = page.at(-1)?.sortKey
  const common = {
    Name: call.bucket,
    Prefix: encode(prefix),
    ...(delimiter ? {Delimiter: encode(delimiter)} : {}),
    MaxKeys: maxKeys,
    ...(query.get('encoding-type') === 'url' ? {EncodingType: 'url'} : {}),
    IsTruncated: truncated,
    Contents,
    CommonPrefixes,
  }
  if (version === 2) {
    sendXml(call.response, 200, 'ListBucketResult', {
      ...common,
      KeyCount: page.length,
      ...(token !== null ? {ContinuationToken: token} : {}),
      ...(truncated && last !== undefined ? {NextContinuationToken: Buffer.from(last).toString('base64url')} : {}),
      ...(query.get('start-after') ? {StartAfter: encode(query.get('start-after') ?? '')} : {}),
    })
  } else {
    sendXml(call.response, 200, 'ListBucketResult', {...common, Marker: encode(query.get('marker') ?? ''), ...(truncated && delimiter && last !== undefined ? {NextMarker: encode(last)} : {})})
  }
}

function decodeToken(token: string): string {
  const decoded = Buffer.from(token, 'base64url').toString('utf8')
  if (!token || Buffer.from(decoded).toString('base64url') !== token) {
    throw new S3Error(400, 'InvalidArgument', 'The continuation token provided is incorrect', {ArgumentName: 'continuation-token'})
  }
  return decoded
}

function objectEntry(doc: ObjectDoc, encode: (text: string) => string, owner: boolean): Record<string, unknown> {
  const algorithms = Object.keys(doc.checksums).map((name) => name.toUpperCase())
  return {
    Key: encode(doc.key),
    LastModified: doc.lastModified,
    ETag: doc.etag,
    ...(algorithms.length ? {ChecksumAlgorithm: algorithms, ChecksumType: doc.partsCount ? 'COMPOSITE' : 'FULL_OBJECT'} : {}),
    Size: doc.size,
    ...(owner ? {Owner: LOCAL_OWNER} : {}),
    StorageClass: 'STANDARD',
  }
}

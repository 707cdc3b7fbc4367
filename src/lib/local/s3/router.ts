import type {ServerResponse} from 'node:http'

import type {LocalContext, LocalRequest, ProtocolError, ServiceRouter} from '../contract.js'
import {createBucket, deleteBucket, getBucketLocation, headBucket, listBuckets, listObjects} from './bucket-ops.js'
import * as settings from './bucket-settings.js'
import {abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listParts, uploadPart} from './multipart.js'
import {copyObject, deleteObject, deleteObjects, getObject, putObject} from './object-ops.js'
import type {Handler} from './call.js'
import {notify} from './notification-events.js'
import {getBucketNotificationConfiguration, putBucketNotificationConfiguration} from './notifications.js'
import {findObject} from './objects.js'
import {S3Error, sendS3Error} from './xml.js'

export type {S3Call} from './call.js'

const HANDLERS: Record<string, Handler> = {
  ListBuckets: listBuckets,
  CreateBucket: createBucket,
  HeadBucket: headBucket,
  DeleteBucket: deleteBucket,
  GetBucketLocation: getBucketLocation,
  ListObjectsV2: (call) => listObjects(call, 2),
  ListObjects: (call) => listObjects(call, 1),
  DeleteObjects: deleteObjects,
  PutObject: putObject,
  CopyObject: copyObject,
  GetObject: (call) => getObject(call, false),
  HeadObject: (call) => getObject(call, true),
  DeleteObject: deleteObject,
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
  PutPublicAccessBlock: settings.putPublicAccessBlock,
  GetPublicAccessBlock: settings.getPublicAccessBlock,
  DeletePublicAccessBlock: settings.deletePublicAccessBlock,
  PutBucketOwnershipControls: settings.putBucketOwnershipControls,
  GetBucketOwnershipControls: settings.getBucketOwnershipControls,
  DeleteBucketOwnershipControls: settings.deleteBucketOwnershipControls,
  PutBucketEncryption: settings.putBucketEncryption,
  GetBucketEncryption: settings.getBucketEncryption,
  DeleteBucketEncryption: settings.deleteBucketEncryption,
  PutBucketTagging: settings.putBucketTagging,
  GetBucketTagging: settings.getBucketTagging,
  DeleteBucketTagging: settings.deleteBucketTagging,
  PutBucketNotificationConfiguration: putBucketNotificationConfiguration,
  GetBucketNotificationConfiguration: getBucketNotificationConfiguration,
}

/** Bucket settings by subresource: the model's `/{Bucket}?<subresource>` bindings, by method. */
const BUCKET_SETTINGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  publicAccessBlock: {PUT: 'PutPublicAccessBlock', GET: 'GetPublicAccessBlock', DELETE: 'DeletePublicAccessBlock'},
  ownershipControls: {PUT: 'PutBucketOwnershipControls', GET: 'GetBucketOwnershipControls', DELETE: 'DeleteBucketOwnershipControls'},
  encryption: {PUT: 'PutBucketEncryption', GET: 'GetBucketEncryption', DELETE: 'DeleteBucketEncryption'},
  tagging: {PUT: 'PutBucketTagging', GET: 'GetBucketTagging', DELETE: 'DeleteBucketTagging'},
  notification: {PUT: 'PutBucketNotificationConfiguration', GET: 'GetBucketNotificationConfiguration'},
}

/** S3's limit on a key: 1,024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024

/** Splits the raw path (not URL-normalised: keys may contain "..") into bucket and key. */
export function parsePath(rawUrl: string): {bucket: string; key: string} {
  const pathname = rawUrl.split('?')[0] ?? '/'
  const slash = pathname.indexOf('/', 1)
  const bucket = decodePart(slash < 0 ? pathname.slice(1) : pathname.slice(1, slash))
  const key = slash < 0 ? '' : decodePart(pathname.slice(slash + 1))
  return {bucket, key}
}

/** A percent-decoded path part; a malformed escape is S3's InvalidURI. */
function decodePart(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    throw new S3Error(400, 'InvalidURI', "Couldn't parse the specified URI.", {URI: part})
  }
}

/** The S3 operation a request calls, as the model's HTTP bindings (method, path, subresource) define it. */
export function s3Operation(method: string, bucket: string, key: string, query: URLSearchParams, headers: LocalRequest['headers']): string | undefined {
  if (!bucket) return method === 'GET' ? 'ListBuckets' : undefined
  if (!key) {
    const setting = Object.keys(BUCKET_SETTINGS).find((name) => query.has(name))
    if (setting) return BUCKET_SETTINGS[setting]?.[method]
    if (method === 'PUT' && [...query.keys()].length === 0) return 'CreateBucket'
    if (method === 'HEAD') return 'HeadBucket'
    if (method === 'DELETE' && [...query.keys()].length === 0) return 'DeleteBucket'
    if (method === 'POST' && query.has('delete')) return 'DeleteObjects'
    if (method === 'GET' && query.has('location')) return 'GetBucketLocation'
    if (method === 'GET' && query.get('list-type') === '2') return 'ListObjectsV2'
    if (method === 'GET' && !SUBRESOURCES.some((name) => query.has(name))) return 'ListObjects'
    return undefined
  }
  if (SUBRESOURCES.some((name) => name !== 'uploads' && query.has(name))) return undefined
  switch (method) {
    case 'PUT':
      if (query.has('uploadId') && query.has('partNumber')) return headers['x-amz-copy-source'] ? undefined : 'UploadPart'
      return headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject'
    case 'POST':
      if (query.has('uploads')) return 'CreateMultipartUpload'
      return query.has('uploadId') ? 'CompleteMultipartUpload' : undefined
    case 'GET':
      return query.has('uploadId') ? 'ListParts' : 'GetObject'
    case 'HEAD':
      return 'HeadObject'
    case 'DELETE':
      return query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject'
    default:
      return undefined
  }
}

/**
 * Subresources sling's local S3 doesn't emulate (ACLs, versioning, policies…; on an object, tagging
 * too: only bucket tags are kept). Answered 501 NotImplemented.
 */
const SUBRESOURCES = ['acl', 'tagging', 'versioning', 'versions', 'policy', 'cors', 'lifecycle', 'website', 'notification', 'replication', 'uploads', 'attributes', 'retention', 'legal-hold', 'restore', 'select', 'torrent', 'object-lock', 'logging', 'accelerate', 'requestPayment', 'analytics', 'inventory', 'metrics', 'intelligent-tiering']

function locate(request: LocalRequest): {bucket: string; key: string; operation: string | undefined} {
  const {bucket, key} = parsePath(request.raw.url ?? '/')
  const size = Buffer.byteLength(key)
  if (size > MAX_KEY_BYTES) throw new S3Error(400, 'KeyTooLongError', 'Your key is too long', {Size: size, MaxSizeAllowed: MAX_KEY_BYTES})
  return {bucket, key, operation: s3Operation(request.method, bucket, key, request.url.searchParams, request.headers)}
}

/** The operation, for fault selection; undefined when the path can't be parsed (the handler answers that). */
function operationOf(request: LocalRequest): string | undefined {
  try {
    return locate(request).operation
  } catch {
    return undefined
  }
}

/** S3 over REST-XML, path-style (signing name "s3"); objects' bytes are content-addressed blobs. */
export function createS3Router(context: LocalContext): ServiceRouter {
  const writeError = (response: ServerResponse, error: ProtocolError, request: LocalRequest): void => {
    request.raw.resume() // drain an unread upload so the connection stays usable
    sendS3Error(response, error, request.method, request.url.pathname)
  }
  return {
    service: 's3',
    operation: operationOf,
    provides: {
      s3: {
        read: (bucket, key) => findObject(context.store, bucket, key),
        // S3 event notifications listen to S3's own changes (notification-events.ts).
        objectCreated: (change) => notify(context, change),
        objectRemoved: (change) => notify(context, change),
      },
    },
    writeError,
    async handle(request, response) {
      try {
        const {bucket, key, operation} = locate(request)
        const handler = operation === undefined ? undefined : HANDLERS[operation]
        if (!handler) throw new S3Error(501, 'NotImplemented', `sling's local S3 doesn't implement ${request.method} ${request.url.pathname}${request.url.search}.`)
        await handler({request, response, context, bucket, key, query: request.url.searchParams})
      } catch (error) {
        if (!(error instanceof S3Error)) throw error
        if (response.headersSent) response.destroy(error)
        else writeError(response, error, request)
      }
    },
  }
}

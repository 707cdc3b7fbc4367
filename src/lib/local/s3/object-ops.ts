import {createReadStream} from 'node:fs'
import type {Readable, Transform} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {BodyTooLargeError, byteLimit} from '../body.js'
import type {LocalRequest} from '../contract.js'
import type {BlobRef, Store} from '../store.js'
import {requireBucket} from './bucket-ops.js'
import {encryptionHeaders, objectEncryption} from './bucket-settings.js'
import type {ChecksumAlgorithm} from './checksums.js'
import {BodyDigest, CHECKSUM_ALGORITHMS, isChecksumAlgorithm} from './checksums.js'
import {AwsChunkedDecoder, isAwsChunked} from './chunked.js'
import type {ObjectDoc} from './objects.js'
import {deleteObjectDoc, getObject as getObjectDoc, putObjectDoc} from './objects.js'
import type {S3Call} from './call.js'
import {announce} from './call.js'
import {httpDate, noSuchKey, readXml, S3Error, sendEmpty, sendXml} from './xml.js'

/** The largest object a PutObject, and the largest part an UploadPart, may carry: 5 GiB. */
export const MAX_UPLOAD_SIZE = 5 * 1024 ** 3

/** Headers S3 stores with an object and returns on GET/HEAD. */
const STORED_HEADERS = ['cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires']

export interface ReceivedBody {
  readonly blob: BlobRef
  readonly size: number
  /** Quoted MD5 hex. */
  readonly etag: string
  readonly checksums: Record<string, string>
}

function header(request: LocalRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** The flexible checksum the client declared: a trailer, a header, or x-amz-sdk-checksum-algorithm. */
function declaredAlgorithm(request: LocalRequest): ChecksumAlgorithm | undefined {
  const trailer = header(request, 'x-amz-trailer')?.toLowerCase().replace('x-amz-checksum-', '')
  if (trailer && isChecksumAlgorithm(trailer)) return trailer
  const inHeader = CHECKSUM_ALGORITHMS.find((name) => header(request, `x-amz-checksum-${name}`) !== undefined)
  if (inHeader) return inHeader
  const sdk = header(request, 'x-amz-sdk-checksum-algorithm')?.toLowerCase()
  return sdk && isChecksumAlgorithm(sdk) ? sdk : undefined
}

/**
 * Streams an upload into the store (decoding aws-chunked), verifying Content-MD5 and the flexible
 * checksum (header or trailer) as S3 does: a mismatch is BadDigest.
 */
export async function receiveBody(request: LocalRequest, store: Store): Promise<ReceivedBody> {
  const algorithm = declaredAlgorithm(request)
  const chunked = isAwsChunked(request.headers)
  const declaredText = header(request, chunked ? 'x-amz-decoded-content-length' : 'content-length')
  const declared = declaredText === undefined || !/^\d+$/.test(declaredText) ? undefined : Number(declaredText)
  // Refused before a byte is read when the size is declared, else as soon as the bytes pass it.
  if (declared !== undefined && declared > MAX_UPLOAD_SIZE) throw entityTooLarge(declared)
  const decoder = chunked ? new AwsChunkedDecoder() : undefined
  const digest = new BodyDigest(algorithm)
  const limit = byteLimit(MAX_UPLOAD_SIZE, declared)
  const streams: (Readable | Transform | AwsChunkedDecoder | BodyDigest)[] = [request.stream(), ...(decoder ? [decoder] : []), limit, digest]
  let blob: BlobRef
  try {
    ;[blob] = await Promise.all([store.putBlob(digest), pipeline(streams)])
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw entityTooLarge(declared)
    throw new S3Error(400, 'IncompleteBody', `The request body couldn't be read: ${(error as Error).message}`)
  }
  const {md5, checksum} = digest.digests()
  if (declaredText !== undefined && Number(declaredText) !== digest.size) {
    throw new S3Error(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header')
  }
  const contentMd5 = header(request, 'content-md5')
  if (contentMd5 !== undefined && contentMd5 !== md5.toString('base64')) {
    throw new S3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.')
  }
  const checksums: Record<string, string> = {}
  if (algorithm) {
    const sent = header(request, `x-amz-checksum-${algorithm}`) ?? decoder?.trailers[`x-amz-checksum-${algorithm}`]
    if (sent !== undefined && checksum !== undefined && sent !== checksum) {
      throw new S3Error(400, 'BadDigest', `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`)
    }
    const value = sent ?? checksum
    if (value !== undefined) checksums[algorithm] = value
  }
  return {blob, size: digest.size, etag: `"${md5.toString('hex')}"`, checksums}
}

/** S3's answer to an object or part over 5 GiB. */
export function entityTooLarge(proposedSize: number | undefined): S3Error {
  return new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {...(proposedSize === undefined ? {} : {ProposedSize: proposedSize}), MaxSizeAllowed: MAX_UPLOAD_SIZE})
}

/** x-amz-meta-*, Content-Type and the stored headers of a PutObject/CreateMultipartUpload request. */
export function objectAttributes(request: LocalRequest): Pick<ObjectDoc, 'contentType' | 'metadata' | 'headers'> {
  const metadata: Record<string, string> = {}
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue
    const text = Array.isArray(value) ? value.join(',') : value
    if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = text
    else if (STORED_HEADERS.includes(name)) headers[name] = text
  }
  // aws-chunked describes the upload, not the object.
  const encoding = headers['content-encoding']?.split(',').map((part) => part.trim()).filter((part) => part && part !== 'aws-chunked')
  if (encoding?.length) headers['content-encoding'] = encoding.join(',')
  else delete headers['content-encoding']
  return {contentType: header(request, 'content-type') ?? 'binary/octet-stream', metadata, headers}
}

export function checksumHeaders(checksums: Record<string, string>, type: 'FULL_OBJECT' | 'COMPOSITE'): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(checksums)) headers[`x-amz-checksum-${name}`] = value
  return Object.keys(headers).length ? {...headers, 'x-amz-checksum-type': type} : {}
}

export async function putObject(call: S3Call): Promise<void> {
  const {request, context, bucket, key} = call
  const encryption = objectEncryption(call, await requireBucket(call))
  // Conditional write: If-None-Match: * fails when the key exists.
  if (header(request, 'if-none-match') === '*' && (await getObjectDoc(context.store, bucket, key))) {
    throw new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {Condition: 'If-None-Match'})
  }
  const body = await receiveBody(request, context.store)
  await putObjectDoc(context.store, bucket, {key, ...body, lastModified: new Date().toISOString(), ...objectAttributes(request), encryption})
  await announce(call, 'created', {key, event: 'ObjectCreated:Put', size: body.size, etag: body.etag})
  sendEmpty(call.response, 200, {etag: body.etag, ...checksumHeaders(body.checksums, 'FULL_OBJECT'), ...encryptionHeaders(encryption)})
}

export async function copyObject(call: S3Call): Promise<void> {
  const {request, context} = call
  const encryption = objectEncryption(call, await requireBucket(call))
  const source = copySource(header(request, 'x-amz-copy-source') ?? '')
  const slash = source.indexOf('/')
  const [sourceBucket, sourceKey] = slash > 0 ? [source.slice(0, slash), source.slice(slash + 1)] : [source, '']
  const from = await getObjectDoc(context.store, sourceBucket, sourceKey)
  if (!from) throw noSuchKey(sourceKey)
  const replace = header(request, 'x-amz-metadata-directive') === 'REPLACE'
  const doc: ObjectDoc = {...from, key: call.key, lastModified: new Date().toISOString(), ...(replace ? objectAttributes(request) : {}), encryption}
  await putObjectDoc(context.store, call.bucket, doc)
  await announce(call, 'created', {key: doc.key, event: 'ObjectCreated:Copy', size: doc.size, etag: doc.etag})
  sendXml(call.response, 200, 'CopyObjectResult', {ETag: doc.etag, LastModified: doc.lastModified}, encryptionHeaders(encryption))
}

/** The x-amz-copy-source header, percent-decoded, without a leading slash or a versionId. */
function copySource(value: string): string {
  try {
    return decodeURIComponent(value.split('?')[0] ?? '').replace(/^\//, '')
  } catch {
    throw new S3Error(400, 'InvalidArgument', 'Invalid copy source encoding', {ArgumentName: 'x-amz-copy-source', ArgumentValue: value})
  }
}

/** GET/HEAD: conditional headers, a single byte Range, stored headers and (on request) the checksum. */
export async function getObject(call: S3Call, head: boolean): Promise<void> {
  const {request, response, context, query} = call
  await requireBucket(call)
  const doc = await getObjectDoc(context.store, call.bucket, call.key)
  if (!doc) throw noSuchKey(call.key)
  const ifMatch = header(request, 'if-match')
  if (ifMatch !== undefined && ifMatch !== '*' && !ifMatch.split(',').map((tag) => tag.trim()).includes(doc.etag)) {
    throw new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {Condition: 'If-Match'})
  }
  const ifNoneMatch = header(request, 'if-none-match')
  const base: Record<string, string> = {
    etag: doc.etag,
    'last-modified': httpDate(doc.lastModified),
    'accept-ranges': 'bytes',
    ...encryptionHeaders(doc.encryption),
    ...Object.fromEntries(Object.entries(doc.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value])),
  }
  if (ifNoneMatch !== undefined && (ifNoneMatch === '*' || ifNoneMatch.split(',').map((tag) => tag.trim()).includes(doc.etag))) {
    response.writeHead(304, base)
    response.end()
    return
  }
  const range = parseRange(header(request, 'range'), doc.size)
  const overrides = Object.fromEntries(
    ['content-type', 'content-disposition', 'content-encoding', 'content-language', 'cache-control', 'expires'].flatMap((name) => {
      const value = query.get(`response-${name}`)
      return value === null ? [] : [[name, value]]
    }),
  )
  const full = range === undefined
  const checksums = header(request, 'x-amz-checksum-mode') === 'ENABLED' && full ? checksumHeaders(doc.checksums, doc.partsCount ? 'COMPOSITE' : 'FULL_OBJECT') : {}
  const headers = {
    ...base,
    'content-type': doc.contentType,
    ...doc.headers,
    ...overrides,
    ...checksums,
    'content-length': String(full ? doc.size : range.end - range.start + 1),
    ...(full ? {} : {'content-range': `bytes ${range.start}-${range.end}/${doc.size}`}),
  }
  response.writeHead(full ? 200 : 206, headers)
  if (head || doc.size === 0) {
    response.end()
    return
  }
  const file = createReadStream(context.store.blobPath(doc.blob.sha256), full ? {} : {start: range.start, end: range.end})
  await pipeline(file, response)
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`; undefined (whole object) when absent or several ranges, as S3 does. */
function parseRange(value: string | undefined, size: number): {start: number; end: number} | undefined {
  const match = value === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(value.trim())
  if (!match) return undefined
  const [, first = '', last = ''] = match
  let start: number
  let end: number
  if (first === '') {
    if (last === '') return undefined
    start = Math.max(0, size - Number(last))
    end = size - 1
  } else {
    start = Number(first)
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  }
  if (start >= size || start > end || (first === '' && Number(last) === 0)) {
    throw new S3Error(416, 'InvalidRange', 'The requested range is not satisfiable', {RangeRequested: value, ActualObjectSize: size})
  }
  return {start, end}
}

export async function deleteObject(call: S3Call): Promise<void> {
  await requireBucket(call)
  await deleteObjectDoc(call.context.store, call.bucket, call.key)
  await announce(call, 'removed', {key: call.key, event: 'ObjectRemoved:Delete'})
  sendEmpty(call.response, 204)
}

export async function deleteObjects(call: S3Call): Promise<void> {
  await requireBucket(call)
  const body = await readXml(call.request)
  const request = body.Delete as {Object?: {Key?: string}[]; Quiet?: string} | undefined
  const objects = request?.Object ?? []
  if (objects.length === 0 || objects.length > 1000) {
    throw new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.')
  }
  const keys = objects.map((object) => object.Key ?? '')
  for (const key of keys) {
    await deleteObjectDoc(call.context.store, call.bucket, key)
    await announce(call, 'removed', {key, event: 'ObjectRemoved:Delete'})
  }
  const quiet = request?.Quiet === 'true'
  sendXml(call.response, 200, 'DeleteResult', quiet ? {} : {Deleted: keys.map((Key) => ({Key}))})
}

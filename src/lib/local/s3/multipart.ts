import {createHash, randomBytes} from 'node:crypto'
import {Readable} from 'node:stream'

import type {Store} from '../store.js'
import type {BlobRef} from '../store.js'
import {LOCAL_OWNER, requireBucket} from './bucket-ops.js'
import {checksumBase64, isChecksumAlgorithm} from './checksums.js'
import type {ObjectDoc} from './objects.js'
import {putObjectDoc} from './objects.js'
import {checksumHeaders, objectAttributes, receiveBody} from './object-ops.js'
import type {S3Call} from './call.js'
import {announce} from './call.js'
import {noSuchUpload, readXml, S3Error, sendEmpty, sendXml} from './xml.js'

interface UploadDoc extends Pick<ObjectDoc, 'contentType' | 'metadata' | 'headers'> {
  readonly uploadId: string
  readonly bucket: string
  readonly key: string
  readonly initiated: string
  /** Lower-case algorithm from x-amz-checksum-algorithm, when the upload declared one. */
  readonly checksumAlgorithm?: string
}

interface PartDoc {
  readonly partNumber: number
  readonly blob: BlobRef
  readonly size: number
  readonly etag: string
  readonly lastModified: string
  readonly checksums: Record<string, string>
}

const UPLOADS = 's3-uploads'
const partsOf = (uploadId: string): string => `s3-parts/${uploadId}`
/** An object assembled from parts may reach 5 TiB (each part 5 GiB, as receiveBody enforces). */
const MAX_OBJECT_SIZE = 5 * 1024 ** 4
/** Every part but the last must be at least 5 MiB, as on S3. */
const MIN_PART_SIZE = 5 * 1024 * 1024

async function requireUpload(call: S3Call): Promise<UploadDoc> {
  const uploadId = call.query.get('uploadId') ?? ''
  const upload = /^[\w-]+$/.test(uploadId) ? await call.context.store.get<UploadDoc>(UPLOADS, uploadId) : undefined
  if (!upload || upload.bucket !== call.bucket || upload.key !== call.key) throw noSuchUpload(uploadId)
  return upload
}

async function listPartDocs(store: Store, uploadId: string): Promise<PartDoc[]> {
  return (await store.list<PartDoc>(partsOf(uploadId))).sort((a, b) => a.partNumber - b.partNumber)
}

async function removeUpload(store: Store, uploadId: string): Promise<void> {
  for (const part of await listPartDocs(store, uploadId)) await store.delete(partsOf(uploadId), String(part.partNumber).padStart(5, '0'))
  await store.delete(UPLOADS, uploadId)
}

export async function createMultipartUpload(call: S3Call): Promise<void> {
  await requireBucket(call)
  const uploadId = randomBytes(24).toString('base64url')
  const algorithm = String(call.request.headers['x-amz-checksum-algorithm'] ?? '').toLowerCase()
  const upload: UploadDoc = {
    uploadId,
    bucket: call.bucket,
    key: call.key,
    initiated: new Date().toISOString(),
    ...objectAttributes(call.request),
    ...(isChecksumAlgorithm(algorithm) ? {checksumAlgorithm: algorithm} : {}),
  }
  await call.context.store.put(UPLOADS, uploadId, upload)
  const headers: Record<string, string> = upload.checksumAlgorithm ? {'x-amz-checksum-algorithm': upload.checksumAlgorithm.toUpperCase(), 'x-amz-checksum-type': 'COMPOSITE'} : {}
  sendXml(call.response, 200, 'InitiateMultipartUploadResult', {Bucket: call.bucket, Key: call.key, UploadId: uploadId}, headers)
}

export async function uploadPart(call: S3Call): Promise<void> {
  const partNumber = Number(call.query.get('partNumber'))
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) {
    throw new S3Error(400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', {ArgumentName: 'partNumber', ArgumentValue: String(call.query.get('partNumber'))})
  }
  const upload = await requireUpload(call)
  const body = await receiveBody(call.request, call.context.store)
  const part: PartDoc = {partNumber, ...body, lastModified: new Date().toISOString()}
  await call.context.store.put(partsOf(upload.uploadId), String(partNumber).padStart(5, '0'), part)
  sendEmpty(call.response, 200, {etag: body.etag, ...checksumHeaders(body.checksums, 'COMPOSITE')})
}

export async function completeMultipartUpload(call: S3Call): Promise<void> {
  const upload = await requireUpload(call)
  const {store} = call.context
  const body = await readXml(call.request)
  const requested = ((body.CompleteMultipartUpload as {Part?: {PartNumber?: string; ETag?: string}[]} | undefined)?.Part ?? []).map((part) => ({
    number: Number(part.PartNumber),
    etag: normaliseEtag(part.ETag ?? ''),
  }))
  if (requested.length === 0) throw new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.')
  const stored = new Map((await listPartDocs(store, upload.uploadId)).map((part) => [part.partNumber, part]))
  const parts: PartDoc[] = []
  for (const [i, want] of requested.entries()) {
    if (i > 0 && want.number <= (requested[i - 1]?.number ?? 0)) throw new S3Error(400, 'InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', {UploadId: upload.uploadId})
    const part = stored.get(want.number)
    if (!part || part.etag !== want.etag) {
      throw new S3Error(400, 'InvalidPart', "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.", {UploadId: upload.uploadId, PartNumber: want.number, ETag: want.etag})
    }
    if (i < requested.length - 1 && part.size < MIN_PART_SIZE) {
      throw new S3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', {ProposedSize: part.size, MinSizeAllowed: MIN_PART_SIZE, PartNumber: part.partNumber, ETag: part.etag})
    }
    parts.push(part)
  }
  const total = parts.reduce((sum, part) => sum + part.size, 0)
  if (total > MAX_OBJECT_SIZE) {
    throw new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {ProposedSize: total, MaxSizeAllowed: MAX_OBJECT_SIZE})
  }
  const blob = await store.putBlob(Readable.from(concatenate(store, parts)))
  // S3's multipart ETag: the MD5 of the parts' binary MD5s, then "-<number of parts>".
  const md5s = Buffer.concat(parts.map((part) => Buffer.from(part.etag.slice(1, -1), 'hex')))
  const etag = `"${createHash('md5').update(md5s).digest('hex')}-${parts.length}"`
  const checksums = compositeChecksum(upload.checksumAlgorithm, parts)
  const doc: ObjectDoc = {key: call.key, blob, size: blob.size, etag, lastModified: new Date().toISOString(), contentType: upload.contentType, metadata: upload.metadata, headers: upload.headers, checksums, partsCount: parts.length}
  await putObjectDoc(store, call.bucket, doc)
  await removeUpload(store, upload.uploadId)
  await announce(call, 'created', {key: call.key, event: 'ObjectCreated:CompleteMultipartUpload', size: doc.size, etag})
  const checksumFields = Object.fromEntries(Object.entries(checksums).map(([name, value]) => [`Checksum${name.toUpperCase()}`, value]))
  sendXml(call.response, 200, 'CompleteMultipartUploadResult', {
    Location: `${call.context.endpoint()}/${call.bucket}/${encodeURI(call.key)}`,
    Bucket: call.bucket,
    Key: call.key,
    ETag: etag,
    ...checksumFields,
    ...(Object.keys(checksums).length ? {ChecksumType: 'COMPOSITE'} : {}),
  })
}

async function* concatenate(store: Store, parts: readonly PartDoc[]): AsyncGenerator<Buffer> {
  for (const part of parts) {
    for await (const chunk of store.readBlob(part.blob.sha256)) yield chunk as Buffer
  }
}

/** S3's composite checksum: the checksum of the parts' binary checksums, then "-<parts>". */
function compositeChecksum(algorithm: string | undefined, parts: readonly PartDoc[]): Record<string, string> {
  if (!algorithm || !isChecksumAlgorithm(algorithm)) return {}
  const values = parts.map((part) => part.checksums[algorithm])
  if (values.some((value) => value === undefined)) return {}
  const combined = checksumBase64(algorithm, Buffer.concat(values.map((value) => Buffer.from(value ?? '', 'base64'))))
  return combined === undefined ? {} : {[algorithm]: `${combined}-${parts.length}`}
}

function normaliseEtag(etag: string): string {
  const bare = etag.trim().replaceAll('&quot;', '"').replace(/^"|"$/g, '')
  return `"${bare}"`
}

export async function abortMultipartUpload(call: S3Call): Promise<void> {
  const upload = await requireUpload(call)
  await removeUpload(call.context.store, upload.uploadId)
  sendEmpty(call.response, 204)
}

export async function listParts(call: S3Call): Promise<void> {
  const upload = await requireUpload(call)
  const marker = Number(call.query.get('part-number-marker') ?? 0) || 0
  const maxParts = Math.max(0, Math.min(1000, Number(call.query.get('max-parts') ?? 1000) || 0))
  const after = (await listPartDocs(call.context.store, upload.uploadId)).filter((part) => part.partNumber > marker)
  const page = after.slice(0, maxParts)
  sendXml(call.response, 200, 'ListPartsResult', {
    Bucket: call.bucket,
    Key: call.key,
    UploadId: upload.uploadId,
    PartNumberMarker: marker,
    NextPartNumberMarker: page.at(-1)?.partNumber ?? marker,
    MaxParts: maxParts,
    IsTruncated: after.length > page.length,
    Part: page.map((part) => ({
      PartNumber: part.partNumber,
      LastModified: part.lastModified,
      ETag: part.etag,
      Size: part.size,
      ...Object.fromEntries(Object.entries(part.checksums).map(([name, value]) => [`Checksum${name.toUpperCase()}`, value])),
    })),
    Initiator: {ID: LOCAL_OWNER.ID, DisplayName: LOCAL_OWNER.DisplayName},
    Owner: LOCAL_OWNER,
    StorageClass: 'STANDARD',
    ...(upload.checksumAlgorithm ? {ChecksumAlgorithm: upload.checksumAlgorithm.toUpperCase(), ChecksumType: 'COMPOSITE'} : {}),
  })
}

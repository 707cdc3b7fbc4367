import {createHash} from 'node:crypto'

import type {LocalS3Object} from '../contract.js'
import type {BlobRef, Store} from '../store.js'
import type {BucketNotifications} from './notifications.js'

/** A bucket as the local S3 keeps it. Bucket names are global, as on S3. */
export interface BucketDoc {
  readonly name: string
  readonly region: string
  /** ISO date. */
  readonly created: string
  /**
   * The bucket settings (bucket-settings.ts). Missing means S3's defaults for a new bucket since
   * April 2023 (every public access blocked, BucketOwnerEnforced, SSE-S3); null means deleted.
   */
  readonly publicAccessBlock?: PublicAccessBlock | null
  readonly objectOwnership?: string | null
  readonly encryption?: EncryptionRule
  readonly tags?: readonly {readonly Key: string; readonly Value: string}[]
  /** PutBucketNotificationConfiguration's configuration (notifications.ts); none when missing. */
  readonly notification?: BucketNotifications
}

export interface PublicAccessBlock {
  readonly BlockPublicAcls: boolean
  readonly IgnorePublicAcls: boolean
  readonly BlockPublicPolicy: boolean
  readonly RestrictPublicBuckets: boolean
}

/** A bucket's default encryption: `ApplyServerSideEncryptionByDefault` and `BucketKeyEnabled`. */
export interface EncryptionRule {
  readonly SSEAlgorithm: string
  readonly KMSMasterKeyID?: string
  readonly BucketKeyEnabled: boolean
}

/** An object's metadata; its bytes are a content-addressed blob in the store. */
export interface ObjectDoc {
  readonly key: string
  readonly blob: BlobRef
  readonly size: number
  /** Quoted, as S3 sends it: `"<md5 hex>"`, or `"<md5 of part md5s>-<N>"` for multipart uploads. */
  readonly etag: string
  /** ISO date. */
  readonly lastModified: string
  readonly contentType: string
  /** x-amz-meta-* headers, names lower-cased without the prefix. */
  readonly metadata: Record<string, string>
  /** Content-Encoding, Cache-Control, Content-Disposition… as stored with PutObject. */
  readonly headers: Record<string, string>
  /** Checksums the uploader sent (CRC32, CRC32C, SHA1, SHA256, CRC64NVME), base64. */
  readonly checksums: Record<string, string>
  /** Set for objects built by CompleteMultipartUpload. */
  readonly partsCount?: number
  /** How S3 encrypted it (x-amz-server-side-encryption); objects stored without it were encrypted with AES256 (SSE-S3). */
  readonly encryption?: {readonly algorithm: string; readonly kmsKeyId?: string}
}

export const BUCKETS = 's3-buckets'
const objectsOf = (bucket: string): string => `s3-objects/${bucket}`

/** Store document id for a key: keys reach 1024 bytes, file names don't, so long keys are hashed. */
export function objectId(key: string): string {
  return encodeURIComponent(key).length <= 200 ? key : `~${createHash('sha256').update(key).digest('hex')}`
}

export function getBucket(store: Store, bucket: string): Promise<BucketDoc | undefined> {
  return store.get<BucketDoc>(BUCKETS, bucket)
}

export function getObject(store: Store, bucket: string, key: string): Promise<ObjectDoc | undefined> {
  return store.get<ObjectDoc>(objectsOf(bucket), objectId(key))
}

export async function putObjectDoc(store: Store, bucket: string, doc: ObjectDoc): Promise<void> {
  // A copy references a blob it didn't put: mark it used so a concurrent collection spares it.
  await store.keepBlobs([doc.blob.sha256])
  await store.put(objectsOf(bucket), objectId(doc.key), doc)
}

export function deleteObjectDoc(store: Store, bucket: string, key: string): Promise<void> {
  return store.delete(objectsOf(bucket), objectId(key))
}

/** Every object of the bucket, sorted by key in UTF-8 binary order as S3 lists them. */
export async function listObjects(store: Store, bucket: string): Promise<ObjectDoc[]> {
  const docs = await store.list<ObjectDoc>(objectsOf(bucket))
  return docs.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)))
}

/** An object of the local S3 as other services read it (the s3.read hook), with its bytes in memory on demand. */
export interface S3ObjectHandle extends LocalS3Object {
  /** The bytes, in memory. */
  bytes(): Promise<Buffer>
}

/**
 * Reads an object of the local S3 (e.g. Lambda's CreateFunction with S3Bucket/S3Key). Undefined when
 * the bucket or the key doesn't exist.
 */
export async function readObject(store: Store, bucket: string, key: string): Promise<S3ObjectHandle | undefined> {
  const found = await findObject(store, bucket, key)
  return typeof found === 'string' ? undefined : found
}

/** An object, or which of bucket and key is missing (what the s3.read hook answers). */
export async function findObject(store: Store, bucket: string, key: string): Promise<S3ObjectHandle | 'NoSuchBucket' | 'NoSuchKey'> {
  // The bucket name comes from another service's request: only a bucket that exists names a collection.
  if (!(await getBucket(store, bucket))) return 'NoSuchBucket'
  const doc = await getObject(store, bucket, key)
  if (!doc) return 'NoSuchKey'
  return {
    blob: doc.blob,
    size: doc.size,
    etag: doc.etag,
    contentType: doc.contentType,
    open: () => store.readBlob(doc.blob.sha256),
    bytes: () => store.blobBytes(doc.blob.sha256),
  }
}

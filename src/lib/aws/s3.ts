import {createReadStream} from 'node:fs'
import {stat} from 'node:fs/promises'

import {
  CreateBucketCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3'
import type {BucketLocationConstraint, S3Client} from '@aws-sdk/client-s3'
import {Upload} from '@aws-sdk/lib-storage'

import {UserError} from '../errors.js'
import type {CallOptions} from '../clock.js'
import {throwIfAborted} from '../clock.js'
import type {AwsErrorContext} from './errors.js'
import {errorName, toUserError} from './errors.js'
import type {S3NotificationOps} from './s3-notifications.js'
import {createS3NotificationOps} from './s3-notifications.js'
import type {StoredObject} from './types.js'

/** The S3 operations sling uses: a bucket for large artifacts, and the artifacts in it. */
export interface S3Api extends S3NotificationOps {
  /** Creates the bucket in the client's region unless it exists; says which happened. */
  ensureBucket(bucket: string, options?: CallOptions): Promise<'created' | 'exists'>
  /** Uploads `file` from disk as a stream; files larger than one part go up in parallel parts. */
  putArtifact(bucket: string, key: string, file: string, options?: PutArtifactOptions): Promise<StoredObject>
  /** The object's size and ETag, or undefined when there is no such object. */
  headObject(bucket: string, key: string, options?: CallOptions): Promise<StoredObject | undefined>
  /**
   * Makes a bucket private and encrypted: S3 Block Public Access with all four settings on, object ownership
   * BucketOwnerEnforced (ACLs off), and default encryption with S3-managed keys (SSE-S3).
   */
  secureBucket(bucket: string, options?: CallOptions): Promise<void>
}

export interface PutArtifactOptions {
  /** Part size in bytes, and the size above which the upload goes multipart (min 5 MiB). @default 8 MiB */
  readonly partSize?: number
  /** Parts uploaded at once. @default 4 */
  readonly concurrency?: number
  readonly contentType?: string
  readonly metadata?: Readonly<Record<string, string>>
  /** Aborts the upload (and its multipart upload on S3, so no parts are left behind). */
  readonly signal?: AbortSignal | undefined
}

export const DEFAULT_PART_SIZE = 8 * 1024 * 1024

/** The S3 API over an SDK client. `context` (region, endpoint) goes into error messages. */
export function createS3Api(client: S3Client, context: AwsErrorContext = {}): S3Api {
  return {
    ...createS3NotificationOps(client, context),
    async ensureBucket(bucket, {signal} = {}) {
      try {
        throwIfAborted(signal)
        await client.send(new HeadBucketCommand({Bucket: bucket}), {abortSignal: signal})
        return 'exists'
      } catch (error) {
        throwIfAborted(signal)
        if (status(error) === 403) {
          throw new UserError('BucketForbidden', `The S3 bucket "${bucket}" exists but sling can't use it: it belongs to another account, or your identity lacks s3:ListBucket.`, {
            cause: error,
            hints: ['Choose another bucket name, or grant access to this one.'],
          })
        }
        if (errorName(error) !== 'NotFound' && status(error) !== 404) throw toUserError(error, context)
      }
      const region = await client.config.region()
      try {
        // us-east-1 is the default location and AWS rejects it as an explicit LocationConstraint.
        const location = region === 'us-east-1' ? undefined : {LocationConstraint: region as BucketLocationConstraint}
        await client.send(new CreateBucketCommand({Bucket: bucket, CreateBucketConfiguration: location}), {abortSignal: signal})
        return 'created'
      } catch (error) {
        throwIfAborted(signal)
        if (errorName(error) === 'BucketAlreadyOwnedByYou') return 'exists' // created in between, by us
        if (errorName(error) === 'BucketAlreadyExists') {
          throw new UserError('BucketNameTaken', `The S3 bucket name "${bucket}" is taken by another AWS account (bucket names are global).`, {cause: error, hints: ['Choose a more specific bucket name.']})
        }
        throw toUserError(error, context)
      }
    },
    async putArtifact(bucket, key, file, {partSize = DEFAULT_PART_SIZE, concurrency = 4, contentType, metadata, signal} = {}) {
      const {size} = await stat(file)
      const upload = new Upload({
        client,
        params: {Bucket: bucket, Key: key, Body: createReadStream(file), ContentType: contentType ?? 'application/zip', Metadata: metadata ? {...metadata} : undefined},
        partSize,
        queueSize: concurrency,
        leavePartsOnError: false, // a failed upload aborts, so no orphaned parts keep costing money
      })
      throwIfAborted(signal)
      const abort = (): void => void upload.abort()
      signal?.addEventListener('abort', abort, {once: true})
      try {
        const result = await upload.done()
        return {bucket, key, etag: result.ETag ?? '', size, versionId: result.VersionId}
      } catch (error) {
        throwIfAborted(signal)
        throw toUserError(error, context)
      } finally {
        signal?.removeEventListener('abort', abort)
      }
    },
    async headObject(bucket, key, {signal} = {}) {
      try {
        throwIfAborted(signal)
        const result = await client.send(new HeadObjectCommand({Bucket: bucket, Key: key}), {abortSignal: signal})
        return {bucket, key, etag: result.ETag ?? '', size: result.ContentLength ?? 0, versionId: result.VersionId}
      } catch (error) {
        throwIfAborted(signal)
        if (errorName(error) === 'NotFound' || errorName(error) === 'NoSuchKey') return undefined
        throw toUserError(error, context)
      }
    },
    async secureBucket(bucket, {signal} = {}) {
      const send = async (request: (abortSignal: AbortSignal | undefined) => Promise<unknown>): Promise<void> => {
        throwIfAborted(signal)
        try {
          await request(signal)
        } catch (error) {
          throwIfAborted(signal)
          throw toUserError(error, context)
        }
      }
      const block = {BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
      await send((abortSignal) => client.send(new PutPublicAccessBlockCommand({Bucket: bucket, PublicAccessBlockConfiguration: block}), {abortSignal}))
      await send((abortSignal) => client.send(new PutBucketOwnershipControlsCommand({Bucket: bucket, OwnershipControls: {Rules: [{ObjectOwnership: 'BucketOwnerEnforced'}]}}), {abortSignal}))
      const encryption = {Rules: [{ApplyServerSideEncryptionByDefault: {SSEAlgorithm: 'AES256' as const}}]}
      await send((abortSignal) => client.send(new PutBucketEncryptionCommand({Bucket: bucket, ServerSideEncryptionConfiguration: encryption}), {abortSignal}))
    },
  }
}

function status(error: unknown): number | undefined {
  return (error as {$metadata?: {httpStatusCode?: number}} | undefined)?.$metadata?.httpStatusCode
}

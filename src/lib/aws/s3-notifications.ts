import {GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand} from '@aws-sdk/client-s3'
import type {NotificationConfiguration, S3Client} from '@aws-sdk/client-s3'

import {UserError} from '../errors.js'
import type {CallOptions} from '../clock.js'
import {throwIfAborted} from '../clock.js'
import type {AwsErrorContext} from './errors.js'
import {errorName, toUserError} from './errors.js'

/** A bucket's whole notification configuration (Lambda, queue, topic and EventBridge parts), as S3 returns it. */
export type BucketNotifications = NotificationConfiguration

/** The S3 calls behind S3 triggers: S3 replaces a bucket's notification configuration whole, so callers read-modify-write it. */
export interface S3NotificationOps {
  getBucketNotifications(bucket: string, options?: CallOptions): Promise<BucketNotifications>
  /** Replaces the whole configuration (`SkipDestinationValidation` stays off: S3 checks the function's permission). */
  putBucketNotifications(bucket: string, configuration: BucketNotifications, options?: CallOptions): Promise<void>
}

export function createS3NotificationOps(client: S3Client, context: AwsErrorContext = {}): S3NotificationOps {
  const send = async <T>(bucket: string, request: (abortSignal: AbortSignal | undefined) => Promise<T>, signal: AbortSignal | undefined): Promise<T> => {
    throwIfAborted(signal)
    try {
      return await request(signal)
    } catch (error) {
      throwIfAborted(signal)
      if (errorName(error) === 'NoSuchBucket') {
        throw new UserError('BucketNotFound', `The S3 bucket "${bucket}" doesn't exist${context.region ? ` (looked in ${context.region})` : ''}.`, {cause: error, hints: ['Check the bucket name, or create it first ("aws s3 mb s3://BUCKET").']})
      }
      throw toUserError(error, context)
    }
  }
  return {
    async getBucketNotifications(bucket, {signal} = {}) {
      const {$metadata: _m, ...configuration} = await send(bucket, (abortSignal) => client.send(new GetBucketNotificationConfigurationCommand({Bucket: bucket}), {abortSignal}), signal)
      return configuration
    },
    async putBucketNotifications(bucket, configuration, {signal} = {}) {
      await send(bucket, (abortSignal) => client.send(new PutBucketNotificationConfigurationCommand({Bucket: bucket, NotificationConfiguration: configuration}), {abortSignal}), signal)
    },
  }
}

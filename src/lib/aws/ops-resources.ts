/**
 * The artifacts `sling deploy` uploaded, as `sling remove` finds and deletes them. Everything else that hangs off
 * a function (policy, URL, mappings, bucket notifications, triggers) goes through the events library's calls
 * (lambda-events.ts, s3-notifications.ts, push-sources.ts).
 */
import {DeleteObjectsCommand, paginateListObjectsV2} from '@aws-sdk/client-s3'
import type {S3Client} from '@aws-sdk/client-s3'

import type {CallOptions} from '../clock.js'
import {throwIfAborted} from '../clock.js'
import type {AwsErrorContext} from './errors.js'
import {errorName, toUserError} from './errors.js'

export interface ResourceOps {
  /** The keys under `prefix` (every page); none when the bucket doesn't exist. */
  listKeys(bucket: string, prefix: string, options?: CallOptions): Promise<string[]>
  deleteKeys(bucket: string, keys: readonly string[], options?: CallOptions): Promise<void>
}

export function createResourceOps(clients: {s3(): Promise<S3Client>}, context: AwsErrorContext): ResourceOps {
  /** Sends, turning "no such bucket" into `absent` and other errors into UserErrors. */
  const attempt = async <T>(signal: AbortSignal | undefined, absent: readonly string[], request: () => Promise<T>): Promise<T | 'absent'> => {
    try {
      return await request()
    } catch (error) {
      throwIfAborted(signal)
      if (absent.includes(errorName(error) ?? '')) return 'absent'
      throw toUserError(error, context)
    }
  }
  return {
    async listKeys(bucket, prefix, {signal} = {}) {
      const s3 = await clients.s3()
      const keys: string[] = []
      const listed = await attempt(signal, ['NoSuchBucket', 'NotFound'], async () => {
        for await (const page of paginateListObjectsV2({client: s3}, {Bucket: bucket, Prefix: prefix}, {abortSignal: signal})) keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])))
      })
      return listed === 'absent' ? [] : keys
    },
    async deleteKeys(bucket, keys, {signal} = {}) {
      const s3 = await clients.s3()
      // DeleteObjects takes at most 1,000 keys.
      for (let i = 0; i < keys.length; i += 1000) {
        const batch = keys.slice(i, i + 1000).map((Key) => ({Key}))
        await attempt(signal, [], () => s3.send(new DeleteObjectsCommand({Bucket: bucket, Delete: {Objects: batch, Quiet: true}}), {abortSignal: signal}))
      }
    },
  }
}

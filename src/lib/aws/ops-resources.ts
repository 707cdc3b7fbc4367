/**
 * What hangs off a function outside its configuration, as `sling info` shows it and `sling remove` cleans it:
 * its resource policy, its function URL, event source mappings, S3 bucket notifications, uploaded artifacts.
 */
import {DeleteEventSourceMappingCommand, DeleteFunctionUrlConfigCommand, GetFunctionUrlConfigCommand, GetPolicyCommand, RemovePermissionCommand} from '@aws-sdk/client-lambda'
import type {LambdaClient} from '@aws-sdk/client-lambda'
import {DeleteObjectsCommand, GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, paginateListObjectsV2} from '@aws-sdk/client-s3'
import type {NotificationConfiguration, S3Client} from '@aws-sdk/client-s3'

import type {CallOptions} from '../clock.js'
import {throwIfAborted} from '../clock.js'
import type {AwsErrorContext} from './errors.js'
import {errorName, toUserError} from './errors.js'

/** One statement of a function's resource-based policy. */
export interface PolicyStatement {
  readonly sid: string
  readonly principal: string
  readonly action: string
  readonly sourceArn?: string | undefined
}

export interface UrlConfig {
  readonly url: string
  readonly authType: string
}

/** A bucket's notification configuration as S3 keeps it (replaced whole on every put). */
export type BucketNotifications = NotificationConfiguration

export interface ResourceOps {
  /** The function's (or a qualifier's) policy statements; none when it has no policy. */
  getPolicy(functionName: string, options?: CallOptions & {readonly qualifier?: string | undefined}): Promise<PolicyStatement[]>
  removePermission(functionName: string, sid: string, options?: CallOptions & {readonly qualifier?: string | undefined}): Promise<'removed' | 'absent'>
  getUrlConfig(functionName: string, options?: CallOptions & {readonly qualifier?: string | undefined}): Promise<UrlConfig | undefined>
  deleteUrlConfig(functionName: string, options?: CallOptions & {readonly qualifier?: string | undefined}): Promise<'deleted' | 'absent'>
  deleteMapping(uuid: string, options?: CallOptions): Promise<'deleted' | 'absent'>
  /** The bucket's notifications, or undefined when the bucket doesn't exist. */
  getBucketNotifications(bucket: string, options?: CallOptions): Promise<BucketNotifications | undefined>
  putBucketNotifications(bucket: string, configuration: BucketNotifications, options?: CallOptions): Promise<void>
  /** The keys under `prefix` (every page); none when the bucket doesn't exist. */
  listKeys(bucket: string, prefix: string, options?: CallOptions): Promise<string[]>
  deleteKeys(bucket: string, keys: readonly string[], options?: CallOptions): Promise<void>
}

export function createResourceOps(clients: {lambda(): Promise<LambdaClient>; s3(): Promise<S3Client>}, context: AwsErrorContext): ResourceOps {
  /** Sends, turning "not found" into `absent` and other errors into UserErrors. */
  const attempt = async <T>(signal: AbortSignal | undefined, absent: readonly string[], request: () => Promise<T>): Promise<T | 'absent'> => {
    try {
      return await request()
    } catch (error) {
      throwIfAborted(signal)
      if (absent.includes(errorName(error) ?? '')) return 'absent'
      throw toUserError(error, context)
    }
  }
  const NOT_FOUND = ['ResourceNotFoundException']
  const NO_BUCKET = ['NoSuchBucket', 'NotFound']
  return {
    async getPolicy(functionName, {signal, qualifier} = {}) {
      const lambda = await clients.lambda()
      const answer = await attempt(signal, NOT_FOUND, () => lambda.send(new GetPolicyCommand({FunctionName: functionName, Qualifier: qualifier}), {abortSignal: signal}))
      if (answer === 'absent' || !answer.Policy) return []
      const policy = JSON.parse(answer.Policy) as {Statement?: {Sid?: string; Principal?: unknown; Action?: unknown; Condition?: Record<string, Record<string, unknown>>}[]}
      return (policy.Statement ?? []).map((s) => ({
        sid: s.Sid ?? '',
        principal: principalOf(s.Principal),
        action: (Array.isArray(s.Action) ? s.Action : [s.Action]).filter((a): a is string => typeof a === 'string').join(', '),
        sourceArn: stringOf(s.Condition?.ArnLike?.['AWS:SourceArn'] ?? s.Condition?.ArnEquals?.['AWS:SourceArn']),
      }))
    },
    async removePermission(functionName, sid, {signal, qualifier} = {}) {
      const lambda = await clients.lambda()
      const answer = await attempt(signal, NOT_FOUND, () => lambda.send(new RemovePermissionCommand({FunctionName: functionName, StatementId: sid, Qualifier: qualifier}), {abortSignal: signal}))
      return answer === 'absent' ? 'absent' : 'removed'
    },
    async getUrlConfig(functionName, {signal, qualifier} = {}) {
      const lambda = await clients.lambda()
      const answer = await attempt(signal, NOT_FOUND, () => lambda.send(new GetFunctionUrlConfigCommand({FunctionName: functionName, Qualifier: qualifier}), {abortSignal: signal}))
      return answer === 'absent' ? undefined : {url: answer.FunctionUrl ?? '', authType: answer.AuthType ?? ''}
    },
    async deleteUrlConfig(functionName, {signal, qualifier} = {}) {
      const lambda = await clients.lambda()
      const answer = await attempt(signal, NOT_FOUND, () => lambda.send(new DeleteFunctionUrlConfigCommand({FunctionName: functionName, Qualifier: qualifier}), {abortSignal: signal}))
      return answer === 'absent' ? 'absent' : 'deleted'
    },
    async deleteMapping(uuid, {signal} = {}) {
      const lambda = await clients.lambda()
      const answer = await attempt(signal, NOT_FOUND, () => lambda.send(new DeleteEventSourceMappingCommand({UUID: uuid}), {abortSignal: signal}))
      return answer === 'absent' ? 'absent' : 'deleted'
    },
    async getBucketNotifications(bucket, {signal} = {}) {
      const s3 = await clients.s3()
      const answer = await attempt(signal, NO_BUCKET, () => s3.send(new GetBucketNotificationConfigurationCommand({Bucket: bucket}), {abortSignal: signal}))
      if (answer === 'absent') return undefined
      const {$metadata: _metadata, ...configuration} = answer
      return configuration
    },
    async putBucketNotifications(bucket, configuration, {signal} = {}) {
      const s3 = await clients.s3()
      // Destinations already validated when they were put; a removed one mustn't block the others.
      await attempt(signal, [], () => s3.send(new PutBucketNotificationConfigurationCommand({Bucket: bucket, NotificationConfiguration: configuration, SkipDestinationValidation: true}), {abortSignal: signal}))
    },
    async listKeys(bucket, prefix, {signal} = {}) {
      const s3 = await clients.s3()
      const keys: string[] = []
      const listed = await attempt(signal, NO_BUCKET, async () => {
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

/** "s3.amazonaws.com", an account ARN, or "*": whom a statement lets in. */
function principalOf(principal: unknown): string {
  if (typeof principal === 'string') return principal
  const {Service, AWS} = (principal ?? {}) as {Service?: unknown; AWS?: unknown}
  return [Service, AWS].flat().filter((p): p is string => typeof p === 'string').join(', ')
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

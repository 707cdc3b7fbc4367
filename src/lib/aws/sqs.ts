import {GetQueueAttributesCommand, GetQueueUrlCommand} from '@aws-sdk/client-sqs'
import type {SQSClient} from '@aws-sdk/client-sqs'

import {UserError} from '../errors.js'
import type {CallOptions} from '../clock.js'
import {throwIfAborted} from '../clock.js'
import type {AwsErrorContext} from './errors.js'
import {errorName, toUserError} from './errors.js'

export interface QueueInfo {
  readonly url: string
  readonly arn: string
  /** Seconds; Lambda refuses a mapping whose queue's visibility timeout is shorter than the function's timeout. */
  readonly visibilityTimeout: number
}

/** The SQS calls sling makes: finding a queue's ARN for a short form (`sqs:NAME`). */
export interface SqsApi {
  /** The queue named `name` in the client's region (or by URL), or undefined when it doesn't exist. */
  getQueue(nameOrUrl: string, options?: CallOptions): Promise<QueueInfo | undefined>
}

export function createSqsApi(client: SQSClient, context: AwsErrorContext = {}): SqsApi {
  return {
    async getQueue(nameOrUrl, {signal} = {}) {
      throwIfAborted(signal)
      try {
        const url = nameOrUrl.startsWith('http') ? nameOrUrl : (await client.send(new GetQueueUrlCommand({QueueName: nameOrUrl}), {abortSignal: signal})).QueueUrl ?? ''
        const {Attributes: attributes = {}} = await client.send(new GetQueueAttributesCommand({QueueUrl: url, AttributeNames: ['QueueArn', 'VisibilityTimeout']}), {abortSignal: signal})
        return {url, arn: attributes.QueueArn ?? '', visibilityTimeout: Number(attributes.VisibilityTimeout ?? 30)}
      } catch (error) {
        throwIfAborted(signal)
        if (['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'].includes(errorName(error) ?? '')) return undefined
        throw error instanceof UserError ? error : toUserError(error, context)
      }
    },
  }
}

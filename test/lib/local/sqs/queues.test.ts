import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  QueueDeletedRecently,
  QueueDoesNotExist,
  QueueNameExists,
  SendMessageCommand,
  SetQueueAttributesCommand,
  TagQueueCommand,
  UntagQueueCommand,
} from '@aws-sdk/client-sqs'
import type {SQSClient} from '@aws-sdk/client-sqs'
import {afterEach, beforeEach, expect, test} from 'vitest'

import {expectModeledError, expectOutputMatchesModel} from '../../../helpers/model.js'
import type {SqsHarness} from './harness.js'
import {rejectionOf, startSqs} from './harness.js'

let h: SqsHarness
let sqs: SQSClient
beforeEach(async () => {
  h = await startSqs()
  sqs = h.sqs()
})
afterEach(async () => h.close())

const ARN = (name: string): string => `arn:aws:sqs:us-east-1:000000000000:${name}`

test('CreateQueue answers the queue URL on this server; GetQueueUrl and GetQueueAttributes read it back with the defaults', async () => {
  const created = await sqs.send(new CreateQueueCommand({QueueName: 'jobs', Attributes: {VisibilityTimeout: '45'}}))
  expectOutputMatchesModel('sqs', 'CreateQueue', created)
  expect(created.QueueUrl).toBe(`${h.cloud.endpoint}/000000000000/jobs`)
  const url = await sqs.send(new GetQueueUrlCommand({QueueName: 'jobs'}))
  expectOutputMatchesModel('sqs', 'GetQueueUrl', url)
  expect(url.QueueUrl).toBe(created.QueueUrl)

  const {Attributes} = await sqs.send(new GetQueueAttributesCommand({QueueUrl: created.QueueUrl, AttributeNames: ['All']}))
  expect(Attributes).toMatchObject({
    QueueArn: ARN('jobs'),
    VisibilityTimeout: '45',
    DelaySeconds: '0',
    MaximumMessageSize: '1048576',
    MessageRetentionPeriod: '345600',
    ReceiveMessageWaitTimeSeconds: '0',
    ApproximateNumberOfMessages: '0',
    ApproximateNumberOfMessagesNotVisible: '0',
    ApproximateNumberOfMessagesDelayed: '0',
  })
  expect(Number(Attributes?.CreatedTimestamp)).toBeCloseTo(Date.now() / 1000, -1)
  expect(Attributes?.FifoQueue).toBeUndefined()
  const some = await sqs.send(new GetQueueAttributesCommand({QueueUrl: created.QueueUrl, AttributeNames: ['QueueArn']}))
  expectOutputMatchesModel('sqs', 'GetQueueAttributes', some)
  expect(some.Attributes).toEqual({QueueArn: ARN('jobs')})
})

test('creating a queue again is idempotent with the same attributes, and QueueNameExists (QueueAlreadyExists) with others', async () => {
  const first = await sqs.send(new CreateQueueCommand({QueueName: 'q', Attributes: {DelaySeconds: '5'}}))
  const again = await sqs.send(new CreateQueueCommand({QueueName: 'q', Attributes: {DelaySeconds: '5'}}))
  expect(again.QueueUrl).toBe(first.QueueUrl)
  const error = await rejectionOf(sqs.send(new CreateQueueCommand({QueueName: 'q', Attributes: {DelaySeconds: '6'}})))
  expect(error).toBeInstanceOf(QueueNameExists)
  expectModeledError('sqs', 'CreateQueue', error)
  expect(error.Code).toBe('QueueAlreadyExists')
  expect(error.message).toBe('A queue already exists with the same name and a different value for attribute DelaySeconds')
})

test('FIFO queues: the name must end in .fifo, and they have the FIFO attributes', async () => {
  const created = await sqs.send(new CreateQueueCommand({QueueName: 'orders.fifo', Attributes: {FifoQueue: 'true', ContentBasedDeduplication: 'true'}}))
  const {Attributes} = await sqs.send(new GetQueueAttributesCommand({QueueUrl: created.QueueUrl, AttributeNames: ['All']}))
  expect(Attributes).toMatchObject({FifoQueue: 'true', ContentBasedDeduplication: 'true', DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue'})
  const badName = await rejectionOf(sqs.send(new CreateQueueCommand({QueueName: 'orders', Attributes: {FifoQueue: 'true'}})))
  expect(badName.name).toBe('InvalidParameterValue')
  expect(badName.message).toContain('must end with .fifo suffix')
  const standardWithFifoAttribute = await rejectionOf(sqs.send(new CreateQueueCommand({QueueName: 'plain', Attributes: {ContentBasedDeduplication: 'true'}})))
  expectModeledError('sqs', 'CreateQueue', standardWithFifoAttribute)
  expect(standardWithFifoAttribute.name).toBe('InvalidAttributeName')
})

test('attribute values out of range are InvalidAttributeValue; unknown names InvalidAttributeName', async () => {
  const range = await rejectionOf(sqs.send(new CreateQueueCommand({QueueName: 'q', Attributes: {VisibilityTimeout: '43201'}})))
  expectModeledError('sqs', 'CreateQueue', range)
  expect(range.name).toBe('InvalidAttributeValue')
  expect(range.message).toBe('Invalid value for the parameter VisibilityTimeout.')
  const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: 'q'}))
  const unknown = await rejectionOf(sqs.send(new GetQueueAttributesCommand({QueueUrl, AttributeNames: ['Colour' as 'All']})))
  expectModeledError('sqs', 'GetQueueAttributes', unknown)
  expect(unknown.name).toBe('InvalidAttributeName')
  expect(unknown.message).toBe('Unknown Attribute Colour.')
})

test('SetQueueAttributes changes settings and LastModifiedTimestamp; a RedrivePolicy needs an existing dead-letter queue of the same type', async () => {
  const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: 'src'}))
  await sqs.send(new SetQueueAttributesCommand({QueueUrl, Attributes: {VisibilityTimeout: '10', ReceiveMessageWaitTimeSeconds: '2'}}))
  const missing = await rejectionOf(sqs.send(new SetQueueAttributesCommand({QueueUrl, Attributes: {RedrivePolicy: JSON.stringify({deadLetterTargetArn: ARN('dlq'), maxReceiveCount: 3})}})))
  expect(missing.name).toBe('InvalidParameterValue')
  expect(missing.message).toContain('Dead letter target does not exist.')
  await sqs.send(new CreateQueueCommand({QueueName: 'dlq'}))
  await sqs.send(new SetQueueAttributesCommand({QueueUrl, Attributes: {RedrivePolicy: JSON.stringify({deadLetterTargetArn: ARN('dlq'), maxReceiveCount: '3'})}}))
  const {Attributes} = await sqs.send(new GetQueueAttributesCommand({QueueUrl, AttributeNames: ['VisibilityTimeout', 'ReceiveMessageWaitTimeSeconds', 'RedrivePolicy']}))
  expect(Attributes).toEqual({VisibilityTimeout: '10', ReceiveMessageWaitTimeSeconds: '2', RedrivePolicy: `{"deadLetterTargetArn":"${ARN('dlq')}","maxReceiveCount":3}`})
  const sources = await sqs.send(new ListDeadLetterSourceQueuesCommand({QueueUrl: `${h.cloud.endpoint}/000000000000/dlq`}))
  expectOutputMatchesModel('sqs', 'ListDeadLetterSourceQueues', sources)
  expect(sources.queueUrls).toEqual([QueueUrl])
  await sqs.send(new SetQueueAttributesCommand({QueueUrl, Attributes: {RedrivePolicy: ''}}))
  expect((await sqs.send(new GetQueueAttributesCommand({QueueUrl, AttributeNames: ['RedrivePolicy']}))).Attributes).toBeUndefined()
  const fifoDlq = await sqs.send(new CreateQueueCommand({QueueName: 'dlq.fifo', Attributes: {FifoQueue: 'true'}}))
  expect(fifoDlq.QueueUrl).toBeDefined()
  const mixed = await rejectionOf(sqs.send(new SetQueueAttributesCommand({QueueUrl, Attributes: {RedrivePolicy: JSON.stringify({deadLetterTargetArn: ARN('dlq.fifo'), maxReceiveCount: 3})}})))
  expect(mixed.message).toContain('Dead-letter queue must be same type of queue as the source.')
})

test('ListQueues by prefix, paginated with MaxResults and NextToken', async () => {
  for (const name of ['a-1', 'a-2', 'a-3', 'b-1']) await sqs.send(new CreateQueueCommand({QueueName: name}))
  const all = await sqs.send(new ListQueuesCommand({}))
  expectOutputMatchesModel('sqs', 'ListQueues', all)
  expect(all.QueueUrls?.map((url) => url.split('/').pop())).toEqual(['a-1', 'a-2', 'a-3', 'b-1'])
  const page = await sqs.send(new ListQueuesCommand({QueueNamePrefix: 'a-', MaxResults: 2}))
  expect(page.QueueUrls?.map((url) => url.split('/').pop())).toEqual(['a-1', 'a-2'])
  const next = await sqs.send(new ListQueuesCommand({QueueNamePrefix: 'a-', MaxResults: 2, NextToken: page.NextToken}))
  expect(next.QueueUrls?.map((url) => url.split('/').pop())).toEqual(['a-3'])
  expect(next.NextToken).toBeUndefined()
  const none = await sqs.send(new ListQueuesCommand({QueueNamePrefix: 'zzz'}))
  expect(none.QueueUrls).toBeUndefined()
})

test('a missing queue is QueueDoesNotExist (AWS.SimpleQueueService.NonExistentQueue in x-amzn-query-error)', async () => {
  const byName = await rejectionOf(sqs.send(new GetQueueUrlCommand({QueueName: 'ghost'})))
  expect(byName).toBeInstanceOf(QueueDoesNotExist)
  expectModeledError('sqs', 'GetQueueUrl', byName)
  expect(byName.Code).toBe('AWS.SimpleQueueService.NonExistentQueue')
  const byUrl = await rejectionOf(sqs.send(new SendMessageCommand({QueueUrl: `${h.cloud.endpoint}/000000000000/ghost`, MessageBody: 'x'})))
  expect(byUrl).toBeInstanceOf(QueueDoesNotExist)
  expectModeledError('sqs', 'SendMessage', byUrl)
  const otherAccount = await rejectionOf(sqs.send(new GetQueueAttributesCommand({QueueUrl: `${h.cloud.endpoint}/123456789012/ghost`})))
  expect(otherAccount).toBeInstanceOf(QueueDoesNotExist)
})

test('DeleteQueue: the name is refused for the cooldown (QueueDeletedRecently), then free again', async () => {
  const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: 'gone'}))
  await sqs.send(new SendMessageCommand({QueueUrl, MessageBody: 'x'}))
  await sqs.send(new DeleteQueueCommand({QueueUrl}))
  await expect(sqs.send(new GetQueueUrlCommand({QueueName: 'gone'}))).rejects.toBeInstanceOf(QueueDoesNotExist)
  const recent = await rejectionOf(sqs.send(new CreateQueueCommand({QueueName: 'gone'})))
  expect(recent).toBeInstanceOf(QueueDeletedRecently)
  expectModeledError('sqs', 'CreateQueue', recent)
  expect(recent.Code).toBe('AWS.SimpleQueueService.QueueDeletedRecently')
  await new Promise((resolve) => setTimeout(resolve, 1100))
  const again = await sqs.send(new CreateQueueCommand({QueueName: 'gone'}))
  const {Attributes} = await sqs.send(new GetQueueAttributesCommand({QueueUrl: again.QueueUrl, AttributeNames: ['ApproximateNumberOfMessages']}))
  expect(Attributes?.ApproximateNumberOfMessages).toBe('0')
})

test('PurgeQueue deletes every message; a second purge within the cooldown is PurgeQueueInProgress', async () => {
  const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: 'p'}))
  await sqs.send(new SendMessageCommand({QueueUrl, MessageBody: 'one'}))
  await sqs.send(new SendMessageCommand({QueueUrl, MessageBody: 'two'}))
  await sqs.send(new PurgeQueueCommand({QueueUrl}))
  expect((await sqs.send(new GetQueueAttributesCommand({QueueUrl, AttributeNames: ['ApproximateNumberOfMessages']}))).Attributes?.ApproximateNumberOfMessages).toBe('0')
  const busy = await rejectionOf(sqs.send(new PurgeQueueCommand({QueueUrl})))
  expectModeledError('sqs', 'PurgeQueue', busy)
  expect(busy.name).toBe('PurgeQueueInProgress')
  expect(busy.$metadata?.httpStatusCode).toBe(403)
})

test('tags: on CreateQueue, TagQueue, UntagQueue, ListQueueTags', async () => {
  const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: 't', tags: {team: 'a'}}))
  await sqs.send(new TagQueueCommand({QueueUrl, Tags: {env: 'dev'}}))
  await sqs.send(new UntagQueueCommand({QueueUrl, TagKeys: ['team']}))
  const tags = await sqs.send(new ListQueueTagsCommand({QueueUrl}))
  expectOutputMatchesModel('sqs', 'ListQueueTags', tags)
  expect(tags.Tags).toEqual({env: 'dev'})
})

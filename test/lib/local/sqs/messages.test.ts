import {createHash} from 'node:crypto'

import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  MessageNotInflight,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  TooManyEntriesInBatchRequest,
  BatchEntryIdsNotDistinct,
} from '@aws-sdk/client-sqs'
import type {SQSClient} from '@aws-sdk/client-sqs'
import {afterEach, beforeEach, expect, test} from 'vitest'

import {localUserId} from '../../../../src/lib/local/sts/operations.js'
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

async function queue(name: string, attributes: Record<string, string> = {}): Promise<string> {
  return (await sqs.send(new CreateQueueCommand({QueueName: name, Attributes: attributes}))).QueueUrl ?? ''
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex')

test('SendMessage answers the body and attribute digests the SDK checks; ReceiveMessage returns what was asked for', async () => {
  const QueueUrl = await queue('q')
  const sent = await sqs.send(new SendMessageCommand({QueueUrl, MessageBody: 'héllo', MessageAttributes: {kind: {DataType: 'String', StringValue: 'greeting'}, 'app.trace': {DataType: 'String', StringValue: 't-1'}, blob: {DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3])}, n: {DataType: 'Number', StringValue: '42'}}}))
  expectOutputMatchesModel('sqs', 'SendMessage', sent)
  expect(sent.MD5OfMessageBody).toBe(md5('héllo'))
  // The digest the AWS documentation gives for these attributes, computed by SQS's algorithm (checked with botocore's).
  expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/)

  const received = await sqs.send(new ReceiveMessageCommand({QueueUrl, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All']}))
  expectOutputMatchesModel('sqs', 'ReceiveMessage', received)
  const [message] = received.Messages ?? []
  expect(message).toMatchObject({MessageId: sent.MessageId, Body: 'héllo', MD5OfBody: md5('héllo'), MD5OfMessageAttributes: sent.MD5OfMessageAttributes})
  expect(message?.MessageAttributes?.blob?.BinaryValue).toEqual(new Uint8Array([1, 2, 3]))
  expect(message?.Attributes).toMatchObject({ApproximateReceiveCount: '1', SenderId: localUserId('000000000000')})
  expect(Number(message?.Attributes?.SentTimestamp)).toBeLessThanOrEqual(Number(message?.Attributes?.ApproximateFirstReceiveTimestamp))

  // Only the attributes asked for: no system attributes, and the message attributes a prefix (`app.*`) names.
  await sqs.send(new ChangeMessageVisibilityCommand({QueueUrl, ReceiptHandle: message?.ReceiptHandle, VisibilityTimeout: 0}))
  const some = (await sqs.send(new ReceiveMessageCommand({QueueUrl, MessageAttributeNames: ['app.*', 'n']}))).Messages?.[0]
  expect(some?.Attributes).toBeUndefined()
  expect(Object.keys(some?.MessageAttributes ?? {}).sort()).toEqual(['app.trace', 'n'])
  expect(some?.MD5OfMessageAttributes).not.toBe(sent.MD5OfMessageAttributes)
})

test('a received message is invisible for the visibility timeout, then comes back with a new receipt handle and a higher receive count', async () => {
  const QueueUrl = await queue('q', {VisibilityTimeout: '1'})
  await sqs.send(new SendMessageCommand({QueueUrl, MessageBody: 'x'}))
  const first = (await sqs.send(new ReceiveMessageCommand({QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount']}))).Messages?.[0]
  expect((await sqs.send(new ReceiveMessageCommand({QueueUrl}))).Messages).toBeUndefined()
  const counts = await sqs.send(new GetQueueAttributesCommand({QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']}))
  expect(counts.Attributes).toEqual({ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1'})
  const second = (await sqs.send(new ReceiveMessageCommand({QueueUrl, WaitTimeSeconds: 3, MessageSystemAttributeNames: ['ApproximateReceiveCount']}))).Messages?.[0]
  expect(second?.MessageId).toBe(first?.MessageId)
  expect(second?.ReceiptHandle).not.toBe(first?.ReceiptHandle)
  expect(second?.Attributes?.ApproximateReceiveCount).toBe('2')

  // The old handle: success, but the message stays (SQS: "the request succeeds, but the message will not be deleted").
  await sqs.send(new DeleteMessageCommand({QueueUrl, ReceiptHandle: first?.ReceiptHandle}))
  expect((await sqs.send(new GetQueueAttributesCommand({QueueUrl, AttributeNames: ['ApproximateNumberOfMessagesNotVisible']}))).Attributes?.ApproximateNumberOfMessagesNotVisible).toBe('1')
  await sqs.send(new DeleteMessageCommand({QueueUrl, ReceiptHandle: second?.ReceiptHandle}))
  expect((await sqs.send(new GetQueueAttributesCommand({QueueUrl, AttributeNames: ['ApproximateNumberOfMessagesNotVisible']}))).Attributes?.ApproximateNumberOfMessagesNotVisible).toBe('0')
  // Deleting it again succeeds, as SQS answers for a message already deleted.
  await sqs.send(new DeleteMessageCommand({QueueUrl, ReceiptHandle: second?.ReceiptHandle}))
})

test('long polling answers as soon as a message is sent, and empty when the wait is over', async () => {
  const QueueUrl = await queue('q')
  const started = Date.now()
  const empty = await sqs.send(new ReceiveMessageCommand({QueueUrl, WaitTimeSeconds: 1}))
  expect(empty.Messages).toBeUndefined()
  expect(Date.now() - started).toBeGreaterThanOrEqual(950)
  const waiting = sqs.send(new ReceiveMessageCommand({QueueUrl, WaitTimeSeconds: 20}))
  await new Promise((resolve) => setTimeout(resolve, 200))
  await h.sqs().send(new SendMessageCommand({QueueUrl, MessageBody: 'late'}))
  const got = await waiting
  expect(got.Messages?.map((message) => message.Body)).toEqual(['late'])
})

test('DelaySeconds keeps a message back (ApproximateNumberOfMessagesDelayed) until it is due', async () => {
  const QueueUrl = await queue('q')
  await sqs.send(new SendMessageCommand({QueueUrl, MessageBody: 'later', DelaySeconds: 1}))
  expect((await sqs.send(new GetQueueAttributesCommand({QueueUrl, AttributeNames: ['ApproximateNumberOfMessagesDelayed']}))).Attributes?.ApproximateNumberOfMessagesDelayed).toBe('1')
  expect((await sqs.send(new ReceiveMessageCommand({QueueUrl}))).Messages).toBeUndefined()
  const due = await sqs.send(new ReceiveMessageCommand({QueueUrl, WaitTimeSeconds: 3}))
  expect(due.Messages?.[0]?.Body).toBe('later')
})

test('ReceiveMessage parameters out of range are InvalidParameterValue', async () => {
  const QueueUrl = await queue('q')
  const tooMany = await rejectionOf(sqs.send(new ReceiveMessageCommand({QueueUrl, MaxNumberOfMessages: 11})))
  expectModeledError('sqs', 'ReceiveMessage', tooMany)
  expect(tooMany.Code).toBe('InvalidParameterValue')
  expect(tooMany.message).toBe('Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.')
  const wait = await rejectionOf(sqs.send(new ReceiveMessageCommand({QueueUrl, WaitTimeSeconds: 21})))
  expect(wait.message).toContain('parameter WaitTimeSeconds is invalid')
})

test('message bodies: XML characters only, within MaximumMessageSize', async () => {
  const QueueUrl = await queue('q', {MaximumMessageSize: '1024'})
  const control = await rejectionOf(sqs.send(new SendMessageCommand({QueueUrl, MessageBody: 'a\u0000b'})))
  expectModeledError('sqs', 'SendMessage', control)
  expect(control.name).toBe('InvalidMessageContents')
  const big = await rejectionOf(sqs.send(new SendMessageCommand({QueueUrl, MessageBody: 'x'.repeat(1025)})))
  expect(big.message).toBe('One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.')
})

test('ChangeMessageVisibility returns a message at once; a message not in flight is MessageNotInflight; a forged handle ReceiptHandleIsInvalid', async () => {
  const QueueUrl = await queue('q')
  await sqs.send(new SendMessageCommand({QueueUrl, MessageBody: 'x'}))
  const handle = (await sqs.send(new ReceiveMessageCommand({QueueUrl}))).Messages?.[0]?.ReceiptHandle
  await sqs.send(new ChangeMessageVisibilityCommand({QueueUrl, ReceiptHandle: handle, VisibilityTimeout: 0}))
  const again = await sqs.send(new ReceiveMessageCommand({QueueUrl}))
  expect(again.Messages).toHaveLength(1)
  await sqs.send(new ChangeMessageVisibilityCommand({QueueUrl, ReceiptHandle: again.Messages?.[0]?.ReceiptHandle, VisibilityTimeout: 0}))
  const notInFlight = await rejectionOf(sqs.send(new ChangeMessageVisibilityCommand({QueueUrl, ReceiptHandle: again.Messages?.[0]?.ReceiptHandle, VisibilityTimeout: 0})))
  expect(notInFlight).toBeInstanceOf(MessageNotInflight)
  expectModeledError('sqs', 'ChangeMessageVisibility', notInFlight)
  const forged = await rejectionOf(sqs.send(new DeleteMessageCommand({QueueUrl, ReceiptHandle: 'not-a-handle'})))
  expect(forged).toBeInstanceOf(ReceiptHandleIsInvalid)
  expectModeledError('sqs', 'DeleteMessage', forged)
  expect(forged.$metadata?.httpStatusCode).toBe(404)
})

test('batches: per-entry successes and failures; empty, oversized and duplicate-id batches refused whole', async () => {
  const QueueUrl = await queue('q')
  const sent = await sqs.send(new SendMessageBatchCommand({QueueUrl, Entries: [{Id: 'a', MessageBody: 'one'}, {Id: 'b', MessageBody: 'two', DelaySeconds: 901}, {Id: 'c', MessageBody: 'three'}]}))
  expectOutputMatchesModel('sqs', 'SendMessageBatch', sent)
  expect(sent.Successful?.map((entry) => [entry.Id, entry.MD5OfMessageBody])).toEqual([['a', md5('one')], ['c', md5('three')]])
  expect(sent.Failed).toEqual([{Id: 'b', SenderFault: true, Code: 'InvalidParameterValue', Message: 'Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.'}])

  const tooMany = await rejectionOf(sqs.send(new SendMessageBatchCommand({QueueUrl, Entries: Array.from({length: 11}, (_, i) => ({Id: `m${i}`, MessageBody: 'x'}))})))
  expect(tooMany).toBeInstanceOf(TooManyEntriesInBatchRequest)
  expectModeledError('sqs', 'SendMessageBatch', tooMany)
  const duplicate = await rejectionOf(sqs.send(new SendMessageBatchCommand({QueueUrl, Entries: [{Id: 'x', MessageBody: '1'}, {Id: 'x', MessageBody: '2'}]})))
  expect(duplicate).toBeInstanceOf(BatchEntryIdsNotDistinct)
  expect(duplicate.Code).toBe('AWS.SimpleQueueService.BatchEntryIdsNotDistinct')

  const received = await sqs.send(new ReceiveMessageCommand({QueueUrl, MaxNumberOfMessages: 10}))
  expect(received.Messages?.map((message) => message.Body).sort()).toEqual(['one', 'three'])
  const handles = received.Messages?.map((message, i) => ({Id: `h${i}`, ReceiptHandle: message.ReceiptHandle})) ?? []
  const changed = await sqs.send(new ChangeMessageVisibilityBatchCommand({QueueUrl, Entries: [...handles.map((entry) => ({...entry, VisibilityTimeout: 60})), {Id: 'bad', ReceiptHandle: 'nope', VisibilityTimeout: 5}]}))
  expectOutputMatchesModel('sqs', 'ChangeMessageVisibilityBatch', changed)
  expect(changed.Failed).toEqual([{Id: 'bad', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'The input receipt handle "nope" is not a valid receipt handle.'}])
  const deleted = await sqs.send(new DeleteMessageBatchCommand({QueueUrl, Entries: handles}))
  expectOutputMatchesModel('sqs', 'DeleteMessageBatch', deleted)
  expect(deleted.Successful?.map((entry) => entry.Id)).toEqual(['h0', 'h1'])
  expect((await sqs.send(new GetQueueAttributesCommand({QueueUrl, AttributeNames: ['All']}))).Attributes).toMatchObject({ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0'})
})

test('a message received maxReceiveCount times moves to the dead-letter queue on the next receive, keeping its id and body', async () => {
  const dlqUrl = await queue('dlq')
  const QueueUrl = await queue('src', {VisibilityTimeout: '0', RedrivePolicy: JSON.stringify({deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:dlq', maxReceiveCount: 2})})
  const {MessageId} = await sqs.send(new SendMessageCommand({QueueUrl, MessageBody: 'poison'}))
  expect((await sqs.send(new ReceiveMessageCommand({QueueUrl}))).Messages).toHaveLength(1)
  expect((await sqs.send(new ReceiveMessageCommand({QueueUrl}))).Messages).toHaveLength(1)
  expect((await sqs.send(new ReceiveMessageCommand({QueueUrl}))).Messages).toBeUndefined()
  const dead = await sqs.send(new ReceiveMessageCommand({QueueUrl: dlqUrl, MessageSystemAttributeNames: ['All']}))
  expect(dead.Messages?.[0]).toMatchObject({MessageId, Body: 'poison'})
  expect(dead.Messages?.[0]?.Attributes?.DeadLetterQueueSourceArn).toBe('arn:aws:sqs:us-east-1:000000000000:src')
})

test('FIFO: MessageGroupId required, deduplication within 5 minutes, sequence numbers, and a group waits while a message of it is in flight', async () => {
  const QueueUrl = await queue('o.fifo', {FifoQueue: 'true'})
  const noGroup = await rejectionOf(sqs.send(new SendMessageCommand({QueueUrl, MessageBody: 'x', MessageDeduplicationId: 'd'})))
  expect(noGroup.Code).toBe('MissingParameter')
  expect(noGroup.message).toBe('The request must contain the parameter MessageGroupId.')
  const noDedup = await rejectionOf(sqs.send(new SendMessageCommand({QueueUrl, MessageBody: 'x', MessageGroupId: 'g'})))
  expect(noDedup.message).toBe('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly')

  const a1 = await sqs.send(new SendMessageCommand({QueueUrl, MessageBody: 'a1', MessageGroupId: 'a', MessageDeduplicationId: '1'}))
  const dup = await sqs.send(new SendMessageCommand({QueueUrl, MessageBody: 'a1 again', MessageGroupId: 'a', MessageDeduplicationId: '1'}))
  expect(dup.MessageId).toBe(a1.MessageId)
  const a2 = await sqs.send(new SendMessageCommand({QueueUrl, MessageBody: 'a2', MessageGroupId: 'a', MessageDeduplicationId: '2'}))
  await sqs.send(new SendMessageCommand({QueueUrl, MessageBody: 'b1', MessageGroupId: 'b', MessageDeduplicationId: '3'}))
  expect(BigInt(a2.SequenceNumber ?? '0')).toBeGreaterThan(BigInt(a1.SequenceNumber ?? '0'))
  expect(a1.SequenceNumber).toMatch(/^\d{20}$/)

  const first = await sqs.send(new ReceiveMessageCommand({QueueUrl, MaxNumberOfMessages: 1}))
  expect(first.Messages?.map((message) => message.Body)).toEqual(['a1'])
  // Group a has a1 in flight: only b is deliverable now.
  const second = await sqs.send(new ReceiveMessageCommand({QueueUrl, MaxNumberOfMessages: 10}))
  expect(second.Messages?.map((message) => message.Body)).toEqual(['b1'])
  await sqs.send(new DeleteMessageCommand({QueueUrl, ReceiptHandle: first.Messages?.[0]?.ReceiptHandle}))
  const third = await sqs.send(new ReceiveMessageCommand({QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All']}))
  expect(third.Messages?.map((message) => message.Body)).toEqual(['a2'])
  expect(third.Messages?.[0]?.Attributes).toMatchObject({MessageGroupId: 'a', MessageDeduplicationId: '2', SequenceNumber: a2.SequenceNumber})
  const perMessageDelay = await rejectionOf(sqs.send(new SendMessageCommand({QueueUrl, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: '9', DelaySeconds: 5})))
  expect(perMessageDelay.message).toBe('Value 5 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.')
})

test('a store shared by two local clouds: a long poll on one answers a message the other sent', async () => {
  const QueueUrl = await queue('shared')
  const {startLocalCloud} = await import('../../../../src/lib/local/server.js')
  const other = await startLocalCloud({storeDir: h.storeDir, settings: {stateDelayMs: 0, sqsPollMs: 20}})
  try {
    const waiting = sqs.send(new ReceiveMessageCommand({QueueUrl, WaitTimeSeconds: 10}))
    await new Promise((resolve) => setTimeout(resolve, 200))
    const {SQSClient} = await import('@aws-sdk/client-sqs')
    const client = new SQSClient({region: 'us-east-1', endpoint: other.endpoint, credentials: {accessKeyId: 'x', secretAccessKey: 'x'}, maxAttempts: 1})
    await client.send(new SendMessageCommand({QueueUrl: `${other.endpoint}/000000000000/shared`, MessageBody: 'from the other one'}))
    client.destroy()
    expect((await waiting).Messages?.map((message) => message.Body)).toEqual(['from the other one'])
  } finally {
    await other.close()
  }
})

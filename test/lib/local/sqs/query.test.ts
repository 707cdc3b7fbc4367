/**
 * The query protocol older clients send (the AWS CLI v1, botocore before 2024): the names of SQS's older
 * query model (checked by hand against botocore 1.29 and Debian's AWS CLI 2.9), XML answers, query error codes.
 */
import {afterEach, beforeEach, expect, test} from 'vitest'

import type {SqsHarness} from './harness.js'
import {startSqs} from './harness.js'

let h: SqsHarness
beforeEach(async () => {
  h = await startSqs()
})
afterEach(async () => h.close())

test('CreateQueue with Attribute.N.Name/Value and Tag.N.Key/Value answers CreateQueueResult', async () => {
  const {status, xml} = await h.query({Action: 'CreateQueue', QueueName: 'legacy', 'Attribute.1.Name': 'VisibilityTimeout', 'Attribute.1.Value': '12', 'Tag.1.Key': 'team', 'Tag.1.Value': 'a'})
  expect(status).toBe(200)
  expect(xml).toContain(`<CreateQueueResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><CreateQueueResult><QueueUrl>${h.cloud.endpoint}/000000000000/legacy</QueueUrl></CreateQueueResult>`)
  const attributes = await h.query({Action: 'GetQueueAttributes', QueueUrl: `${h.cloud.endpoint}/000000000000/legacy`, 'AttributeName.1': 'VisibilityTimeout', 'AttributeName.2': 'QueueArn'})
  expect(attributes.xml).toContain('<GetQueueAttributesResult><Attribute><Name>VisibilityTimeout</Name><Value>12</Value></Attribute><Attribute><Name>QueueArn</Name><Value>arn:aws:sqs:us-east-1:000000000000:legacy</Value></Attribute></GetQueueAttributesResult>')
  const tags = await h.query({Action: 'ListQueueTags', QueueUrl: `${h.cloud.endpoint}/000000000000/legacy`})
  expect(tags.xml).toContain('<ListQueueTagsResult><Tag><Key>team</Key><Value>a</Value></Tag></ListQueueTagsResult>')
})

test('SendMessage with MessageAttribute.N, then ReceiveMessage: flattened <Message>, <Attribute> and <MessageAttribute> elements', async () => {
  const url = `${h.cloud.endpoint}/000000000000/q`
  await h.query({Action: 'CreateQueue', QueueName: 'q'})
  const sent = await h.query({Action: 'SendMessage', QueueUrl: url, MessageBody: 'hi <there>', 'MessageAttribute.1.Name': 'k', 'MessageAttribute.1.Value.DataType': 'String', 'MessageAttribute.1.Value.StringValue': 'v'})
  expect(sent.xml).toMatch(/<SendMessageResult><MD5OfMessageBody>[0-9a-f]{32}<\/MD5OfMessageBody><MD5OfMessageAttributes>[0-9a-f]{32}<\/MD5OfMessageAttributes><MessageId>[0-9a-f-]{36}<\/MessageId><\/SendMessageResult>/)
  const received = await h.query({Action: 'ReceiveMessage', QueueUrl: url, 'AttributeName.1': 'ApproximateReceiveCount', 'MessageAttributeName.1': 'All', MaxNumberOfMessages: '10'})
  expect(received.xml).toContain('<ReceiveMessageResult><Message><MessageId>')
  expect(received.xml).toContain('<Body>hi &lt;there&gt;</Body><Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>')
  expect(received.xml).toContain('<MessageAttribute><Name>k</Name><Value><StringValue>v</StringValue><DataType>String</DataType></Value></MessageAttribute></Message></ReceiveMessageResult>')
})

test('a request posted to the queue URL needs no QueueUrl parameter (SendMessageBatchRequestEntry.N, DeleteMessageBatchRequestEntry.N)', async () => {
  await h.query({Action: 'CreateQueue', QueueName: 'q'})
  const path = '/000000000000/q'
  const batch = await h.query({Action: 'SendMessageBatch', 'SendMessageBatchRequestEntry.1.Id': 'a', 'SendMessageBatchRequestEntry.1.MessageBody': 'one', 'SendMessageBatchRequestEntry.2.Id': 'b', 'SendMessageBatchRequestEntry.2.MessageBody': ''}, path)
  expect(batch.xml).toContain('<SendMessageBatchResult><SendMessageBatchResultEntry><Id>a</Id>')
  expect(batch.xml).toContain('<BatchResultErrorEntry><Id>b</Id><SenderFault>true</SenderFault><Code>MissingParameter</Code>')
  const received = await h.query({Action: 'ReceiveMessage'}, path)
  const handle = /<ReceiptHandle>([^<]+)<\/ReceiptHandle>/.exec(received.xml)?.[1] ?? ''
  const deleted = await h.query({Action: 'DeleteMessageBatch', 'DeleteMessageBatchRequestEntry.1.Id': 'x', 'DeleteMessageBatchRequestEntry.1.ReceiptHandle': handle}, path)
  expect(deleted.xml).toContain('<DeleteMessageBatchResult><DeleteMessageBatchResultEntry><Id>x</Id></DeleteMessageBatchResultEntry></DeleteMessageBatchResult>')
})

test('errors carry the query codes: AWS.SimpleQueueService.NonExistentQueue, MissingParameter, InvalidAction', async () => {
  const missing = await h.query({Action: 'GetQueueUrl', QueueName: 'ghost'})
  expect(missing.status).toBe(400)
  expect(missing.xml).toContain('<Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist.</Message></Error>')
  const noUrl = await h.query({Action: 'SendMessage', MessageBody: 'x'})
  expect(noUrl.xml).toContain('<Code>MissingParameter</Code><Message>The request must contain the parameter QueueUrl.</Message>')
  const unknown = await h.query({Action: 'Frobnicate'})
  expect(unknown.xml).toContain('<Code>InvalidAction</Code>')
})

test('the JSON protocol names the query code of an error in x-amzn-query-error', async () => {
  const response = await fetch(h.cloud.endpoint, {
    method: 'POST',
    headers: {'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.GetQueueUrl', 'x-amzn-query-mode': 'true', authorization: 'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=x'},
    body: JSON.stringify({QueueName: 'ghost'}),
  })
  expect(response.status).toBe(400)
  expect(response.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender')
  expect(await response.json()).toEqual({__type: 'QueueDoesNotExist', message: 'The specified queue does not exist.'})
})

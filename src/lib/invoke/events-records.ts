/**
 * Events that arrive as `Records`, in the shapes AWS documents: SQS and SNS messages, S3 event
 * notifications (eventVersion 2.1), DynamoDB stream records and Kinesis records. Digests and derived
 * fields (SQS md5OfBody, Kinesis eventID, DynamoDB SizeBytes, the S3 bucket ARN) are recomputed after
 * `--set`, so an edited event stays consistent.
 */
import {createHash, randomInt} from 'node:crypto'

import type {SampleEvent} from './event-formats.js'
import {digits, hex, isoSeconds} from './event-formats.js'

type EventRecord = Record<string, unknown>

function records(event: Record<string, unknown>): EventRecord[] {
  return Array.isArray(event.Records) ? (event.Records as EventRecord[]).filter((r) => typeof r === 'object' && r !== null) : []
}

/** An IAM unique id (AIDA…, AROA…): 21 upper-case letters and digits. */
function principalId(prefix: string): string {
  return `${prefix}${hex(9).toUpperCase().replace(/[^A-Z0-9]/g, 'X')}`.slice(0, 21)
}

export const sqs: SampleEvent = {
  name: 'sqs',
  description: 'SQS message delivered by an event source mapping',
  build(context) {
    const body = JSON.stringify({orderId: randomInt(1000, 9999), status: 'created'})
    const sent = context.now.getTime()
    return {
      Records: [{
        messageId: context.uuid(),
        receiptHandle: `AQEB${Buffer.from(hex(96), 'hex').toString('base64')}`,
        body,
        attributes: {ApproximateReceiveCount: '1', SentTimestamp: String(sent - 120), SenderId: principalId('AIDA'), ApproximateFirstReceiveTimestamp: String(sent)},
        messageAttributes: {},
        md5OfBody: md5(body),
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${context.region}:${context.accountId}:my-queue`,
        awsRegion: context.region,
      }],
    }
  },
  fix(event) {
    for (const record of records(event)) if (typeof record.body === 'string') record.md5OfBody = md5(record.body)
  },
}

export const sns: SampleEvent = {
  name: 'sns',
  description: 'SNS notification delivered to a subscribed function',
  build(context) {
    const topicArn = `arn:aws:sns:${context.region}:${context.accountId}:my-topic`
    const subscriptionArn = `${topicArn}:${context.uuid()}`
    return {
      Records: [{
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: 'Notification',
          MessageId: context.uuid(),
          TopicArn: topicArn,
          Subject: 'Hello',
          Message: JSON.stringify({orderId: randomInt(1000, 9999), status: 'created'}),
          Timestamp: context.now.toISOString(),
          SignatureVersion: '1',
          Signature: Buffer.from(hex(128), 'hex').toString('base64'),
          SigningCertUrl: `https://sns.${context.region}.amazonaws.com/SimpleNotificationService-${hex(16)}.pem`,
          UnsubscribeUrl: `https://sns.${context.region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
          MessageAttributes: {},
        },
      }],
    }
  },
}

export const s3: SampleEvent = {
  name: 's3',
  description: 'S3 event notification (ObjectCreated:Put)',
  build(context) {
    const bucket = `my-bucket-${context.accountId}`
    const body = hex(16)
    return {
      Records: [{
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: context.region,
        eventTime: context.now.toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: {principalId: `AWS:${principalId('AIDA')}`},
        requestParameters: {sourceIPAddress: '203.0.113.10'},
        responseElements: {'x-amz-request-id': hex(8).toUpperCase(), 'x-amz-id-2': Buffer.from(hex(48), 'hex').toString('base64')},
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: context.uuid(),
          bucket: {name: bucket, ownerIdentity: {principalId: principalId('A').slice(0, 14)}, arn: `arn:aws:s3:::${bucket}`},
          object: {key: 'uploads/photo.jpg', size: 1024, eTag: md5(body), sequencer: hex(9).toUpperCase()},
        },
      }],
    }
  },
  fix(event) {
    for (const record of records(event)) {
      const bucket = (record.s3 as {bucket?: Record<string, unknown>} | undefined)?.bucket
      if (bucket && typeof bucket.name === 'string') bucket.arn = `arn:aws:s3:::${bucket.name}`
    }
  },
}

export const dynamodb: SampleEvent = {
  name: 'dynamodb',
  description: 'DynamoDB stream record (INSERT, NEW_AND_OLD_IMAGES)',
  build(context) {
    const id = String(randomInt(100, 999))
    const dynamo = {
      ApproximateCreationDateTime: Math.floor(context.now.getTime() / 1000),
      Keys: {Id: {N: id}},
      NewImage: {Id: {N: id}, Message: {S: 'New item!'}},
      SequenceNumber: digits(21),
      SizeBytes: 0,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    }
    dynamo.SizeBytes = imageSize(dynamo)
    return {
      Records: [{
        eventID: hex(16),
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: context.region,
        dynamodb: dynamo,
        eventSourceARN: `arn:aws:dynamodb:${context.region}:${context.accountId}:table/my-table/stream/${isoSeconds(context.now).replace('Z', '.000')}`,
      }],
    }
  },
  fix(event) {
    for (const record of records(event)) {
      const dynamo = record.dynamodb as Record<string, unknown> | undefined
      if (dynamo) dynamo.SizeBytes = imageSize(dynamo)
    }
  },
}

export const kinesis: SampleEvent = {
  name: 'kinesis',
  description: 'Kinesis Data Streams record',
  build(context) {
    const sequenceNumber = digits(56)
    return {
      Records: [{
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: context.uuid(),
          sequenceNumber,
          data: Buffer.from(JSON.stringify({orderId: randomInt(1000, 9999), status: 'created'})).toString('base64'),
          approximateArrivalTimestamp: context.now.getTime() / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: `arn:aws:iam::${context.accountId}:role/lambda-kinesis-role`,
        awsRegion: context.region,
        eventSourceARN: `arn:aws:kinesis:${context.region}:${context.accountId}:stream/my-stream`,
      }],
    }
  },
  fix(event) {
    for (const record of records(event)) {
      const data = record.kinesis as Record<string, unknown> | undefined
      const shard = typeof record.eventID === 'string' ? record.eventID.split(':')[0] : 'shardId-000000000000'
      if (data && typeof data.sequenceNumber === 'string') record.eventID = `${shard}:${data.sequenceNumber}`
    }
  },
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex')
}

/** DynamoDB's SizeBytes: the item's keys and images as stored; the JSON length is a fair stand-in. */
function imageSize(dynamo: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify([dynamo.Keys, dynamo.NewImage, dynamo.OldImage].filter(Boolean)))
}

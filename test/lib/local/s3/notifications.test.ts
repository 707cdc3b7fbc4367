import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {AddPermissionCommand, CreateAliasCommand, CreateFunctionCommand, PublishVersionCommand, RemovePermissionCommand} from '@aws-sdk/client-lambda'
import type {LambdaClient} from '@aws-sdk/client-lambda'
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import type {NotificationConfiguration} from '@aws-sdk/client-s3'
import {afterEach, beforeEach, describe, expect, test} from 'vitest'

import {tempDir} from '../../../helpers/cli.js'
import {expectOutputMatchesModel} from '../../../helpers/model.js'
import type {LambdaHarness} from '../lambda/harness.js'
import {rejectionOf, ROLE, startLambda, zipOf} from '../lambda/harness.js'

let h: LambdaHarness
let lambda: LambdaClient
let s3: S3Client
let events: {dir: string; cleanup: () => Promise<void>}
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:on-upload'

/** A handler that appends every event it gets to a file, one JSON line each. */
async function createRecorder(name = 'on-upload'): Promise<string> {
  const file = path.join(events.dir, `${name}.jsonl`)
  const code = await zipOf({'index.mjs': "import {appendFileSync} from 'node:fs'\nexport const handler = async (event) => { appendFileSync(process.env.EVENTS, JSON.stringify(event) + '\\n'); return 'ok' }\n"})
  await lambda.send(new CreateFunctionCommand({FunctionName: name, Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: code}, Environment: {Variables: {EVENTS: file}}}))
  return file
}

function allowS3(name = 'on-upload', bucket = 'uploads', extra: {Qualifier?: string; SourceAccount?: string} = {}): Promise<unknown> {
  return lambda.send(new AddPermissionCommand({FunctionName: name, StatementId: `s3-${bucket}`, Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: `arn:aws:s3:::${bucket}`, SourceAccount: '000000000000', ...extra}))
}

/** One S3 event record as the handler received it. */
interface S3Record {
  readonly eventName: string
  readonly eventTime: string
  readonly s3: {readonly configurationId: string; readonly object: {readonly key: string} & Record<string, unknown>}
}

/** Waits until Lambda's queue of Event invocations is empty, then reads what the handler recorded. */
async function delivered(file: string): Promise<{Records: S3Record[]}[]> {
  for (let i = 0; i < 400 && (await h.cloud.store.list('lambda-async-queue')).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 25))
  const text = await readFile(file, 'utf8').catch(() => '')
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as {Records: S3Record[]})
}

beforeEach(async () => {
  h = await startLambda({asyncRetryMs: 50})
  lambda = h.lambda()
  s3 = new S3Client({region: 'us-east-1', endpoint: h.cloud.endpoint, forcePathStyle: true, credentials: {accessKeyId: 'sling-local', secretAccessKey: 'sling-local'}, maxAttempts: 1})
  events = await tempDir('sling-s3-events-')
  await s3.send(new CreateBucketCommand({Bucket: 'uploads'}))
})
afterEach(async () => {
  s3.destroy()
  await h.close()
  await events.cleanup()
})

describe('configuration', () => {
  test('put and get round-trip every destination kind, naming unnamed configurations; an empty configuration removes them', async () => {
    await createRecorder()
    await allowS3()
    const empty = await s3.send(new GetBucketNotificationConfigurationCommand({Bucket: 'uploads'}))
    expectOutputMatchesModel('s3', 'GetBucketNotificationConfiguration', empty)
    expect(empty.LambdaFunctionConfigurations).toBeUndefined()

    const config: NotificationConfiguration = {
      LambdaFunctionConfigurations: [
        {Id: 'images', LambdaFunctionArn: ARN, Events: ['s3:ObjectCreated:*'], Filter: {Key: {FilterRules: [{Name: 'prefix', Value: 'images/'}, {Name: 'suffix', Value: '.png'}]}}},
        {LambdaFunctionArn: ARN, Events: ['s3:ObjectRemoved:*']},
      ],
      QueueConfigurations: [{Id: 'docs', QueueArn: 'arn:aws:sqs:us-east-1:000000000000:docs', Events: ['s3:ObjectCreated:Put'], Filter: {Key: {FilterRules: [{Name: 'prefix', Value: 'docs/'}]}}}],
      TopicConfigurations: [{Id: 'audit', TopicArn: 'arn:aws:sns:us-east-1:000000000000:audit', Events: ['s3:ObjectRestore:Completed']}],
      EventBridgeConfiguration: {},
    }
    await s3.send(new PutBucketNotificationConfigurationCommand({Bucket: 'uploads', NotificationConfiguration: config}))
    const got = await s3.send(new GetBucketNotificationConfigurationCommand({Bucket: 'uploads'}))
    // S3 answers filter rule names capitalised ("Prefix", "Suffix") although the model's enum is lower case:
    // the rest of the answer must match the model.
    const lowered = JSON.parse(JSON.stringify(got).replaceAll('"Name":"Prefix"', '"Name":"prefix"').replaceAll('"Name":"Suffix"', '"Name":"suffix"')) as unknown
    expectOutputMatchesModel('s3', 'GetBucketNotificationConfiguration', lowered)
    expect(got.LambdaFunctionConfigurations).toHaveLength(2)
    // S3 writes filter rule names capitalised and names an unnamed configuration (a base64 UUID).
    expect(got.LambdaFunctionConfigurations?.[0]).toEqual({Id: 'images', LambdaFunctionArn: ARN, Events: ['s3:ObjectCreated:*'], Filter: {Key: {FilterRules: [{Name: 'Prefix', Value: 'images/'}, {Name: 'Suffix', Value: '.png'}]}}})
    expect(Buffer.from(got.LambdaFunctionConfigurations?.[1]?.Id ?? '', 'base64').toString()).toMatch(/^[0-9a-f-]{36}$/)
    expect(got.QueueConfigurations).toEqual(config.QueueConfigurations?.map((queue) => ({...queue, Filter: {Key: {FilterRules: [{Name: 'Prefix', Value: 'docs/'}]}}})))
    expect(got.TopicConfigurations).toEqual(config.TopicConfigurations)
    expect(got.EventBridgeConfiguration).toEqual({})

    await s3.send(new PutBucketNotificationConfigurationCommand({Bucket: 'uploads', NotificationConfiguration: {}}))
    const cleared = await s3.send(new GetBucketNotificationConfigurationCommand({Bucket: 'uploads'}))
    expect([cleared.LambdaFunctionConfigurations, cleared.QueueConfigurations, cleared.TopicConfigurations, cleared.EventBridgeConfiguration]).toEqual([undefined, undefined, undefined, undefined])
  })

  test('a read-modify-write through the SDK keeps the configuration already on the bucket', async () => {
    await createRecorder()
    await createRecorder('thumbnails')
    await allowS3()
    await allowS3('thumbnails')
    await s3.send(new PutBucketNotificationConfigurationCommand({Bucket: 'uploads', NotificationConfiguration: {LambdaFunctionConfigurations: [{Id: 'theirs', LambdaFunctionArn: ARN, Events: ['s3:ObjectRemoved:*']}]}}))

    const {$metadata: _metadata, ...current} = await s3.send(new GetBucketNotificationConfigurationCommand({Bucket: 'uploads'}))
    const mine = {Id: 'mine', LambdaFunctionArn: `${ARN.replace('on-upload', 'thumbnails')}`, Events: ['s3:ObjectCreated:*' as const]}
    await s3.send(new PutBucketNotificationConfigurationCommand({Bucket: 'uploads', NotificationConfiguration: {...current, LambdaFunctionConfigurations: [...(current.LambdaFunctionConfigurations ?? []), mine]}}))
    const merged = await s3.send(new GetBucketNotificationConfigurationCommand({Bucket: 'uploads'}))
    expect(merged.LambdaFunctionConfigurations?.map((config) => config.Id)).toEqual(['theirs', 'mine'])
  })

  test('S3 checks each Lambda destination when the configuration is put: its policy must let s3.amazonaws.com invoke it for this bucket', async () => {
    await createRecorder()
    const put = (arn = ARN, headers: Record<string, string> = {}): Promise<Response> =>
      fetch(`${h.cloud.endpoint}/uploads?notification`, {
        method: 'PUT',
        headers,
        body: `<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CloudFunctionConfiguration><CloudFunction>${arn}</CloudFunction><Event>s3:ObjectCreated:*</Event></CloudFunctionConfiguration></NotificationConfiguration>`,
      })
    // No permission at all, then one for another bucket: refused, naming the destination as S3 does.
    for (const setup of [() => Promise.resolve(), () => allowS3('on-upload', 'other-bucket')]) {
      await setup()
      const refused = await put()
      expect(refused.status).toBe(400)
      const xml = await refused.text()
      expect(xml).toContain('<Code>InvalidArgument</Code><Message>Unable to validate the following destination configurations</Message>')
      expect(xml).toContain(`<ArgumentName1>${ARN}, null</ArgumentName1><ArgumentValue1>Not authorized to invoke function [${ARN}]</ArgumentValue1>`)
    }
    // A function that doesn't exist can't allow anything; skipping the validation stores it anyway.
    expect((await put(`${ARN}-ghost`)).status).toBe(400)
    expect((await put(`${ARN}-ghost`, {'x-amz-skip-destination-validation': 'true'})).status).toBe(200)

    await allowS3()
    expect((await put()).status).toBe(200)
    // A qualified ARN is checked against that qualifier's policy.
    await lambda.send(new PublishVersionCommand({FunctionName: 'on-upload'}))
    await lambda.send(new CreateAliasCommand({FunctionName: 'on-upload', Name: 'live', FunctionVersion: '1'}))
    expect((await put(`${ARN}:live`)).status).toBe(400)
    await allowS3('on-upload', 'uploads', {Qualifier: 'live'})
    expect((await put(`${ARN}:live`)).status).toBe(200)
  })

  test('refusals: overlapping configurations, unknown events and filter names, another region, a missing bucket', async () => {
    await createRecorder()
    await allowS3()
    const cases: [NotificationConfiguration, string, string][] = [
      [{LambdaFunctionConfigurations: [{LambdaFunctionArn: ARN, Events: ['s3:ObjectCreated:*']}, {LambdaFunctionArn: ARN, Events: ['s3:ObjectCreated:Put']}]}, 'InvalidArgument', 'Configurations overlap. Configurations on the same bucket cannot share a common event type.'],
      [
        {
          LambdaFunctionConfigurations: [
            {LambdaFunctionArn: ARN, Events: ['s3:ObjectCreated:*'], Filter: {Key: {FilterRules: [{Name: 'prefix', Value: 'images/'}]}}},
            {LambdaFunctionArn: ARN, Events: ['s3:ObjectCreated:Put'], Filter: {Key: {FilterRules: [{Name: 'prefix', Value: 'images/raw/'}]}}},
          ],
        },
        'InvalidArgument',
        'Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type.',
      ],
      [{LambdaFunctionConfigurations: [{LambdaFunctionArn: ARN, Events: ['s3:ObjectCreated:Everything' as 's3:ObjectCreated:*']}]}, 'InvalidArgument', 'The event is not supported for notifications'],
      [{LambdaFunctionConfigurations: [{LambdaFunctionArn: ARN, Events: ['s3:ObjectCreated:*'], Filter: {Key: {FilterRules: [{Name: 'middle' as 'prefix', Value: 'x'}]}}}]}, 'InvalidArgument', 'filter rule name must be either prefix or suffix'],
      [{LambdaFunctionConfigurations: [{LambdaFunctionArn: ARN.replace('us-east-1', 'eu-west-1'), Events: ['s3:ObjectCreated:*']}]}, 'InvalidArgument', 'The notification destination service region is not valid for the bucket location constraint'],
      [{LambdaFunctionConfigurations: [{Id: 'same', LambdaFunctionArn: ARN, Events: ['s3:ObjectCreated:*']}, {Id: 'same', LambdaFunctionArn: ARN, Events: ['s3:ObjectRemoved:*']}]}, 'InvalidArgument', 'Same ID used for multiple configurations. IDs must be unique.'],
    ]
    for (const [config, name, message] of cases) {
      const error = await rejectionOf(s3.send(new PutBucketNotificationConfigurationCommand({Bucket: 'uploads', NotificationConfiguration: config})))
      expect([error.name, error.message, error.$metadata?.httpStatusCode]).toEqual([name, message, 400])
    }
    // Disjoint prefixes may share event types.
    const disjoint = ['images/', 'docs/'].map((Value) => ({LambdaFunctionArn: ARN, Events: ['s3:ObjectCreated:*' as const], Filter: {Key: {FilterRules: [{Name: 'prefix' as const, Value}]}}}))
    await s3.send(new PutBucketNotificationConfigurationCommand({Bucket: 'uploads', NotificationConfiguration: {LambdaFunctionConfigurations: disjoint}}))
    const missing = await rejectionOf(s3.send(new GetBucketNotificationConfigurationCommand({Bucket: 'nope'})))
    expect([missing.name, missing.$metadata?.httpStatusCode]).toEqual(['NoSuchBucket', 404])
  })
})

describe('delivery', () => {
  test('PutObject, CopyObject, CompleteMultipartUpload and DeleteObject(s) invoke the function with the S3 event, honouring event types and the prefix filter', async () => {
    const file = await createRecorder()
    await allowS3()
    const config: NotificationConfiguration = {
      LambdaFunctionConfigurations: [
        {Id: 'created', LambdaFunctionArn: ARN, Events: ['s3:ObjectCreated:*'], Filter: {Key: {FilterRules: [{Name: 'prefix', Value: 'in/'}]}}},
        {Id: 'removed', LambdaFunctionArn: ARN, Events: ['s3:ObjectRemoved:Delete'], Filter: {Key: {FilterRules: [{Name: 'prefix', Value: 'in/'}]}}},
      ],
    }
    await s3.send(new PutBucketNotificationConfigurationCommand({Bucket: 'uploads', NotificationConfiguration: config}))

    const put = await s3.send(new PutObjectCommand({Bucket: 'uploads', Key: 'in/My photo (1).png', Body: 'hello'}))
    await s3.send(new PutObjectCommand({Bucket: 'uploads', Key: 'elsewhere/skipped.png', Body: 'no event'}))
    await s3.send(new CopyObjectCommand({Bucket: 'uploads', Key: 'in/copy.png', CopySource: 'uploads/elsewhere/skipped.png'}))
    const {UploadId} = await s3.send(new CreateMultipartUploadCommand({Bucket: 'uploads', Key: 'in/big.bin'}))
    const part = await s3.send(new UploadPartCommand({Bucket: 'uploads', Key: 'in/big.bin', UploadId, PartNumber: 1, Body: 'tiny'}))
    await s3.send(new CompleteMultipartUploadCommand({Bucket: 'uploads', Key: 'in/big.bin', UploadId, MultipartUpload: {Parts: [{ETag: part.ETag, PartNumber: 1}]}}))
    await s3.send(new DeleteObjectCommand({Bucket: 'uploads', Key: 'in/copy.png'}))
    await s3.send(new DeleteObjectsCommand({Bucket: 'uploads', Delete: {Objects: [{Key: 'in/big.bin'}, {Key: 'elsewhere/skipped.png'}]}}))

    const records = (await delivered(file)).map((event) => {
      expect(event.Records).toHaveLength(1)
      return event.Records[0] as S3Record
    })
    const seen = records.map((record) => [record.eventName, record.s3.object.key, record.s3.configurationId]).sort()
    expect(seen).toEqual(
      [
        ['ObjectCreated:Put', 'in/My+photo+%281%29.png', 'created'],
        ['ObjectCreated:Copy', 'in/copy.png', 'created'],
        ['ObjectCreated:CompleteMultipartUpload', 'in/big.bin', 'created'],
        ['ObjectRemoved:Delete', 'in/copy.png', 'removed'],
        ['ObjectRemoved:Delete', 'in/big.bin', 'removed'],
      ].sort(),
    )
    const first = records.find((record) => record.eventName === 'ObjectCreated:Put')
    expect(first).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      userIdentity: {principalId: expect.stringMatching(/^AWS:/)},
      requestParameters: {sourceIPAddress: '127.0.0.1'},
      responseElements: {'x-amz-request-id': expect.any(String), 'x-amz-id-2': expect.any(String)},
      s3: {s3SchemaVersion: '1.0', bucket: {name: 'uploads', ownerIdentity: {principalId: expect.any(String)}, arn: 'arn:aws:s3:::uploads'}, object: {size: 5, eTag: put.ETag?.replaceAll('"', ''), sequencer: expect.stringMatching(/^[0-9A-F]+$/)}},
    })
    expect(Date.parse(first?.eventTime ?? '')).not.toBeNaN()
    const removed = records.find((record) => record.eventName === 'ObjectRemoved:Delete')
    expect(Object.keys(removed?.s3.object ?? {}).sort()).toEqual(['key', 'sequencer'])
  })

  test('a destination whose permission was removed after the configuration was put gets nothing', async () => {
    const file = await createRecorder()
    await allowS3()
    await s3.send(new PutBucketNotificationConfigurationCommand({Bucket: 'uploads', NotificationConfiguration: {LambdaFunctionConfigurations: [{LambdaFunctionArn: ARN, Events: ['s3:ObjectCreated:Put']}]}}))
    await lambda.send(new RemovePermissionCommand({FunctionName: 'on-upload', StatementId: 's3-uploads'}))
    await s3.send(new PutObjectCommand({Bucket: 'uploads', Key: 'late.txt', Body: 'x'}))
    await allowS3()
    await s3.send(new PutObjectCommand({Bucket: 'uploads', Key: 'allowed.txt', Body: 'x'}))
    expect((await delivered(file)).map((event) => event.Records[0]?.s3.object.key)).toEqual(['allowed.txt'])
  })
})

import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {AddPermissionCommand, CreateFunctionCommand, waitUntilFunctionActiveV2} from '@aws-sdk/client-lambda'
import type {LambdaClient} from '@aws-sdk/client-lambda'
import {CreateBucketCommand, GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand} from '@aws-sdk/client-s3'
import {afterEach, expect, test} from 'vitest'

import {createAwsClients} from '../../src/lib/aws/clients.js'
import {zipOf} from '../helpers/aws.js'
import {tempDir} from '../helpers/cli.js'
import {serve} from './local-serve-helper.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

// Another account's role: the local cloud checks only its own account's roles against its IAM.
const ROLE = 'arn:aws:iam::123456789012:role/notified'
const arn = (name: string): string => `arn:aws:lambda:us-east-1:000000000000:function:${name}`

/** A function that appends each event it gets to `file`, allowed to be invoked by S3 for the bucket. */
async function recorder(lambda: LambdaClient, name: string, file: string): Promise<void> {
  const code = await zipOf({'index.mjs': "import {appendFileSync} from 'node:fs'\nexport const handler = async (event) => { appendFileSync(process.env.EVENTS, JSON.stringify(event) + '\\n') }\n"})
  await lambda.send(new CreateFunctionCommand({FunctionName: name, Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: code}, Environment: {Variables: {EVENTS: file}}}))
  await waitUntilFunctionActiveV2({client: lambda, maxWaitTime: 30, minDelay: 1}, {FunctionName: name})
  await lambda.send(new AddPermissionCommand({FunctionName: name, StatementId: 's3-uploads', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::uploads', SourceAccount: '000000000000'}))
}

/** The events `file` holds once it holds `count` (waiting up to 20 s). */
async function eventsIn(file: string, count: number): Promise<{Records: {eventName: string; s3: {configurationId: string; object: {key: string}}}[]}[]> {
  let lines: string[] = []
  for (let i = 0; i < 400 && lines.length < count; i++) {
    lines = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean)
    if (lines.length < count) await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return lines.map((line) => JSON.parse(line) as Awaited<ReturnType<typeof eventsIn>>[number])
}

test('an S3 notification on PutObject invokes the function with the S3 event, its prefix filter holds, and a configuration already on the bucket survives a read-modify-write', async () => {
  const {dir, cleanup} = await tempDir('sling-s3-notify-e2e-')
  cleanups.push(cleanup)
  await serve(['--port', '0', '--store', path.join(dir, 'store')], cleanups)
  const clients = await createAwsClients({local: true, localStore: path.join(dir, 'store')})
  cleanups.push(() => clients.close())
  const [lambda, s3] = [await clients.lambda(), await clients.s3()]
  await recorder(lambda, 'ingest', path.join(dir, 'ingest.jsonl'))
  await recorder(lambda, 'audit', path.join(dir, 'audit.jsonl'))
  await s3.send(new CreateBucketCommand({Bucket: 'uploads'}))

  // Someone else's notification is on the bucket first.
  await s3.send(new PutBucketNotificationConfigurationCommand({Bucket: 'uploads', NotificationConfiguration: {LambdaFunctionConfigurations: [{Id: 'audit-removals', LambdaFunctionArn: arn('audit'), Events: ['s3:ObjectRemoved:*']}]}}))
  // Ours is merged in: S3 replaces the whole configuration, so read, add, write.
  const {$metadata: _metadata, ...current} = await s3.send(new GetBucketNotificationConfigurationCommand({Bucket: 'uploads'}))
  const ours = {Id: 'ingest-incoming', LambdaFunctionArn: arn('ingest'), Events: ['s3:ObjectCreated:*' as const], Filter: {Key: {FilterRules: [{Name: 'prefix' as const, Value: 'incoming/'}]}}}
  await s3.send(new PutBucketNotificationConfigurationCommand({Bucket: 'uploads', NotificationConfiguration: {...current, LambdaFunctionConfigurations: [...(current.LambdaFunctionConfigurations ?? []), ours]}}))
  const merged = await s3.send(new GetBucketNotificationConfigurationCommand({Bucket: 'uploads'}))
  expect(merged.LambdaFunctionConfigurations?.map((config) => [config.Id, config.LambdaFunctionArn])).toEqual([
    ['audit-removals', arn('audit')],
    ['ingest-incoming', arn('ingest')],
  ])

  await s3.send(new PutObjectCommand({Bucket: 'uploads', Key: 'incoming/a.csv', Body: 'a,b\n'}))
  await s3.send(new PutObjectCommand({Bucket: 'uploads', Key: 'elsewhere/b.csv', Body: 'not for ingest'}))
  await s3.send(new PutObjectCommand({Bucket: 'uploads', Key: 'incoming/c.csv', Body: 'c\n'}))
  const events = await eventsIn(path.join(dir, 'ingest.jsonl'), 2)
  expect(events.map((event) => [event.Records[0]?.eventName, event.Records[0]?.s3.configurationId, event.Records[0]?.s3.object.key]).sort()).toEqual([
    ['ObjectCreated:Put', 'ingest-incoming', 'incoming/a.csv'],
    ['ObjectCreated:Put', 'ingest-incoming', 'incoming/c.csv'],
  ])
  expect(events[0]?.Records[0]).toMatchObject({eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'us-east-1', s3: {bucket: {name: 'uploads', arn: 'arn:aws:s3:::uploads'}}})
})

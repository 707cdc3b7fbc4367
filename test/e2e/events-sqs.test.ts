/**
 * `sling events` against the local cloud, end to end: the built CLI attaches an SQS queue to a function that
 * `sling local serve` (its own process) really delivers to; messages are sent with the AWS SDK.
 */
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {CreateEventSourceMappingCommand, CreateFunctionCommand, LambdaClient, ListEventSourceMappingsCommand, waitUntilFunctionActiveV2} from '@aws-sdk/client-lambda'
import {CreateQueueCommand, SendMessageBatchCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterEach, expect, test} from 'vitest'

import {zipOf} from '../helpers/aws.js'
import {runCli, tempDir} from '../helpers/cli.js'
import {serve} from './local-serve-helper.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const ROLE = 'arn:aws:iam::123456789012:role/lambda-role'
const QUEUE_ARN = (name: string): string => `arn:aws:sqs:us-east-1:000000000000:${name}`

interface Cloud {
  readonly sqs: SQSClient
  readonly lambda: LambdaClient
  readonly dir: string
  sling(args: readonly string[]): ReturnType<typeof runCli>
}

async function cloud(): Promise<Cloud> {
  const temp = await tempDir('sling-e2e-events-')
  cleanups.push(temp.cleanup)
  const served = await serve(['--port', '0', '--store', path.join(temp.dir, 'store'), '--state-delay', '50'], cleanups, {SLING_LOCAL_SQS_POLL_MS: '25'})
  const config = {region: 'us-east-1', endpoint: served.info.endpoint, credentials: {accessKeyId: 'x', secretAccessKey: 'x'}, maxAttempts: 1}
  const sqs = new SQSClient(config)
  const lambda = new LambdaClient(config)
  cleanups.push(() => Promise.resolve(sqs.destroy()), () => Promise.resolve(lambda.destroy()))
  const env = {AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'}
  return {sqs, lambda, dir: temp.dir, sling: (args) => runCli([...args, '--endpoint-url', served.info.endpoint], {cwd: temp.dir, env})}
}

/** A function that appends the bodies of each batch it gets to a file; returns the file. */
async function recorder(c: Cloud, name: string): Promise<string> {
  const out = path.join(c.dir, `${name}.jsonl`)
  const source = `const fs = require('fs')\nexports.handler = async (event) => { fs.appendFileSync(${JSON.stringify(out)}, JSON.stringify(event.Records.map((r) => r.body)) + '\\n'); return {} }`
  await c.lambda.send(new CreateFunctionCommand({FunctionName: name, Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Timeout: 3, Code: {ZipFile: await zipOf({'index.js': source})}}))
  await waitUntilFunctionActiveV2({client: c.lambda, maxWaitTime: 30, minDelay: 1}, {FunctionName: name})
  return out
}

async function batchesIn(file: string, messages: number): Promise<string[][]> {
  let batches: string[][] = []
  for (let i = 0; i < 400 && batches.flat().length < messages; i++) {
    batches = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as string[])
    if (batches.flat().length < messages) await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return batches
}

test('events attach maps a queue (waiting until Enabled); the function gets the messages in batches; attach twice keeps one mapping; list, disable, enable, detach', async () => {
  const c = await cloud()
  const out = await recorder(c, 'worker')
  await c.sqs.send(new CreateQueueCommand({QueueName: 'orders', Attributes: {VisibilityTimeout: '5'}}))

  const attached = await c.sling(['events', 'attach', 'worker', 'sqs:orders', '--batch-size', '3', '--json'])
  expect(attached.stderr).toContain('Mapping sqs:orders to worker')
  expect(attached.code).toBe(0)
  const result = JSON.parse(attached.stdout) as {status: string; mapping: {uuid: string; state: string; batchSize: number; managedBy: string}}
  expect(result).toMatchObject({status: 'created', kind: 'mapping', mapping: {source: 'sqs:orders', state: 'Enabled', batchSize: 3, managedBy: 'sling-cli'}})

  const bodies = Array.from({length: 7}, (_, i) => `m${i}`)
  await c.sqs.send(new SendMessageBatchCommand({QueueUrl: (await queueUrl(c, 'orders')), Entries: bodies.map((body, i) => ({Id: String(i), MessageBody: body}))}))
  const batches = await batchesIn(out, bodies.length)
  expect(batches.flat().sort()).toEqual(bodies)
  expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(3)

  const again = await c.sling(['events', 'attach', 'worker', 'sqs:orders', '--batch-size', '2'])
  expect(again.code).toBe(0)
  expect(again.stdout).toContain(`Updated sqs:orders → worker (mapping ${result.mapping.uuid}): Enabled, batch size 2.`)
  const {EventSourceMappings: mappings = []} = await c.lambda.send(new ListEventSourceMappingsCommand({EventSourceArn: QUEUE_ARN('orders')}))
  expect(mappings.map((m) => [m.UUID, m.BatchSize])).toEqual([[result.mapping.uuid, 2]])

  const listed = await c.sling(['events', 'list', 'worker'])
  expect(listed.stdout.trim().split('\t')).toEqual(['sqs:orders', '', 'Enabled', '2', '0', expect.stringMatching(/^(OK|No records processed)$/), 'sling-cli', result.mapping.uuid])

  const disabled = await c.sling(['events', 'disable', 'worker', 'sqs:orders', '--json'])
  expect(JSON.parse(disabled.stdout)).toMatchObject({status: 'updated', mapping: {state: 'Disabled'}})
  const enabled = await c.sling(['events', 'enable', 'worker', result.mapping.uuid, '--json'])
  expect(JSON.parse(enabled.stdout)).toMatchObject({status: 'updated', mapping: {state: 'Enabled'}})

  const detached = await c.sling(['events', 'detach', 'worker', 'sqs:orders'])
  expect(detached.code).toBe(0)
  expect(detached.stdout).toContain(`Detached sqs:orders from worker (mapping ${result.mapping.uuid}).`)
  const after = await c.lambda.send(new ListEventSourceMappingsCommand({EventSourceArn: QUEUE_ARN('orders')}))
  expect(after.EventSourceMappings).toEqual([])
  const empty = await c.sling(['events', 'list', 'worker', '--json'])
  expect(JSON.parse(empty.stdout)).toEqual({functionName: 'worker', sources: []})
}, 90_000)

test('a mapping sling did not create is never changed or detached by it; bad filters, unknown sources and missing queues are refused clearly', async () => {
  const c = await cloud()
  await recorder(c, 'worker')
  await c.sqs.send(new CreateQueueCommand({QueueName: 'theirs', Attributes: {VisibilityTimeout: '5'}}))
  const theirs = await c.lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'worker', EventSourceArn: QUEUE_ARN('theirs'), BatchSize: 4}))

  const attach = await c.sling(['events', 'attach', 'worker', 'sqs:theirs', '--batch-size', '1'])
  expect(attach.code).toBe(1)
  expect(attach.stderr).toContain(`sqs:theirs is already mapped to worker (mapping ${theirs.UUID}), by something other than sling`)
  expect(attach.stderr).toContain('--adopt')
  const detach = await c.sling(['events', 'detach', 'worker', 'sqs:theirs'])
  expect(detach.code).toBe(1)
  expect(detach.stderr).toContain("wasn't created by sling")
  const {EventSourceMappings: still = []} = await c.lambda.send(new ListEventSourceMappingsCommand({EventSourceArn: QUEUE_ARN('theirs')}))
  expect(still.map((m) => [m.UUID, m.BatchSize])).toEqual([[theirs.UUID, 4]])

  const badFilter = await c.sling(['events', 'attach', 'worker', 'sqs:theirs', '--filter', '{"body": {"type": "order"}}'])
  expect(badFilter.code).toBe(2)
  expect(badFilter.stderr).toContain('The filter pattern is malformed: body.type must be a list of values to match (such as ["order"])')
  const unknown = await c.sling(['events', 'attach', 'worker', 'ftp:files'])
  expect(unknown.code).toBe(2)
  expect(unknown.stderr).toContain('"ftp:files" isn\'t an event source sling can attach.')
  expect(unknown.stderr).toContain('sqs:QUEUE')
  const missing = await c.sling(['events', 'attach', 'worker', 'sqs:nope'])
  expect(missing.code).toBe(1)
  expect(missing.stderr).toContain('The SQS queue "nope" doesn\'t exist in us-east-1.')

  const local = await runCli(['events', 'attach', 'worker', 'schedule', '--schedule', 'rate(5 minutes)', '--local'], {cwd: c.dir, env: {SLING_LOCAL_STORE: path.join(c.dir, 'store')}})
  expect(local.code).toBe(2)
  expect(local.stderr).toContain("EventBridge (rules and Scheduler) isn't emulated by the local cloud")
}, 90_000)

async function queueUrl(c: Cloud, name: string): Promise<string> {
  const {GetQueueUrlCommand} = await import('@aws-sdk/client-sqs')
  return (await c.sqs.send(new GetQueueUrlCommand({QueueName: name}))).QueueUrl ?? ''
}

/**
 * Services reach each other only through the typed hooks on the context: these tests replace a hook's
 * provider with a recorder and check the calling service goes through it (and nowhere else).
 */
import {CopyObjectCommand, CreateBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {CreateFunctionCommand, InvokeCommand, LambdaClient} from '@aws-sdk/client-lambda'
import {afterEach, expect, test} from 'vitest'

import type {LocalContext, LocalHooks, ObjectChange, ProvidedHooks, RouterFactory} from '../../../src/lib/local/contract.js'
import {createHooks} from '../../../src/lib/local/hooks.js'
import {createLambdaRouter} from '../../../src/lib/local/lambda/router.js'
import {createS3Router} from '../../../src/lib/local/s3/router.js'
import type {LocalCloud} from '../../../src/lib/local/server.js'
import {startLocalCloud} from '../../../src/lib/local/server.js'
import {sleep} from '../../../src/lib/local/store.js'
import {zipOf} from '../../helpers/aws.js'
import {tempDir} from '../../helpers/cli.js'

const credentials = {accessKeyId: 'sling-local', secretAccessKey: 'sling-local'}
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A router that serves nothing and provides hooks (it also hands out the context the services share). */
function recorder(provides: ProvidedHooks, seen: {context?: LocalContext} = {}): RouterFactory {
  return (context) => {
    seen.context = context
    return {service: 'recorder', provides, handle: () => Promise.reject(new Error('not called')), writeError: () => undefined}
  }
}

async function start(routers: RouterFactory[]): Promise<LocalCloud> {
  const tmp = await tempDir('sling-hooks-')
  const cloud = await startLocalCloud({storeDir: tmp.dir, settings: {stateDelayMs: 0}, routers})
  cleanups.push(tmp.cleanup, () => cloud.close())
  return cloud
}

async function createFunction(cloud: LocalCloud, body: string): Promise<LambdaClient> {
  const lambda = new LambdaClient({region: 'us-east-1', endpoint: cloud.endpoint, credentials, maxAttempts: 1})
  cleanups.push(() => Promise.resolve(lambda.destroy()))
  const zip = await zipOf({'index.mjs': `export const handler = async (event) => { ${body} }\n`})
  await lambda.send(new CreateFunctionCommand({FunctionName: 'fn', Role: 'arn:aws:iam::123456789012:role/r', Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: zip}}))
  return lambda
}

interface Written {
  readonly region: string
  readonly group: string
  readonly stream: string
  readonly messages: string[]
}

function logRecorder(written: Written[]): ProvidedHooks {
  return {
    logs: {
      write: (region, group, stream, events) => {
        written.push({region, group, stream, messages: events.map((event) => event.message)})
        return Promise.resolve()
      },
    },
  }
}

test("Lambda writes a function's output through the logs.write hook, not into CloudWatch Logs' files", async () => {
  const written: Written[] = []
  const cloud = await start([createLambdaRouter, recorder(logRecorder(written))])
  const lambda = await createFunction(cloud, 'console.log("hello from", event.who); return 1')
  await lambda.send(new InvokeCommand({FunctionName: 'fn', Payload: JSON.stringify({who: 'a test'})}))
  expect(written).toHaveLength(1)
  expect(written[0]).toMatchObject({region: 'us-east-1', group: '/aws/lambda/fn'})
  expect(written[0]?.stream).toMatch(/^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/)
  expect(written[0]?.messages.some((message) => message.includes('hello from a test'))).toBe(true)
})

test('the lambda.invokeAsync hook queues an Event invocation another service asks for, and resolves to its request id', async () => {
  const written: Written[] = []
  const seen: {context?: LocalContext} = {}
  const cloud = await start([createLambdaRouter, recorder(logRecorder(written), seen)])
  await createFunction(cloud, 'console.log("delivered", event.Records[0].s3.object.key)')
  const requestId = await seen.context!.hooks.lambda.invokeAsync({region: 'us-east-1', functionName: 'fn', payload: JSON.stringify({Records: [{s3: {object: {key: 'k.txt'}}}]})})
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/)
  for (let i = 0; i < 200 && !written.some((w) => w.messages.some((m) => m.includes('delivered k.txt'))); i++) await sleep(25)
  expect(written.flatMap((w) => w.messages).join('\n')).toContain(`START RequestId: ${requestId}`)
  await expect(seen.context!.hooks.lambda.invokeAsync({region: 'us-east-1', functionName: 'ghost', payload: '{}'})).rejects.toMatchObject({code: 'ResourceNotFoundException'})
})

test('S3 announces every stored and removed object through the s3 hooks', async () => {
  const changes: [string, ObjectChange][] = []
  const record = (kind: string) => (change: ObjectChange) => {
    changes.push([kind, change])
    return Promise.resolve()
  }
  const cloud = await start([createS3Router, recorder({s3: {objectCreated: record('created'), objectRemoved: record('removed')}})])
  const s3 = new S3Client({region: 'eu-west-1', endpoint: cloud.endpoint, forcePathStyle: true, credentials, maxAttempts: 1})
  cleanups.push(() => Promise.resolve(s3.destroy()))
  await s3.send(new CreateBucketCommand({Bucket: 'hooked', CreateBucketConfiguration: {LocationConstraint: 'eu-west-1'}}))
  const put = await s3.send(new PutObjectCommand({Bucket: 'hooked', Key: 'a.txt', Body: 'hello'}))
  await s3.send(new CopyObjectCommand({Bucket: 'hooked', Key: 'b.txt', CopySource: 'hooked/a.txt'}))
  await s3.send(new DeleteObjectCommand({Bucket: 'hooked', Key: 'a.txt'}))
  await s3.send(new DeleteObjectsCommand({Bucket: 'hooked', Delete: {Objects: [{Key: 'b.txt'}]}}))
  expect(changes).toEqual([
    ['created', {region: 'eu-west-1', bucket: 'hooked', key: 'a.txt', event: 'ObjectCreated:Put', size: 5, etag: put.ETag, sourceIp: '127.0.0.1'}],
    ['created', {region: 'eu-west-1', bucket: 'hooked', key: 'b.txt', event: 'ObjectCreated:Copy', size: 5, etag: put.ETag, sourceIp: '127.0.0.1'}],
    ['removed', {region: 'eu-west-1', bucket: 'hooked', key: 'a.txt', event: 'ObjectRemoved:Delete', sourceIp: '127.0.0.1'}],
    ['removed', {region: 'eu-west-1', bucket: 'hooked', key: 'b.txt', event: 'ObjectRemoved:Delete', sourceIp: '127.0.0.1'}],
  ])
})

test('a hook no service provides says so; metrics are a no-op until CloudWatch is served', async () => {
  const {hooks, provide} = createHooks()
  await expect(hooks.logs.write('us-east-1', 'g', 's', [])).rejects.toThrow("The sling local cloud isn't serving CloudWatch Logs here.")
  await expect(hooks.metrics.record({region: 'us-east-1', namespace: 'AWS/Lambda', name: 'Invocations', dimensions: {FunctionName: 'fn'}, value: 1, unit: 'Count', timestamp: 0})).resolves.toBeUndefined()
  const {logs}: LocalHooks = hooks
  provide({logs: {write: () => Promise.resolve()}})
  // Providers are installed in place: a group taken before the service started reaches it too.
  await expect(logs.write('us-east-1', 'g', 's', [])).resolves.toBeUndefined()
})

test("Lambda checks an execution role of the local account through the iam.role hook, never IAM's files", async () => {
  const asked: string[] = []
  const trust = JSON.stringify({Statement: [{Effect: 'Allow', Principal: {Service: 'lambda.amazonaws.com'}, Action: 'sts:AssumeRole'}]})
  const role = (arn: string) => {
    asked.push(arn)
    return Promise.resolve(arn.endsWith('/known') ? {arn, createdAt: 0, trustPolicy: trust, attachedPolicyArns: [], inlinePolicies: {}} : undefined)
  }
  const cloud = await start([createLambdaRouter, recorder({iam: {role}})])
  const lambda = new LambdaClient({region: 'us-east-1', endpoint: cloud.endpoint, credentials, maxAttempts: 1})
  cleanups.push(() => Promise.resolve(lambda.destroy()))
  const zip = await zipOf({'index.mjs': 'export const handler = async () => 1\n'})
  const create = (name: string, Role: string) => lambda.send(new CreateFunctionCommand({FunctionName: name, Role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: zip}}))
  await create('known', 'arn:aws:iam::000000000000:role/known')
  await expect(create('unknown', 'arn:aws:iam::000000000000:role/unknown')).rejects.toMatchObject({name: 'InvalidParameterValueException', message: 'The role defined for the function cannot be assumed by Lambda.'})
  await create('elsewhere', 'arn:aws:iam::123456789012:role/unknown')
  expect(asked).toEqual(['arn:aws:iam::000000000000:role/known', 'arn:aws:iam::000000000000:role/unknown'])
  await expect(createHooks().hooks.iam.role('arn:aws:iam::000000000000:role/r')).rejects.toThrow("The sling local cloud isn't serving IAM here.")
})

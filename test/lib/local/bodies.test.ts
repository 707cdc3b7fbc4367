/**
 * Request bodies: each is refused as soon as it passes its operation's limit, in the protocol of the
 * service it was sent to, without the server holding more than the limit, and the server goes on
 * answering. Raw requests stand in for clients that stream (chunked, no Content-Length) or lie.
 */
import {CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand} from '@aws-sdk/client-cloudwatch-logs'
import {CreateFunctionCommand, InvokeCommand, LambdaClient, ListFunctionsCommand, RequestTooLargeException} from '@aws-sdk/client-lambda'
import {CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {once} from 'node:events'
import type {IncomingHttpHeaders} from 'node:http'
import {request as httpRequest} from 'node:http'
import {afterEach, describe, expect, test} from 'vitest'

import {createLogsRouter} from '../../../src/lib/local/logs/router.js'
import type {LocalCloud, StartOptions} from '../../../src/lib/local/server.js'
import {startLocalCloud} from '../../../src/lib/local/server.js'
import {rejectionOf, zipOf} from '../../helpers/aws.js'
import {tempDir} from '../../helpers/cli.js'
import {expectModeledError} from '../../helpers/model.js'

const MiB = 1024 * 1024
const credentials = {accessKeyId: 'sling-local', secretAccessKey: 'sling-local'}
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function start(options: Partial<StartOptions> = {}): Promise<LocalCloud> {
  const tmp = await tempDir('sling-bodies-')
  cleanups.push(tmp.cleanup)
  const cloud = await startLocalCloud({storeDir: tmp.dir, settings: {stateDelayMs: 0}, ...options})
  cleanups.push(() => cloud.close())
  return cloud
}

function client<T extends {destroy(): void}>(make: () => T): T {
  const made = make()
  cleanups.push(() => Promise.resolve(made.destroy()))
  return made
}

const scope = (service: string): string => `AWS4-HMAC-SHA256 Credential=sling-local/20240101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=x`

interface RawAnswer {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: string
  /** Bytes of the body handed to the socket when the answer arrived. */
  readonly sentBeforeAnswer: number
}

/**
 * Sends up to `total` bytes of `fill` in 1 MiB writes (chunked unless `headers` declare a length),
 * stopping as soon as the answer arrives; fails if none arrives within 20 s.
 */
function stream(url: string, options: {method?: string; headers?: Record<string, string>; total: number; fill?: number}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {method: options.method ?? 'POST', headers: options.headers ?? {}, agent: false})
    const timer = setTimeout(() => {
      req.destroy()
      reject(new Error('no answer within 20 s'))
    }, 20_000)
    let sent = 0
    let answered = false
    const responded = new Promise<void>((done) => {
      req.on('response', (res) => {
        answered = true
        const sentBeforeAnswer = sent
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          clearTimeout(timer)
          req.destroy()
          resolve({status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), sentBeforeAnswer})
        })
        done()
      })
    })
    req.on('error', (error) => {
      if (!answered) {
        clearTimeout(timer)
        reject(error)
      }
    })
    const block = Buffer.alloc(MiB, options.fill ?? 0x20)
    void (async () => {
      while (!answered && sent < options.total) {
        const flushed = req.write(block)
        sent += block.length
        if (!flushed) await Promise.race([once(req, 'drain'), responded])
      }
      if (!answered && !options.headers?.['content-length']) req.end()
    })().catch(() => undefined)
  })
}

async function createFunction(lambda: LambdaClient, name: string): Promise<void> {
  const zip = await zipOf({'index.mjs': 'export const handler = async (event) => ({size: JSON.stringify(event).length})\n'})
  await lambda.send(new CreateFunctionCommand({FunctionName: name, Role: 'arn:aws:iam::123456789012:role/r', Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: zip}}))
}

describe('Lambda', () => {
  test('a 64 MB chunked Invoke body is refused with 413 once it passes 6 MB, and the server goes on answering', async () => {
    const cloud = await start()
    const lambda = client(() => new LambdaClient({region: 'us-east-1', endpoint: cloud.endpoint, credentials, maxAttempts: 1}))
    await createFunction(lambda, 'echo')
    const answer = await stream(`${cloud.endpoint}/2015-03-31/functions/echo/invocations`, {headers: {authorization: scope('lambda')}, total: 64 * MiB})
    expect(answer.status).toBe(413)
    expect(answer.headers['x-amzn-errortype']).toBe('RequestTooLargeException')
    expect(JSON.parse(answer.body)).toEqual({Type: 'User', message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation'})
    expect(answer.sentBeforeAnswer).toBeLessThan(64 * MiB)
    const next = await lambda.send(new InvokeCommand({FunctionName: 'echo', Payload: JSON.stringify({n: 1})}))
    expect(JSON.parse(Buffer.from(next.Payload ?? []).toString('utf8'))).toEqual({size: 7})
  })

  test('the SDK gets RequestTooLargeException: 6 MB synchronous, 1 MB for Event with the size AWS reports', async () => {
    const cloud = await start()
    const lambda = client(() => new LambdaClient({region: 'us-east-1', endpoint: cloud.endpoint, credentials, maxAttempts: 1}))
    await createFunction(lambda, 'echo')
    const sync = await rejectionOf(lambda.send(new InvokeCommand({FunctionName: 'echo', Payload: JSON.stringify('x'.repeat(8 * MiB))})))
    expect(sync).toBeInstanceOf(RequestTooLargeException)
    expectModeledError('lambda', 'Invoke', sync)
    const payload = JSON.stringify('x'.repeat(MiB))
    const event = await rejectionOf(lambda.send(new InvokeCommand({FunctionName: 'echo', InvocationType: 'Event', Payload: payload})))
    expect(event).toBeInstanceOf(RequestTooLargeException)
    expect(event.message).toBe(`${payload.length} byte payload is too large for the Event invocation type (limit 1048576 bytes)`)
  })

  test('a CreateFunction body is refused once it passes 70167211 bytes, declared or streamed', async () => {
    const cloud = await start()
    const url = `${cloud.endpoint}/2015-03-31/functions`
    const declared = await stream(url, {headers: {authorization: scope('lambda'), 'content-type': 'application/json', 'content-length': String(600 * MiB)}, total: 600 * MiB})
    const streamed = await stream(url, {headers: {authorization: scope('lambda'), 'content-type': 'application/json'}, total: 100 * MiB})
    for (const answer of [declared, streamed]) {
      expect(answer.status).toBe(413)
      expect(answer.headers['x-amzn-errortype']).toBe('RequestEntityTooLargeException')
      expect(JSON.parse(answer.body)).toEqual({Type: 'User', message: 'Request must be smaller than 70167211 bytes for the CreateFunction operation'})
    }
    expect(declared.sentBeforeAnswer).toBeLessThan(100 * MiB)
    expect(streamed.sentBeforeAnswer).toBeLessThan(100 * MiB)
    const lambda = client(() => new LambdaClient({region: 'us-east-1', endpoint: cloud.endpoint, credentials, maxAttempts: 1}))
    expect((await lambda.send(new ListFunctionsCommand({}))).Functions).toEqual([])
  })

  test('the SDK, still sending a 71 MB CreateFunction request, reads the 413 rather than a reset connection', async () => {
    const cloud = await start()
    const lambda = client(() => new LambdaClient({region: 'us-east-1', endpoint: cloud.endpoint, credentials, maxAttempts: 1}))
    const zip = Buffer.alloc(53 * MiB, 7) // 70.7 MB once base64-encoded in the JSON body
    const error = await rejectionOf(lambda.send(new CreateFunctionCommand({FunctionName: 'big', Role: 'arn:aws:iam::123456789012:role/r', Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: zip}})))
    expect(error.name).toBe('RequestEntityTooLargeException')
    expect(error.$metadata?.httpStatusCode).toBe(413)
    expect(error.message).toBe('Request must be smaller than 70167211 bytes for the CreateFunction operation')
    expect((await lambda.send(new ListFunctionsCommand({}))).Functions).toEqual([])
  })

  test('a malformed percent-escape in the URI is a 400 in Lambda\'s protocol, not a 500', async () => {
    const cloud = await start()
    const response = await fetch(`${cloud.endpoint}/2015-03-31/functions/%E0%A4%A/configuration`, {headers: {authorization: scope('lambda')}})
    expect(response.status).toBe(400)
    expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException')
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.json()).toMatchObject({Type: 'User', message: expect.stringContaining('malformed percent-encoding')})
  })
})

describe('S3', () => {
  test('PutObject declaring more than 5 GiB is EntityTooLarge at once, before the body is read', async () => {
    const cloud = await start()
    const s3 = client(() => new S3Client({region: 'us-east-1', endpoint: cloud.endpoint, forcePathStyle: true, credentials, maxAttempts: 1}))
    await s3.send(new CreateBucketCommand({Bucket: 'big'}))
    const tooBig = 5 * 1024 ** 3 + 1
    const answer = await stream(`${cloud.endpoint}/big/huge.bin`, {method: 'PUT', headers: {authorization: scope('s3'), 'content-length': String(tooBig)}, total: 64 * MiB})
    expect(answer.status).toBe(400)
    expect(answer.body).toContain('<Code>EntityTooLarge</Code>')
    expect(answer.body).toContain(`<ProposedSize>${tooBig}</ProposedSize><MaxSizeAllowed>5368709120</MaxSizeAllowed>`)
    expect(answer.sentBeforeAnswer).toBeLessThan(64 * MiB)
    await s3.send(new PutObjectCommand({Bucket: 'big', Key: 'small.txt', Body: 'still here'}))
  })

  test('a key over 1,024 bytes is KeyTooLongError; 1,024 bytes is fine', async () => {
    const cloud = await start()
    const s3 = client(() => new S3Client({region: 'us-east-1', endpoint: cloud.endpoint, forcePathStyle: true, credentials, maxAttempts: 1}))
    await s3.send(new CreateBucketCommand({Bucket: 'keys'}))
    const longest = 'é'.repeat(512) // 1,024 bytes of UTF-8
    await s3.send(new PutObjectCommand({Bucket: 'keys', Key: longest, Body: 'ok'}))
    for (const send of [() => s3.send(new PutObjectCommand({Bucket: 'keys', Key: `${longest}k`, Body: 'no'})), () => s3.send(new GetObjectCommand({Bucket: 'keys', Key: `${longest}k`}))]) {
      const error = await rejectionOf(send())
      expect(error.name).toBe('KeyTooLongError')
      expect(error.$metadata?.httpStatusCode).toBe(400)
      expect(error).toMatchObject({Size: '1025', MaxSizeAllowed: '1024'})
    }
  })

  test('an XML body over 10 MiB is MaxMessageLengthExceeded', async () => {
    const cloud = await start()
    const s3 = client(() => new S3Client({region: 'us-east-1', endpoint: cloud.endpoint, forcePathStyle: true, credentials, maxAttempts: 1}))
    await s3.send(new CreateBucketCommand({Bucket: 'xml'}))
    const answer = await stream(`${cloud.endpoint}/xml?delete`, {headers: {authorization: scope('s3'), 'content-type': 'application/xml'}, total: 40 * MiB})
    expect(answer.status).toBe(400)
    expect(answer.body).toContain('<Code>MaxMessageLengthExceeded</Code><Message>Your request was too big.</Message>')
    expect(answer.sentBeforeAnswer).toBeLessThan(40 * MiB)
  })

  test('a malformed percent-escape in the URI is InvalidURI in XML, in the path and in x-amz-copy-source', async () => {
    const cloud = await start()
    const s3 = client(() => new S3Client({region: 'us-east-1', endpoint: cloud.endpoint, forcePathStyle: true, credentials, maxAttempts: 1}))
    await s3.send(new CreateBucketCommand({Bucket: 'uri'}))
    const path = await fetch(`${cloud.endpoint}/uri/receipts/%E0%A4%A.pdf`, {headers: {authorization: scope('s3')}})
    expect(path.status).toBe(400)
    expect(path.headers.get('content-type')).toBe('application/xml')
    expect(await path.text()).toContain('<Code>InvalidURI</Code><Message>Couldn&apos;t parse the specified URI.</Message>')
    const copy = await fetch(`${cloud.endpoint}/uri/copy.txt`, {method: 'PUT', headers: {authorization: scope('s3'), 'x-amz-copy-source': '/uri/%E0%A4%A'}})
    expect(copy.status).toBe(400)
    expect(await copy.text()).toContain('<Code>InvalidArgument</Code>')
  })
})

describe('CloudWatch Logs and IAM', () => {
  test('a PutLogEvents batch over 1,048,576 bytes is refused as AWS measures it, and an oversized body at once', async () => {
    const cloud = await start()
    const logs = client(() => new CloudWatchLogsClient({region: 'us-east-1', endpoint: cloud.endpoint, credentials, maxAttempts: 1}))
    await logs.send(new CreateLogGroupCommand({logGroupName: 'g'}))
    await logs.send(new CreateLogStreamCommand({logGroupName: 'g', logStreamName: 's'}))
    const message = 'x'.repeat(600_000)
    const batch = await rejectionOf(logs.send(new PutLogEventsCommand({logGroupName: 'g', logStreamName: 's', logEvents: [{timestamp: Date.now(), message}, {timestamp: Date.now(), message}]})))
    expect(batch.name).toBe('InvalidParameterException')
    expect(batch.message).toBe('Upload too large: 1200052 bytes exceeds limit of 1048576')
    expectModeledError('logs', 'PutLogEvents', batch)

    const answer = await stream(cloud.endpoint, {headers: {authorization: scope('logs'), 'x-amz-target': 'Logs_20140328.PutLogEvents', 'content-type': 'application/x-amz-json-1.1'}, total: 64 * MiB})
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.body)).toEqual({__type: 'InvalidParameterException', message: `Upload too large: more than ${8 * MiB} bytes exceeds limit of 1048576`})
    expect(answer.sentBeforeAnswer).toBeLessThan(64 * MiB)
  })

  test('an IAM Query body over 1 MiB is a ValidationError in XML', async () => {
    const cloud = await start()
    const answer = await stream(cloud.endpoint, {headers: {authorization: scope('iam'), 'content-type': 'application/x-www-form-urlencoded'}, total: 32 * MiB, fill: 0x61})
    expect(answer.status).toBe(400)
    expect(answer.body).toContain('<Code>ValidationError</Code>')
    expect(answer.sentBeforeAnswer).toBeLessThan(32 * MiB)
  })

  test('a failure inside a router is answered in its protocol, not as text/plain', async () => {
    const cloud = await start({
      routers: [(context) => ({...createLogsRouter(context), handle: () => Promise.reject(new TypeError('boom'))})],
    })
    const response = await fetch(cloud.endpoint, {method: 'POST', headers: {authorization: scope('logs'), 'x-amz-target': 'Logs_20140328.DescribeLogGroups'}, body: '{}'})
    expect(response.status).toBe(500)
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1')
    expect(await response.json()).toEqual({__type: 'ServiceUnavailableException', message: 'The sling local cloud failed: boom'})
  })
})

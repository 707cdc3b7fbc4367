/**
 * `sling events attach` of an S3 bucket and `sling url`, end to end against `sling local serve` (its own
 * process): S3 really invokes the function on PutObject, and curl really calls the printed URL.
 */
import {execFile} from 'node:child_process'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {promisify} from 'node:util'

import {AddPermissionCommand, CreateFunctionCommand, GetPolicyCommand, LambdaClient, waitUntilFunctionActiveV2} from '@aws-sdk/client-lambda'
import {CreateBucketCommand, GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {afterEach, expect, test} from 'vitest'

import {zipOf} from '../helpers/aws.js'
import {runCli, tempDir} from '../helpers/cli.js'
import {serve} from './local-serve-helper.js'

const run = promisify(execFile)
const hasCurl = await run('curl', ['--version']).then(() => true, () => false)

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const ROLE = 'arn:aws:iam::123456789012:role/lambda-role'
const arn = (name: string): string => `arn:aws:lambda:us-east-1:000000000000:function:${name}`

interface Cloud {
  readonly s3: S3Client
  readonly lambda: LambdaClient
  readonly dir: string
  sling(args: readonly string[]): ReturnType<typeof runCli>
}

async function cloud(): Promise<Cloud> {
  const temp = await tempDir('sling-e2e-triggers-')
  cleanups.push(temp.cleanup)
  const served = await serve(['--port', '0', '--store', path.join(temp.dir, 'store')], cleanups)
  const config = {region: 'us-east-1', endpoint: served.info.endpoint, credentials: {accessKeyId: 'x', secretAccessKey: 'x'}, maxAttempts: 1, forcePathStyle: true}
  const s3 = new S3Client(config)
  const lambda = new LambdaClient(config)
  cleanups.push(() => Promise.resolve(s3.destroy()), () => Promise.resolve(lambda.destroy()))
  const env = {AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'}
  return {s3, lambda, dir: temp.dir, sling: (args) => runCli([...args, '--endpoint-url', served.info.endpoint], {cwd: temp.dir, env})}
}

async function aFunction(c: Cloud, name: string, source: string): Promise<void> {
  await c.lambda.send(new CreateFunctionCommand({FunctionName: name, Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: await zipOf({'index.mjs': source})}}))
  await waitUntilFunctionActiveV2({client: c.lambda, maxWaitTime: 30, minDelay: 1}, {FunctionName: name})
}

async function keysIn(file: string, count: number): Promise<string[]> {
  let lines: string[] = []
  for (let i = 0; i < 400 && lines.length < count; i++) {
    lines = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean)
    if (lines.length < count) await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return lines.map((line) => (JSON.parse(line) as {Records: {s3: {object: {key: string}}}[]}).Records[0]?.s3.object.key ?? '').sort()
}

const statementIds = async (c: Cloud, name: string): Promise<string[]> => {
  const policy = await c.lambda.send(new GetPolicyCommand({FunctionName: name})).catch(() => ({Policy: '{"Statement": []}'}))
  return (JSON.parse(policy.Policy ?? '{}') as {Statement: {Sid: string}[]}).Statement.map((s) => s.Sid).sort()
}

test('events attach of a bucket: PutObject invokes the function, the prefix filter holds, and another notification on the bucket survives attach and detach', async () => {
  const c = await cloud()
  const events = path.join(c.dir, 'ingest.jsonl')
  await aFunction(c, 'ingest', `import {appendFileSync} from 'node:fs'\nexport const handler = async (event) => { appendFileSync(${JSON.stringify(events)}, JSON.stringify(event) + '\\n') }\n`)
  await aFunction(c, 'audit', 'export const handler = async () => {}\n')
  await c.s3.send(new CreateBucketCommand({Bucket: 'uploads'}))
  await c.lambda.send(new AddPermissionCommand({FunctionName: 'audit', StatementId: 'theirs', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::uploads'}))
  const theirs = {Id: 'audit-removals', LambdaFunctionArn: arn('audit'), Events: ['s3:ObjectRemoved:*' as const]}
  await c.s3.send(new PutBucketNotificationConfigurationCommand({Bucket: 'uploads', NotificationConfiguration: {LambdaFunctionConfigurations: [theirs]}}))

  const attached = await c.sling(['events', 'attach', 'ingest', 's3:uploads', '--prefix', 'incoming/', '--json'])
  expect(attached.code).toBe(0)
  const {trigger} = JSON.parse(attached.stdout) as {trigger: {id: string; notificationId: string}}
  expect(JSON.parse(attached.stdout)).toMatchObject({status: 'created', kind: 'trigger', trigger: {kind: 's3', bucket: 'uploads', events: ['s3:ObjectCreated:*'], prefix: 'incoming/'}})
  expect(trigger.notificationId).toBe(`sling-ingest-${trigger.id}`)
  const merged = await c.s3.send(new GetBucketNotificationConfigurationCommand({Bucket: 'uploads'}))
  expect(merged.LambdaFunctionConfigurations?.map((n) => n.Id)).toEqual(['audit-removals', trigger.notificationId])
  expect(await statementIds(c, 'ingest')).toEqual([`sling-${trigger.id}`])

  await c.s3.send(new PutObjectCommand({Bucket: 'uploads', Key: 'incoming/a.csv', Body: 'a'}))
  await c.s3.send(new PutObjectCommand({Bucket: 'uploads', Key: 'elsewhere/b.csv', Body: 'b'}))
  await c.s3.send(new PutObjectCommand({Bucket: 'uploads', Key: 'incoming/c.csv', Body: 'c'}))
  expect(await keysIn(events, 2)).toEqual(['incoming/a.csv', 'incoming/c.csv'])

  const again = await c.sling(['events', 'attach', 'ingest', 's3:uploads', '--prefix', 'incoming/'])
  expect(again.stdout).toContain('Already attached: s3:uploads')
  const overlapping = await c.sling(['events', 'attach', 'ingest', 's3:uploads', '--prefix', 'incoming/csv/'])
  expect(overlapping.code).toBe(2)
  expect(overlapping.stderr).toContain(`The notification "${trigger.notificationId}" on bucket uploads already covers s3:ObjectCreated:*`)

  const listed = await c.sling(['events', 'list', 'ingest', '--json'])
  expect(JSON.parse(listed.stdout)).toMatchObject({sources: [{kind: 's3', source: 's3:uploads', state: 'present', detail: 's3:ObjectCreated:*; prefix incoming/', managedBy: 'sling-cli'}]})

  const detached = await c.sling(['events', 'detach', 'ingest', 's3:uploads'])
  expect(detached.code).toBe(0)
  const left = await c.s3.send(new GetBucketNotificationConfigurationCommand({Bucket: 'uploads'}))
  expect(left.LambdaFunctionConfigurations).toEqual([expect.objectContaining({Id: 'audit-removals', LambdaFunctionArn: arn('audit')})])
  expect(await statementIds(c, 'ingest')).toEqual([])
  expect(await statementIds(c, 'audit')).toEqual(['theirs'])
}, 90_000)

/** A plain GET of `url`, as a user would make it: with curl where it is installed (CI may have only Node.js: fetch). */
async function get(url: string): Promise<{status: number; headers: string; body: string}> {
  if (!hasCurl) {
    const response = await fetch(url, {signal: AbortSignal.timeout(20_000)})
    return {status: response.status, headers: [...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n'), body: await response.text()}
  }
  const {stdout} = await run('curl', ['-s', '-i', '--max-time', '20', url])
  const [head = '', ...rest] = stdout.split('\r\n\r\n')
  return {status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head.toLowerCase(), body: rest.join('\r\n\r\n')}
}

test("sling url prints a URL that answers curl with the handler's status, headers and body; AWS_IAM refuses an unsigned request; --delete removes it", async () => {
  const c = await cloud()
  await aFunction(c, 'web', "export const handler = async (event) => ({statusCode: 201, headers: {'x-app': 'sling'}, body: `hi ${event.rawPath}`})\n")

  const open = await c.sling(['url', 'web', '--auth', 'NONE'])
  expect(open.code).toBe(0)
  expect(open.stderr).toContain('Anyone on the internet who has this URL can call the function')
  const url = open.stdout.trim()
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_sling\/url\/[a-z2-7]{32}\/$/)
  const answer = await get(`${url}hello`)
  expect(answer.status).toBe(201)
  expect(answer.headers).toContain('x-app: sling')
  expect(answer.body).toBe('hi /hello')
  expect((await statementIds(c, 'web')).every((sid) => sid.startsWith('sling-'))).toBe(true)
  expect(await statementIds(c, 'web')).toHaveLength(2)

  const signed = await c.sling(['url', 'web', '--json'])
  expect(JSON.parse(signed.stdout)).toMatchObject({status: 'updated', authType: 'AWS_IAM', url})
  expect(signed.stderr).not.toContain('Anyone on the internet')
  expect((await get(`${url}hello`)).status).toBe(403)
  expect(await statementIds(c, 'web')).toEqual([])

  const deleted = await c.sling(['url', 'web', '--delete', '--json'])
  expect(JSON.parse(deleted.stdout)).toMatchObject({status: 'deleted'})
  const listed = await c.sling(['events', 'list', 'web', '--json'])
  expect(JSON.parse(listed.stdout)).toEqual({functionName: 'web', sources: []})
}, 90_000)

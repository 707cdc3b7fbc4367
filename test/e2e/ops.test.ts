/** `sling list`, `info` and `remove` end to end against `sling local serve`. */
import {GetRoleCommand} from '@aws-sdk/client-iam'
import {AddPermissionCommand, CreateEventSourceMappingCommand, CreateFunctionCommand, CreateFunctionUrlConfigCommand, GetFunctionCommand, GetPolicyCommand, ListEventSourceMappingsCommand} from '@aws-sdk/client-lambda'
import {CreateBucketCommand, GetBucketNotificationConfigurationCommand, ListObjectsV2Command, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {CreateQueueCommand, GetQueueAttributesCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, expect, test} from 'vitest'

import {rawZip} from '../helpers/raw-zip.js'
import type {Cloud} from './deploy-helpers.js'
import {startCloud} from './deploy-helpers.js'

let cloud: Cloud
let role: string

beforeAll(async () => {
  cloud = await startCloud()
  role = await cloud.role('ops-role')
})

afterAll(async () => {
  s3Client?.destroy()
  await cloud.stop()
})

const ZIP_HELLO = rawZip([{name: 'index.js', data: 'exports.handler = async () => ({ok: true})\n'}])
const HANDLER = (answer: string): string => `export const handler = async () => ({answer: ${JSON.stringify(answer)}})\n`

interface ListJson {
  functions: {key?: string; name: string; deployed: boolean; inConfig: boolean; version?: string; aliases: {name: string; weights: {version: string; percent: number}[]}[]; codeSize?: number; codeSizeLimit: number; runtime?: {name: string; status: string; deprecatedOn?: string}}[]
}

test('list shows each function of the config with its deployed state, and --all the others in the region', async () => {
  const project = await cloud.project({service: 'listing', functions: {api: {entry: 'src/api.ts', role}, later: {entry: 'src/api.ts', role}}}, {'src/api.ts': HANDLER('one')})
  const deploy = (args: string[]): Promise<void> => cloud.cli(['deploy', 'api', ...args], {cwd: project.dir}).then((r) => expect(r.code, r.stderr).toBe(0))
  await deploy(['--alias', 'live'])
  await project.write({'src/api.ts': HANDLER('two')})
  await deploy(['--publish'])
  const shifted = await cloud.cli(['shift', 'api', 'live', '--to', '2', '--weight', '25'], {cwd: project.dir})
  expect(shifted.code, shifted.stderr).toBe(0)
  await cloud.lambda.send(new CreateFunctionCommand({FunctionName: 'legacy-report', Runtime: 'dotnet8', Handler: 'Report::Report.Function::Handler', Role: role, Code: {ZipFile: ZIP_HELLO}}))

  const listed = await cloud.cli(['list', '--json'], {cwd: project.dir})
  expect(listed.code, listed.stderr).toBe(0)
  const json = JSON.parse(listed.stdout) as ListJson
  expect(json.functions).toEqual([
    expect.objectContaining({key: 'api', name: 'listing-api', deployed: true, version: '2', aliases: [{name: 'live', weights: [{version: '1', percent: 75, routed: false}, {version: '2', percent: 25, routed: true}]}], runtime: expect.objectContaining({name: 'nodejs24.x', status: 'supported'}) as unknown}),
    expect.objectContaining({key: 'later', name: 'listing-later', deployed: false}),
  ])
  expect(json.functions[0]?.codeSize).toBeGreaterThan(0)

  const all = await cloud.cli(['ls', '--all'], {cwd: project.dir})
  expect(all.code, all.stderr).toBe(0)
  const lines = all.stdout.trim().split('\n').map((line) => line.split('\t'))
  expect(lines.map((l) => [l[0], l[1], l[2], l[3]])).toContainEqual(['api', 'listing-api', 'v2', 'live v1 75% v2 25%'])
  expect(lines.map((l) => [l[0], l[1], l[2]])).toContainEqual(['later', 'listing-later', 'not deployed'])
  const legacy = lines.find((l) => l[1] === 'legacy-report')
  expect(legacy?.[0]).toBe('-')
  expect(legacy?.[6]).toMatch(/^dotnet8 \(deprecated 2026-11-10/)
})

test('list without a config and without --all says what to do (exit 2)', async () => {
  const project = await cloud.project({service: 'x', functions: {a: {entry: 'a.ts'}}}, {'a.ts': ''})
  const result = await cloud.cli(['list', '--config', 'missing.json'], {cwd: project.dir})
  expect(result.code).toBe(2)
})

let s3Client: S3Client | undefined
function s3(): S3Client {
  s3Client ??= new S3Client({endpoint: cloud.served.info.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: {accessKeyId: 'x', secretAccessKey: 'x'}})
  return s3Client
}

async function queue(name: string): Promise<string> {
  const sqs = new SQSClient({endpoint: cloud.served.info.endpoint, region: 'us-east-1', credentials: {accessKeyId: 'x', secretAccessKey: 'x'}})
  const {QueueUrl} = await sqs.send(new CreateQueueCommand({QueueName: name}))
  const {Attributes} = await sqs.send(new GetQueueAttributesCommand({QueueUrl, AttributeNames: ['QueueArn']}))
  sqs.destroy()
  return Attributes!.QueueArn!
}

async function exists(name: string): Promise<boolean> {
  return cloud.lambda.send(new GetFunctionCommand({FunctionName: name})).then(() => true, () => false)
}

test('remove deletes exactly what sling created: its mapping, notification entry, artifacts and (last) its role; the rest survives', async () => {
  const project = await cloud.project({service: 'rm', functions: {api: {entry: 'src/api.ts'}, keeper: {entry: 'src/api.ts'}}}, {'src/api.ts': HANDLER('rm')})
  const deployed = await cloud.cli(['deploy', '--create-role'], {cwd: project.dir})
  expect(deployed.code, deployed.stderr).toBe(0)
  const [ours, theirs] = [await queue('rm-ours'), await queue('rm-theirs')]
  await s3().send(new CreateBucketCommand({Bucket: 'rm-uploads'}))
  await cloud.lambda.send(new AddPermissionCommand({FunctionName: 'rm-keeper', StatementId: 'theirs-s3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::rm-uploads', SourceAccount: '000000000000'}))
  await s3().send(new PutBucketNotificationConfigurationCommand({Bucket: 'rm-uploads', NotificationConfiguration: {LambdaFunctionConfigurations: [
    {Id: 'theirs', LambdaFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:rm-keeper', Events: ['s3:ObjectRemoved:*']},
  ]}}))
  // sling's own: a mapping, an S3 notification and a function URL, made as a user makes them.
  for (const args of [['events', 'attach', 'api', 'sqs:rm-ours'], ['events', 'attach', 'api', 's3:rm-uploads'], ['url', 'api']]) {
    const attached = await cloud.cli(args, {cwd: project.dir})
    expect(attached.code, attached.stderr).toBe(0)
  }
  const outside = await cloud.lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'rm-api', EventSourceArn: theirs}))
  await s3().send(new CreateBucketCommand({Bucket: 'sling-artifacts-000000000000-us-east-1'}))
  for (const key of ['sling/rm-api/1111.zip', 'sling/rm-keeper/2222.zip']) await s3().send(new PutObjectCommand({Bucket: 'sling-artifacts-000000000000-us-east-1', Key: key, Body: 'zip'}))
  const invoked = await cloud.cli(['invoke', 'api'], {cwd: project.dir}) // so that its log group exists
  expect(invoked.code, invoked.stderr).toBe(0)

  // Without a terminal and without --yes: the plan, then exit 2 and nothing deleted.
  const refused = await cloud.cli(['remove', 'api'], {cwd: project.dir})
  expect(refused.code).toBe(2)
  expect(refused.stderr).toContain('Pass --yes in CI or scripts')
  // --dry-run: the same plan, prefixed, and nothing deleted.
  const dry = await cloud.cli(['remove', 'api', '--dry-run', '--json'], {cwd: project.dir})
  expect(dry.code, dry.stderr).toBe(0)
  expect(dry.stderr).toContain('(dry run) api (rm-api):')
  expect(dry.stderr).toMatch(/\(dry run\)\s+- keep event source mapping .*not created by sling/)
  expect(await exists('rm-api')).toBe(true)
  const plan = (JSON.parse(dry.stdout) as {status: string; functions: {remove: {kind: string; name: string}[]; keep: {kind: string; name: string}[]}[]})
  expect(plan.status).toBe('would-remove')
  expect(plan.functions[0]?.remove.map((i) => i.kind).sort()).toEqual(['artifacts', 'function', 'mapping', 'notification', 'permission', 'url'])
  const url = plan.functions[0]?.remove.find((i) => i.kind === 'url')?.name ?? ''
  expect(dry.stderr).toContain(`(dry run)   - delete function URL ${url}: auth AWS_IAM`)
  expect(plan.functions[0]?.keep.map((i) => [i.kind, i.name])).toEqual([['mapping', outside.UUID], ['log-group', '/aws/lambda/rm-api'], ['role', 'sling-rm']])

  const removed = await cloud.cli(['remove', 'api', '--yes'], {cwd: project.dir})
  expect(removed.code, removed.stderr).toBe(0)
  expect(await exists('rm-api')).toBe(false)
  expect(await exists('rm-keeper')).toBe(true)
  const mappings = await cloud.lambda.send(new ListEventSourceMappingsCommand({}))
  expect(mappings.EventSourceMappings?.map((m) => m.EventSourceArn)).toContain(theirs)
  expect(mappings.EventSourceMappings?.map((m) => m.EventSourceArn)).not.toContain(ours)
  expect(removed.stderr).toContain('Removing the S3 notification sling-rm-api-') // through the events library
  const notifications = await s3().send(new GetBucketNotificationConfigurationCommand({Bucket: 'rm-uploads'}))
  expect(notifications.LambdaFunctionConfigurations?.map((c) => c.Id)).toEqual(['theirs'])
  const policy = await cloud.lambda.send(new GetPolicyCommand({FunctionName: 'rm-keeper'}))
  expect(policy.Policy).toContain('theirs-s3')
  const artifacts = await s3().send(new ListObjectsV2Command({Bucket: 'sling-artifacts-000000000000-us-east-1'}))
  expect(artifacts.Contents?.map((o) => o.Key)).toEqual(['sling/rm-keeper/2222.zip'])
  expect(await cloud.iam.send(new GetRoleCommand({RoleName: 'sling-rm'})).then(() => true, () => false)).toBe(true) // keeper uses it

  // The last function using sling's role: the role goes too, and --logs takes the log group.
  const last = await cloud.cli(['remove', 'keeper', '--yes', '--logs'], {cwd: project.dir})
  expect(last.code, last.stderr).toBe(0)
  expect(last.stderr).toContain('Deleted the role sling-rm sling had created.')
  expect(await cloud.iam.send(new GetRoleCommand({RoleName: 'sling-rm'})).then(() => true, () => false)).toBe(false)
})

test('remove of a function that does not exist changes nothing and says so (exit 1)', async () => {
  const project = await cloud.project({service: 'gone', functions: {api: {entry: 'src/api.ts'}}}, {'src/api.ts': HANDLER('x')})
  const result = await cloud.cli(['remove', 'api', '--yes'], {cwd: project.dir})
  expect(result.code).toBe(1)
  expect(result.stderr).toContain('Function "gone-api" doesn\'t exist')
})

interface InfoJson {
  key: string
  configuration: {name: string; memorySize: number; environment: Record<string, string>}
  masked: string[]
  versions: {version: string}[]
  aliases: {name: string; weights: {version: string; percent: number}[]}[]
  eventSources: {kind: string; source: string; qualifier?: string; state: string; detail?: string; id: string; managedBy: string}[]
  permissions: {sid: string; principal: string; sling: boolean}[]
  metrics: {invocations: number; errors: number; throttles: number; p90DurationMs?: number}
  drift: {configuration: {field: string; from?: unknown; to?: unknown; added?: string[]; changed?: string[]}[]; code: string}
}

test('info shows configuration with secrets masked, versions, aliases, event sources, URL, the last hour and the drift from the config', async () => {
  const failing = `export const handler = async (event) => { if (event.fail) throw new Error('boom'); return {ok: true} }\n`
  const config = {service: 'inf', functions: {api: {entry: 'src/api.ts', role, memorySize: 256, environment: {DB_PASSWORD: 'hunter2', API_URL: 'https://example.com'}}}}
  const project = await cloud.project(config, {'src/api.ts': failing})
  expect((await cloud.cli(['deploy', '--alias', 'live'], {cwd: project.dir})).code).toBe(0)
  await cloud.lambda.send(new CreateFunctionUrlConfigCommand({FunctionName: 'inf-api', AuthType: 'AWS_IAM'}))
  await queue('inf-jobs')
  const attached = await cloud.cli(['events', 'attach', 'api', 'sqs:inf-jobs', '--qualifier', 'live'], {cwd: project.dir})
  expect(attached.code, attached.stderr).toBe(0)
  await cloud.lambda.send(new AddPermissionCommand({FunctionName: 'inf-api', StatementId: 'events-nightly', Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', SourceArn: 'arn:aws:events:us-east-1:000000000000:rule/nightly'}))
  for (const payload of ['{}', '{}', '{"fail": true}']) await cloud.cli(['invoke', 'api', '--payload', payload], {cwd: project.dir})
  await project.write({}, {...config, functions: {api: {...config.functions.api, memorySize: 512, environment: {DB_PASSWORD: 'changed', API_URL: 'https://example.com'}}}})

  const shown = await cloud.cli(['info', 'api', '--json'], {cwd: project.dir})
  expect(shown.code, shown.stderr).toBe(0)
  expect(shown.stdout).not.toContain('hunter2')
  const info = JSON.parse(shown.stdout) as InfoJson
  expect(info.configuration.environment).toEqual({DB_PASSWORD: '********', API_URL: 'https://example.com'})
  expect(info.masked).toEqual(['DB_PASSWORD'])
  expect(info.versions.map((v) => v.version)).toEqual(['1'])
  expect(info.aliases).toEqual([expect.objectContaining({name: 'live', weights: [{version: '1', percent: 100, routed: false}]})])
  // Event sources and the URL: the rows "sling events list" shows, sling's marked as sling's.
  const listed = await cloud.cli(['events', 'list', 'api', '--json'], {cwd: project.dir})
  expect(listed.code, listed.stderr).toBe(0)
  const rows = (JSON.parse(listed.stdout) as {sources: InfoJson['eventSources']}).sources
  const key = (r: InfoJson['eventSources'][number]): unknown[] => [r.kind, r.source, r.qualifier, r.id, r.managedBy]
  expect(info.eventSources.map(key)).toEqual(rows.map(key))
  expect(info.eventSources).toContainEqual(expect.objectContaining({kind: 'mapping', source: 'sqs:inf-jobs', qualifier: 'live', managedBy: 'sling-cli'}))
  expect(info.eventSources).toContainEqual(expect.objectContaining({kind: 'url', state: 'present', detail: 'auth AWS_IAM', managedBy: 'other'}))
  expect(info.permissions).toContainEqual(expect.objectContaining({sid: 'events-nightly', principal: 'events.amazonaws.com', sling: false}))
  expect(info.metrics).toMatchObject({invocations: 3, errors: 1, throttles: 0})
  expect(info.metrics.p90DurationMs).toBeGreaterThan(0)
  expect(info.drift.configuration).toContainEqual({field: 'memorySize', from: 256, to: 512})
  expect(info.drift.configuration).toContainEqual(expect.objectContaining({field: 'environment', changed: ['DB_PASSWORD']}))
  expect(info.drift.configuration.find((c) => c.field === 'environment')).not.toHaveProperty('to') // names only, never values
  expect(shown.stdout).not.toMatch(/:\s*"changed"/) // the config's new value isn't printed either

  const plain = await cloud.cli(['info', 'api', '--show-secrets'], {cwd: project.dir})
  expect(plain.code, plain.stderr).toBe(0)
  expect(plain.stdout).toContain('DB_PASSWORD=hunter2')
  expect(plain.stdout).toMatch(/live\s+v1\s+█+ 100%/)
  expect(plain.stdout).toContain('memorySize: deployed 256, config 512')
  expect(plain.stdout).toMatch(/Event sources\n {2}sqs:inf-jobs → live {2}\w+ {2}.*sling {2}[0-9a-f-]{36}\n/)
  expect(plain.stdout).toMatch(/Function URL\n {2}https?:\S+ {2}present {2}auth AWS_IAM {2}not sling\n/)
})

test('info of a function that does not exist is FunctionNotFound (exit 1), with a did-you-mean for a near key', async () => {
  const project = await cloud.project({service: 'near', functions: {hello: {entry: 'src/api.ts'}}}, {'src/api.ts': HANDLER('x')})
  const result = await cloud.cli(['info', 'helo'], {cwd: project.dir})
  expect(result.code).toBe(1)
  expect(result.stderr).toContain('Did you mean "hello"?')
})

import {createHash, randomBytes} from 'node:crypto'

import {afterAll, describe, expect, inject, test} from 'vitest'

import type {AwsClients} from '../../src/lib/aws/clients.js'
import {createAwsClients} from '../../src/lib/aws/clients.js'
import type {CloudWatchApi} from '../../src/lib/aws/cloudwatch.js'
import {createCloudWatchApi} from '../../src/lib/aws/cloudwatch.js'
import type {IamApi} from '../../src/lib/aws/iam.js'
import {basicExecutionPolicyArn, createIamApi, LAMBDA_TRUST_POLICY} from '../../src/lib/aws/iam.js'
import type {LambdaApi} from '../../src/lib/aws/lambda.js'
import {createLambdaApi} from '../../src/lib/aws/lambda.js'
import type {LogsApi} from '../../src/lib/aws/logs.js'
import {createLogsApi, logGroupOf} from '../../src/lib/aws/logs.js'
import {partitionOf} from '../../src/lib/aws/sts.js'
import type {FunctionInfo} from '../../src/lib/aws/types.js'
import {rejectionOf, zipOf} from '../helpers/aws.js'

// The AWS core against real AWS: the round trips `sling deploy`, rollouts, invoke and logs make.
// Everything is uniquely named and deleted in afterAll, even when a step fails.

const target = inject('awsTarget')
const name = `sling-test-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
const source = (tag: string) => `exports.handler = async (event) => { console.log("${tag} saw", JSON.stringify(event)); return {tag: "${tag}", stage: process.env.STAGE} }`
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64')

interface Apis {
  readonly lambda: LambdaApi
  readonly logs: LogsApi
  readonly iam: IamApi
  readonly cloudwatch: CloudWatchApi
}

let clients: AwsClients | undefined
let apis: Apis | undefined
/** Built on first use, so a skipped run builds nothing. */
async function aws(): Promise<Apis> {
  if (apis) return apis
  if (!target.enabled) throw new Error('the real-AWS suite is not enabled')
  clients = await createAwsClients({region: target.region, profile: process.env.AWS_PROFILE})
  const context = {region: target.region}
  apis = {
    lambda: createLambdaApi(await clients.lambda(), context, {pollSeconds: 2}),
    logs: createLogsApi(await clients.logs(), context),
    iam: createIamApi(await clients.iam(), context),
    cloudwatch: createCloudWatchApi(await clients.cloudwatch(), context),
  }
  return apis
}

afterAll(async () => {
  if (!apis) return
  const {lambda, logs, iam, cloudwatch} = apis
  const left: string[] = []
  const attempt = async (what: string, clean: () => Promise<unknown>): Promise<void> => {
    try {
      await clean()
    } catch (error) {
      left.push(`${what}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  await attempt(`alarm ${name}-errors`, () => cloudwatch.deleteAlarms([`${name}-errors`]))
  await attempt(`function ${name}`, () => lambda.deleteFunction(name)) // with its versions and aliases
  await attempt(`log group ${logGroupOf(name)}`, () => logs.deleteLogGroup(logGroupOf(name)))
  await attempt(`role ${name}`, () => iam.deleteRole(name))
  await clients?.close()
  if (left.length > 0) throw new Error(`test:aws could not delete, please remove by hand:\n${left.join('\n')}`)
})

describe.skipIf(!target.enabled)(`the AWS core on real AWS (${name})`, () => {
  // The steps build on each other, in order: each one records what the next needs.
  let current: FunctionInfo | undefined

  test('creates an execution role and a function that uses it at once', async () => {
    const {iam, lambda} = await aws()
    const arn = target.enabled ? target.arn : ''
    const role = await iam.createRole({name, trustPolicy: LAMBDA_TRUST_POLICY, description: 'sling test:aws; safe to delete'})
    await iam.attachRolePolicy(name, basicExecutionPolicyArn(partitionOf(arn)))
    // newRole: IAM takes seconds to propagate, and Lambda refuses the role until then.
    current = await lambda.createFunction(
      {name, role: role.arn, runtime: 'nodejs22.x', handler: 'index.handler', memorySize: 128, timeout: 10, environment: {STAGE: 'test'}, tags: {'sling:test': 'true'}, code: {zipFile: await zipOf({'index.js': source('v1')})}},
      {newRole: true},
    )
    expect(current).toMatchObject({name, state: 'Active', runtime: 'nodejs22.x', tags: {'sling:test': 'true'}})
  })

  test('updates configuration and code, each waiting until applied, chaining RevisionIds', async () => {
    const {lambda} = await aws()
    current = await lambda.update(name, {kind: 'configuration', settings: {memorySize: 256}, revisionId: current?.revisionId})
    expect(current).toMatchObject({memorySize: 256, lastUpdateStatus: 'Successful'})
    const v2 = await zipOf({'index.js': source('v2')})
    current = await lambda.update(name, {kind: 'code', code: {zipFile: v2}, revisionId: current.revisionId})
    expect(current).toMatchObject({codeSha256: sha256(v2), lastUpdateStatus: 'Successful'})
  })

  test('refuses a change based on a stale RevisionId, naming the function', async () => {
    const {lambda} = await aws()
    const stale = await rejectionOf(lambda.update(name, {kind: 'configuration', settings: {timeout: 20}, revisionId: '00000000-0000-0000-0000-000000000000'}))
    expect(stale).toMatchObject({code: 'ConcurrentChange', message: expect.stringContaining(`Function "${name}"`) as string})
  })

  test('publishes versions only of the code it uploaded, and splits an alias between them', async () => {
    const {lambda} = await aws()
    const first = await lambda.publishVersion(name, {codeSha256: current?.codeSha256 ?? '', revisionId: current?.revisionId})
    const v3 = await zipOf({'index.js': source('v3')})
    current = await lambda.update(name, {kind: 'code', code: {zipFile: v3}})
    const second = await lambda.publishVersion(name, {codeSha256: sha256(v3)})
    expect((await lambda.listVersions(name)).map((v) => v.version)).toEqual([first.version, second.version])

    const created = await lambda.pointAlias(name, 'live', {version: first.version})
    expect(created.previous).toBeUndefined()
    const split = await lambda.pointAlias(name, 'live', {version: first.version, routing: {[second.version]: 0.1}}, {revisionId: created.alias.revisionId})
    expect(split.alias).toMatchObject({version: first.version, routing: {[second.version]: 0.1}})
    const promoted = await lambda.pointAlias(name, 'live', {version: second.version}, {revisionId: split.alias.revisionId})
    expect(promoted).toMatchObject({previous: {version: first.version}, alias: {version: second.version, routing: {}}})
    // A rollout step that read the alias before it moved must not overwrite the move.
    expect(await rejectionOf(lambda.pointAlias(name, 'live', {version: first.version}, {revisionId: split.alias.revisionId}))).toMatchObject({code: 'ConcurrentChange'})
  })

  test('invokes through the alias and finds the invocation in the logs', async () => {
    const {lambda, logs} = await aws()
    const marker = randomBytes(4).toString('hex')
    const result = await lambda.invoke(name, JSON.stringify({marker}), {qualifier: 'live', logTail: true})
    expect(result).toMatchObject({statusCode: 200, functionError: undefined})
    expect(JSON.parse(Buffer.from(result.payload).toString('utf8'))).toEqual({tag: 'v3', stage: 'test'})
    expect(result.logTail).toContain(marker)
    // CloudWatch Logs takes a few seconds to make new events searchable.
    let found: string[] = []
    for (let i = 0; i < 30 && found.length === 0; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 3000))
      try {
        for await (const event of logs.filterEvents(logGroupOf(name), {filterPattern: `"${marker}"`})) found.push(event.message)
      } catch {
        found = [] // the log group may not exist yet
      }
    }
    expect(found).toEqual([expect.stringContaining(`v3 saw {"marker":"${marker}"}`)])
  })

  test('reads alarms and metrics as a rollout would', async () => {
    const {cloudwatch} = await aws()
    const alarm = `${name}-errors`
    const metric = {namespace: 'AWS/Lambda', name: 'Errors', dimensions: {FunctionName: name, Resource: `${name}:live`}}
    await cloudwatch.putMetricAlarm({name: alarm, metric, stat: 'Sum', periodSeconds: 60, evaluationPeriods: 1, threshold: 1, comparison: 'GreaterThanOrEqualToThreshold', treatMissingData: 'notBreaching'})
    expect((await cloudwatch.describeAlarms({names: [alarm, `${name}-no-such-alarm`]})).map((a) => [a.name, a.kind])).toEqual([[alarm, 'metric']])
    const end = new Date()
    const series = await cloudwatch.getMetricData([{id: 'errors', metric, stat: 'Sum', periodSeconds: 60}], {start: new Date(end.getTime() - 15 * 60_000), end})
    expect(series.map((s) => s.id)).toEqual(['errors'])
  })

  test('reads the account settings', async () => {
    const {lambda} = await aws()
    const settings = await lambda.getAccountSettings()
    expect(settings.limits.codeSizeZipped).toBeGreaterThan(0)
    expect(settings.usage.functionCount).toBeGreaterThan(0)
  })
})

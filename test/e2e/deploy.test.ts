import {AttachRolePolicyCommand} from '@aws-sdk/client-iam'
import {GetAliasCommand, GetFunctionCommand, GetFunctionEventInvokeConfigCommand, InvokeCommand, ListVersionsByFunctionCommand} from '@aws-sdk/client-lambda'
import {afterAll, beforeAll, expect, test} from 'vitest'

import {decodeDescription} from '../../src/lib/release/alias-state.js'
import {rejectionOf} from '../helpers/aws.js'
import type {Cloud} from './deploy-helpers.js'
import {byOperation, parseDeploy, startCloud, writesOf} from './deploy-helpers.js'

// One `sling local serve` for the file; each test deploys its own service, so tests never share a function.
let cloud: Cloud
beforeAll(async () => {
  cloud = await startCloud()
})
afterAll(async () => {
  await cloud.stop()
})

const handler = (version: number): string => `exports.handler = async () => ({version: ${version}})\n`
const fn = (settings: Record<string, unknown>) => ({bundle: false, source: 'api', runtime: 'nodejs22.x', ...settings})

async function getFunction(name: string) {
  return cloud.lambda.send(new GetFunctionCommand({FunctionName: name}))
}

test('first deploy creates the function with every configured setting and publishes its layer; the next one only reads', async () => {
  const role = await cloud.role('e2e-first-role')
  const config = {
    service: 'e2e-first',
    functions: {
      api: fn({
        role, memorySize: 256, timeout: 10, environment: {GREETING: 'hi', API_TOKEN: 's3cr3t-value'}, layers: ['shared'], description: 'The API', tags: {team: 'core'},
        ephemeralStorage: 1024, tracing: 'Active', deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:api-dlq',
        loggingConfig: {logFormat: 'JSON', applicationLogLevel: 'DEBUG'}, reservedConcurrentExecutions: 5,
      }),
    },
    layers: {shared: {directory: 'layer'}},
  }
  const project = await cloud.project(config, {'api/index.js': handler(1), 'layer/nodejs/node_modules/greet/index.js': 'module.exports = "hi"\n'})

  const first = await cloud.cli(['deploy', '--config', project.config, '--json'])

  expect(first.code).toBe(0)
  const deployed = parseDeploy(first)
  expect(deployed.functions).toEqual([expect.objectContaining({key: 'api', functionName: 'e2e-first-api', action: 'created', progress: 'done', changed: {code: true, configuration: true}})])
  expect(deployed.layers).toEqual([expect.objectContaining({key: 'shared', action: 'published', arn: expect.stringMatching(/:layer:e2e-first-shared:1$/)})])
  const {Configuration: c, Tags, Concurrency} = await getFunction('e2e-first-api')
  expect(c).toMatchObject({
    Runtime: 'nodejs22.x', Handler: 'index.handler', Role: role, MemorySize: 256, Timeout: 10, Description: 'The API',
    Environment: {Variables: {GREETING: 'hi', API_TOKEN: 's3cr3t-value'}}, EphemeralStorage: {Size: 1024}, TracingConfig: {Mode: 'Active'},
    DeadLetterConfig: {TargetArn: 'arn:aws:sqs:us-east-1:000000000000:api-dlq'},
    LoggingConfig: {LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG', SystemLogLevel: 'INFO', LogGroup: '/aws/lambda/e2e-first-api'},
    Layers: [{Arn: deployed.layers[0]?.arn}], CodeSha256: deployed.functions[0]?.codeSha256 ?? 'missing',
  })
  expect(Tags).toEqual({team: 'core'})
  expect(Concurrency).toEqual({ReservedConcurrentExecutions: 5})

  // The same deploy again: one GetFunction and one ListLayerVersions, and no write of any kind.
  const again = await cloud.cli(['deploy', '--config', project.config, '--json', '--verbose'])
  expect(again.code).toBe(0)
  const noop = parseDeploy(again)
  expect(noop).toMatchObject({status: 'unchanged', functions: [{action: 'unchanged'}], layers: [{action: 'unchanged'}]})
  expect(noop.calls).toEqual({reads: 2, writes: 0, byOperation: {'Lambda.ListLayerVersions': 1, 'Lambda.GetFunction': 1}})
  expect(again.stderr).toContain('AWS calls: 2 reads, 0 writes (Lambda.ListLayerVersions ×1, Lambda.GetFunction ×1)')
  expect(`${first.stdout}${first.stderr}${again.stdout}${again.stderr}`).not.toContain('s3cr3t-value')

  const same = await cloud.cli(['diff', '--config', project.config, '--exit-code'])
  expect(same).toMatchObject({code: 0, stdout: 'api → e2e-first-api: unchanged\nlayer shared → e2e-first-shared: unchanged (version 1)\n'})
})

test('a code change is only UpdateFunctionCode, a configuration change only UpdateFunctionConfiguration, a tag change only Tag/Untag; diff shows each first', async () => {
  const role = await cloud.role('e2e-changes-role')
  const base = {role, environment: {MODE: 'a', TOKEN: 'hunter2'}, tags: {team: 'core', owner: 'ada'}}
  const config = (settings: Record<string, unknown>) => ({service: 'e2e-changes', functions: {api: fn({...base, ...settings})}})
  const project = await cloud.project(config({}), {'api/index.js': handler(1)})
  expect((await cloud.cli(['deploy', '--config', project.config, '--json'], {via: 'local'})).code).toBe(0)

  await project.write({'api/index.js': handler(2)})
  const codeDiff = await cloud.cli(['diff', '--config', project.config, '--exit-code'], {via: 'local'})
  expect(codeDiff.code).toBe(1)
  expect(codeDiff.stdout).toMatch(/^ {2}- code: CodeSha256 \S+ \(\d+ B\)\n {2}\+ code: CodeSha256 \S+ \(\d+ B\)$/m)
  const code = parseDeploy(await cloud.cli(['deploy', '--config', project.config, '--json'], {via: 'local'}))
  expect(code.functions[0]).toMatchObject({action: 'updated', changed: {code: true, configuration: false}})
  expect(writesOf(code)).toEqual({'Lambda.UpdateFunctionCode': 1})

  await project.write({}, config({timeout: 20, environment: {MODE: 'a', TOKEN: 'swordfish'}}))
  const configDiff = await cloud.cli(['diff', '--config', project.config, '--exit-code'], {via: 'local'})
  expect(configDiff.code).toBe(1)
  expect(configDiff.stdout).toContain('  - timeout: 3\n  + timeout: 20\n  ~ environment.TOKEN (value changed; --show-values shows it)')
  expect(configDiff.stdout).not.toMatch(/hunter2|swordfish/)
  const configuration = parseDeploy(await cloud.cli(['deploy', '--config', project.config, '--json'], {via: 'local'}))
  expect(configuration.functions[0]).toMatchObject({action: 'updated', changed: {code: false, configuration: true}})
  expect(writesOf(configuration)).toEqual({'Lambda.UpdateFunctionConfiguration': 1})
  expect((await getFunction('e2e-changes-api')).Configuration).toMatchObject({Timeout: 20, Environment: {Variables: {MODE: 'a', TOKEN: 'swordfish'}}})

  await project.write({}, config({timeout: 20, environment: {MODE: 'a', TOKEN: 'swordfish'}, tags: {team: 'platform', cost: 'x'}}))
  const tags = parseDeploy(await cloud.cli(['deploy', '--config', project.config, '--json'], {via: 'local'}))
  expect(tags.functions[0]).toMatchObject({action: 'updated', changed: {code: false, configuration: false}})
  expect(writesOf(tags)).toEqual({'Lambda.TagResource': 1, 'Lambda.UntagResource': 1})
  expect((await getFunction('e2e-changes-api')).Tags).toEqual({team: 'platform', cost: 'x'})
})

test('a layer is published only when its content changed, and the function then references the new version', async () => {
  const role = await cloud.role('e2e-layers-role')
  const project = await cloud.project({service: 'e2e-layers', functions: {api: fn({role, layers: ['shared']})}, layers: {shared: {directory: 'layer'}}}, {
    'api/index.js': handler(1), 'layer/nodejs/node_modules/greet/index.js': 'module.exports = "hi"\n',
  })
  expect(parseDeploy(await cloud.cli(['deploy', '--config', project.config, '--json'])).layers).toMatchObject([{action: 'published'}])

  await project.write({'api/index.js': handler(2)})
  const codeOnly = parseDeploy(await cloud.cli(['deploy', '--config', project.config, '--json']))
  expect(codeOnly.layers).toMatchObject([{action: 'unchanged', arn: expect.stringMatching(/:1$/)}])
  expect(writesOf(codeOnly)).toEqual({'Lambda.UpdateFunctionCode': 1})

  await project.write({'layer/nodejs/node_modules/greet/index.js': 'module.exports = "hello"\n'})
  const layerChanged = parseDeploy(await cloud.cli(['deploy', '--config', project.config, '--json']))
  expect(layerChanged.layers).toMatchObject([{action: 'published', arn: expect.stringMatching(/:layer:e2e-layers-shared:2$/)}])
  expect(writesOf(layerChanged)).toEqual({'Lambda.PublishLayerVersion': 1, 'Lambda.UpdateFunctionConfiguration': 1})
  expect((await getFunction('e2e-layers-api')).Configuration?.Layers?.map((l) => l.Arn)).toEqual([layerChanged.layers[0]?.arn])
})

test('--publish and --alias: a version per change, the alias records the version before; an unchanged function publishes nothing', async () => {
  const role = await cloud.role('e2e-release-role')
  const project = await cloud.project({service: 'e2e-release', functions: {api: fn({role})}}, {'api/index.js': handler(1)})

  const first = parseDeploy(await cloud.cli(['deploy', '--config', project.config, '--json', '--alias', 'live'], {via: 'local'}))
  expect(first.functions[0]).toMatchObject({action: 'created', version: '1', alias: {name: 'live', to: '1'}})

  await project.write({'api/index.js': handler(2)})
  const second = await cloud.cli(['deploy', '--config', project.config, '--alias', 'live'], {via: 'local'})
  expect(second.code).toBe(0)
  expect(second.stdout).toContain('api (e2e-release-api): updated (code); version 2; alias live 1 → 2')
  const alias = await cloud.lambda.send(new GetAliasCommand({FunctionName: 'e2e-release-api', Name: 'live'}))
  expect(alias.FunctionVersion).toBe('2')
  expect(decodeDescription(alias.Description).state).toMatchObject({setTo: {version: '2'}, previousVersion: '1'})

  const unchanged = parseDeploy(await cloud.cli(['deploy', '--config', project.config, '--json', '--alias', 'live'], {via: 'local'}))
  const published = parseDeploy(await cloud.cli(['deploy', '--config', project.config, '--json', '--publish'], {via: 'local'}))
  for (const run of [unchanged, published]) {
    expect(run.functions[0]).toMatchObject({action: 'unchanged'})
    expect(run.functions[0]?.version).toBeUndefined()
    expect(run.calls.writes).toBe(0)
  }
  const versions = await cloud.lambda.send(new ListVersionsByFunctionCommand({FunctionName: 'e2e-release-api'}))
  expect(versions.Versions?.map((v) => v.Version)).toEqual(['$LATEST', '1', '2'])
})


test('a container-image function deploys with PackageType Image and its ImageUri, a new tag is only UpdateFunctionCode, and the local cloud refuses to run it', async () => {
  const role = await cloud.role('e2e-image-role')
  const repository = `000000000000.dkr.ecr.${cloud.served.info.region}.amazonaws.com/e2e-image`
  const config = (tag: string) => ({service: 'e2e-image', functions: {app: {image: `${repository}:${tag}`, role, memorySize: 512}}})
  const project = await cloud.project(config('v1'), {})

  const first = parseDeploy(await cloud.cli(['deploy', '--config', project.config, '--json']))

  expect(first.functions).toEqual([expect.objectContaining({key: 'app', functionName: 'e2e-image-app', action: 'created'})])
  expect(writesOf(first)).toEqual({'Lambda.CreateFunction': 1})
  const created = await getFunction('e2e-image-app')
  expect(created.Configuration).toMatchObject({PackageType: 'Image', MemorySize: 512, Role: role})
  expect(created.Configuration?.Runtime).toBeUndefined()
  expect(created.Configuration?.Handler).toBeUndefined()
  expect(created.Code).toMatchObject({RepositoryType: 'ECR', ImageUri: `${repository}:v1`})
  const refused = await rejectionOf(cloud.lambda.send(new InvokeCommand({FunctionName: 'e2e-image-app', Payload: '{}'})))
  expect(refused.name).toBe('InvalidParameterValueException')
  expect(refused.message).toContain("sling's local cloud doesn't run container images (this function's PackageType is Image)")

  await project.write({}, config('v2'))
  const retagged = parseDeploy(await cloud.cli(['deploy', '--config', project.config, '--json']))
  expect(retagged.functions[0]).toMatchObject({action: 'updated', changed: {code: true, configuration: false}})
  expect(writesOf(retagged)).toEqual({'Lambda.UpdateFunctionCode': 1})
  expect((await getFunction('e2e-image-app')).Code?.ImageUri).toBe(`${repository}:v2`)
})

test("a failing update (a VPC the role may not create network interfaces in) fails with Lambda's LastUpdateStatusReason, exit 1; re-runs retry it until the cause is fixed", async () => {
  const role = await cloud.role('e2e-failed-role') // the trust policy only: no AWSLambdaVPCAccessExecutionRole
  const config = (settings: Record<string, unknown>) => ({service: 'e2e-failed', functions: {api: fn({role, ...settings})}})
  const project = await cloud.project(config({}), {'api/index.js': handler(1)})
  expect((await cloud.cli(['deploy', '--config', project.config, '--json'])).code).toBe(0)

  await project.write({}, config({vpcConfig: {subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0']}}))
  const failed = await cloud.cli(['deploy', '--config', project.config])

  const reason = 'The provided execution role does not have permissions to call CreateNetworkInterface on EC2'
  expect(failed.code).toBe(1)
  expect(failed.stdout).toMatch(/^api \(e2e-failed-api\): failed/m)
  expect(failed.stderr).toContain(`Function "e2e-failed-api" failed to finish updating (update status Failed): ${reason}.`)
  expect((await getFunction('e2e-failed-api')).Configuration).toMatchObject({LastUpdateStatus: 'Failed', LastUpdateStatusReasonCode: 'InsufficientRolePermissions'})

  // Lambda reports the failed settings as if applied; a re-run still sees the failure and tries again.
  const diff = await cloud.cli(['diff', '--config', project.config, '--exit-code'])
  expect(diff.code).toBe(1)
  expect(diff.stdout).toContain(`api → e2e-failed-api: update\n  ~ last update failed (${reason}): its settings and code are sent again\n`)
  const again = await cloud.cli(['deploy', '--config', project.config, '--json'])
  expect(again.code).toBe(1)
  expect(parseDeploy(again)).toMatchObject({status: 'failed', functions: [{action: 'failed', error: {code: 'FunctionFailed', message: expect.stringContaining(reason) as unknown}}]})

  // The fix: the role may now create network interfaces. The next deploy converges.
  await cloud.iam.send(new AttachRolePolicyCommand({RoleName: 'e2e-failed-role', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'}))
  const fixed = parseDeploy(await cloud.cli(['deploy', '--config', project.config, '--json']))
  expect(fixed).toMatchObject({status: 'deployed', functions: [{action: 'updated'}]})
  expect((await getFunction('e2e-failed-api')).Configuration).toMatchObject({LastUpdateStatus: 'Successful', VpcConfig: {SubnetIds: ['subnet-0123456789abcdef0']}})
  expect(parseDeploy(await cloud.cli(['deploy', '--config', project.config, '--json'])).status).toBe('unchanged')
})

test('first deploy sets the asynchronous invocation settings; a no-op reads them once and writes nothing', async () => {
  const role = await cloud.role('e2e-async-role')
  const onFailure = 'arn:aws:sqs:us-east-1:000000000000:e2e-async-failed'
  const project = await cloud.project({service: 'e2e-async', functions: {api: fn({role, eventInvokeConfig: {maximumRetryAttempts: 0, maximumEventAgeInSeconds: 3600, onFailure}})}}, {'api/index.js': handler(1)})

  const first = parseDeploy(await cloud.cli(['deploy', '--config', project.config, '--json']))

  expect(first.functions[0]).toMatchObject({action: 'created'})
  expect(writesOf(first)).toEqual({'Lambda.CreateFunction': 1, 'Lambda.PutFunctionEventInvokeConfig': 1})
  const settings = await cloud.lambda.send(new GetFunctionEventInvokeConfigCommand({FunctionName: 'e2e-async-api'}))
  expect(settings).toMatchObject({MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 3600, DestinationConfig: {OnFailure: {Destination: onFailure}}})

  const again = parseDeploy(await cloud.cli(['deploy', '--config', project.config, '--json']))
  expect(again).toMatchObject({status: 'unchanged', functions: [{action: 'unchanged'}]})
  expect(again.calls).toEqual({reads: 2, writes: 0, byOperation: {'Lambda.GetFunction': 1, 'Lambda.GetFunctionEventInvokeConfig': 1}})
})

test("a no-op deploy makes zero writes by the server's own count (GET /_sling/calls), and the server counts exactly the calls the CLI reports", async () => {
  const role = await cloud.role('e2e-count-role')
  const project = await cloud.project({
    service: 'e2e-count',
    functions: {
      api: fn({role, layers: ['shared'], alias: 'live', eventInvokeConfig: {maximumRetryAttempts: 1}}),
      worker: fn({role, source: 'worker'}),
    },
    layers: {shared: {directory: 'layer'}},
  }, {'api/index.js': handler(1), 'worker/index.js': handler(2), 'layer/nodejs/node_modules/greet/index.js': 'module.exports = "hi"\n'})
  expect((await cloud.cli(['deploy', '--config', project.config, '--json'])).code).toBe(0)

  await cloud.calls({reset: true})
  const noop = parseDeploy(await cloud.cli(['deploy', '--config', project.config, '--json']))
  const report = await cloud.calls()

  expect(noop.status).toBe('unchanged')
  expect(report.writes).toBe(0)
  expect(noop.calls.writes).toBe(0)
  // api: GetFunction, GetFunction of the alias, GetFunctionEventInvokeConfig; worker: GetFunction; the layer: ListLayerVersions.
  expect(noop.calls.byOperation).toEqual({'Lambda.GetFunction': 3, 'Lambda.GetFunctionEventInvokeConfig': 1, 'Lambda.ListLayerVersions': 1})
  expect(byOperation(report)).toEqual(noop.calls.byOperation)
  expect(report.calls.every((call) => call.status === 200)).toBe(true)
})

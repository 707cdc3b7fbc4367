import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda'
import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {afterAll, beforeAll, expect, test} from 'vitest'

import {zipOf} from '../helpers/aws.js'
import type {RunOptions} from '../helpers/cli.js'
import {runCli, tempDir} from '../helpers/cli.js'
import type {Served} from './local-serve-helper.js'
import {serve} from './local-serve-helper.js'

// One local cloud for the file; each test works on functions of its own.
const cleanups: (() => Promise<void>)[] = []
let served: Served
let work: string
const clients = new Map<string, LambdaClient>()

beforeAll(async () => {
  const {dir, cleanup} = await tempDir('sling-e2e-versions-')
  cleanups.push(cleanup)
  work = dir
  // Functions settle 10 ms after a change: long enough to be seen in progress, short enough to keep the file fast.
  served = await serve(['--port', '0', '--store', path.join(dir, 'store')], cleanups, {SLING_LOCAL_STATE_DELAY_MS: '10'})
})

afterAll(async () => {
  for (const client of clients.values()) client.destroy()
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function lambdaIn(region = 'us-east-1'): LambdaClient {
  let client = clients.get(region)
  if (!client) {
    client = new LambdaClient({endpoint: served.info.endpoint, region, credentials: {accessKeyId: 'x', secretAccessKey: 'x'}})
    clients.set(region, client)
  }
  return client
}

async function settled(lambda: LambdaClient, name: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const config = await lambda.send(new GetFunctionConfigurationCommand({FunctionName: name}))
    if (config.State === 'Active' && config.LastUpdateStatus !== 'InProgress') return
    await sleep(5)
  }
  throw new Error(`${name} never settled`)
}

/** Creates `name` with `versions` published versions (descriptions "commit N"), in `region`. */
async function aFunction(name: string, versions: number, region?: string): Promise<LambdaClient> {
  const lambda = lambdaIn(region)
  const code = (n: number) => zipOf({'index.js': `exports.handler = async () => ${n}`})
  await lambda.send(new CreateFunctionCommand({FunctionName: name, Runtime: 'nodejs20.x', Role: 'arn:aws:iam::123456789012:role/fn', Handler: 'index.handler', Code: {ZipFile: await code(0)}}))
  await settled(lambda, name)
  for (let n = 1; n <= versions; n++) {
    await lambda.send(new UpdateFunctionCodeCommand({FunctionName: name, ZipFile: await code(n)}))
    await settled(lambda, name)
    await lambda.send(new PublishVersionCommand({FunctionName: name, Description: `commit ${n}`}))
  }
  return lambda
}

async function anAlias(lambda: LambdaClient, name: string, alias: string, version: string, routing?: Record<string, number>): Promise<void> {
  await lambda.send(new CreateAliasCommand({FunctionName: name, Name: alias, FunctionVersion: version, ...(routing ? {RoutingConfig: {AdditionalVersionWeights: routing}} : {})}))
}

async function publishedVersions(lambda: LambdaClient, name: string): Promise<string[]> {
  const {Versions = []} = await lambda.send(new ListVersionsByFunctionCommand({FunctionName: name}))
  return Versions.map((v) => v.Version ?? '').filter((v) => v !== '$LATEST')
}

/** The built CLI against the shared local cloud, from a directory with no config file unless `cwd` says otherwise. */
function sling(args: readonly string[], options: RunOptions = {}) {
  return runCli([...args, '--endpoint-url', served.info.endpoint], {
    cwd: work,
    ...options,
    env: {AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...options.env},
  })
}

test('versions list shows each version with the aliases that point or route to it, and their weights', async () => {
  const lambda = await aFunction('orders', 4)
  await anAlias(lambda, 'orders', 'live', '3', {'4': 0.1})
  await anAlias(lambda, 'orders', 'beta', '1')

  const lines = await sling(['versions', 'list', 'orders'])
  const json = await sling(['versions', 'list', 'orders', '--json'])

  expect(lines.code).toBe(0)
  expect(lines.stdout.trim().split('\n').map((line) => [line.split('\t')[0], line.split('\t')[1], line.split('\t')[4]])).toEqual([
    ['v4', 'commit 4', 'live → 10%'],
    ['v3', 'commit 3', 'live 90%'],
    ['v2', 'commit 2', ''],
    ['v1', 'commit 1', 'beta 100%'],
  ])
  const list = JSON.parse(json.stdout) as {versions: {version: string; shortSha: string; codeSha256: string; aliases: unknown[]}[]}
  expect(list.versions.map((v) => [v.version, v.aliases])).toEqual([
    ['4', [{alias: 'live', percent: 10, routed: true}]],
    ['3', [{alias: 'live', percent: 90, routed: false}]],
    ['2', []],
    ['1', [{alias: 'beta', percent: 100, routed: false}]],
  ])
  expect(list.versions[0]?.shortSha).toBe(list.versions[0]?.codeSha256.slice(0, 8))
})

test('prune keeps the newest N, an aliased and a weighted version; a dry run and a missing --yes delete nothing; --yes deletes the rest', async () => {
  const lambda = await aFunction('pruned', 6)
  await anAlias(lambda, 'pruned', 'live', '3', {'4': 0.2})
  await anAlias(lambda, 'pruned', 'beta', '1')

  const dryRun = await sling(['versions', 'prune', 'pruned', '--keep', '1', '--dry-run'])
  expect(dryRun.code).toBe(0)
  expect(dryRun.stderr).toContain('(dry run)   v5 delete')
  expect(dryRun.stderr).toContain('(dry run)   v4 keep: alias "live" routes 20% of its traffic to it')
  expect(dryRun.stdout).toBe('(dry run) Would delete 2 versions of pruned (v2, v5) and keep 4.\n')
  expect(await publishedVersions(lambda, 'pruned')).toEqual(['1', '2', '3', '4', '5', '6'])

  const unconfirmed = await sling(['versions', 'prune', 'pruned', '--keep', '1'])
  expect(unconfirmed.code).toBe(2)
  expect(unconfirmed.stderr).toContain('Pass --yes in CI or scripts.')
  expect(await publishedVersions(lambda, 'pruned')).toEqual(['1', '2', '3', '4', '5', '6'])

  const pruned = await sling(['versions', 'prune', 'pruned', '--keep', '1', '--yes', '--json'])
  expect(pruned.code).toBe(0)
  expect(JSON.parse(pruned.stdout)).toMatchObject({status: 'pruned', deleted: ['2', '5'], failed: []})
  expect(await publishedVersions(lambda, 'pruned')).toEqual(['1', '3', '4', '6'])
})

test('alias set creates, then moves the alias recording where it was; alias list shows it; alias delete needs --yes', async () => {
  const lambda = await aFunction('billing', 3)

  const created = await sling(['alias', 'set', 'billing', 'live', '1'])
  const moved = await sling(['alias', 'set', 'billing', 'live', 'v2', '--description', 'Production'])
  expect(created).toMatchObject({code: 0, stdout: 'Created alias "live" of billing on v1.\n'})
  expect(moved).toMatchObject({code: 0, stdout: 'Moved alias "live" of billing from v1 to v2. "sling rollback" returns it to v1.\n'})
  const alias = await lambda.send(new GetAliasCommand({FunctionName: 'billing', Name: 'live'}))
  expect(alias).toMatchObject({FunctionVersion: '2', Description: 'Production [sling:{"v":1,"c":"2","p":"1"}]'})

  const listed = await sling(['alias', 'list', 'billing'])
  expect(listed.stdout).toBe('live\tv2\tv2 100%\tv1\t\tProduction\n')

  const unconfirmed = await sling(['alias', 'delete', 'billing', 'live'])
  expect(unconfirmed.code).toBe(2)
  expect(unconfirmed.stderr).toContain('Alias "live" of billing points to v2; "sling rollback" would return it to v1.')
  const deleted = await sling(['alias', 'delete', 'billing', 'live', '--yes'])
  expect(deleted).toMatchObject({code: 0, stdout: 'Deleted alias "live" of billing (on v2).\n'})
  await expect(lambda.send(new GetAliasCommand({FunctionName: 'billing', Name: 'live'}))).rejects.toMatchObject({name: 'ResourceNotFoundException'})
})

test('a config key names its function; a misspelt one gets "did you mean", with the region and how to create it', async () => {
  await aFunction('shop-api', 1)
  const project = path.join(work, 'project')
  await mkdir(project, {recursive: true})
  await writeFile(path.join(project, 'sling.config.json'), JSON.stringify({service: 'shop', functions: {api: {entry: 'src/api.ts'}}}))

  const byKey = await sling(['versions', 'list', 'api'], {cwd: project})
  const misspelt = await sling(['versions', 'list', 'apj'], {cwd: project})

  expect(byKey).toMatchObject({code: 0, stdout: expect.stringMatching(/^v1\tcommit 1\t/) as string})
  expect(misspelt.code).toBe(1)
  expect(misspelt.stderr).toContain('Error: Function "apj" doesn\'t exist in us-east-1. Did you mean "api"?')
  expect(misspelt.stderr).toContain('create it with "sling deploy"')
})

test("an ARN works without a config file, in the ARN's region whatever AWS_REGION says", async () => {
  const lambda = await aFunction('far', 2, 'eu-west-1')
  await anAlias(lambda, 'far', 'live', '2')
  const arn = 'arn:aws:lambda:eu-west-1:000000000000:function:far'

  const byArn = await sling(['alias', 'list', arn])
  const byName = await sling(['alias', 'list', 'far'])

  expect(byArn).toMatchObject({code: 0, stdout: 'live\tv2\tv2 100%\t\t\t\n'})
  expect(byName.code).toBe(1)
  expect(byName.stderr).toContain('Function "far" doesn\'t exist in us-east-1.')
})

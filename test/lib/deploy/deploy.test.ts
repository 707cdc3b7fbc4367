import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {afterEach, expect, test} from 'vitest'

import type {NewFunction} from '../../../src/lib/aws/types.js'
import {deploy, diff} from '../../../src/lib/deploy/deploy.js'
import type {DeployOptions} from '../../../src/lib/deploy/deploy.js'
import {UserError} from '../../../src/lib/errors.js'
import {decodeDescription, encodeDescription} from '../../../src/lib/release/alias-state.js'
import {silentOutput} from '../../../src/lib/output.js'
import {rejectionOf} from '../../helpers/aws.js'
import {REGION, sha256} from './fakes.js'
import type {TestDeps} from './helpers.js'
import {aBuild, aProject, fakePackage, ROLE, testDeps} from './helpers.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** Deploys `config` with `deps`: each call loads the config afresh, as each `sling deploy` run does. */
async function run(config: Record<string, unknown>, deps: TestDeps, options: Partial<DeployOptions> = {}) {
  const project = await aProject(config)
  cleanups.push(project.cleanup)
  return deploy({config: project.config, region: REGION, ...options}, deps)
}

const API = {entry: 'src/api.ts', role: ROLE}

test('creates a function with every configured setting, then publishes, points the alias and provisions concurrency', async () => {
  const deps = testDeps()
  const config = {
    functions: {
      api: {
        ...API, memorySize: 512, timeout: 10, description: 'The API', environment: {TABLE: 'orders'}, architecture: 'arm64', tags: {team: 'shop'},
        ephemeralStorage: 1024, tracing: 'Active', deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:123456789012:dlq',
        vpcConfig: {subnetIds: ['subnet-1'], securityGroupIds: ['sg-1']}, loggingConfig: {logFormat: 'JSON', applicationLogLevel: 'WARN'},
        reservedConcurrentExecutions: 5, eventInvokeConfig: {maximumRetryAttempts: 0, onFailure: 'arn:aws:sqs:eu-west-1:123456789012:failed'},
        alias: 'live', provisionedConcurrency: {executions: 2},
      },
    },
  }
  const result = await run(config, deps)
  expect(deps.lambda.log.writes()).toEqual([
    'createFunction shop-api', 'update shop-api', 'putEventInvokeConfig shop-api', 'publishVersion shop-api', 'pointAlias shop-api', 'putProvisionedConcurrency shop-api',
  ])
  const spec = deps.lambda.log.calls.find((c) => c.op === 'createFunction')?.args[0] as NewFunction
  expect(spec).toEqual({
    name: 'shop-api', role: ROLE, code: {zipFile: Buffer.from('code of api')}, architecture: 'arm64', tags: {team: 'shop'},
    runtime: 'nodejs24.x', handler: 'index.handler', memorySize: 512, timeout: 10, description: 'The API', environment: {TABLE: 'orders'}, layers: [],
    ephemeralStorage: 1024, tracing: 'Active', deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:123456789012:dlq',
    vpcConfig: {subnetIds: ['subnet-1'], securityGroupIds: ['sg-1']},
    loggingConfig: {logFormat: 'JSON', logGroup: '/aws/lambda/shop-api', applicationLogLevel: 'WARN', systemLogLevel: 'INFO'},
  })
  expect(deps.lambda.functions.get('shop-api')?.reservedConcurrency).toBe(5)
  expect(deps.lambda.eventInvoke.get('shop-api')).toMatchObject({maximumRetryAttempts: 0, onFailure: 'arn:aws:sqs:eu-west-1:123456789012:failed'})
  expect(deps.lambda.log.calls.find((c) => c.op === 'putProvisionedConcurrency')?.args).toEqual(['live', 2])
  expect(result).toMatchObject({status: 'deployed', interrupted: false})
  expect(result.functions).toEqual([{
    key: 'api', functionName: 'shop-api', arn: `arn:aws:lambda:${REGION}:123456789012:function:shop-api`, action: 'created', progress: 'done',
    changed: {code: true, configuration: true}, codeSha256: sha256('code of api'), version: '1', alias: {name: 'live', from: undefined, to: '1'},
  }])
})

test('a second deploy of an unchanged function makes no write and reads once per configured feature', async () => {
  const deps = testDeps()
  const config = {
    functions: {api: {...API, layers: ['deps'], alias: 'live', eventInvokeConfig: {maximumRetryAttempts: 1}, provisionedConcurrency: {executions: 1}, tags: {team: 'shop'}}},
    layers: {deps: {directory: 'layer'}},
  }
  await run(config, deps)
  deps.lambda.log.calls.length = 0
  const again = await run(config, deps)
  expect(deps.lambda.log.writes()).toEqual([])
  expect(deps.s3.log.ops()).toEqual([])
  // One GetFunction, the asynchronous settings, the provisioned concurrency, the alias, and the layer's latest version.
  expect(deps.lambda.log.reads().sort()).toEqual(['getEventInvokeConfig shop-api', 'getFunction shop-api', 'getFunction shop-api', 'getProvisionedConcurrency shop-api', 'latestLayerVersion shop-deps'])
  expect(again.status).toBe('unchanged')
  expect(again.functions[0]).toMatchObject({action: 'unchanged', progress: 'done', changed: {code: false, configuration: false}, version: undefined, alias: undefined})
})

test('a plain function costs exactly one GetFunction when nothing changed', async () => {
  const deps = testDeps()
  await run({functions: {api: API}}, deps)
  deps.lambda.log.calls.length = 0
  await run({functions: {api: API}}, deps)
  expect(deps.lambda.log.ops()).toEqual(['getFunction shop-api'])
})

test('a code change updates only the code, with the RevisionId sling read', async () => {
  const deps = testDeps()
  await run({functions: {api: API}}, deps)
  const read = deps.lambda.functions.get('shop-api')
  deps.build.code.api = 'new code'
  deps.lambda.log.calls.length = 0
  const result = await run({functions: {api: API}}, deps)
  expect(deps.lambda.log.writes()).toEqual(['update shop-api'])
  expect(deps.lambda.log.calls.find((c) => c.op === 'update')?.args[0]).toEqual({kind: 'code', code: {zipFile: Buffer.from('new code')}, architecture: undefined, revisionId: read?.revisionId})
  expect(result.functions[0]).toMatchObject({action: 'updated', changed: {code: true, configuration: false}, codeSha256: sha256('new code')})
})

test('a configuration change sends only the settings that differ', async () => {
  const deps = testDeps()
  await run({functions: {api: {...API, memorySize: 256, timeout: 5}}}, deps)
  deps.lambda.log.calls.length = 0
  const result = await run({functions: {api: {...API, memorySize: 1024, timeout: 5}}}, deps)
  expect(deps.lambda.log.writes()).toEqual(['update shop-api'])
  expect(deps.lambda.log.calls.find((c) => c.op === 'update')?.args[0]).toMatchObject({kind: 'configuration', settings: {memorySize: 1024}})
  expect(Object.keys((deps.lambda.log.calls.find((c) => c.op === 'update')?.args[0] as {settings: object}).settings)).toEqual(['memorySize'])
  expect(result.functions[0]).toMatchObject({action: 'updated', changed: {code: false, configuration: true}})
})

test("tags: the config's tags are the whole set: added, changed and removed, AWS's own left alone", async () => {
  const deps = testDeps()
  await run({functions: {api: {...API, tags: {team: 'shop', cost: 'a', old: 'x'}}}}, deps)
  const fn = deps.lambda.functions.get('shop-api')
  if (fn) deps.lambda.functions.set('shop-api', {...fn, tags: {...fn.tags, 'aws:cloudformation:stack-name': 's'}})
  deps.lambda.log.calls.length = 0
  await run({functions: {api: {...API, tags: {team: 'shop', cost: 'b', owner: 'me'}}}}, deps)
  expect(deps.lambda.log.writes()).toEqual(['update shop-api'])
  expect(deps.lambda.log.calls.find((c) => c.op === 'update')?.args[0]).toEqual({kind: 'tags', set: {cost: 'b', owner: 'me'}, remove: ['old']})
  expect(deps.lambda.functions.get('shop-api')?.tags).toEqual({team: 'shop', cost: 'b', owner: 'me', 'aws:cloudformation:stack-name': 's'})
})

test('settings the config does not set are left as they are on the function', async () => {
  const deps = testDeps()
  await run({functions: {api: API}}, deps)
  const fn = deps.lambda.functions.get('shop-api')
  // Someone tuned the function in the console; the config sets none of these (the schema's defaults would differ).
  if (fn) deps.lambda.functions.set('shop-api', {...fn, memorySize: 2048, timeout: 60, tracing: 'Active', ephemeralStorage: 4096, description: 'tuned', environment: {X: '1'}, tags: {by: 'console'}})
  deps.lambda.log.calls.length = 0
  const result = await run({functions: {api: API}}, deps)
  expect(deps.lambda.log.writes()).toEqual([])
  expect(result.functions[0]?.action).toBe('unchanged')
})

test('a zip over 50 MB goes through S3: sling creates its private bucket, uploads once, and a second deploy uploads nothing', async () => {
  const deps = testDeps()
  deps.build.large.add('api')
  await run({functions: {api: API}}, deps)
  const bucket = `sling-artifacts-123456789012-${REGION}`
  const key = `sling/shop-api/${Buffer.from(sha256('code of api'), 'base64').toString('hex')}.zip`
  expect(deps.s3.log.ops()).toEqual([`ensureBucket ${bucket}`, `secureBucket ${bucket}`, `headObject ${bucket}/${key}`, `putArtifact ${bucket}/${key}`])
  expect((deps.lambda.log.calls.find((c) => c.op === 'createFunction')?.args[0] as NewFunction).code).toEqual({s3Bucket: bucket, s3Key: key})

  // The same code under another function config key, e.g. after the function was deleted: HeadObject finds it.
  await deps.lambda.deleteFunction('shop-api')
  deps.s3.log.calls.length = 0
  await run({functions: {api: API}}, deps)
  expect(deps.s3.log.ops()).toEqual([`ensureBucket ${bucket}`, `headObject ${bucket}/${key}`])
  // Unchanged code: not even S3 is asked.
  deps.s3.log.calls.length = 0
  await run({functions: {api: API}}, deps)
  expect(deps.s3.log.ops()).toEqual([])
})

test('Ctrl-C while sling creates its bucket: the new bucket is still made private and encrypted, and nothing else starts', async () => {
  const controller = new AbortController()
  const deps = testDeps({signal: controller.signal})
  deps.build.large.add('api')
  const ensure = deps.s3.ensureBucket.bind(deps.s3)
  deps.s3.ensureBucket = async (bucket, options) => {
    const made = await ensure(bucket, options)
    controller.abort(new DOMException('Interrupted by SIGINT', 'AbortError')) // Ctrl-C while CreateBucket was in flight
    return made
  }
  const secured: string[] = []
  deps.s3.secureBucket = (bucket, options) => {
    options?.signal?.throwIfAborted() // as the real one: an aborted signal sends nothing
    secured.push(bucket)
    return Promise.resolve()
  }
  const result = await run({functions: {api: API}}, deps)
  expect(secured).toEqual([`sling-artifacts-123456789012-${REGION}`])
  expect(result.status).toBe('interrupted')
  expect(deps.lambda.log.writes()).toEqual([])
})

test("the config's bucket is used when it names one", async () => {
  const deps = testDeps()
  deps.build.large.add('api')
  await run({functions: {api: API}, deployment: {bucket: 'my-artifacts'}}, deps)
  expect(deps.s3.log.ops()[0]).toBe('ensureBucket my-artifacts')
})

test('a layer is published only when its content changed, and functions reference the new version', async () => {
  const deps = testDeps()
  const config = {functions: {api: {...API, layers: ['deps', 'arn:aws:lambda:eu-west-1:123456789012:layer:ext:3']}}, layers: {deps: {directory: 'layer', description: 'Dependencies'}}}
  await run(config, deps)
  expect(deps.lambda.log.writes()).toEqual(['publishLayerVersion shop-deps', 'createFunction shop-api'])
  expect(deps.lambda.functions.get('shop-api')?.layers).toEqual([`arn:aws:lambda:${REGION}:123456789012:layer:shop-deps:1`, 'arn:aws:lambda:eu-west-1:123456789012:layer:ext:3'])
  expect(deps.lambda.layers.get('shop-deps')?.[0]?.description).toBe(`Dependencies sling-sha256:${sha256('layer deps')}`)

  deps.lambda.log.calls.length = 0
  await run(config, deps)
  expect(deps.lambda.log.writes()).toEqual([])

  deps.build.layerCode.deps = 'new deps'
  deps.lambda.log.calls.length = 0
  const result = await run(config, deps)
  expect(deps.lambda.log.writes()).toEqual(['publishLayerVersion shop-deps', 'update shop-api'])
  expect(deps.lambda.functions.get('shop-api')?.layers[0]).toBe(`arn:aws:lambda:${REGION}:123456789012:layer:shop-deps:2`)
  expect(result.layers).toEqual([{key: 'deps', name: 'shop-deps', action: 'published', arn: `arn:aws:lambda:${REGION}:123456789012:layer:shop-deps:2`}])
})

test('with no role, sling asks, creates a logs-only role tagged as its own, and creates the function retrying while IAM propagates', async () => {
  const asked: string[] = []
  const deps = testDeps({confirm: (message) => (asked.push(message), Promise.resolve(true))})
  await run({functions: {api: {entry: 'src/api.ts'}}}, deps)
  expect(asked).toEqual(['api has no "role". Create the IAM role "sling-shop" with only the basic logging policy (AWSLambdaBasicExecutionRole)?'])
  expect(deps.iam.log.ops()).toEqual(['getRole sling-shop', 'createRole sling-shop', 'attachRolePolicy sling-shop'])
  expect(deps.iam.roles.get('sling-shop')?.tags).toEqual({'sling:managed': 'execution-role'})
  expect(deps.iam.attached.get('sling-shop')).toEqual(['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'])
  const create = deps.lambda.log.calls.find((c) => c.op === 'createFunction')
  expect((create?.args[0] as NewFunction).role).toBe('arn:aws:iam::123456789012:role/sling-shop')
  expect(create?.args[1]).toEqual({newRole: true}) // LambdaApi retries "cannot be assumed by Lambda" for up to a minute

  // The next function reuses sling's role without asking.
  asked.length = 0
  await run({functions: {api: {entry: 'src/api.ts'}, worker: {entry: 'src/w.ts'}}}, deps)
  expect(asked).toEqual([])
  expect((deps.lambda.functions.get('shop-worker'))?.role).toBe('arn:aws:iam::123456789012:role/sling-shop')
})

test('declining the role, or a role of that name sling did not create, stops before any write (exit 2)', async () => {
  const declined = testDeps({confirm: () => Promise.resolve(false)})
  const error = await rejectionOf(run({functions: {api: {entry: 'src/api.ts'}}}, declined))
  expect(error).toMatchObject({code: 'RoleRequired', exitCode: 2, hints: ['Set "role" to an IAM role ARN in sling.config.json, or pass --create-role.']})
  expect(declined.lambda.log.writes()).toEqual([])

  const taken = testDeps()
  await taken.iam.createRole({name: 'sling-shop', trustPolicy: '{}'})
  taken.iam.log.calls.length = 0
  expect(await rejectionOf(run({functions: {api: {entry: 'src/api.ts'}}}, taken))).toMatchObject({code: 'RoleNotManaged'})
  expect(taken.iam.log.writes()).toEqual([])

  // --create-role answers in advance: no question.
  const ci = testDeps({confirm: () => Promise.reject(new Error('asked'))})
  await run({functions: {api: {entry: 'src/api.ts'}}}, ci, {createRole: true})
  expect(ci.iam.log.writes()).toEqual(['createRole sling-shop', 'attachRolePolicy sling-shop'])
})

test('--publish publishes with the CodeSha256 and RevisionId sling just saw and the commit; the alias then points at it', async () => {
  const deps = testDeps({describeCommit: () => Promise.resolve('abc1234-dirty')})
  await run({functions: {api: API}}, deps)
  deps.build.code.api = 'v2'
  deps.lambda.log.calls.length = 0
  const result = await run({functions: {api: API}}, deps, {publish: true, alias: 'live'})
  const updated = deps.lambda.functions.get('shop-api')
  expect(deps.lambda.log.writes()).toEqual(['update shop-api', 'publishVersion shop-api', 'pointAlias shop-api'])
  expect(deps.lambda.log.calls.find((c) => c.op === 'publishVersion')?.args[0]).toEqual({codeSha256: sha256('v2'), revisionId: updated?.revisionId, description: 'abc1234-dirty'})
  expect(result.functions[0]).toMatchObject({version: '1', alias: {name: 'live', from: undefined, to: '1'}})

  deps.build.code.api = 'v3'
  const next = await run({functions: {api: API}}, deps, {publish: true, alias: 'live'})
  expect(next.functions[0]).toMatchObject({version: '2', alias: {name: 'live', from: '1', to: '2'}})
})

test('--alias moves the alias through moveAlias: its description records the version it pointed to before, beside the user text', async () => {
  const deps = testDeps()
  await run({functions: {api: API}}, deps, {alias: 'live'})
  const created = deps.lambda.aliases.get('shop-api:live')
  expect(decodeDescription(created?.description).state).toEqual({setTo: {version: '1', routing: {}}, previousVersion: undefined, rollout: undefined})
  deps.lambda.aliases.set('shop-api:live', {...created!, description: `Production ${created?.description ?? ''}`})

  deps.build.code.api = 'v2'
  const result = await run({functions: {api: API}}, deps, {alias: 'live'})

  expect(result.functions[0]).toMatchObject({version: '2', alias: {name: 'live', from: '1', to: '2'}})
  const moved = decodeDescription(deps.lambda.aliases.get('shop-api:live')?.description)
  expect(moved).toMatchObject({text: 'Production', state: {setTo: {version: '2'}, previousVersion: '1'}})
})

test('deploy leaves an alias with a rollout in progress where it is, and says so', async () => {
  const deps = testDeps()
  await run({functions: {api: API}}, deps, {alias: 'live'})
  const alias = deps.lambda.aliases.get('shop-api:live')!
  const rollout = {targetVersion: '1', strategy: 'canary:10%:5m', step: 0, startedAt: 1_800_000_000_000, stepStartedAt: 1_800_000_000_000}
  deps.lambda.aliases.set('shop-api:live', {...alias, description: encodeDescription('', {setTo: {version: '1', routing: {}}, rollout}, {functionName: 'shop-api', alias: 'live'})})

  deps.build.code.api = 'v2'
  const result = await run({functions: {api: API}}, deps, {alias: 'live'})

  expect(result.functions[0]).toMatchObject({action: 'failed', version: '2', error: {code: 'RolloutInProgress'}})
  expect(deps.lambda.aliases.get('shop-api:live')?.version).toBe('1')
})

test('a no-op deploy with --publish and --alias publishes nothing and moves nothing', async () => {
  const deps = testDeps()
  await run({functions: {api: {...API, alias: 'live'}}}, deps)
  deps.lambda.log.calls.length = 0
  const result = await run({functions: {api: {...API, alias: 'live'}}}, deps)
  expect(deps.lambda.log.ops()).toEqual(['getFunction shop-api', 'getFunction shop-api']) // $LATEST, and the alias's version
  expect(result.functions[0]).toMatchObject({action: 'unchanged', version: undefined, alias: undefined})
})

test('--publish on an unchanged function publishes $LATEST when it never was, and only then', async () => {
  const deps = testDeps()
  await run({functions: {api: API}}, deps) // no publish
  deps.lambda.log.calls.length = 0
  const first = await run({functions: {api: API}}, deps, {publish: true})
  expect(deps.lambda.log.ops()).toEqual(['getFunction shop-api', 'latestVersion shop-api', 'publishVersion shop-api'])
  expect(first.functions[0]).toMatchObject({action: 'updated', version: '1', changed: {code: false, configuration: false}})
  deps.lambda.log.calls.length = 0
  await run({functions: {api: API}}, deps, {publish: true})
  expect(deps.lambda.log.writes()).toEqual([])
})

test('an alias never moves when an earlier change of the function failed', async () => {
  const deps = testDeps()
  await run({functions: {api: {...API, alias: 'live'}}}, deps)
  const update = deps.lambda.update.bind(deps.lambda)
  deps.lambda.update = async (name, change, options) => {
    if (change.kind === 'code') throw new UserError('FunctionFailed', `Function "${name}" failed to finish updating (update status Failed): Lambda can't unzip the package.`)
    return update(name, change, options)
  }
  deps.build.code.api = 'broken'
  deps.lambda.log.calls.length = 0
  const result = await run({functions: {api: {...API, alias: 'live', memorySize: 512}}}, deps)
  expect(deps.lambda.log.writes()).toEqual(['update shop-api']) // configuration went through; code failed; no version, no alias
  expect(deps.lambda.aliases.get('shop-api:live')?.version).toBe('1')
  expect(result).toMatchObject({status: 'failed'})
  expect(result.functions[0]).toMatchObject({
    action: 'failed', progress: 'updated', changed: {code: false, configuration: true},
    error: {code: 'FunctionFailed', message: 'Function "shop-api" failed to finish updating (update status Failed): Lambda can\'t unzip the package.'},
  })
})

test('someone else changing the function between the read and the update: ConcurrentChange naming the function', async () => {
  const deps = testDeps()
  await run({functions: {api: API}}, deps)
  const getFunction = deps.lambda.getFunction.bind(deps.lambda)
  deps.lambda.getFunction = async (name, options) => {
    const read = await getFunction(name, options)
    // Another deploy changes the function right after sling read it.
    const fn = deps.lambda.functions.get(name)
    if (fn && options?.qualifier === undefined) deps.lambda.functions.set(name, {...fn, revisionId: 'theirs'})
    return read
  }
  deps.build.code.api = 'mine'
  const result = await run({functions: {api: API}}, deps)
  expect(result.functions[0]).toMatchObject({action: 'failed', progress: 'untouched'})
  expect(result.functions[0]?.error).toMatchObject({code: 'ConcurrentChange', message: expect.stringContaining('Function "shop-api" was changed by someone else since sling read it') as string})
  expect(result.functions[0]?.error?.hints[0]).toContain('then run the same sling command again')
  expect(deps.lambda.functions.get('shop-api')?.codeSha256).toBe(sha256('code of api')) // theirs stays
})

test('provisioned concurrency that fails is reported with its reason', async () => {
  const deps = testDeps()
  deps.lambda.putProvisionedConcurrency = () => Promise.reject(new UserError('ProvisionedConcurrencyFailed', 'Provisioned concurrency (2) on "shop-api:live" failed: FUNCTION_ERROR_INIT_FAILURE.'))
  const result = await run({functions: {api: {...API, alias: 'live', provisionedConcurrency: {executions: 2}}}}, deps)
  expect(result.functions[0]).toMatchObject({action: 'failed', progress: 'updated', version: '1', alias: {to: '1'}, error: {code: 'ProvisionedConcurrencyFailed', message: expect.stringContaining('FUNCTION_ERROR_INIT_FAILURE') as string}})
})

test('functions deploy at most `concurrency` at a time, and one failure hides none of the others', async () => {
  const deps = testDeps()
  const functions = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((key) => [key, API]))
  let running = 0
  let most = 0
  const create = deps.lambda.createFunction.bind(deps.lambda)
  deps.lambda.createFunction = async (spec, options) => {
    running++
    most = Math.max(most, running)
    await new Promise((resolve) => setTimeout(resolve, 5))
    running--
    if (spec.name === 'shop-c') throw new UserError('InvalidParameterValueException', 'InvalidParameterValueException: The provided execution role does not have permissions.')
    return create(spec, options)
  }
  const result = await run({functions}, deps, {concurrency: 2})
  expect(most).toBe(2)
  expect(result.status).toBe('failed')
  expect(result.functions.map((f) => [f.key, f.action])).toEqual([['a', 'created'], ['b', 'created'], ['c', 'failed'], ['d', 'created'], ['e', 'created']])
  expect(result.functions[2]?.error).toMatchObject({code: 'InvalidParameterValueException'})
})

test('an interrupt lets the write in flight finish, starts nothing else, and returns what was done', async () => {
  const controller = new AbortController()
  const deps = testDeps({signal: controller.signal})
  const create = deps.lambda.createFunction.bind(deps.lambda)
  deps.lambda.createFunction = async (spec, options) => {
    const created = await create(spec, options)
    if (spec.name === 'shop-b') controller.abort(new Error('Interrupted by SIGINT')) // Ctrl-C while b is being created
    return created
  }
  const result = await run({functions: {a: API, b: {...API, reservedConcurrentExecutions: 3}, c: API}}, deps, {concurrency: 1})
  expect(result).toMatchObject({status: 'interrupted', interrupted: true})
  expect(result.functions.map((f) => [f.key, f.action, f.progress])).toEqual([['a', 'created', 'done'], ['b', 'created', 'updated'], ['c', 'skipped', 'untouched']])
  expect(deps.lambda.log.writes()).toEqual(['createFunction shop-a', 'createFunction shop-b']) // b's concurrency: not started
  // Re-running converges: b gets what it missed, c is created, a is left alone.
  const rerun = testDeps({lambda: deps.lambda, build: deps.build})
  deps.lambda.log.calls.length = 0
  const second = await run({functions: {a: API, b: {...API, reservedConcurrentExecutions: 3}, c: API}}, rerun)
  expect(second.functions.map((f) => [f.key, f.action])).toEqual([['a', 'unchanged'], ['b', 'updated'], ['c', 'created']])
})

test('a runtime Lambda no longer creates functions with is refused before any write; updating with it still works', async () => {
  const config = {functions: {legacy: {...API, bundle: false, source: '.', runtime: 'python3.10', handler: 'main'}}}
  const deps = testDeps()
  const error = await rejectionOf(run(config, deps))
  expect(error).toMatchObject({code: 'RuntimeNotAccepted', exitCode: 2, message: "Function legacy (shop-legacy) doesn't exist yet, and Lambda no longer creates functions with python3.10 (since 2026-11-30)."})
  expect(deps.lambda.log.writes()).toEqual([])

  deps.lambda.functions.set('shop-legacy', {name: 'shop-legacy', arn: 'arn', version: '$LATEST', packageType: 'Zip', runtime: 'python3.10', handler: 'index.main', role: ROLE, codeSha256: 'old', codeSize: 1, environment: {}, architecture: 'x86_64', layers: [], tags: {}, revisionId: 'r1'})
  const result = await run(config, deps)
  expect(result.functions[0]).toMatchObject({action: 'updated', changed: {code: true}})
})

test('an image function deploys by ImageUri with PackageType Image, and nothing is packaged for it', async () => {
  const deps = testDeps()
  const image = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0'
  const result = await run({functions: {img: {image, role: ROLE, imageConfig: {command: ['app.handler']}}}}, deps)
  expect(deps.build.asked).toEqual([])
  const spec = deps.lambda.log.calls.find((c) => c.op === 'createFunction')?.args[0] as NewFunction
  expect(spec).toMatchObject({code: {imageUri: image}, imageConfig: {command: ['app.handler']}})
  expect(spec.runtime).toBeUndefined()
  expect(spec.handler).toBeUndefined()
  expect(result.functions[0]?.action).toBe('created')

  deps.lambda.log.calls.length = 0
  await run({functions: {img: {image: image.replace('1.0', '1.1'), role: ROLE, imageConfig: {command: ['app.handler']}}}}, deps)
  expect(deps.lambda.log.calls.filter((c) => c.op === 'update').map((c) => c.args[0])).toEqual([{kind: 'code', code: {imageUri: image.replace('1.0', '1.1')}, architecture: undefined, revisionId: expect.any(String) as string}])
})

test("an image function's environment over Lambda's 4 KB is refused before any write, naming sizes and keys, never values", async () => {
  const deps = testDeps()
  const image = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0'
  const environment = {API_KEY: `TOPSECRET${'x'.repeat(5000)}`}
  const error = await rejectionOf(run({functions: {img: {image, role: ROLE, environment}}}, deps))
  expect(error).toMatchObject({code: 'EnvironmentTooLarge', message: expect.stringContaining('Lambda allows at most 4,096 (4 KB)') as string})
  expect(error.message).toContain('API_KEY')
  expect(JSON.stringify({message: error.message, hints: error.hints, details: error.details})).not.toContain('TOPSECRET')
  expect(deps.lambda.log.writes()).toEqual([])
})

test('account limits are checked before any write: reserving too much concurrency names the figures', async () => {
  const deps = testDeps()
  deps.lambda.getAccountSettings = () => Promise.resolve({limits: {totalCodeSize: 1e12, codeSizeUnzipped: 262_144_000, codeSizeZipped: 52_428_800, concurrentExecutions: 1000, unreservedConcurrentExecutions: 150}, usage: {totalCodeSize: 0, functionCount: 0}})
  const error = await rejectionOf(run({functions: {api: {...API, reservedConcurrentExecutions: 80}}}, deps))
  expect(error).toMatchObject({code: 'ConcurrencyLimit', message: "Reserving concurrency for api (80) would leave 70 of the account's 1000 concurrent executions unreserved; Lambda keeps at least 100 unreserved."})
  expect(deps.lambda.log.writes()).toEqual([])
})

test('a function whose read fails is reported failed; the others still deploy', async () => {
  const deps = testDeps()
  const getFunction = deps.lambda.getFunction.bind(deps.lambda)
  deps.lambda.getFunction = async (name, options) => {
    if (name === 'shop-b') throw new UserError('AccessDenied', 'AWS denied lambda:GetFunction in eu-west-1.')
    return getFunction(name, options)
  }
  const result = await run({functions: {a: API, b: API}}, deps)
  expect(result.functions.map((f) => [f.key, f.action, f.error?.code])).toEqual([['a', 'created', undefined], ['b', 'failed', 'AccessDenied']])
})

test('diff reads like deploy and writes nothing: per function what would change, environment values masked', async () => {
  const deps = testDeps()
  const project = await aProject({functions: {api: {...API, environment: {TOKEN: 'secret-1'}}, worker: API}})
  cleanups.push(project.cleanup)
  await deploy({config: project.config, region: REGION}, deps)
  const changed = await aProject({functions: {api: {...API, environment: {TOKEN: 'secret-2'}, timeout: 9}, worker: API, fresh: API}})
  cleanups.push(changed.cleanup)
  deps.lambda.log.calls.length = 0
  const result = await diff({config: changed.config}, deps)
  expect(deps.lambda.log.writes()).toEqual([])
  expect(result.status).toBe('different')
  expect(result.functions.map((f) => [f.key, f.action])).toEqual([['api', 'update'], ['worker', 'unchanged'], ['fresh', 'create']])
  expect(result.functions[0]?.configuration).toEqual([{field: 'timeout', from: 3, to: 9}, {field: 'environment', added: [], removed: [], changed: ['TOKEN']}])
  expect(JSON.stringify(result)).not.toContain('secret')
  expect((await diff({config: project.config}, deps)).status).toBe('same')
})

test('an interrupt during the reads returns every function untouched, having written nothing', async () => {
  const controller = new AbortController()
  const deps = testDeps({signal: controller.signal})
  const getFunction = deps.lambda.getFunction.bind(deps.lambda)
  deps.lambda.getFunction = async (name, options) => {
    controller.abort(new Error('Interrupted by SIGINT'))
    await getFunction(name, options)
    throw options?.signal?.reason as Error // the SDK rejects an aborted request with the signal's reason
  }
  const result = await run({functions: {a: API, b: API}}, deps)
  expect(result).toMatchObject({status: 'interrupted', interrupted: true})
  expect(result.functions.map((f) => [f.key, f.action, f.progress])).toEqual([['a', 'skipped', 'untouched'], ['b', 'skipped', 'untouched']])
  expect(deps.lambda.log.writes()).toEqual([])
})

test('deploy packages with the real `sling package` core, and keeps its table off stdout (stdout is for the result)', async () => {
  const project = await aProject({functions: {api: {entry: 'src/api.mjs', role: ROLE}}})
  cleanups.push(project.cleanup)
  await mkdir(path.join(project.dir, 'src'), {recursive: true})
  await writeFile(path.join(project.dir, 'src/api.mjs'), 'export const handler = async () => ({statusCode: 200})\n')
  const stdout: string[] = []
  const deps = testDeps({packageFunctions: undefined, output: silentOutput({result: (text) => void stdout.push(text), table: () => void stdout.push('table')})})
  const result = await deploy({config: project.config, region: REGION}, deps)
  expect(stdout).toEqual([])
  const spec = deps.lambda.log.calls.find((c) => c.op === 'createFunction')?.args[0] as NewFunction
  expect(spec.handler).toBe('index.handler')
  expect(result.functions[0]).toMatchObject({action: 'created', codeSha256: sha256((spec.code as {zipFile: Uint8Array}).zipFile)})
})

test('deploy and diff hand --no-cache to the packaging, and by default leave the cache on', async () => {
  const asked: (boolean | undefined)[] = []
  const build = aBuild()
  const deps = testDeps({build, packageFunctions: async (options) => (asked.push(options.useCache), fakePackage(build)(options))})

  await run({functions: {api: API}}, deps)
  await run({functions: {api: API}}, deps, {useCache: false})
  const project = await aProject({functions: {api: API}})
  cleanups.push(project.cleanup)
  await diff({config: project.config, useCache: false}, deps)

  expect(asked).toEqual([undefined, false, false])
})

import {afterEach, expect, test} from 'vitest'

import {ExitCode} from '../../src/lib/errors.js'
import {decodeDescription} from '../../src/lib/release/alias-state.js'
import type {FakeAws} from './deploy-helpers.js'
import {aProject, fakeAws, ROLE, runDeploy, tempDir} from './deploy-helpers.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function project(functions: Record<string, Record<string, unknown>>, code: Record<string, string> = {}): Promise<string> {
  const {dir, cleanup} = await tempDir('sling-cmd-deploy-')
  cleanups.push(cleanup)
  return aProject(dir, functions, code)
}

const TWO = {api: {role: ROLE, environment: {API_KEY: 'hunter2'}}, worker: {role: ROLE}}

interface JsonFunction {
  key: string
  action: string
  progress: string
}

test('--json: per function the key, name, ARN, action, what changed, CodeSha256, version and alias; and the AWS calls', async () => {
  const aws = fakeAws()
  const config = await project(TWO)

  const {code, stdout, stderr} = await runDeploy(aws, ['--config', config, '--json', '--alias', 'live'])

  expect(code).toBe(ExitCode.Ok)
  const result = JSON.parse(stdout) as {functions: unknown[]; calls: {reads: number; writes: number}}
  expect(result).toMatchObject({status: 'deployed', interrupted: false, layers: []})
  expect(result.functions).toEqual([
    {
      key: 'api', functionName: 'shop-api', arn: 'arn:aws:lambda:eu-west-1:123456789012:function:shop-api', action: 'created', progress: 'done',
      changed: {code: true, configuration: true}, codeSha256: expect.any(String), version: '1', alias: {name: 'live', to: '1'},
    },
    expect.objectContaining({key: 'worker', action: 'created', version: '1'}),
  ])
  expect(result.calls.writes).toBe(aws.lambda.log.writes().length)
  expect(stderr).not.toContain('hunter2')
})

test('in CI the summary is one line per function on stdout; progress and the closing line on stderr', async () => {
  const aws = fakeAws()
  const config = await project(TWO)
  await runDeploy(aws, ['--config', config])
  const changed = await project({...TWO, worker: {role: ROLE, memorySize: 512}})

  const {code, stdout, stderr} = await runDeploy(aws, ['--config', changed, '--publish'])

  expect(code).toBe(ExitCode.Ok)
  expect(stdout).toBe(['api (shop-api): updated; version 1', 'worker (shop-worker): updated (configuration); version 1', ''].join('\n'))
  expect(stderr).toContain('worker: updating configuration (memorySize)')
  expect(stderr.trimEnd().split('\n').at(-1)).toBe('✔ Deployed 2 functions: 2 updated.')
})

test('--alias moves the alias through moveAlias: the summary says from → to, and the alias records the version before', async () => {
  const aws = fakeAws()
  await runDeploy(aws, ['--config', await project(TWO), '--alias', 'live'])

  const {stdout} = await runDeploy(aws, ['--config', await project(TWO, {api: 'exports.handler = async () => 2\n'}), '--alias', 'live'])

  expect(stdout).toContain('api (shop-api): updated (code); version 2; alias live 1 → 2')
  expect(stdout).toContain('worker (shop-worker): unchanged')
  expect(decodeDescription(aws.lambda.aliases.get('shop-api:live')?.description).state).toMatchObject({setTo: {version: '2'}, previousVersion: '1'})
})

test('in CI a function with no role stops the deploy with exit 2 before any write, naming --create-role', async () => {
  const aws = fakeAws()
  const config = await project({api: {}})

  const {code, stdout, stderr} = await runDeploy(aws, ['--config', config])

  expect(code).toBe(ExitCode.Usage)
  expect(stdout).toBe('')
  expect(stderr).toContain('Error: api has no "role", and sling may create the IAM role "sling-shop" only with your consent; there is no terminal to ask.')
  expect(stderr).toContain('Pass --create-role in CI or scripts')
  expect(aws.writes()).toEqual([])

  const created = await runDeploy(aws, ['--config', config, '--create-role'])
  expect(created.code).toBe(ExitCode.Ok)
  expect(aws.iam.log.writes()).toEqual(['createRole sling-shop', 'attachRolePolicy sling-shop'])
})

test('--dry-run shows the plan as diff does and writes nothing', async () => {
  const aws = fakeAws()
  const config = await project(TWO)

  const human = await runDeploy(aws, ['--config', config, '--dry-run'])
  const json = await runDeploy(aws, ['--config', config, '--dry-run', '--json'])

  expect(human.code).toBe(ExitCode.Ok)
  expect(human.stdout).toContain('api → shop-api: create')
  expect(human.stdout).toContain('  + memorySize: 128')
  expect(human.stdout).not.toContain('layers') // a new function's empty list is no news
  expect(human.stderr).toContain('(dry run) 2 functions would change (2 created). Nothing was changed.')
  expect(JSON.parse(json.stdout)).toMatchObject({dryRun: true, status: 'different', functions: [{key: 'api', action: 'create'}, {key: 'worker', action: 'create'}], calls: {writes: 0}})
  expect(aws.writes()).toEqual([])
})

test('exit 1 when a function failed; the others are still deployed and reported', async () => {
  const aws = fakeAws()
  await runDeploy(aws, ['--config', await project(TWO)])
  const update = aws.lambda.update.bind(aws.lambda)
  aws.lambda.update = (name, change, options) => {
    // Someone else changes api between sling's read and its write.
    if (name === 'shop-api') aws.lambda.functions.set(name, {...aws.lambda.functions.get(name)!, revisionId: 'theirs'})
    return update(name, change, options)
  }

  const {code, stdout, stderr} = await runDeploy(aws, ['--config', await project({api: {...TWO.api, timeout: 9}, worker: {role: ROLE, timeout: 9}})])

  expect(code).toBe(ExitCode.Failure)
  expect(stdout).toContain('api (shop-api): failed: ConcurrentChange')
  expect(stdout).toContain('worker (shop-worker): updated (configuration)')
  expect(stderr).toMatch(/✖ api \(shop-api\): .*shop-api/)
  expect(stderr).toContain('✖ 1 function of 2 failed: 1 updated, 1 failed.')
})

async function interruptedRun(aws: FakeAws, signal: 'SIGINT' | 'SIGTERM'): Promise<Awaited<ReturnType<typeof runDeploy>>> {
  const create = aws.lambda.createFunction.bind(aws.lambda)
  aws.lambda.createFunction = (spec, options) => {
    aws.proc.signals.emit(signal) // Ctrl-C while the first create is in flight
    return create(spec, options)
  }
  return runDeploy(aws, ['--config', await project(TWO), '--concurrency', '1', '--json'])
}

test('Ctrl-C: the create in flight finishes, nothing new starts, each function is reported done or untouched, exit 130', async () => {
  const aws = fakeAws()

  const {code, stdout} = await interruptedRun(aws, 'SIGINT')

  expect(code).toBe(ExitCode.Interrupted)
  const result = JSON.parse(stdout) as {status: string; functions: JsonFunction[]}
  expect(result.status).toBe('interrupted')
  expect(result.functions.map(({key, action, progress}) => ({key, action, progress}))).toEqual([
    {key: 'api', action: 'created', progress: 'done'},
    {key: 'worker', action: 'skipped', progress: 'untouched'},
  ])
  expect(aws.lambda.log.writes()).toEqual(['createFunction shop-api'])
  expect(aws.proc.exit).not.toHaveBeenCalled() // graceful: the result decides the exit code
})

test('SIGTERM ends an interrupted deploy with 143; the human summary says what is left', async () => {
  const aws = fakeAws()
  expect((await interruptedRun(aws, 'SIGTERM')).code).toBe(ExitCode.Terminated)

  const create = aws.lambda.createFunction.bind(aws.lambda)
  aws.lambda.createFunction = (spec, options) => {
    aws.proc.signals.emit('SIGINT')
    return create(spec, options)
  }
  const human = await runDeploy(aws, ['--config', await project({...TWO, extra: {role: ROLE}}), '--concurrency', '1'])
  expect(human.code).toBe(ExitCode.Interrupted)
  expect(human.stdout).toContain('worker (shop-worker): created [done]')
  expect(human.stdout).toContain('extra (shop-extra): skipped [untouched]')
  expect(human.stderr).toContain('Interrupted: 2 done, 0 updated, 1 untouched.')
})

test('a misspelt function key is a usage error with a did-you-mean, before any AWS call', async () => {
  const aws = fakeAws()
  const {code, stderr} = await runDeploy(aws, ['wroker', '--config', await project(TWO)])
  expect(code).toBe(ExitCode.Usage)
  expect(stderr).toContain('declares no function "wroker". Did you mean "worker"?')
  expect(aws.lambda.log.calls).toEqual([])
})

test('--verbose prints the AWS call tally last on stderr: a no-op deploy only reads', async () => {
  const aws = fakeAws()
  const config = await project(TWO)
  await runDeploy(aws, ['--config', config])

  const {code, stderr} = await runDeploy(aws, ['--config', config, '--verbose'])

  expect(code).toBe(ExitCode.Ok)
  expect(stderr.trimEnd().split('\n').at(-1)).toBe('AWS calls: 2 reads, 0 writes (fake.getFunction ×2)')
})

test('"publish" in the config holds without the flag; --no-publish turns it off for one run', async () => {
  const aws = fakeAws()
  const published = await runDeploy(aws, ['--config', await project({api: {role: ROLE, publish: true}})])
  expect(published.stdout).toBe('api (shop-api): created; version 1\n')

  const off = await runDeploy(aws, ['--config', await project({api: {role: ROLE, publish: true, timeout: 9}}), '--no-publish'])
  expect(off.stdout).toBe('api (shop-api): updated (configuration)\n')
  expect(aws.lambda.log.writes().filter((op) => op.startsWith('publishVersion'))).toHaveLength(1)
})

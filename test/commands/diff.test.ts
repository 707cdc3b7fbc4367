import {afterEach, expect, test} from 'vitest'

import {ExitCode} from '../../src/lib/errors.js'
import {aProject, fakeAws, ROLE, runDeploy, runDiff, tempDir} from './deploy-helpers.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function project(functions: Record<string, Record<string, unknown>>, code: Record<string, string> = {}): Promise<string> {
  const {dir, cleanup} = await tempDir('sling-cmd-diff-')
  cleanups.push(cleanup)
  return aProject(dir, functions, code)
}

const API = {role: ROLE, environment: {API_KEY: 'hunter2', MODE: 'fast'}, tags: {team: 'core', owner: 'ada'}}

test('--exit-code: 0 when deploy would change nothing, 1 when it would; without it, 0 either way', async () => {
  const aws = fakeAws()
  const config = await project({api: API})

  expect((await runDiff(aws, ['--config', config, '--exit-code'])).code).toBe(ExitCode.Failure)
  expect((await runDiff(aws, ['--config', config])).code).toBe(ExitCode.Ok)
  await runDeploy(aws, ['--config', config])
  const same = await runDiff(aws, ['--config', config, '--exit-code'])

  expect(same.code).toBe(ExitCode.Ok)
  expect(same.stdout).toBe('api → shop-api: unchanged\n')
  expect(same.stderr).toContain('No differences: 1 function matches the config.')
  expect(aws.lambda.log.writes()).toEqual(['createFunction shop-api']) // only deploy wrote
})

test('each change old → new, like a unified diff; environment values masked', async () => {
  const aws = fakeAws()
  await runDeploy(aws, ['--config', await project({api: API})])
  const changed = await project(
    {api: {...API, memorySize: 512, environment: {API_KEY: 'swordfish', REGION_NAME: 'north'}, tags: {team: 'platform', cost: 'x'}, reservedConcurrentExecutions: 5}},
    {api: 'exports.handler = async () => 2\n'},
  )

  const {code, stdout, stderr} = await runDiff(aws, ['--config', changed])

  expect(code).toBe(ExitCode.Ok)
  const lines = stdout.split('\n')
  expect(lines[0]).toBe('api → shop-api: update')
  expect(lines).toEqual(expect.arrayContaining([
    '  - memorySize: 128', '  + memorySize: 512',
    '  + environment.REGION_NAME', '  ~ environment.API_KEY (value changed; --show-values shows it)', '  - environment.MODE',
    expect.stringMatching(/^ {2}- code: CodeSha256 \S+ \(\d+ B\)$/), expect.stringMatching(/^ {2}\+ code: CodeSha256 \S+ \(\d+ B\)$/),
    '  + tags.cost: x', '  - tags.team: core', '  + tags.team: platform', '  - tags.owner',
    '  + reservedConcurrentExecutions: 5',
  ]))
  expect(`${stdout}${stderr}`).not.toMatch(/hunter2|swordfish|north|fast/)
  expect(stderr).toContain('1 function would change (1 updated).')
})

test('--show-values shows the environment values; --json carries the same plan, masked unless asked', async () => {
  const aws = fakeAws()
  await runDeploy(aws, ['--config', await project({api: API})])
  const changed = await project({api: {...API, environment: {API_KEY: 'swordfish'}}})

  const shown = await runDiff(aws, ['--config', changed, '--show-values'])
  const json = await runDiff(aws, ['--config', changed, '--json'])

  expect(shown.stdout).toContain('  - environment.API_KEY=hunter2\n  + environment.API_KEY=swordfish')
  expect(shown.stdout).toContain('  - environment.MODE=fast')
  const result = JSON.parse(json.stdout) as {status: string; functions: {configuration: unknown[]}[]; calls: {writes: number}}
  expect(result.status).toBe('different')
  expect(result.functions[0]?.configuration).toEqual([{field: 'environment', added: [], removed: ['MODE'], changed: ['API_KEY']}])
  expect(result.calls.writes).toBe(0)
  expect(json.stdout).not.toMatch(/hunter2|swordfish/)
})

test('a function that cannot be read fails the diff (exit 1), and the others are still shown', async () => {
  const aws = fakeAws()
  const getFunction = aws.lambda.getFunction.bind(aws.lambda)
  aws.lambda.getFunction = (name, options) => (name === 'shop-api' ? Promise.reject(Object.assign(new Error('denied'), {name: 'AccessDeniedException'})) : getFunction(name, options))

  const {code, stdout} = await runDiff(aws, ['--config', await project({api: API, worker: {role: ROLE}})])

  expect(code).toBe(ExitCode.Failure)
  expect(stdout).toContain("! api → shop-api: couldn't be read:")
  expect(stdout).toContain('worker → shop-worker: create')
})

import {mkdir, readFile, readdir, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {afterEach, expect, test} from 'vitest'

import {ROOT, runCli, tempDir} from '../helpers/cli.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

async function project(config: Record<string, unknown>): Promise<{dir: string; configFile: string}> {
  const {dir, cleanup} = await tempDir('sling-e2e-memo-')
  cleanups.push(cleanup)
  await mkdir(path.join(dir, 'src'))
  await writeFile(path.join(dir, 'src', 'index.mjs'), 'export const handler = async () => ({ok: true})\n')
  const configFile = path.join(dir, 'sling.config.json')
  await writeFile(configFile, JSON.stringify(config))
  return {dir, configFile}
}

/** `sling package --json` with the modules it resolved (test/helpers/trace-imports.mjs). */
async function packageTraced(dir: string, ...extra: string[]) {
  const trace = path.join(dir, `imports-${Date.now()}-${Math.random()}.txt`)
  const result = await runCli(['package', '--json', ...extra], {cwd: dir, env: {NODE_OPTIONS: `--import ${path.join(ROOT, 'test/helpers/trace-imports.mjs')}`, SLING_TRACE_IMPORTS: trace}})
  const imports = (await readFile(trace, 'utf8')).split('\n')
  await rm(trace)
  // Validation (resolve.ts and the validator compiled from the schema) is one module of the command bundle; zod
  // loads only for a config the compiled validator can't vouch for, to say what is wrong with it.
  const validated = imports.some((specifier) => /(^|\/)lib-config-resolve\.js$/.test(specifier))
  const loadedZod = imports.some((specifier) => specifier.endsWith('/zod.js') || specifier === 'zod')
  return {...result, validated, loadedZod, json: result.code === 0 ? (JSON.parse(result.stdout) as {functions: {key: string; runtime: string; architecture: string}[]}) : undefined}
}

test('a config validated once is not validated again until its text changes, and a change is always seen', async () => {
  const {dir, configFile} = await project({service: 'memo', functions: {api: {entry: 'src/index.mjs', runtime: 'nodejs22.x'}}})
  await packageTraced(dir) // builds, creating .sling/ (no memo yet: reading a config never creates it)

  const first = await packageTraced(dir) // validates, then remembers
  const second = await packageTraced(dir)
  await writeFile(configFile, JSON.stringify({service: 'memo', functions: {api: {entry: 'src/index.mjs', runtime: 'nodejs24.x', architecture: 'arm64'}}}))
  const edited = await packageTraced(dir)
  await writeFile(configFile, JSON.stringify({service: 'memo', functions: {api: {entry: 'src/index.mjs', runtime: 'nodejs7.x'}}}))
  const invalid = await packageTraced(dir)

  expect(first).toMatchObject({code: 0, validated: true, loadedZod: false})
  expect(second).toMatchObject({code: 0, validated: false, loadedZod: false})
  expect(second.json?.functions).toEqual(first.json?.functions)
  expect(edited).toMatchObject({code: 0, validated: true, loadedZod: false})
  expect(edited.json?.functions[0]).toMatchObject({runtime: 'nodejs24.x', architecture: 'arm64'})
  expect(invalid).toMatchObject({code: 2, validated: true, loadedZod: true})
  expect(invalid.stdout).toContain('functions.api.runtime')
})

test('--no-cache validates afresh; a stage is remembered apart; a damaged memo is ignored', async () => {
  const {dir} = await project({service: 'memo', functions: {api: {entry: 'src/index.mjs'}}, stages: {prod: {functions: {api: {architecture: 'arm64'}}}}})
  await packageTraced(dir) // creates .sling/
  await packageTraced(dir) // remembers the config without a stage
  await packageTraced(dir, '--stage', 'prod')

  const noCache = await packageTraced(dir, '--no-cache')
  const plain = await packageTraced(dir)
  const prod = await packageTraced(dir, '--stage', 'prod')
  const memos = await readdir(path.join(dir, '.sling', 'cache'))
  for (const memo of memos) await writeFile(path.join(dir, '.sling', 'cache', memo), 'not a memo')
  const damaged = await packageTraced(dir, '--stage', 'prod')

  expect(noCache).toMatchObject({code: 0, validated: true, loadedZod: false})
  expect(plain).toMatchObject({code: 0, validated: false, loadedZod: false})
  expect(plain.json?.functions[0]?.architecture).toBe('x86_64')
  expect(prod).toMatchObject({code: 0, validated: false, loadedZod: false})
  expect(prod.json?.functions[0]?.architecture).toBe('arm64')
  expect(memos).toHaveLength(2)
  expect(damaged).toMatchObject({code: 0, validated: true, loadedZod: false})
  expect(damaged.json?.functions[0]?.architecture).toBe('arm64')
})

test('reading a config never creates .sling/ in a project where sling has not built', async () => {
  const {dir} = await project({service: 'memo', functions: {api: {entry: 'src/index.mjs'}}})
  const outDir = path.join(dir, '..', `${path.basename(dir)}-out`)
  cleanups.push(async () => rm(outDir, {recursive: true, force: true}))

  const result = await runCli(['package', '--json', '--out-dir', outDir], {cwd: dir})

  expect(result.code).toBe(0)
  expect(await readdir(dir)).not.toContain('.sling')
})

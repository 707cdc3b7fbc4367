import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, test} from 'vitest'

import {loadConfig} from '../../../src/lib/config/load.js'
import {configJsonSchema, DEFAULT_RUNTIME} from '../../../src/lib/config/schema.js'
import {ExitCode, UserError} from '../../../src/lib/errors.js'
import {ROOT, tempDir} from '../../helpers/cli.js'

let dir: string
let cleanup: () => Promise<void>

beforeEach(async () => {
  ;({dir, cleanup} = await tempDir('sling-config-'))
})
afterEach(() => cleanup())

async function writeConfig(config: unknown): Promise<string> {
  const file = path.join(dir, 'sling.config.json')
  await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2))
  return file
}

async function loadError(config: unknown, stage?: string): Promise<UserError> {
  const file = await writeConfig(config)
  const error = await loadConfig({file, stage}).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(UserError)
  return error as UserError
}

describe('loadConfig', () => {
  test('applies Lambda defaults and derives the function name from service and key', async () => {
    const file = await writeConfig({service: 'shop', functions: {api: {entry: 'src/api.ts'}}})
    const config = await loadConfig({file})
    expect(config.functions).toHaveLength(1)
    expect(config.functions[0]).toMatchObject({
      key: 'api',
      name: 'shop-api',
      entry: path.join(dir, 'src/api.ts'),
      handler: 'handler',
      runtime: DEFAULT_RUNTIME,
      memorySize: 128,
      timeout: 3,
      architecture: 'x86_64',
      format: 'esm',
      minify: true,
      bundle: true,
    })
  })

  test('a stage adds itself to derived names and its overrides win over defaults and the function', async () => {
    const file = await writeConfig({
      service: 'shop',
      defaults: {memorySize: 256, environment: {LOG_LEVEL: 'info', REGION_HINT: 'eu'}},
      functions: {api: {entry: 'a.ts', timeout: 10, environment: {TABLE: 'dev-table'}}, worker: {entry: 'w.ts', name: 'explicit-worker'}},
      stages: {prod: {region: 'eu-west-1', defaults: {environment: {LOG_LEVEL: 'warn'}}, functions: {api: {memorySize: 1024, environment: {TABLE: 'prod-table'}}}}},
    })
    const dev = await loadConfig({file})
    const prod = await loadConfig({file, stage: 'prod'})
    expect(dev.functions.map((f) => f.name)).toEqual(['shop-api', 'explicit-worker'])
    expect(prod.functions.map((f) => f.name)).toEqual(['shop-prod-api', 'explicit-worker'])
    expect(prod.region).toBe('eu-west-1')
    expect(prod.functions[0]).toMatchObject({memorySize: 1024, timeout: 10, environment: {LOG_LEVEL: 'warn', REGION_HINT: 'eu', TABLE: 'prod-table'}})
    expect(dev.functions[0]).toMatchObject({memorySize: 256, environment: {LOG_LEVEL: 'info', REGION_HINT: 'eu', TABLE: 'dev-table'}})
  })

  test('an unknown key is an error naming the key path and the nearest valid key', async () => {
    const error = await loadError({functions: {api: {entry: 'a.ts', memorySzie: 512}}})
    expect(error.exitCode).toBe(ExitCode.Usage)
    expect(error.message).toContain('sling.config.json')
    expect(error.message).toContain('functions.api.memorySzie: unknown key. Did you mean "memorySize"?')
  })

  test('a wrong value names the path, what was expected and what was found', async () => {
    const error = await loadError({functions: {api: {entry: 'a.ts', memorySize: 64, runtime: 'nodejs8.10', timeout: 'ten'}}})
    expect(error.message).toContain('functions.api.memorySize: expected at least 128, found 64.')
    expect(error.message).toContain('functions.api.runtime: expected one of "nodejs24.x"')
    expect(error.message).toContain('found "nodejs8.10"')
    expect(error.message).toContain('functions.api.timeout: expected number, found "ten".')
  })

  test('an invalid environment variable names the key and what a name must be, never the value', async () => {
    const error = await loadError({functions: {api: {entry: 'a.ts', environment: {'1BAD': 'hunter2-secret', API_KEY: 12345, TOKEN: {v: 'nested-secret'}}}}})
    expect(error.message).toContain('functions.api.environment: the key "1BAD" isn\'t valid: expected a letter followed by letters, digits or underscores.')
    expect(error.message).toContain('functions.api.environment.API_KEY: expected string, found a number.')
    expect(error.message).toContain('functions.api.environment.TOKEN: expected string, found an object.')
    expect(error.message).not.toMatch(/hunter2-secret|12345|nested-secret/)
  })

  test('invalid JSON reports the line and column', async () => {
    const error = await loadError('{\n  "functions": {\n    "api": {"entry": "a.ts",}\n  }\n}')
    expect(error.code).toBe('ConfigInvalid')
    expect(error.message).toMatch(/sling\.config\.json:3:\d+ is not valid JSON/)
  })

  test('a missing file says where it looked and how to point elsewhere', async () => {
    const error = (await loadConfig({file: path.join(dir, 'nope.json')}).catch((e: unknown) => e)) as UserError
    expect(error.code).toBe('ConfigNotFound')
    expect(error.message).toContain('nope.json')
    expect(error.hints.join(' ')).toContain('--config')
  })

  test('an unknown stage lists the known ones', async () => {
    const error = await loadError({functions: {api: {entry: 'a.ts'}}, stages: {prod: {}, staging: {}}}, 'prdo')
    expect(error.code).toBe('StageNotFound')
    expect(error.hints.join(' ')).toContain('Known stages: prod, staging. Did you mean "prod"?')
  })

  test('a bundled function needs an entry; an unbundled one zips its source directory', async () => {
    const missing = await loadError({functions: {api: {handler: 'main'}}})
    expect(missing.message).toContain('functions.api.entry is missing')
    const file = await writeConfig({functions: {py: {bundle: false, source: 'py', runtime: 'python3.13', handler: 'main'}}})
    const config = await loadConfig({file})
    expect(config.functions[0]).toMatchObject({bundle: false, source: path.join(dir, 'py'), entry: undefined})
  })

  test('layers must be ARNs or declared keys, and more than 5 is refused', async () => {
    const unknown = await loadError({functions: {api: {entry: 'a.ts', layers: ['dpes']}}, layers: {deps: {packageJson: 'package.json'}}})
    expect(unknown.message).toContain('functions.api.layers names "dpes"')
    expect(unknown.message).toContain('Did you mean "deps"?')
    const arn = 'arn:aws:lambda:us-east-1:123456789012:layer:x:1'
    const tooMany = await loadError({functions: {api: {entry: 'a.ts', layers: [arn, arn, arn, arn, arn, arn]}}})
    expect(tooMany.message).toContain('functions.api.layers: expected at most 5 items')
  })

  test('two functions that would deploy under one name are an error naming both keys', async () => {
    const fromDefaults = await loadError({defaults: {name: 'shared'}, functions: {api: {entry: 'a.ts'}, worker: {entry: 'w.ts'}}})
    expect(fromDefaults.exitCode).toBe(ExitCode.Usage)
    expect(fromDefaults.message).toContain('functions.api and functions.worker would both deploy as "shared"')
    const inStage = await loadError({functions: {api: {entry: 'a.ts'}, worker: {entry: 'w.ts'}}, stages: {prod: {functions: {worker: {name: 'x-prod-api'}}}}, service: 'x'}, 'prod')
    expect(inStage.message).toContain('functions.api and functions.worker would both deploy as "x-prod-api"')
  })

  test('near misses of keys get a did-you-mean, at any depth of the config', async () => {
    const error = await loadError({
      defaults: {bundleAws: true},
      functions: {api: {entry: 'a.ts', memmory: 512, timout: 10}},
      layers: {deps: {pakageJson: 'package.json'}},
      stages: {prod: {defualts: {}, functions: {api: {memorySise: 1024}}}},
    })
    expect(error.message).toContain('functions.api.memmory: unknown key. Did you mean "memorySize"?')
    expect(error.message).toContain('functions.api.timout: unknown key. Did you mean "timeout"?')
    expect(error.message).toContain('defaults.bundleAws: unknown key. Did you mean "bundleAwsSdk"?')
    expect(error.message).toContain('layers.deps.pakageJson: unknown key. Did you mean "packageJson"?')
    expect(error.message).toContain('stages.prod.defualts: unknown key. Did you mean "defaults"?')
    expect(error.message).toContain('stages.prod.functions.api.memorySise: unknown key. Did you mean "memorySize"?')
  })

  test('a key far from every valid one gets no suggestion', async () => {
    const error = await loadError({functions: {api: {entry: 'a.ts', colour: 'blue'}}})
    expect(error.message).toMatch(/functions\.api\.colour: unknown key\.$/m)
  })

  test("a layer sets only what it names: defaults, a stage's defaults and its function overrides leave the rest alone", async () => {
    const file = await writeConfig({
      defaults: {memorySize: 256},
      functions: {api: {entry: 'a.ts', handler: 'main', timeout: 10, runtime: 'nodejs22.x', format: 'cjs', tags: {team: 'a'}}},
      stages: {prod: {defaults: {architecture: 'arm64'}, functions: {api: {description: 'prod api', tags: {env: 'prod'}}}}},
    })
    const prod = await loadConfig({file, stage: 'prod'})
    expect(prod.functions[0]).toMatchObject({
      handler: 'main', timeout: 10, runtime: 'nodejs22.x', format: 'cjs', memorySize: 256, architecture: 'arm64', description: 'prod api',
      tags: {team: 'a', env: 'prod'}, minify: true, bundle: true, source: dir,
    })
  })

  test('a reserved environment variable is refused when the config loads, wherever it is set', async () => {
    const error = await loadError({
      defaults: {environment: {AWS_REGION: 'eu-west-1'}},
      functions: {api: {entry: 'a.ts', environment: {_HANDLER: 'x', TZ: 'Europe/Paris'}}},
      stages: {prod: {functions: {api: {environment: {AWS_LAMBDA_FUNCTION_NAME: 'x'}}}}},
    })
    expect(error.code).toBe('ConfigInvalid')
    expect(error.message).toContain('defaults.environment: the key "AWS_REGION" isn\'t valid: expected a name Lambda doesn\'t reserve')
    expect(error.message).toContain('functions.api.environment: the key "_HANDLER" isn\'t valid')
    expect(error.message).toContain('stages.prod.functions.api.environment: the key "AWS_LAMBDA_FUNCTION_NAME" isn\'t valid')
    expect(error.message).not.toContain('"TZ"')
  })

  test('a runtime Lambda no longer creates functions with is refused, saying since when', async () => {
    const error = await loadError({functions: {api: {entry: 'a.ts', runtime: 'nodejs20.x'}}})
    expect(error.message).toContain('functions.api.runtime: expected one of "nodejs24.x"')
    expect(error.message).toContain('found "nodejs20.x", which Lambda no longer accepts for new or updated functions (deprecated on 2026-04-30; new functions refused since 2026-08-31; updates refused since 2026-09-30).')
  })

  test('a config with no functions is an error naming the file; one with only layers is fine', async () => {
    const error = await loadError({functions: {}})
    expect(error.exitCode).toBe(ExitCode.Usage)
    expect(error.message).toBe(`${path.join(dir, 'sling.config.json')} declares no functions: "functions" is empty.`)
    const file = await writeConfig({functions: {}, layers: {deps: {directory: 'opt'}}})
    expect((await loadConfig({file})).layers.map((l) => l.key)).toEqual(['deps'])
  })

  test('a derived layer name longer than Lambda allows is an error with the fix', async () => {
    const error = await loadError({service: 's', functions: {api: {entry: 'a.ts'}}, layers: {['d'.repeat(140)]: {directory: 'opt'}}})
    expect(error.message).toContain('Lambda allows at most 140')
    expect(error.hints[0]).toContain(`layers.${'d'.repeat(140)}.name`)
  })

  test('a derived name longer than Lambda allows is an error with the fix', async () => {
    const error = await loadError({service: 'a'.repeat(40), functions: {['b'.repeat(30)]: {entry: 'a.ts'}}})
    expect(error.message).toContain('Lambda allows at most 64')
    expect(error.hints[0]).toContain('.name')
  })
})

test('the shipped JSON Schema matches the config schema', async () => {
  const shipped = JSON.parse(await readFile(path.join(ROOT, 'schema/sling.config.schema.json'), 'utf8'))
  expect(shipped).toEqual(configJsonSchema())
  expect(shipped.additionalProperties).toBe(false)
})

test('editors see the defaults and the reserved environment variable names in the JSON Schema', () => {
  const fn = (configJsonSchema() as {properties: {defaults: {properties: Record<string, {default?: unknown; propertyNames?: {allOf: {pattern: string}[]}}>}}}).properties.defaults.properties
  expect(fn.memorySize?.default).toBe(128)
  expect(fn.runtime?.default).toBe(DEFAULT_RUNTIME)
  const patterns = (fn.environment?.propertyNames?.allOf ?? []).map((p) => new RegExp(p.pattern))
  const allowed = (key: string): boolean => patterns.every((p) => p.test(key))
  expect(allowed('TABLE_NAME')).toBe(true)
  expect(allowed('AWS_REGION')).toBe(false)
})

test('a resolved config survives the memo (v8 serialization) unchanged: plain data, no classes or functions', async () => {
  const {serialize, deserialize} = await import('node:v8')
  const file = await writeConfig({
    service: 'shop',
    defaults: {memorySize: 512, environment: {STAGE: 'dev'}},
    functions: {
      api: {entry: 'src/api.ts', layers: ['deps'], url: {authType: 'AWS_IAM', qualifier: 'live', cors: {allowOrigins: ['https://example.com']}}, rollout: {strategy: 'Linear10PercentEvery1Minute', maxErrorRate: '1%', smoke: [{payload: {rawPath: '/health'}, expect: {statusCode: 200}}]}},
      worker: {entry: 'src/worker.ts', alias: 'live', events: [{source: 'sqs:orders', qualifier: 'live', batchSize: 10, filters: [{body: {type: ['order']}}]}, {source: 's3:uploads', events: ['s3:ObjectCreated:*'], prefix: 'in/'}]},
      files: {bundle: false, source: 'files', runtime: 'python3.13', handler: 'main'},
    },
    layers: {deps: {packageJson: 'package.json'}},
    stages: {prod: {region: 'eu-west-1', functions: {api: {memorySize: 1024}}}},
    deployment: {rolePrefix: 'app'},
  })
  for (const stage of [undefined, 'prod']) {
    const config = await loadConfig({file, stage})
    expect(deserialize(serialize(config))).toStrictEqual(config)
  }
})

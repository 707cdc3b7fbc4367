// The validator compiled from the zod schema (compiled.generated.ts) must answer as zod does: for every input, the
// same output (key order included) when zod accepts it, and nothing when zod refuses it. Checked on configs that use
// every section, and on thousands of mutations of them, each one edit away (a key removed, added or retyped).
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {isDeepStrictEqual} from 'node:util'

import {describe, expect, test} from 'vitest'

import {generatedValidators} from '../../../src/lib/config/compile.js'
import {parseConfig, parseResolvedFunction, parseResolvedLayer} from '../../../src/lib/config/compiled.generated.js'
import {validateConfig, validateConfigQuickly} from '../../../src/lib/config/resolve.js'
import {ConfigSchema, ResolvedFunctionSchema, ResolvedLayerSchema} from '../../../src/lib/config/schema.js'
import {zodParsers} from '../../../src/lib/config/zod-parsers.js'

const ROOT = path.resolve(import.meta.dirname, '../../..')

const RICH = {
  $schema: '../schema/sling.config.schema.json',
  service: 'shop',
  region: 'eu-west-1',
  defaults: {memorySize: 512, timeout: 10, environment: {STAGE: 'dev', TABLE_NAME: 'orders'}, tags: {team: 'checkout'}, architecture: 'arm64', tracing: 'Active'},
  functions: {
    api: {
      name: 'shop-http-api',
      entry: 'src/api.ts',
      memorySize: 256,
      handler: 'main',
      runtime: 'nodejs22.x',
      layers: ['deps', 'arn:aws:lambda:eu-west-1:123456789012:layer:shared:3'],
      sourcemap: 'external',
      format: 'cjs',
      external: ['sharp'],
      include: ['assets/**'],
      exclude: ['**/*.test.ts'],
      url: {authType: 'NONE', qualifier: 'live', invokeMode: 'RESPONSE_STREAM', cors: {allowOrigins: ['https://example.com'], allowMethods: ['GET'], allowCredentials: true, maxAge: 300}},
      rollout: {strategy: 'Linear10PercentEvery1Minute', maxErrorRate: '1%', minInvocations: 20, metricDelay: '2m', alarms: ['api-errors'], smoke: [{payload: {rawPath: '/health', n: [1, null, true]}, expect: {statusCode: 200}}, {file: 'events/ping.json'}]},
      alias: 'live',
      loggingConfig: {logFormat: 'JSON', applicationLogLevel: 'DEBUG', systemLogLevel: 'WARN', logGroup: '/shop/api'},
      vpcConfig: {subnetIds: ['subnet-0abc'], securityGroupIds: ['sg-0abc'], ipv6AllowedForDualStack: false},
      provisionedConcurrency: {executions: 2, alias: 'live'},
      eventInvokeConfig: {maximumRetryAttempts: 1, maximumEventAgeInSeconds: 3600, onFailure: 'arn:aws:sqs:eu-west-1:123456789012:dlq'},
      reservedConcurrentExecutions: 10,
      ephemeralStorage: 1024,
      description: 'The HTTP API',
    },
    worker: {
      entry: 'src/worker.mjs',
      publish: true,
      minify: false,
      bundleAwsSdk: true,
      deadLetterTargetArn: 'arn:aws:sns:eu-west-1:123456789012:dead',
      rollout: {steps: [10, '50%', 100], interval: '30s'},
      events: [
        {source: 'sqs:orders', qualifier: 'live', batchSize: 10, batchingWindow: 5, maxConcurrency: 5, reportBatchItemFailures: true, filters: [{body: {type: ['order']}}, '{"body": {"n": [{"numeric": [">", 1]}]}}']},
        {source: 'kinesis:clicks', startingPosition: 'TRIM_HORIZON', bisectOnError: true, maxRetries: 3, maxRecordAge: 3600, onFailure: 'arn:aws:sqs:eu-west-1:123456789012:failed', enabled: false},
        {source: 's3:uploads', events: ['s3:ObjectCreated:*'], prefix: 'in/', suffix: '.csv'},
        {source: 'schedule', schedule: 'rate(5 minutes)', schedulerRole: 'arn:aws:iam::123456789012:role/scheduler', timezone: 'Europe/Paris'},
        {source: 'eventbridge', pattern: {source: ['shop.orders']}, eventBus: 'orders'},
        {source: 'sns:news', filterPolicy: {kind: ['a']}},
      ],
    },
    files: {bundle: false, source: 'static', role: 'arn:aws:iam::123456789012:role/files'},
    image: {image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.2.0', imageConfig: {command: ['app.handler'], entryPoint: ['/lambda-entrypoint.sh'], workingDirectory: '/var/task'}},
  },
  layers: {
    deps: {packageJson: 'layer/package.json', compatibleRuntimes: ['nodejs22.x', 'nodejs24.x'], compatibleArchitectures: ['arm64'], description: 'Dependencies', exclude: ['**/*.md']},
    assets: {name: 'shop-assets', directory: 'opt'},
  },
  stages: {
    prod: {region: 'us-east-1', defaults: {memorySize: 1024}, functions: {api: {timeout: 29, environment: {STAGE: 'prod'}, rollout: {strategy: 'all-at-once'}}}},
    dev: {functions: {}},
  },
  deployment: {bucket: 'shop-artifacts', rolePrefix: 'shop'},
}

const SMALL = {functions: {fn: {entry: 'src/index.mjs'}}}

/** Values a mutation puts somewhere: each type, the edges of common limits, and values valid somewhere in the schema. */
const VALUES: unknown[] = [
  null, true, false, 0, -1, 1, 1.5, 2, 3, 100, 101, 128, 900, 901, 10_240, 10_241, 2 ** 53, -(2 ** 53), 1e21,
  '', 'x', ' ', 'a'.repeat(64), 'a'.repeat(65), 'a'.repeat(141), 'a'.repeat(256), '\u0000',
  // zod measures strings in code points: 129 emoji are 258 UTF-16 units but fit a 256 limit; lone surrogates count one each.
  '😀', '😀'.repeat(40), '😀'.repeat(65), '😀'.repeat(129), '😀'.repeat(257), '\uD800'.repeat(3), 'a\uD83D', `${'😀'.repeat(127)}\uDE00`,
  'nodejs24.x', 'nodejs20.x', 'python3.12', 'arm64', 'JSON', 'Text', 'INFO', 'TRACE', 'Active', 'esm', 'inline',
  'sqs:q', 'schedule', 'eventbridge', 'rate(5 minutes)', '5m', '1h30m', '10%', '100.5%', 'live', '1', '$LATEST', 'AWS_REGION',
  'arn:aws:sqs:us-east-1:123456789012:q', 'arn:aws:iam::123456789012:role/r', 'subnet-1', 'sg-1', 's3:ObjectCreated:*',
  'constructor', 'toString', 'hasOwnProperty',
  [], [1], ['a'], ['deps'], [10, 100], [{}], [{source: 'sqs:q'}], [{payload: 1}], ['a', 'b', 'c', 'd', 'e', 'f'],
  {}, {a: 1}, {A: 'b'}, {body: {type: ['x']}}, {numeric: ['>', 1]}, {logFormat: 'Text'}, {executions: 1}, {source: 'schedule'},
]
/** Keys a mutation adds: every key the configs above use (valid somewhere, often not where it lands), and unknown ones. */
const KEYS = [...new Set([...allKeys(RICH), 'name', 'extra', 'A', '1', 'constructor', 'toString', 'valueOf'])]

function allKeys(value: unknown): string[] {
  return value !== null && typeof value === 'object' ? Object.entries(value).flatMap(([key, child]) => [...(Array.isArray(value) ? [] : [key]), ...allKeys(child)]) : []
}

/** A small, seeded random source (mulberry32): the same mutations on every run. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

type Json = null | boolean | number | string | Json[] | {[key: string]: Json}

/** Every container in `value` (objects and arrays), with the value itself first. */
function containers(value: Json, found: (Json[] | {[key: string]: Json})[] = []): (Json[] | {[key: string]: Json})[] {
  if (value === null || typeof value !== 'object') return found
  found.push(value)
  for (const child of Object.values(value)) containers(child, found)
  return found
}

/** `base` with one random edit: a value replaced (by one of VALUES or another part of the config), a key removed or added. */
function mutate(base: Json, next: () => number): Json {
  const copy = structuredClone(base)
  const all = containers(copy)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!
  const target = pick(all)
  const elsewhere = (): Json => structuredClone(pick(all.flatMap((c) => Object.values(c))) ?? null)
  const value = (): Json => (next() < 0.8 ? (structuredClone(pick(VALUES)) as Json) : elsewhere())
  if (Array.isArray(target)) {
    const roll = next()
    if (target.length > 0 && roll < 0.4) target[Math.floor(next() * target.length)] = value()
    else if (target.length > 0 && roll < 0.6) target.splice(Math.floor(next() * target.length), 1)
    else target.push(value())
    return copy
  }
  const keys = Object.keys(target)
  const roll = next()
  if (keys.length > 0 && roll < 0.5) target[pick(keys)] = value()
  else if (keys.length > 0 && roll < 0.75) delete target[pick(keys)]
  else target[pick(KEYS)] = value()
  return copy
}

/** Checks one input against both validators of one schema; returns whether zod accepted it. */
function agree(compiled: (input: unknown) => unknown, schema: {safeParse(input: unknown): {success: boolean; data?: unknown}}, input: unknown): boolean {
  // Neither changes its input.
  const expected = schema.safeParse(input)
  const actual = compiled(input)
  if (!expected.success) {
    expect(actual, `zod refuses ${JSON.stringify(input)}; the compiled validator must too`).toBeUndefined()
    return false
  }
  expect(actual, `zod accepts ${JSON.stringify(input)}; the compiled validator must too`).toBeDefined()
  // node's deep equality: vitest's toStrictEqual compares .constructor, which a "constructor" key replaces.
  expect(isDeepStrictEqual(actual, expected.data), `the same output for ${JSON.stringify(input)}`).toBe(true)
  expect(JSON.stringify(actual), 'the same key order').toBe(JSON.stringify(expected.data))
  return true
}

test('the committed compiled validator is the one the schema compiles to today (npm run build writes it)', async () => {
  const committed = await readFile(path.join(ROOT, 'src/lib/config/compiled.generated.ts'), 'utf8')
  expect(committed).toBe(await generatedValidators())
})

describe('the compiled validator answers as zod does', () => {
  test('on configs that use every section, with and without a stage', () => {
    for (const config of [RICH, SMALL]) {
      expect(agree(parseConfig, ConfigSchema, config)).toBe(true)
      for (const stage of [undefined, ...Object.keys((config as {stages?: object}).stages ?? {})]) {
        const text = JSON.stringify(config)
        const file = path.join(ROOT, 'examples', 'x', 'sling.config.json')
        expect(validateConfigQuickly(text, file, stage)).toStrictEqual(validateConfig(text, file, stage, zodParsers))
      }
    }
  })

  test.each([
    ['the whole config', parseConfig, ConfigSchema, RICH, 2000],
    ['a small config', parseConfig, ConfigSchema, SMALL, 1000],
    ['a resolved function', parseResolvedFunction, ResolvedFunctionSchema, {key: 'api', ...RICH.functions.api, name: 'shop-api'}, 3000],
    ['a resolved function with events', parseResolvedFunction, ResolvedFunctionSchema, {key: 'worker', ...RICH.functions.worker, name: 'shop-worker'}, 3000],
    ['a resolved layer', parseResolvedLayer, ResolvedLayerSchema, {key: 'deps', ...RICH.layers.deps, name: 'shop-deps'}, 1000],
  ] as const)('on %s, one edit away, thousands of times', (_, compiled, schema, base, count) => {
    const next = random(count)
    let accepted = 0
    for (let i = 0; i < count; i++) {
      // Some mutants get a second and third edit, to reach combinations one edit can't.
      let input = mutate(base as Json, next)
      while (next() < 0.3) input = mutate(input, next)
      if (agree(compiled, schema, input)) accepted++
    }
    // Both outcomes are exercised, in earnest.
    expect(accepted).toBeGreaterThan(count * 0.1)
    expect(accepted).toBeLessThan(count * 0.9)
  })

  test('on the whole config with each value replaced by each of the values above, and each key added to each object', () => {
    const paths: (string | number)[][] = []
    const objects: (string | number)[][] = []
    const visit = (value: unknown, at: (string | number)[]): void => {
      if (value === null || typeof value !== 'object') return
      if (!Array.isArray(value)) objects.push(at)
      for (const [key, child] of Object.entries(value)) {
        const here = [...at, Array.isArray(value) ? Number(key) : key]
        paths.push(here)
        visit(child, here)
      }
    }
    visit(RICH, [])
    const edited = (at: (string | number)[], edit: (parent: Record<string | number, unknown>, key: string | number) => void): unknown => {
      const copy = structuredClone(RICH) as unknown as Record<string | number, unknown>
      const parent = at.slice(0, -1).reduce<Record<string | number, unknown>>((node, key) => node[key] as Record<string | number, unknown>, copy)
      edit(parent, at.at(-1)!)
      return copy
    }
    let accepted = 0
    let checked = 0
    for (const at of paths) {
      for (const value of VALUES) {
        checked++
        if (agree(parseConfig, ConfigSchema, edited(at, (parent, key) => (parent[key] = structuredClone(value))))) accepted++
      }
    }
    for (const at of objects) {
      for (const key of KEYS) {
        for (const value of [VALUES[(key.length * 31 + at.length * 7) % VALUES.length]!]) {
          checked++
          if (agree(parseConfig, ConfigSchema, edited([...at, key], (parent, k) => (parent[k] = structuredClone(value))))) accepted++
        }
      }
    }
    expect(accepted).toBeGreaterThan(checked * 0.05)
    expect(accepted).toBeLessThan(checked * 0.9)
  })

  test('a "__proto__" key, which zod drops from a record without a word, is left to zod', () => {
    const text = '{"functions": {"__proto__": {"entry": "b.ts"}, "fn": {"entry": "a.ts", "environment": {"__proto__": "x", "AB": "c"}}}}'
    const input = JSON.parse(text) as unknown
    expect(ConfigSchema.parse(input)).toEqual({functions: {fn: {entry: 'a.ts', environment: {AB: 'c'}}}})
    expect(parseConfig(input)).toBeUndefined()
    const file = path.join(ROOT, 'examples', 'x', 'sling.config.json')
    expect(validateConfigQuickly(text, file, undefined)).toBeUndefined()
    expect(validateConfig(text, file, undefined, zodParsers).functions.map((fn) => fn.key)).toEqual(['fn'])
  })
})

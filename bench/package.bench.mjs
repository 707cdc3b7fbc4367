#!/usr/bin/env node
// Benchmarks `sling package` against its floor on this machine, in one run:
//   small  — one handler, no dependencies
//   medium — AWS SDK v3 clients (bundled), zod, date-fns, lodash-es (npm-installed on first run)
//   large  — bundle: false over 100+ MB of generated node_modules
//   many   — 20 functions packaged in parallel
// The floor is one Node.js process running esbuild's API and a deterministic zip (archiver) on the
// same input with the same settings (bench/lib/package-floor.mjs). Wall time includes process start
// for both; peak RSS is each Node process's maxRSS (esbuild's own Go process isn't counted, for either).
// Only reports; asserts nothing about time. Fixture sources are .mjs so the repo's type-check skips them.
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {esbuildOptions} from '../dist/lib/package/bundle.js'
import {loadConfig} from '../dist/lib/config/load.js'
import {ZIP_LEVEL} from '../dist/lib/package/zip.js'

const ROOT = path.resolve(import.meta.dirname, '..')
const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'package')
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const RSS_FILE = path.join(os.tmpdir(), `sling-bench-rss-${process.pid}`)
const REPORTER = path.join(import.meta.dirname, 'lib', 'rss-reporter.mjs')
const FLOOR = path.join(import.meta.dirname, 'lib', 'package-floor.mjs')

const MEDIUM_DEPS = {
  '@aws-sdk/client-dynamodb': '^3.0.0',
  '@aws-sdk/lib-dynamodb': '^3.0.0',
  '@aws-sdk/client-sqs': '^3.0.0',
  zod: '^4.0.0',
  'date-fns': '^4.0.0',
  'lodash-es': '^4.17.21',
}

const MEDIUM_HANDLER = `import {DynamoDBClient} from '@aws-sdk/client-dynamodb'
import {DynamoDBDocumentClient, PutCommand} from '@aws-sdk/lib-dynamodb'
import {SQSClient, SendMessageCommand} from '@aws-sdk/client-sqs'
import {z} from 'zod'
import {addDays, formatISO} from 'date-fns'
import {groupBy, sortBy} from 'lodash-es'

const Order = z.object({id: z.string(), items: z.array(z.object({sku: z.string(), qty: z.number().int().positive()}))})
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}))
const sqs = new SQSClient({})

export const handler = async (event) => {
  const order = Order.parse(JSON.parse(event.body))
  const bySku = groupBy(sortBy(order.items, 'sku'), 'sku')
  await db.send(new PutCommand({TableName: process.env.TABLE, Item: {...order, due: formatISO(addDays(new Date(), 3))}}))
  await sqs.send(new SendMessageCommand({QueueUrl: process.env.QUEUE, MessageBody: JSON.stringify(bySku)}))
  return {statusCode: 202}
}
`

// ---------------------------------------------------------------- fixtures

function write(file, content) {
  mkdirSync(path.dirname(file), {recursive: true})
  writeFileSync(file, content)
}

function smallFixture() {
  const dir = path.join(FIXTURES, 'small')
  write(path.join(dir, 'src/index.mjs'), 'export const handler = async (event) => ({statusCode: 200, body: JSON.stringify(event)})\n')
  write(path.join(dir, 'sling.config.json'), JSON.stringify({service: 'small', functions: {fn: {entry: 'src/index.mjs'}}}))
  return dir
}

function mediumFixture() {
  const dir = path.join(FIXTURES, 'medium')
  write(path.join(dir, 'package.json'), JSON.stringify({name: 'medium', private: true, dependencies: MEDIUM_DEPS}, null, 2))
  if (!existsSync(path.join(dir, 'node_modules', 'lodash-es'))) {
    console.log('  (first run: npm install of the medium fixture’s dependencies…)')
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {cwd: dir, stdio: 'inherit'})
  }
  write(path.join(dir, 'src/index.mjs'), MEDIUM_HANDLER)
  write(path.join(dir, 'sling.config.json'), JSON.stringify({service: 'medium', functions: {fn: {entry: 'src/index.mjs', bundleAwsSdk: true}}}))
  return dir
}

/** 100+ MB of node_modules: 90 packages × 30 files of ~40 KB; text with a seeded PRNG (compressible like JS), every 10th file random bytes. */
function largeFixture() {
  const dir = path.join(FIXTURES, 'large')
  const marker = path.join(dir, '.generated') // outside app/, so both sides zip the same tree
  if (!existsSync(marker)) {
    console.log('  (first run: generating 100+ MB of node_modules…)')
    rmSync(dir, {recursive: true, force: true})
    let seed = 42
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31)
    const words = ['function', 'return', 'const', 'module', 'exports', 'require', 'this', 'value', 'options', 'callback', 'undefined', 'prototype', 'length', 'Object', 'String']
    for (let p = 0; p < 90; p++) {
      const pkg = path.join(dir, 'app', 'node_modules', `pkg-${p}`)
      write(path.join(pkg, 'package.json'), JSON.stringify({name: `pkg-${p}`, version: '1.0.0', main: 'index.js'}))
      for (let f = 0; f < 30; f++) {
        const size = 40_000
        let content
        if (f % 10 === 9) {
          content = Buffer.alloc(size)
          for (let i = 0; i < size; i++) content[i] = Math.floor(random() * 256)
        } else {
          const parts = []
          let length = 0
          while (length < size) {
            const word = `${words[Math.floor(random() * words.length)]}${Math.floor(random() * 1000)} `
            parts.push(word)
            length += word.length
          }
          content = parts.join('')
        }
        write(path.join(pkg, 'lib', `file-${f}.js`), content)
      }
    }
    write(path.join(dir, 'app', 'index.mjs'), 'export const handler = async () => ({statusCode: 200})\n')
    write(marker, '')
  }
  write(path.join(dir, 'sling.config.json'), JSON.stringify({service: 'large', functions: {fn: {bundle: false, source: 'app', entry: 'app/index.mjs'}}}))
  return dir
}

function manyFixture(mediumDir) {
  const dir = path.join(FIXTURES, 'many')
  const functions = {}
  for (let i = 0; i < 20; i++) {
    write(path.join(dir, `src/fn${i}.mjs`), MEDIUM_HANDLER.replace('statusCode: 202', `statusCode: 202, fn: ${i}`))
    functions[`fn${i}`] = {entry: `src/fn${i}.mjs`}
  }
  write(path.join(dir, 'package.json'), JSON.stringify({name: 'many', private: true}))
  // Share the medium fixture's installed packages (the AWS SDK stays external by default here).
  const link = path.join(dir, 'node_modules')
  if (!existsSync(link)) execFileSync('ln', ['-s', path.join(mediumDir, 'node_modules'), link])
  write(path.join(dir, 'sling.config.json'), JSON.stringify({service: 'many', functions}))
  return dir
}

// ---------------------------------------------------------------- measuring

/** Runs a node script `runs` times; median wall time, max peak RSS, and its stdout (last run). */
function measure(args, runs = RUNS) {
  const times = []
  let rss = 0
  let stdout = ''
  for (let i = 0; i < runs; i++) {
    rmSync(RSS_FILE, {force: true})
    const start = process.hrtime.bigint()
    const child = spawnSync(process.execPath, ['--import', REPORTER, ...args], {cwd: ROOT, encoding: 'utf8', env: {...process.env, BENCH_RSS_FILE: RSS_FILE, CI: 'true'}, maxBuffer: 64 * 1024 * 1024})
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
    if (child.status !== 0) throw new Error(`${args.join(' ')} failed:\n${child.stderr}\n${child.stdout}`)
    rss = Math.max(rss, Number(readFileSync(RSS_FILE, 'utf8')))
    stdout = child.stdout
  }
  times.sort((a, b) => a - b)
  return {ms: times[Math.floor(times.length / 2)], rss, stdout}
}

async function floorSpec(dir, outDir) {
  const config = await loadConfig({file: path.join(dir, 'sling.config.json')})
  const jobs = config.functions.map((fn) => ({
    out: path.join(outDir, `${fn.key}.zip`),
    ...(fn.bundle
      ? {esbuild: esbuildOptions({entry: fn.entry, workingDir: config.dir, runtime: fn.runtime, format: fn.format, minify: fn.minify, sourcemap: fn.sourcemap, external: fn.external, bundleAwsSdk: fn.bundleAwsSdk})}
      : {dir: fn.source}),
  }))
  const file = path.join(outDir, 'spec.json')
  write(file, JSON.stringify({level: ZIP_LEVEL, jobs}))
  return file
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
const size = (bytes) => (bytes > 1024 * 1024 ? mb(bytes) : `${(bytes / 1024).toFixed(1)} KB`)

async function compare(name, dir) {
  const slingOut = path.join(dir, '.sling', 'bench-sling')
  const floorOut = path.join(dir, '.sling', 'bench-floor')
  const sling = measure(['bin/run.js', 'package', '--json', '--config', path.join(dir, 'sling.config.json'), '--out-dir', slingOut])
  const floor = measure([FLOOR, await floorSpec(dir, floorOut)])
  const slingFns = JSON.parse(sling.stdout).functions
  const floorFns = JSON.parse(floor.stdout)
  const slingBytes = slingFns.reduce((s, f) => s + f.zippedSize, 0)
  const floorBytes = floorFns.reduce((s, f) => s + f.size, 0)
  const same = slingFns.every((f, i) => f.codeSha256 === floorFns[i].sha256)
  return {
    fixture: name,
    'sling ms': Math.round(sling.ms),
    'floor ms': Math.round(floor.ms),
    'time ×': (sling.ms / floor.ms).toFixed(2),
    'sling RSS': mb(sling.rss),
    'floor RSS': mb(floor.rss),
    'sling zip': size(slingBytes),
    'floor zip': size(floorBytes),
    'size ×': (slingBytes / floorBytes).toFixed(3),
    'same bytes': same ? 'yes' : 'no',
  }
}

console.log(`sling package vs floor (esbuild API + deterministic zip in one Node process); median of ${RUNS} runs, ${os.availableParallelism()} CPUs, Node ${process.version}`)
const small = smallFixture()
const medium = mediumFixture()
const large = largeFixture()
const many = manyFixture(medium)
const rows = []
for (const [name, dir] of [['small', small], ['medium', medium], ['large (bundle: false)', large], ['20 functions', many]]) rows.push(await compare(name, dir))
console.table(rows)
console.log('Targets: time × ≤ 1.2, size × ≤ 1.000. The 20-function row is sling packaging them in parallel (bounded concurrency) vs the floor running all 20 at once in one process.')

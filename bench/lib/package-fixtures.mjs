// The package bench's fixtures, shared with the start-up bench: written under bench/fixtures/package (git-ignored),
// the medium one npm-installed on first use, the large one generated once.
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'

const DIST = path.join(import.meta.dirname, '..', '..', 'dist', 'lib')
const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'package')

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

export function write(file, content) {
  mkdirSync(path.dirname(file), {recursive: true})
  writeFileSync(file, content)
}

export function smallFixture() {
  const dir = path.join(FIXTURES, 'small')
  write(path.join(dir, 'src/index.mjs'), 'export const handler = async (event) => ({statusCode: 200, body: JSON.stringify(event)})\n')
  write(path.join(dir, 'sling.config.json'), JSON.stringify({service: 'small', functions: {fn: {entry: 'src/index.mjs'}}}))
  return dir
}

export function mediumFixture() {
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
export function largeFixture() {
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

export function manyFixture(mediumDir) {
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

/** Writes the package floor's spec (bench/lib/package-floor.mjs) for a fixture: the same esbuild options sling uses. */
export async function floorSpec(dir, outDir) {
  const {esbuildOptions} = await import(path.join(DIST, 'package', 'bundle.js'))
  const {loadConfig} = await import(path.join(DIST, 'config', 'load.js'))
  const {ZIP_LEVEL} = await import(path.join(DIST, 'package', 'zip.js'))
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

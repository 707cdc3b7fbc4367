/** What crashes leave behind is cleaned at start-up, and blobs no document references are collected safely. */
import {CreateFunctionCommand, LambdaClient, UpdateFunctionCodeCommand, waitUntilFunctionUpdatedV2} from '@aws-sdk/client-lambda'
import {CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {spawn} from 'node:child_process'
import {mkdir, readdir, utimes, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {afterEach, expect, test} from 'vitest'

import {collectBlobs, collectCopies, startMaintenance} from '../../../src/lib/local/maintenance.js'
import {createLambdaRuntime} from '../../../src/lib/local/runtime/runtime.js'
import {startLocalCloud} from '../../../src/lib/local/server.js'
import {Store} from '../../../src/lib/local/store.js'
import {ROOT, tempDir} from '../../helpers/cli.js'
import {aFunction, ARN, makeZip} from './runtime/helpers.js'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const TWO_HOURS_AGO = new Date(Date.now() - 2 * 3_600_000)
const DEAD_PID = 2 ** 22 + 4321

async function aStore(): Promise<Store> {
  const tmp = await tempDir('sling-gc-')
  cleanups.push(tmp.cleanup)
  return new Store(tmp.dir)
}

/** Files under the store that a writer or a lock left in passing. */
async function leftovers(dir: string): Promise<string[]> {
  const entries = await readdir(dir, {recursive: true})
  return entries.filter((name) => /\.tmp$|\.tmp-|\.new$|\.break-/.test(path.basename(name)))
}

async function blobsOf(store: Store): Promise<string[]> {
  const entries = await readdir(path.join(store.dir, 'blobs'), {recursive: true}).catch(() => [])
  return entries.map((name) => path.basename(name)).filter((name) => /^[0-9a-f]{64}$/.test(name)).sort()
}

async function age(store: Store, sha256s: readonly string[]): Promise<void> {
  for (const sha256 of sha256s) await utimes(store.blobPath(sha256), TWO_HOURS_AGO, TWO_HOURS_AGO)
}

test('a writer killed mid-blob, and a lock takeover cut short, leave nothing behind after the next start', async () => {
  const store = await aStore()
  const script = `
    import {Readable} from 'node:stream'
    import {Store} from ${JSON.stringify(path.join(ROOT, 'dist/lib/local/store.js'))}
    const body = new Readable({read() {}})
    body.push(Buffer.alloc(256 * 1024, 1))
    void new Store(${JSON.stringify(store.dir)}).putBlob(body)
    setTimeout(() => console.log('writing'), 50)
  `
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit']})
  const exited = new Promise((resolve) => child.on('exit', resolve))
  cleanups.push(() => void child.kill('SIGKILL'))
  await new Promise<void>((resolve) => child.stdout.on('data', () => resolve()))
  child.kill('SIGKILL')
  await exited
  // And a takeover marker and an unlinked lock record of a process that died.
  const dead = JSON.stringify({pid: DEAD_PID, host: os.hostname(), token: 'gone'})
  await writeFile(path.join(store.dir, 'store.lock.break-gone.0'), dead)
  await writeFile(path.join(store.dir, 'store.lock.gone.new'), dead)
  expect((await leftovers(store.dir)).length).toBe(3)

  const maintenance = startMaintenance(store, {warn: (message) => expect.fail(message)})
  await maintenance.firstPass
  await maintenance.stop()
  expect(await leftovers(store.dir)).toEqual([])
})

test('blobs no document references are collected; referenced, recent and just re-put blobs stay', async () => {
  const store = await aStore()
  const [kept, unused, recent, reput] = await Promise.all(['referenced', 'unused', 'recent', 'put again'].map((text) => store.putBlob(Buffer.from(text))))
  await store.put('lambda/us-east-1/functions', 'fn', {versions: {$LATEST: {code: {sha256: kept?.sha256}}}})
  await age(store, [kept, unused, reput].map((blob) => blob?.sha256 ?? ''))
  await store.putBlob(Buffer.from('put again')) // a writer about to reference it: fresh again

  expect(await collectBlobs(store)).toEqual({removed: 1, bytes: unused?.size})
  expect(await blobsOf(store)).toEqual([kept, recent, reput].map((blob) => blob?.sha256).sort())
})

test('an overwritten S3 object and replaced function code are collected at the next start; what is current stays', async () => {
  const store = await aStore()
  const cloud = await startLocalCloud({storeDir: store.dir, settings: {stateDelayMs: 0}})
  const config = {endpoint: cloud.endpoint, region: 'us-east-1', credentials: {accessKeyId: 'x', secretAccessKey: 'x'}, maxAttempts: 1}
  const s3 = new S3Client({...config, forcePathStyle: true})
  const lambda = new LambdaClient(config)
  cleanups.push(() => cloud.close(), () => s3.destroy(), () => lambda.destroy())
  await s3.send(new CreateBucketCommand({Bucket: 'bucket'}))
  await s3.send(new PutObjectCommand({Bucket: 'bucket', Key: 'k', Body: 'first body'}))
  await s3.send(new PutObjectCommand({Bucket: 'bucket', Key: 'k', Body: 'second body'}))
  const zip = (text: string): Promise<Buffer> => makeZip({'index.js': `exports.handler = async () => '${text}'`})
  await lambda.send(new CreateFunctionCommand({FunctionName: 'fn', Runtime: 'nodejs20.x', Role: 'arn:aws:iam::123456789012:role/r', Handler: 'index.handler', Code: {ZipFile: await zip('one')}}))
  await lambda.send(new UpdateFunctionCodeCommand({FunctionName: 'fn', ZipFile: await zip('two')}))
  await waitUntilFunctionUpdatedV2({client: lambda, maxWaitTime: 30, minDelay: 1}, {FunctionName: 'fn'})
  const before = await blobsOf(store)
  expect(before.length).toBe(4)
  await age(store, before)

  const maintenance = startMaintenance(store, {warn: (message) => expect.fail(message)})
  await maintenance.firstPass
  await maintenance.stop()
  expect((await blobsOf(store)).length).toBe(2)
  const object = await s3.send(new GetObjectCommand({Bucket: 'bucket', Key: 'k'}))
  expect(await object.Body?.transformToString()).toBe('second body')
})

test('collection deletes a blob only under the store lock: a writer that takes up an old blob meanwhile never finds it missing', async () => {
  const store = await aStore()
  const blob = await store.putBlob(Buffer.from('a layer someone is about to use'))
  await age(store, [blob.sha256])
  let collecting: Promise<unknown> | undefined
  // A writer inside a transaction (CreateFunction taking up a layer) while another process collects.
  await store.transaction(async () => {
    collecting = collectBlobs(new Store(store.dir))
    await new Promise((resolve) => setTimeout(resolve, 300)) // collection reaches the blob meanwhile
    expect(await blobsOf(store)).toEqual([blob.sha256])
    await store.keepBlobs([blob.sha256])
    await store.put('lambda/us-east-1/functions', 'fn', {versions: {$LATEST: {layers: [{sha256: blob.sha256}]}}})
  })

  expect(await collecting).toEqual({removed: 0, bytes: 0})
  expect(await blobsOf(store)).toEqual([blob.sha256])
})

/** The unzipped copies under <store>/runtime/, as "<kind>/<name>". */
async function copiesOf(store: Store): Promise<string[]> {
  const found: string[] = []
  for (const kind of ['code', 'layers', 'opt']) {
    for (const name of await readdir(path.join(store.dir, 'runtime', kind)).catch(() => [])) found.push(`${kind}/${name}`)
  }
  return found.sort()
}

async function ageCopy(store: Store, copy: string): Promise<void> {
  await utimes(path.join(store.dir, 'runtime', copy), TWO_HOURS_AGO, TWO_HOURS_AGO)
}

test('half-built copies of dead processes are removed at start; a live process\'s build is left alone', async () => {
  const store = await aStore()
  const dead = `runtime/code/${'a'.repeat(64)}.tmp-${DEAD_PID}-0badc0de`
  const live = `runtime/layers/${'b'.repeat(64)}.tmp-${process.pid}-0badc0de`
  for (const dir of [dead, live]) {
    await mkdir(path.join(store.dir, dir, 'node_modules'), {recursive: true})
    await writeFile(path.join(store.dir, dir, 'node_modules', 'big.js'), 'x')
  }

  const maintenance = startMaintenance(store, {warn: (message) => expect.fail(message)})
  await maintenance.firstPass
  await maintenance.stop()

  expect(await copiesOf(store)).toEqual([`layers/${path.basename(live)}`])
})

test('unzipped copies nothing references or uses are collected; referenced, recent and running ones stay', async () => {
  const store = await aStore()
  const earlier = createLambdaRuntime({store})
  cleanups.push(() => earlier.close())
  // A function that runs (its environment stays warm), one that ran once, and one a document references.
  const running = await aFunction(store, {'index.js': 'exports.handler = async () => "running"'}, {layers: [{'nodejs/node_modules/lib/index.js': 'module.exports = 1'}]})
  const stale = await aFunction(store, {'index.js': 'exports.handler = async () => "stale"'}, {functionName: 'stale'})
  const kept = await aFunction(store, {'index.js': 'exports.handler = async () => "kept"'}, {functionName: 'kept'})
  for (const spec of [running, stale, kept]) await earlier.invoke(spec, {payload: '{}', invokedFunctionArn: ARN})
  await store.put('lambda/us-east-1/functions', 'kept', {versions: {$LATEST: {code: {sha256: kept.codeSha256}}}})
  const before = await copiesOf(store)
  expect(before).toHaveLength(6) // three code copies, one layer, two /opt merges (none, and the layer's)
  // Everything looks an hour old; then only the live environment of "running" marks its copies used.
  await earlier.close()
  const live = createLambdaRuntime({store, touchEveryMs: 50})
  cleanups.push(() => live.close())
  for (const copy of before) await ageCopy(store, copy)
  await live.invoke(running, {payload: '{}', invokedFunctionArn: ARN})
  for (const copy of before) await ageCopy(store, copy)
  await new Promise((resolve) => setTimeout(resolve, 300)) // the live environment touches its copies again

  const removed = await collectCopies(store)

  const after = await copiesOf(store)
  expect(after).toContain(`code/${running.codeSha256}`)
  expect(after).toContain(`layers/${running.layerSha256s[0]}`)
  expect(after).toContain(`code/${kept.codeSha256}`) // referenced by a document, though unused
  expect(after).not.toContain(`code/${stale.codeSha256}`)
  expect(after).toHaveLength(4) // running's code, layer and /opt, and kept's code
  expect(removed).toBe(2) // stale's code and the unused /opt merge
  expect((await live.invoke(running, {payload: '{}', invokedFunctionArn: ARN})).payload).toBe('"running"')
  expect((await live.invoke(stale, {payload: '{}', invokedFunctionArn: ARN})).payload).toBe('"stale"') // rebuilt on demand
})

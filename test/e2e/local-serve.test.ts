import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {LambdaClient, ListFunctionsCommand} from '@aws-sdk/client-lambda'
import {CloudWatchLogsClient, CreateLogGroupCommand, ServiceUnavailableException} from '@aws-sdk/client-cloudwatch-logs'
import {afterEach, expect, test} from 'vitest'

import {SERVICE_ROUTERS} from '../../src/lib/local/services.js'
import {runCli, tempDir} from '../helpers/cli.js'
import {expectOutputMatchesModel} from '../helpers/model.js'
import {serve as serveWith} from './local-serve-helper.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const serve = (args: string[]) => serveWith(args, cleanups)

test('serves the local cloud over HTTP, records itself for --local, and shuts down cleanly on SIGTERM', async () => {
  const {dir, cleanup} = await tempDir('sling-serve-')
  cleanups.push(cleanup)
  const served = await serve(['--port', '0', '--store', dir])
  const {info} = served
  expect(info.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  expect(info).toMatchObject({store: dir, pid: served.child.pid, region: 'us-east-1'})
  expect(info.env).toEqual({AWS_ENDPOINT_URL: info.endpoint, AWS_ACCESS_KEY_ID: 'sling-local', AWS_SECRET_ACCESS_KEY: 'sling-local', AWS_REGION: 'us-east-1'})
  expect(JSON.parse(readFileSync(path.join(dir, 'server.json'), 'utf8'))).toEqual({pid: info.pid, endpoint: info.endpoint, store: dir})

  // Configured only from the printed variables, as a user would.
  const config = {endpoint: info.env.AWS_ENDPOINT_URL, region: info.env.AWS_REGION, credentials: {accessKeyId: 'sling-local', secretAccessKey: 'sling-local'}}
  const s3 = new S3Client({...config, forcePathStyle: true})
  await s3.send(new CreateBucketCommand({Bucket: 'e2e-bucket'}))
  await s3.send(new PutObjectCommand({Bucket: 'e2e-bucket', Key: 'fn/code.zip', Body: Buffer.from('zip bytes')}))
  const listed = await s3.send(new ListObjectsV2Command({Bucket: 'e2e-bucket'}))
  expectOutputMatchesModel('s3', 'ListObjectsV2', listed)
  expect(listed.Contents?.map((o) => o.Key)).toEqual(['fn/code.zip'])
  expect(await (await s3.send(new GetObjectCommand({Bucket: 'e2e-bucket', Key: 'fn/code.zip'}))).Body?.transformToString()).toBe('zip bytes')
  s3.destroy()

  if (SERVICE_ROUTERS.some((factory) => /lambda/i.test(factory.name))) {
    const lambda = new LambdaClient(config)
    const functions = await lambda.send(new ListFunctionsCommand({}))
    expectOutputMatchesModel('lambda', 'ListFunctions', functions)
    expect(functions.Functions).toEqual([])
    lambda.destroy()
  }

  served.child.kill('SIGTERM')
  expect(await served.exited).toEqual({code: 0, signal: null})
  expect(existsSync(path.join(dir, 'server.json'))).toBe(false)
  expect(served.stderr()).toContain(`export AWS_ENDPOINT_URL=${info.endpoint} AWS_ACCESS_KEY_ID=sling-local`)
})

test('refuses to start a second server for the same store, or on a port that is taken', async () => {
  const {dir, cleanup} = await tempDir('sling-serve-')
  cleanups.push(cleanup)
  const first = await serve(['--port', '0', '--store', dir])
  const port = new URL(first.info.endpoint).port

  const sameStore = await runCli(['local', 'serve', '--port', '0', '--store', dir])
  expect(sameStore.code).toBe(1)
  expect(sameStore.stderr).toContain(`A local cloud already serves ${dir} at ${first.info.endpoint}`)

  const {dir: other, cleanup: cleanupOther} = await tempDir('sling-serve-')
  cleanups.push(cleanupOther)
  const samePort = await runCli(['local', 'serve', '--port', port, '--store', other, '--json'])
  expect(samePort.code).toBe(1)
  expect(JSON.parse(samePort.stdout)).toMatchObject({error: {code: 'PortInUse'}})
  expect(existsSync(path.join(other, 'server.json'))).toBe(false)

  // The first server is unharmed and still recorded.
  expect(JSON.parse(readFileSync(path.join(dir, 'server.json'), 'utf8'))).toMatchObject({pid: first.info.pid})
  first.child.kill('SIGINT')
  expect((await first.exited).code).toBe(0)
})

test('rejects a fault fraction outside 0–1 as a usage error', async () => {
  const result = await runCli(['local', 'serve', '--port', '0', '--fault-throttle', '2'])
  expect(result.code).toBe(2)
  expect(result.stderr).toContain('--fault-throttle must be a fraction between 0 and 1')
})

/** A lock a killed container left on a shared store: its holder runs on a host this machine can't check. */
function leaveForeignLock(store: string, name: 'store.lock' | 'server.lock'): string {
  const file = path.join(store, name)
  writeFileSync(file, JSON.stringify({pid: 4242, host: 'gone-container', token: `killed-${name}`, acquired: '2025-01-01T00:00:00.000Z'}))
  return file
}

test('a request stuck behind a dead container\'s store lock: the server says how to clear it, answers 5xx after the bound, and stops on SIGTERM', async () => {
  const {dir, cleanup} = await tempDir('sling-serve-')
  cleanups.push(cleanup)
  const served = await serveWith(['--port', '0', '--store', dir], cleanups, {SLING_LOCAL_LOCK_WARN_MS: '200', SLING_LOCAL_LOCK_TIMEOUT_MS: '1500'})
  const lockFile = leaveForeignLock(dir, 'store.lock')
  const logs = new CloudWatchLogsClient({endpoint: served.info.endpoint, region: 'us-east-1', credentials: {accessKeyId: 'x', secretAccessKey: 'x'}, maxAttempts: 1})
  cleanups.push(() => Promise.resolve(logs.destroy()))

  const refused = await logs.send(new CreateLogGroupCommand({logGroupName: 'stuck'})).catch((error: unknown) => error)
  expect(refused).toBeInstanceOf(ServiceUnavailableException)
  expect((refused as Error).message).toContain('The store is busy')
  expect(served.stderr()).toContain(`pid 4242 on host "gone-container" holds it`)
  expect(served.stderr()).toContain(`delete ${lockFile}`)

  // Another request waits for the lock; SIGTERM stops the server anyway.
  void logs.send(new CreateLogGroupCommand({logGroupName: 'waiting'})).catch(() => undefined)
  await new Promise((resolve) => setTimeout(resolve, 300))
  served.child.kill('SIGTERM')
  expect(await served.exited).toEqual({code: 0, signal: null})
})

test('a server lock held on another host is refused with a hint to delete it, not to kill a pid', async () => {
  const {dir, cleanup} = await tempDir('sling-serve-')
  cleanups.push(cleanup)
  const lockFile = leaveForeignLock(dir, 'server.lock')
  const result = await runCli(['local', 'serve', '--port', '0', '--store', dir, '--json'])
  expect(result.code).toBe(1)
  const {error} = JSON.parse(result.stdout) as {error: {code: string; message: string; hints: string[]}}
  expect(error.code).toBe('LocalServerRunning')
  expect(error.message).toContain('host "gone-container"')
  expect(error.hints.join(' ')).toContain(`delete ${lockFile}`)
  expect(error.hints.join(' ')).not.toContain('kill 4242')
})

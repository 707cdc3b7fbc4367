import {afterEach, expect, test} from 'vitest'

import {connectLocalCloud, findRunningServer} from '../../../src/lib/local/connect.js'
import type {LocalCloud} from '../../../src/lib/local/server.js'
import {signingScope, startLocalCloud} from '../../../src/lib/local/server.js'
import {writeAtomic} from '../../../src/lib/fs.js'
import {tempDir} from '../../helpers/cli.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function start(): Promise<{cloud: LocalCloud; dir: string}> {
  const tmp = await tempDir('sling-server-')
  cleanups.push(tmp.cleanup)
  const cloud = await startLocalCloud({storeDir: tmp.dir})
  cleanups.push(() => cloud.close())
  return {cloud, dir: tmp.dir}
}

test('reads the signing service and region from the SigV4 header or a presigned URL', () => {
  const header = 'AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/lambda/aws4_request, SignedHeaders=host, Signature=abc'
  expect(signingScope({authorization: header}, new URL('http://x/'))).toEqual({region: 'eu-west-1', service: 'lambda'})
  const presigned = new URL('http://x/b/k?X-Amz-Credential=AKID%2F20240101%2Fus-east-2%2Fs3%2Faws4_request')
  expect(signingScope({}, presigned)).toEqual({region: 'us-east-2', service: 's3'})
  expect(signingScope({}, new URL('http://x/'))).toEqual({})
})

test('binds to loopback, answers its health check, and refuses services it does not emulate', async () => {
  const {cloud, dir} = await start()
  expect(cloud.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  const health = (await (await fetch(`${cloud.endpoint}/_sling/health`)).json()) as {ok: boolean; store: string; pid: number}
  expect(health).toEqual({ok: true, store: dir, pid: process.pid})
  const response = await fetch(cloud.endpoint, {headers: {authorization: 'AWS4-HMAC-SHA256 Credential=A/20240101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=x'}})
  expect(response.status).toBe(400)
  expect(((await response.json()) as {message: string}).message).toContain('doesn\'t emulate the "kinesis" service')
})

test('finds a running server only when its record is live and serves the same store', async () => {
  const {cloud, dir} = await start()
  expect(await findRunningServer(dir)).toBeUndefined()
  await writeAtomic(`${dir}/server.json`, JSON.stringify({pid: process.pid, endpoint: cloud.endpoint, store: dir}))
  expect(await findRunningServer(dir)).toEqual({pid: process.pid, endpoint: cloud.endpoint, store: dir})

  // A record copied into another store points at a server for a different store: not ours.
  const other = await tempDir('sling-server-')
  cleanups.push(other.cleanup)
  await writeAtomic(`${other.dir}/server.json`, JSON.stringify({pid: process.pid, endpoint: cloud.endpoint, store: dir}))
  expect(await findRunningServer(other.dir)).toBeUndefined()
  const connection = await connectLocalCloud({storeDir: other.dir, region: 'us-east-1'})
  expect(connection.inProcess).toBe(true)
  expect(connection.endpoint).not.toBe(cloud.endpoint)
  await connection.close()

  const shared = await connectLocalCloud({storeDir: dir, region: 'us-east-1'})
  expect(shared).toMatchObject({inProcess: false, endpoint: cloud.endpoint})
})

test('refuses a request signed for a region that is no region, so it never names a path in the store', async () => {
  const {cloud} = await start()
  const auth = (region: string): string => `AWS4-HMAC-SHA256 Credential=A/20240101/${region}/logs/aws4_request, SignedHeaders=host, Signature=x`
  const response = await fetch(cloud.endpoint, {
    method: 'POST',
    headers: {authorization: auth('..'), 'x-amz-target': 'Logs_20140328.CreateLogGroup', 'content-type': 'application/x-amz-json-1.1'},
    body: JSON.stringify({logGroupName: 'g'}),
  })
  expect(response.status).toBe(403)
  expect(await response.json()).toMatchObject({__type: 'InvalidSignatureException', message: "Credential should be scoped to a valid region, not '..'. "})
})

test('a request target that is no URL path is a 400, and the server goes on answering', async () => {
  const {cloud} = await start()
  const {request} = await import('node:http')
  const status = await new Promise<number | undefined>((resolve, reject) => {
    const req = request(`${cloud.endpoint}/`, {path: '//[', agent: false}, (res) => {
      res.resume()
      resolve(res.statusCode)
    })
    req.on('error', reject)
    req.end()
  })
  expect(status).toBe(400)
  expect((await fetch(`${cloud.endpoint}/_sling/health`)).status).toBe(200)
})

#!/usr/bin/env node
// Benchmarks the local cloud's Invoke against a bare Node.js HTTP round trip on loopback, in one run:
//   cold        — first invoke of fresh functions (worker fork + module init), through the SDK
//   warm        — sequential invokes of a warm function, through the SDK
//   throughput  — N concurrent callers (BENCH_CONCURRENCY, default 1,4,16) for BENCH_SECONDS each
// Floors measured in the same run: a raw http.request to a bare server that echoes the body (no
// SDK, no signing), and the SDK's InvokeCommand against that same bare server (SDK + signing cost).
// Only reports; asserts nothing about time.
import {createServer} from 'node:http'
import {Agent, request} from 'node:http'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {CreateFunctionCommand, InvokeCommand, LambdaClient, waitUntilFunctionActiveV2} from '@aws-sdk/client-lambda'

import {startLocalCloud} from '../dist/lib/local/server.js'

import {zip} from './lib/zip.mjs'

// The SDK warns about Node.js versions it will drop; sling silences it too (bin/run.js).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

const COLD = Number(process.env.BENCH_COLD ?? 5)
const WARM = Number(process.env.BENCH_WARM ?? 300)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2)
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,4,16').split(',').map(Number)
const PAYLOAD = JSON.stringify({hello: 'world', items: Array.from({length: 20}, (_, i) => ({id: i, name: `item-${i}`}))})
const HANDLER = 'exports.handler = async (event) => ({statusCode: 200, body: JSON.stringify(event)})\n'
const credentials = {accessKeyId: 'bench', secretAccessKey: 'bench'}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  return {mean: sorted.reduce((sum, x) => sum + x, 0) / sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99)}
}

const ms = (value) => `${value.toFixed(2)} ms`

async function timed(fn) {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

/** A bare HTTP server answering every POST with its body: the floor of any HTTP round trip. */
async function bareServer() {
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      res.writeHead(200, {'content-type': 'application/json', 'content-length': body.length, 'x-amz-executed-version': '$LATEST'})
      res.end(body)
    })
  })
  server.keepAliveTimeout = 5_000
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {server, port: server.address().port}
}

function rawPost(agent, port) {
  return new Promise((resolve, reject) => {
    const req = request({agent, host: '127.0.0.1', port, method: 'POST', path: '/2015-03-31/functions/bench/invocations', headers: {'content-type': 'application/json', 'content-length': Buffer.byteLength(PAYLOAD)}}, (res) => {
      res.resume()
      res.on('end', resolve)
    })
    req.on('error', reject)
    req.end(PAYLOAD)
  })
}

async function throughput(call, callers) {
  let count = 0
  const deadline = performance.now() + SECONDS * 1000
  await Promise.all(
    Array.from({length: callers}, async () => {
      while (performance.now() < deadline) {
        await call()
        count++
      }
    }),
  )
  return count / SECONDS
}

async function main() {
  const store = mkdtempSync(path.join(os.tmpdir(), 'sling-bench-invoke-'))
  const cloud = await startLocalCloud({storeDir: store, settings: {stateDelayMs: 0}})
  const bare = await bareServer()
  const agent = new Agent({keepAlive: true, maxSockets: 64})
  const lambda = new LambdaClient({endpoint: cloud.endpoint, region: 'us-east-1', credentials, maxAttempts: 1})
  const sdkBare = new LambdaClient({endpoint: `http://127.0.0.1:${bare.port}`, region: 'us-east-1', credentials, maxAttempts: 1})
  const code = await zip({'index.js': HANDLER})
  const invoke = (client, name) => client.send(new InvokeCommand({FunctionName: name, Payload: PAYLOAD}))
  try {
    console.log(`Node ${process.version}, ${os.cpus().length} CPUs; payload ${Buffer.byteLength(PAYLOAD)} bytes; keep-alive connections`)
    for (let i = 0; i < 20; i++) await rawPost(agent, bare.port) // warm the floor's connections and JIT
    for (let i = 0; i < 20; i++) await invoke(sdkBare, 'bench')

    // cold: one fresh function per sample
    const cold = []
    for (let i = 0; i <= COLD; i++) {
      const name = `cold-${i}`
      await lambda.send(new CreateFunctionCommand({FunctionName: name, Runtime: 'nodejs20.x', Role: 'arn:aws:iam::123456789012:role/bench', Handler: 'index.handler', Code: {ZipFile: code}}))
      await waitUntilFunctionActiveV2({client: lambda, maxWaitTime: 30, minDelay: 1}, {FunctionName: name})
      const elapsed = await timed(() => invoke(lambda, name))
      if (i > 0) cold.push(elapsed) // the first also pays for loading the runtime modules
    }

    // warm: sequential calls of one warm function
    await invoke(lambda, 'cold-0')
    const warm = []
    const floor = []
    const sdkFloor = []
    for (let i = 0; i < WARM; i++) {
      floor.push(await timed(() => rawPost(agent, bare.port)))
      sdkFloor.push(await timed(() => invoke(sdkBare, 'bench')))
      warm.push(await timed(() => invoke(lambda, 'cold-0')))
    }
    const [c, w, f, s] = [stats(cold), stats(warm), stats(floor), stats(sdkFloor)]
    console.log('\nLatency (mean / p50 / p95 / p99)')
    console.log(`  bare HTTP round trip        ${ms(f.mean)} / ${ms(f.p50)} / ${ms(f.p95)} / ${ms(f.p99)}`)
    console.log(`  SDK Invoke → bare server    ${ms(s.mean)} / ${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)}`)
    console.log(`  local Invoke, warm          ${ms(w.mean)} / ${ms(w.p50)} / ${ms(w.p95)} / ${ms(w.p99)}`)
    console.log(`  local Invoke, cold (n=${cold.length})    ${ms(c.mean)} / ${ms(c.p50)} / ${ms(c.p95)} / ${ms(c.p99)}`)
    console.log(`  ratios (p50): warm/bare ${(w.p50 / f.p50).toFixed(1)}×, warm/SDK-floor ${(w.p50 / s.p50).toFixed(1)}×, cold/warm ${(c.p50 / w.p50).toFixed(1)}×`)

    console.log(`\nThroughput (${SECONDS} s per level, requests/s)`)
    for (const callers of CONCURRENCY) {
      await Promise.all(Array.from({length: callers}, () => invoke(lambda, 'cold-0'))) // start the environments
      const local = await throughput(() => invoke(lambda, 'cold-0'), callers)
      const sdk = await throughput(() => invoke(sdkBare, 'bench'), callers)
      const raw = await throughput(() => rawPost(agent, bare.port), callers)
      console.log(`  ${String(callers).padStart(3)} callers: local ${local.toFixed(0).padStart(6)}   SDK→bare ${sdk.toFixed(0).padStart(6)}   bare ${raw.toFixed(0).padStart(6)}   local/bare ${(local / raw).toFixed(2)}`)
    }
  } finally {
    lambda.destroy()
    sdkBare.destroy()
    agent.destroy()
    bare.server.close()
    await cloud.close()
    rmSync(store, {recursive: true, force: true})
  }
}

await main()

#!/usr/bin/env node
// Benchmarks `sling deploy` against the local cloud (`sling local serve`, a separate process), in one run, for
// 1 and 10 functions (BENCH_FUNCTIONS, default "1,10"): a first deploy, a code change and a no-op, each
// BENCH_RUNS times (default 3) on fresh services. For each:
//   - wall time of the CLI (process start included) beside a floor: one Node.js process making only the calls
//     a deploy can't do without, with the SDK and its waiters (bench/lib/deploy-floor.mjs, on zips sling built);
//   - the AWS calls sling made, as its own tally says (`deploy --json` → calls) and as the server counted them
//     (GET /_sling/calls, reset before each run), beside the floor's count and the minimum: per function,
//     first deploy GetFunction + CreateFunction + one read that sees it Active; code change GetFunction +
//     UpdateFunctionCode + one read that sees it updated; no-op one GetFunction.
// Functions leave Pending / InProgress after the server's default --state-delay (200 ms), so every wait
// takes at least one pause of the SDK waiters (1 s). Only reports; asserts nothing about time.
import {spawn} from 'node:child_process'
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {CreateRoleCommand, IAMClient} from '@aws-sdk/client-iam'

// The SDK warns about Node.js versions it will drop; sling silences it too (bin/run.js).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

const ROOT = path.resolve(import.meta.dirname, '..')
const BIN = path.join(ROOT, 'bin', 'run.js')
const FLOOR = path.join(import.meta.dirname, 'lib', 'deploy-floor.mjs')
const SIZES = (process.env.BENCH_FUNCTIONS ?? '1,10').split(',').map(Number)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const CONCURRENCY = 4 // sling deploy's default --concurrency; the floor uses the same bound
const RUNTIME = 'nodejs22.x'
const credentials = {AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1'}

const work = mkdtempSync(path.join(os.tmpdir(), 'sling-bench-deploy-'))
let server

/** Stops the server and removes every file the bench made; safe to call twice. */
function cleanUp() {
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGTERM')
  rmSync(work, {recursive: true, force: true})
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    cleanUp()
    process.exit(signal === 'SIGINT' ? 130 : 143)
  })
}

/** Starts `sling local serve` on a fresh store and resolves with its endpoint once it listens. */
function serve() {
  const child = spawn(process.execPath, [BIN, 'local', 'serve', '--json', '--port', '0', '--store', path.join(work, 'store')], {
    env: {...process.env, ...credentials, SLING_LOCAL_ROLE_PROPAGATION_MS: '0', CI: 'true'},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  server = child
  let stdout = ''
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk))
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk
      try {
        resolve(JSON.parse(stdout).endpoint)
      } catch {
        // not the whole document yet
      }
    })
    child.on('exit', (code) => reject(new Error(`sling local serve exited (${code}):\n${stderr}`)))
  })
}

/** Runs a Node.js script to the end; its wall time in ms and its stdout. */
function timedNode(args, env = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const child = spawn(process.execPath, args, {cwd: ROOT, env: {...process.env, ...credentials, CI: 'true', ...env}, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk))
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited ${code}:\n${stderr}\n${stdout}`))
      else resolve({ms, stdout})
    })
  })
}

async function servedCalls(endpoint, reset) {
  const report = await (await fetch(`${endpoint}/_sling/calls${reset ? '?reset=1' : ''}`)).json()
  return {total: report.total, writes: report.writes, byOperation: Object.fromEntries(report.calls.map((c) => [`${c.operation}${c.status >= 400 ? ` (${c.status})` : ''}`, c.count]))}
}

/** A project of `count` functions, each an unbundled handler that returns `version`. */
function writeProject(dir, service, count, role, version) {
  const functions = {}
  for (let i = 0; i < count; i++) {
    const source = `fn${i}`
    mkdirSync(path.join(dir, source), {recursive: true})
    writeFileSync(path.join(dir, source, 'index.js'), `exports.handler = async () => ({fn: ${i}, version: ${version}})\n`)
    functions[source] = {bundle: false, source, runtime: RUNTIME, role}
  }
  writeFileSync(path.join(dir, 'sling.config.json'), JSON.stringify({service, functions}, null, 2))
}

/** Copies the zips sling just built (a later build deletes them) for the floor to deploy. */
function keepZips(projectDir, into, count, service) {
  mkdirSync(into, {recursive: true})
  const manifest = JSON.parse(readFileSync(path.join(projectDir, '.sling', 'build', 'manifest.json'), 'utf8'))
  return Array.from({length: count}, (_, i) => {
    const zip = path.join(into, `fn${i}.zip`)
    copyFileSync(path.join(projectDir, '.sling', 'build', manifest.functions[`fn${i}`].artifact), zip)
    return {name: `floor-${service}-fn${i}`, zip}
  })
}

async function slingDeploy(endpoint, projectDir) {
  await servedCalls(endpoint, true)
  const {ms, stdout} = await timedNode([BIN, 'deploy', '--json', '--config', path.join(projectDir, 'sling.config.json'), '--endpoint-url', endpoint])
  const {calls, status} = JSON.parse(stdout)
  return {ms, status, calls, served: await servedCalls(endpoint, false)}
}

async function floorDeploy(endpoint, role, functions) {
  await servedCalls(endpoint, true)
  const spec = path.join(work, 'floor-spec.json')
  writeFileSync(spec, JSON.stringify({endpoint, region: credentials.AWS_REGION, role, runtime: RUNTIME, concurrency: CONCURRENCY, functions}))
  const {ms} = await timedNode([FLOOR, spec])
  return {ms, served: await servedCalls(endpoint, false)}
}

const MINIMUM = {first: 3, code: 3, noop: 1} // calls per function

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
/** "5" when every run made that many calls, else "4–6". */
const spread = (values) => (Math.min(...values) === Math.max(...values) ? `${values[0]}` : `${Math.min(...values)}–${Math.max(...values)}`)

function row(count, scenario, runs) {
  const slings = runs.map(([sling]) => sling)
  const [last] = slings.slice(-1)
  const slingMs = median(slings.map((s) => s.ms))
  const floorMs = median(runs.map(([, floor]) => floor.ms))
  return {
    functions: count,
    deploy: scenario,
    'sling ms': Math.round(slingMs),
    'floor ms': Math.round(floorMs),
    'time ×': (slingMs / floorMs).toFixed(2),
    'sling calls': spread(slings.map((s) => s.calls.reads + s.calls.writes)),
    writes: spread(slings.map((s) => s.calls.writes)),
    'server saw': spread(slings.map((s) => s.served.total)),
    'floor calls': spread(runs.map(([, floor]) => floor.served.total)),
    minimum: MINIMUM[scenario] * count,
    'sling calls by operation (last run)': Object.entries(last.calls.byOperation).map(([op, n]) => `${op.replace(/^Lambda\./, '')} ${n}`).join(', '),
  }
}

async function main() {
  const endpoint = await serve()
  const iam = new IAMClient({endpoint, region: credentials.AWS_REGION, credentials: {accessKeyId: 'bench', secretAccessKey: 'bench'}})
  const trust = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'lambda.amazonaws.com'}, Action: 'sts:AssumeRole'}]})
  const role = (await iam.send(new CreateRoleCommand({RoleName: 'bench-deploy', AssumeRolePolicyDocument: trust}))).Role.Arn
  iam.destroy()
  console.log(`sling deploy vs floor (SDK calls and waiters in one Node process) against sling local serve; ${os.availableParallelism()} CPUs, Node ${process.version}, concurrency ${CONCURRENCY}; median of ${RUNS} runs`)
  const rows = []
  const mismatches = []
  for (const count of SIZES) {
    // RUNS fresh services: each run's first deploy really creates; times are the median, calls must not vary.
    const results = {first: [], code: [], noop: []}
    for (let run = 0; run < RUNS; run++) {
      const service = `bench${count}r${run}`
      const dir = path.join(work, service)
      writeProject(dir, service, count, role, 1)
      const first = await slingDeploy(endpoint, dir)
      results.first.push([first, await floorDeploy(endpoint, role, keepZips(dir, path.join(work, `${service}-v1`), count, service))])
      writeProject(dir, service, count, role, 2)
      const code = await slingDeploy(endpoint, dir)
      const v2 = keepZips(dir, path.join(work, `${service}-v2`), count, service)
      results.code.push([code, await floorDeploy(endpoint, role, v2)])
      const noop = await slingDeploy(endpoint, dir)
      results.noop.push([noop, await floorDeploy(endpoint, role, v2)])
      if (noop.calls.writes !== 0 || noop.served.writes !== 0) mismatches.push(`${count} × noop wrote: ${JSON.stringify(noop.served.byOperation)}`)
    }
    for (const [scenario, runs] of Object.entries(results)) {
      rows.push(row(count, scenario, runs))
      for (const [sling] of runs) {
        const own = sling.calls.reads + sling.calls.writes
        if (sling.served.total !== own) mismatches.push(`${count} × ${scenario}: sling counted ${own} calls, the server ${sling.served.total} (${JSON.stringify(sling.served.byOperation)})`)
      }
    }
  }
  console.table(rows)
  console.log('minimum: per function, first GetFunction + CreateFunction + 1 wait read; code GetFunction + UpdateFunctionCode + 1 wait read; no-op GetFunction.')
  console.log('"server saw" is GET /_sling/calls after the run; it equals sling\'s own count when no call was retried.')
  for (const line of mismatches) console.log(`NOTE ${line}`)
}

try {
  await main()
} finally {
  cleanUp()
}

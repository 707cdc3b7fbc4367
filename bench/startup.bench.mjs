#!/usr/bin/env node
// Start-up: what sling costs before and around the work, as ratios to a floor measured in the same run,
// each pair interleaved (sling, floor, sling, floor…) so that load on the machine hits both alike:
//   sling --help, sling --version   vs `node -e 0`
//   sling package (small, medium; cached and --no-cache) vs one Node.js process running esbuild and a deterministic zip (package-floor.mjs),
//                                      and (reported only) a machine's first --no-cache run, before sling's code cache exists
//   a no-op sling deploy of 10      vs a bare script making 10 concurrent GetFunction calls (get-functions.mjs),
//                                      both against the same `sling local serve`
// Median of BENCH_RUNS (default 9) runs. Only reports; asserts nothing about time.
import {spawn, spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {CreateRoleCommand, IAMClient} from '@aws-sdk/client-iam'

import {floorSpec, mediumFixture, smallFixture} from './lib/package-fixtures.mjs'

const ROOT = path.resolve(import.meta.dirname, '..')
const BIN = path.join(ROOT, 'bin', 'run.js')
const RUNS = Number(process.env.BENCH_RUNS ?? 9)
const FUNCTIONS = 10
const credentials = {AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1'}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
const ENV = {...process.env, ...credentials, CI: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'}

const work = mkdtempSync(path.join(os.tmpdir(), 'sling-bench-startup-'))
let server
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

/** Wall time of one Node.js run, process start included; throws when it fails. */
function time(args, env = ENV) {
  const start = process.hrtime.bigint()
  const child = spawnSync(process.execPath, args, {cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024})
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (child.status !== 0) throw new Error(`node ${args.join(' ')} exited ${child.status}:\n${child.stderr}\n${child.stdout}`)
  return ms
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/**
 * Runs sling and its floor alternately, RUNS times each (after one warm-up of each: disk cache, and sling's code
 * cache, which the first run of a command on a machine writes). `fresh` runs before each run of sling; a case
 * without a target is reported only.
 */
function compare(name, slingArgs, floorArgs, target, {env = ENV, fresh = () => {}} = {}) {
  time(slingArgs, env)
  time(floorArgs)
  const sling = []
  const floor = []
  for (let i = 0; i < RUNS; i++) {
    fresh()
    sling.push(time(slingArgs, env))
    floor.push(time(floorArgs))
  }
  const ratio = median(sling) / median(floor)
  const met = target === undefined ? '' : ratio <= target ? 'yes' : 'NO'
  return {case: name, 'sling ms': Math.round(median(sling)), 'floor ms': Math.round(median(floor)), 'time ×': ratio.toFixed(2), target: target === undefined ? '' : `≤ ${target}`, met}
}

/**
 * The very first `sling package --no-cache` on a machine: no V8 code cache yet (src/lib/code-cache.ts), which
 * that run then writes. A fresh CI runner that keeps nothing between jobs starts each job like this.
 */
function firstRunRow(name, slingArgs, floorArgs) {
  const cache = path.join(work, 'first-run-cache')
  const fresh = () => rmSync(cache, {recursive: true, force: true})
  return compare(name, slingArgs, floorArgs, undefined, {env: {...ENV, XDG_CACHE_HOME: cache}, fresh})
}

/**
 * `sling package` on unchanged input, as a developer runs it again (served from the build cache), and with
 * --no-cache, building every time as the floor does: the like-for-like comparison of start-up alone.
 */
async function packageRows(name, dir) {
  const out = path.join(work, name)
  const spec = await floorSpec(dir, path.join(out, 'floor'))
  const floor = [path.join(import.meta.dirname, 'lib', 'package-floor.mjs'), spec]
  // The default output directory (.sling/build beside the config), as a developer runs it: the config memo lives there too.
  const sling = [BIN, 'package', '--json', '--config', path.join(dir, 'sling.config.json')]
  const rows = [compare(`sling package (${name})`, sling, floor, 1.2), compare(`sling package --no-cache (${name})`, [...sling, '--no-cache'], floor, 1.2)]
  if (name === 'small') rows.push(firstRunRow(`  … first run on the machine (${name})`, [...sling, '--no-cache'], floor))
  return rows
}

/** Starts `sling local serve` on a fresh store; resolves with its endpoint. */
function serve() {
  server = spawn(process.execPath, [BIN, 'local', 'serve', '--json', '--port', '0', '--store', path.join(work, 'store')], {env: {...ENV, SLING_LOCAL_ROLE_PROPAGATION_MS: '0'}, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  return new Promise((resolve, reject) => {
    server.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk
      try {
        resolve(JSON.parse(stdout).endpoint)
      } catch {
        // not the whole document yet
      }
    })
    server.on('exit', (code) => reject(new Error(`sling local serve exited (${code})`)))
  })
}

async function deployRow() {
  const endpoint = await serve()
  const iam = new IAMClient({endpoint, region: credentials.AWS_REGION, credentials: {accessKeyId: 'bench', secretAccessKey: 'bench'}})
  const trust = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'lambda.amazonaws.com'}, Action: 'sts:AssumeRole'}]})
  const role = (await iam.send(new CreateRoleCommand({RoleName: 'bench-startup', AssumeRolePolicyDocument: trust}))).Role.Arn
  iam.destroy()
  const dir = path.join(work, 'deploy')
  const functions = {}
  for (let i = 0; i < FUNCTIONS; i++) {
    mkdirSync(path.join(dir, `fn${i}`), {recursive: true})
    writeFileSync(path.join(dir, `fn${i}`, 'index.js'), `exports.handler = async () => ({fn: ${i}})\n`)
    functions[`fn${i}`] = {bundle: false, source: `fn${i}`, runtime: 'nodejs22.x', role}
  }
  const config = path.join(dir, 'sling.config.json')
  writeFileSync(config, JSON.stringify({service: 'startup', functions}))
  const deploy = [BIN, 'deploy', '--json', '--config', config, '--endpoint-url', endpoint]
  time(deploy) // creates them; every later run is a no-op
  const names = Object.keys(functions).map((key) => `startup-${key}`)
  return compare(`no-op sling deploy of ${FUNCTIONS}`, deploy, [path.join(import.meta.dirname, 'lib', 'get-functions.mjs'), endpoint, ...names], 1.5)
}

async function main() {
  console.log(`start-up vs floors, interleaved, median of ${RUNS} runs; ${os.availableParallelism()} CPUs, Node ${process.version}, load ${os.loadavg()[0].toFixed(1)}`)
  const rows = [compare('sling --help', [BIN, '--help'], ['-e', '0'], 1.5), compare('sling --version', [BIN, '--version'], ['-e', '0'], 1.5)]
  if (!process.env.BENCH_STARTUP_QUICK) {
    rows.push(...(await packageRows('small', smallFixture())), ...(await packageRows('medium', mediumFixture())))
    rows.push(await deployRow())
  }
  console.table(rows)
}

try {
  await main()
} finally {
  cleanUp()
}

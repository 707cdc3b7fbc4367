#!/usr/bin/env node
// Benchmarks `sling package` against its floor on this machine, in one run:
//   small  — one handler, no dependencies
//   medium — AWS SDK v3 clients (bundled), zod, date-fns, lodash-es (npm-installed on first run)
//   large  — bundle: false over 100+ MB of generated node_modules
//   many   — 20 functions packaged in parallel
// The floor is one Node.js process running esbuild's API and a deterministic zip (yazl, as sling) on the
// same input with the same settings (bench/lib/package-floor.mjs). Wall time includes process start
// for both; peak RSS is each Node process's maxRSS (esbuild's own Go process isn't counted, for either).
// Only reports; asserts nothing about time. Fixture sources are .mjs so the repo's type-check skips them.
import {spawnSync} from 'node:child_process'
import {readFileSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {floorSpec, largeFixture, manyFixture, mediumFixture, smallFixture} from './lib/package-fixtures.mjs'

const ROOT = path.resolve(import.meta.dirname, '..')
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const RSS_FILE = path.join(os.tmpdir(), `sling-bench-rss-${process.pid}`)
const REPORTER = path.join(import.meta.dirname, 'lib', 'rss-reporter.mjs')
const FLOOR = path.join(import.meta.dirname, 'lib', 'package-floor.mjs')

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

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
const size = (bytes) => (bytes > 1024 * 1024 ? mb(bytes) : `${(bytes / 1024).toFixed(1)} KB`)

async function compare(name, dir) {
  const slingOut = path.join(dir, '.sling', 'bench-sling')
  const floorOut = path.join(dir, '.sling', 'bench-floor')
  // --no-cache: this bench measures building (as the floor builds every time); the start-up bench measures the cache.
  const sling = measure(['bin/run.js', 'package', '--json', '--no-cache', '--config', path.join(dir, 'sling.config.json'), '--out-dir', slingOut])
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

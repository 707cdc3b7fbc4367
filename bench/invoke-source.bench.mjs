#!/usr/bin/env node
// Benchmarks `sling invoke FUNCTION --from-source` against a bare `node` run of the same handler, in one run:
//   bare node      — a new node process that imports the handler file and calls it once (the floor)
//   cold, CLI      — `sling invoke api --from-source` as a user runs it: CLI start, esbuild bundle, fresh worker, invoke
//   cold, library  — the same from sling's library in a warm process (bundle + worker + invoke: no CLI start-up)
//   warm, --watch  — `sling invoke api --from-source --watch` running: time from saving the file to the new response on stdout
// Medians of BENCH_RUNS (default 7). Only reports; asserts nothing about time.
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync, mkdirSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {loadConfig} from '../dist/lib/config/load.js'
import {invokeFromSource} from '../dist/lib/invoke/from-source.js'
import {silentOutput} from '../dist/lib/output.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 7)
const BIN = path.join(import.meta.dirname, '..', 'bin', 'run.js')
const handler = (n) => `export const handler = async (event) => ({statusCode: 200, body: JSON.stringify({n: ${n}, got: event})})\n`

const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]
const ms = (value) => `${value.toFixed(0).padStart(5)} ms`

/** Runs a command to its end; resolves with the elapsed wall time. */
function timedRun(command, args, options) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, {...options, stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    child.stdout.resume()
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`))))
  })
}

async function watchLatency(dir, file) {
  const child = spawn(process.execPath, [BIN, 'invoke', 'api', '--from-source', '--watch', '--payload', '{"x":1}'], {cwd: dir, env: {...process.env, CI: 'true'}, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let waiting
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdout += chunk
    if (waiting && stdout.includes(waiting.text)) waiting.resolve()
  })
  const printed = (text) => new Promise((resolve) => {
    waiting = {text, resolve}
    if (stdout.includes(text)) resolve()
  })
  try {
    await printed('\\"n\\":0')
    await new Promise((resolve) => setTimeout(resolve, 300)) // esbuild's watcher is armed after the first build
    const samples = []
    for (let i = 1; i <= RUNS; i++) {
      const started = performance.now()
      writeFileSync(file, handler(i))
      await printed(`\\"n\\":${i}`)
      samples.push(performance.now() - started)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return samples
  } finally {
    child.kill('SIGINT')
    await new Promise((resolve) => child.on('exit', resolve))
  }
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sling-bench-source-'))
  try {
    mkdirSync(path.join(dir, 'src'))
    const file = path.join(dir, 'src', 'api.mjs')
    writeFileSync(file, handler(0))
    writeFileSync(path.join(dir, 'sling.config.json'), JSON.stringify({service: 'bench', functions: {api: {entry: 'src/api.mjs', memorySize: 256, timeout: 10}}}))
    console.log(`Node ${process.version}, ${os.cpus().length} CPUs; median of ${RUNS} runs`)

    const bareScript = `import(${JSON.stringify(file)}).then((m) => m.handler({x: 1})).then((r) => process.stdout.write(JSON.stringify(r)))`
    const bare = []
    const cli = []
    for (let i = 0; i < RUNS; i++) {
      bare.push(await timedRun(process.execPath, ['--input-type=module', '-e', bareScript], {cwd: dir}))
      cli.push(await timedRun(process.execPath, [BIN, 'invoke', 'api', '--from-source', '--payload', '{"x":1}'], {cwd: dir, env: {...process.env, CI: 'true'}}))
    }
    const config = await loadConfig({cwd: dir})
    const fn = config.functions[0]
    const library = []
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now()
      await invokeFromSource({config, fn, payload: '{"x":1}', region: 'us-east-1', accountId: '123456789012'}, {output: silentOutput()})
      library.push(performance.now() - started)
    }
    const watch = await watchLatency(dir, file)

    const floor = median(bare)
    console.log('\nInvoke from source (median)')
    console.log(`  bare node (import + call)     ${ms(floor)}`)
    console.log(`  cold, CLI                     ${ms(median(cli))}   ${(median(cli) / floor).toFixed(1)}× bare`)
    console.log(`  cold, library (no CLI start)  ${ms(median(library))}   ${(median(library) / floor).toFixed(1)}× bare`)
    console.log(`  warm, --watch (save → result) ${ms(median(watch))}   ${(median(watch) / floor).toFixed(1)}× bare`)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

await main()

#!/usr/bin/env node
// Follow latency: from a handler's console.log to the line printed by `sling logs --follow`, against the local
// cloud, with Live Tail and with polling (--poll). Each invocation's handler prints "mark <n> <Date.now()>";
// every follower timestamps the line when it reads it, so all of them measure the same invocations.
// Floors, in the same run: the Live Tail SDK call itself (StartLiveTailCommand, read in this process), and a bare
// FilterLogEvents loop polling once a second from the last timestamp it saw (what `aws logs tail --follow` does,
// without its 5 s pause). Reports p50/p90 and sling/floor ratios; asserts nothing about time.
//   BENCH_FOLLOW_N   invocations (default 20), spaced 300–1300 ms apart so they fall anywhere in the 1 s cycles
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {createInterface} from 'node:readline'
import {setTimeout as sleep} from 'node:timers/promises'

import {CloudWatchLogsClient, FilterLogEventsCommand, StartLiveTailCommand} from '@aws-sdk/client-cloudwatch-logs'
import {CreateFunctionCommand, InvokeCommand, LambdaClient, waitUntilFunctionActiveV2} from '@aws-sdk/client-lambda'

import {zip} from './lib/zip.mjs'

// The SDK warns about Node.js versions it will drop; sling silences it too (bin/run.js).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

const N = Number(process.env.BENCH_FOLLOW_N ?? 20)
const BIN = path.join(import.meta.dirname, '..', 'bin', 'run.js')
const NAME = 'bench-follow'
const GROUP = `/aws/lambda/${NAME}`
const HANDLER = "exports.handler = async (event) => { console.log('mark', event.n, Date.now()); return event.n }\n"
const credentials = {accessKeyId: 'bench', secretAccessKey: 'bench'}
const MARK = /mark (\d+) (\d+)/

/** Latencies by invocation number, for one follower. */
function observer(label) {
  const seen = new Map()
  return {
    label,
    seen,
    /** Records a line if it carries a mark (the first time only: a duplicate is counted, not timed). */
    line(text, at = Date.now()) {
      const match = MARK.exec(text)
      if (!match) return
      const n = Number(match[1])
      if (seen.has(n)) this.duplicates = (this.duplicates ?? 0) + 1
      else seen.set(n, at - Number(match[2]))
    },
    duplicates: 0,
  }
}

function startServer(store) {
  const child = spawn(process.execPath, [BIN, 'local', 'serve', '--json', '--port', '0', '--store', store], {env: {...process.env, SLING_LOCAL_STATE_DELAY_MS: '0'}})
  return new Promise((resolve, reject) => {
    let text = ''
    child.stdout.on('data', (chunk) => {
      text += chunk
      try {
        resolve({child, endpoint: JSON.parse(text).endpoint})
      } catch {
        // not the whole document yet
      }
    })
    child.on('exit', (code) => reject(new Error(`sling local serve exited (${code})`)))
  })
}

/** `sling logs --follow` (args added), feeding `obs` its stdout lines; resolves once it says it is following. */
function slingFollower(endpoint, args, obs) {
  const child = spawn(process.execPath, [BIN, 'logs', NAME, '--follow', '--format', 'raw', '--endpoint-url', endpoint, '--region', 'us-east-1', ...args], {
    env: {...process.env, AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', CI: 'true'},
  })
  createInterface({input: child.stdout}).on('line', (line) => obs.line(line))
  return new Promise((resolve) => {
    child.stderr.on('data', (chunk) => {
      if (String(chunk).includes('Following')) resolve(child)
    })
  })
}

/** The floor for Live Tail: the SDK's StartLiveTailCommand, its updates read here. */
async function liveTailFloor(logs, arn, obs, signal) {
  const {responseStream} = await logs.send(new StartLiveTailCommand({logGroupIdentifiers: [arn]}), {abortSignal: signal})
  void (async () => {
    try {
      for await (const frame of responseStream) for (const event of frame.sessionUpdate?.sessionResults ?? []) obs.line(event.message)
    } catch {
      // aborted at the end
    }
  })()
}

/** The floor for polling: FilterLogEvents once a second from the last timestamp seen, each page to the end. */
async function pollingFloor(logs, obs, signal) {
  let startTime = Date.now()
  const ids = new Set()
  while (!signal.aborted) {
    let nextToken
    do {
      const page = await logs.send(new FilterLogEventsCommand({logGroupName: GROUP, startTime, nextToken}))
      for (const event of page.events ?? []) {
        if (ids.has(event.eventId)) continue
        ids.add(event.eventId)
        obs.line(event.message)
        startTime = Math.max(startTime, event.timestamp)
      }
      nextToken = page.nextToken
    } while (nextToken)
    await sleep(1000)
  }
}

function percentile(values, q) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

async function main() {
  const store = mkdtempSync(path.join(os.tmpdir(), 'sling-bench-logs-'))
  const server = await startServer(store)
  const lambda = new LambdaClient({endpoint: server.endpoint, region: 'us-east-1', credentials, maxAttempts: 1})
  const logs = new CloudWatchLogsClient({endpoint: server.endpoint, region: 'us-east-1', credentials, maxAttempts: 1, disableHostPrefix: true})
  const controller = new AbortController()
  const children = []
  try {
    await lambda.send(new CreateFunctionCommand({FunctionName: NAME, Runtime: 'nodejs20.x', Role: 'arn:aws:iam::123456789012:role/bench', Handler: 'index.handler', Code: {ZipFile: await zip({'index.js': HANDLER})}}))
    await waitUntilFunctionActiveV2({client: lambda, maxWaitTime: 30, minDelay: 1}, {FunctionName: NAME})
    await lambda.send(new InvokeCommand({FunctionName: NAME, Payload: JSON.stringify({n: 0})})) // a warm environment, and the log group
    const observers = {live: observer('sling logs --follow (Live Tail)'), poll: observer('sling logs --follow --poll'), liveFloor: observer('floor: SDK StartLiveTail'), pollFloor: observer('floor: FilterLogEvents every 1 s')}
    children.push(await slingFollower(server.endpoint, [], observers.live), await slingFollower(server.endpoint, ['--poll'], observers.poll))
    await liveTailFloor(logs, `arn:aws:logs:us-east-1:000000000000:log-group:${GROUP}`, observers.liveFloor, controller.signal)
    void pollingFloor(logs, observers.pollFloor, controller.signal)
    await sleep(1500)

    console.log(`Node ${process.version}, ${os.cpus().length} CPUs; ${N} invocations, 300–1300 ms apart; one warm environment`)
    for (let n = 1; n <= N; n++) {
      await lambda.send(new InvokeCommand({FunctionName: NAME, Payload: JSON.stringify({n})}))
      await sleep(300 + Math.random() * 1000)
    }
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline && Object.values(observers).some((obs) => [...obs.seen.keys()].filter((n) => n > 0).length < N)) await sleep(100)

    console.log('\nhandler console.log → line read (p50 / p90 / max; seen of N; duplicates)')
    const rows = {}
    for (const [key, obs] of Object.entries(observers)) {
      const values = [...obs.seen].filter(([n]) => n > 0).map(([, ms]) => ms)
      rows[key] = {p50: percentile(values, 0.5), p90: percentile(values, 0.9)}
      console.log(`  ${obs.label.padEnd(34)} ${String(rows[key].p50).padStart(5)} / ${String(rows[key].p90).padStart(5)} / ${String(Math.max(...values)).padStart(5)} ms   ${values.length}/${N}   ${obs.duplicates}`)
    }
    const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a')
    console.log(`  ratios (p50): Live Tail sling/floor ${ratio(rows.live.p50, rows.liveFloor.p50)}, polling sling/floor ${ratio(rows.poll.p50, rows.pollFloor.p50)}`)
    console.log('  targets: ≤ 1500 ms with Live Tail, ≤ 2500 ms polling')
  } finally {
    controller.abort()
    for (const child of children) child.kill('SIGINT')
    lambda.destroy()
    logs.destroy()
    server.child.kill('SIGINT')
    await sleep(500)
    rmSync(store, {recursive: true, force: true})
  }
}

await main()
process.exit(0)

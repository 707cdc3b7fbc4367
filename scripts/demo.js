#!/usr/bin/env node
// `npm run demo`: sling's main job on the local cloud, with no AWS account. It copies examples/hello-api to a
// temporary directory, starts `sling local serve` on a fresh store there, runs each step below with the
// built CLI (printing the command as you would type it), then stops the server and removes the directory,
// on success, on a failed step and on Ctrl-C alike. Needs only Node.js (run `npm run build` first; the npm
// script does). A step is a title, an optional change to the project made before it, and sling's arguments:
// add steps by adding entries to STEPS (`before` may be async).
import {spawn} from 'node:child_process'
import {setTimeout as sleep} from 'node:timers/promises'
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..')
const BIN = path.join(ROOT, 'bin', 'run.js')
const EXAMPLE = path.join(ROOT, 'examples', 'hello-api')

/** Version 2 of the api handler: its answer says which version ran. */
function writeVersion2(project) {
  const file = path.join(project, 'src', 'api.ts')
  const source = readFileSync(file, 'utf8')
  const changed = source.replace('requestId: randomUUID()', 'version: 2, requestId: randomUUID()')
  if (changed === source) throw new Error(`${file} no longer has the line the demo changes ("requestId: randomUUID()"); update scripts/demo.js.`)
  writeFileSync(file, changed)
}

const QUEUE = 'hello-api-jobs'
let sqs // an SQS client for the demo's local cloud: the queue is infrastructure, made and fed as your own code would

/** Creates the demo's queue with the AWS SDK, as infrastructure code would (sling attaches queues; it doesn't own them). */
async function createQueue() {
  await sqs.send(new sqs.commands.CreateQueueCommand({QueueName: QUEUE}))
}

/** Sends three jobs to the queue, then waits (up to 20 s) until the worker has taken and deleted every one. */
async function sendJobs() {
  const {QueueUrl} = await sqs.send(new sqs.commands.GetQueueUrlCommand({QueueName: QUEUE}))
  const entries = ['Ada', 'Grace', 'Linus'].map((name, index) => ({Id: String(index), MessageBody: JSON.stringify({name})}))
  await sqs.send(new sqs.commands.SendMessageBatchCommand({QueueUrl, Entries: entries}))
  console.log(`(sent ${entries.length} messages to ${QUEUE} with the AWS SDK)`)
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(250)) {
    const {Attributes: a = {}} = await sqs.send(new sqs.commands.GetQueueAttributesCommand({QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']}))
    if (a.ApproximateNumberOfMessages === '0' && a.ApproximateNumberOfMessagesNotVisible === '0') return
  }
  throw new Error(`the worker did not process the messages on ${QUEUE} within 20 s`)
}

const STEPS = [
  {title: 'Package the example: bundled with esbuild, deterministic zips, checked against Lambda\'s limits', args: ['package']},
  {
    title: 'Deploy it to the local cloud: create the functions, the layer and their execution role, publish version 1, point alias "live" at it',
    args: ['deploy', '--local', '--create-role', '--publish', '--alias', 'live'],
  },
  {title: 'Change the api handler (its answer now says "version": 2) and see what a deploy would change', before: writeVersion2, args: ['diff', '--local']},
  {title: 'Deploy the change and publish it as version 2 (worker is unchanged: nothing is sent for it)', args: ['deploy', '--local', '--publish']},
  {title: 'Send 20% of alias "live"\'s traffic to version 2; version 1 keeps the rest', args: ['shift', 'api', 'live', '--to', '2', '--weight', '20', '--local']},
  {title: 'The versions of api, and the aliases that send them traffic', args: ['versions', 'list', 'api', '--local']},
  {title: 'The aliases of api with their weights', args: ['alias', 'list', 'api', '--local']},
  {
    title: 'Invoke alias "live" 50 times: latency percentiles, errors, and how its traffic split between versions 1 and 2',
    args: ['invoke', 'api:live', '--event', 'apigw', '--repeat', '50', '--concurrency', '4', '--local'],
  },
  {title: 'One invocation of version 2, with its answer', args: ['invoke', 'api:2', '--event', 'apigw', '--set', 'queryStringParameters.name=demo', '--local']},
  {title: 'The logs of api\'s version 2 from the last minutes: each invocation from START to REPORT', args: ['logs', 'api', '--qualifier', '2', '--since', '5m', '--local']},
  {
    title: `Attach the SQS queue ${QUEUE} to worker's alias "live": Lambda polls it and runs worker in batches; --grant gives sling's role the queue's read rights`,
    before: createQueue,
    args: ['events', 'attach', 'worker', `sqs:${QUEUE}`, '--qualifier', 'live', '--batch-size', '10', '--report-batch-item-failures', '--grant', '--local'],
  },
  {title: 'Send three jobs to the queue; worker processes them: its logs show each greeting', before: sendJobs, args: ['logs', 'worker', '--since', '5m', '--local']},
  {title: 'What feeds worker now', args: ['events', 'list', 'worker', '--local']},
]

const work = mkdtempSync(path.join(os.tmpdir(), 'sling-demo-'))
const project = path.join(work, 'hello-api')
const store = path.join(work, 'store')
const env = {...process.env, SLING_LOCAL_STORE: store}
let server
let interrupted // the signal that stopped the demo

// Ctrl-C reaches the running sling command (it stops cleanly and exits 130), not the server: it runs in its own
// process group, so the command's last calls still get answers. The demo then stops the server itself.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => (interrupted = signal))

/** Stops the server (SIGTERM: it removes its record from the store), then removes the temporary directory. */
async function cleanUp() {
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve))
    server.kill('SIGTERM')
    const timer = setTimeout(() => server.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }
  sqs?.destroy()
  rmSync(work, {recursive: true, force: true})
}

/** Starts `sling local serve` on the demo's store; resolves with what it printed (endpoint, region…). */
function startServer() {
  server = spawn(process.execPath, [BIN, 'local', 'serve', '--json', '--port', '0'], {cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true})
  let stdout = ''
  let stderr = ''
  server.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk))
  return new Promise((resolve, reject) => {
    server.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk
      try {
        resolve(JSON.parse(stdout))
      } catch {
        // not the whole document yet
      }
    })
    server.once('exit', (code) => reject(new Error(`sling local serve exited (${code}) before listening:\n${stderr}`)))
  })
}

/** Runs one sling command in the project, its output straight to this terminal; resolves with its exit code. */
function sling(args) {
  const child = spawn(process.execPath, [BIN, ...args], {cwd: project, env, stdio: 'inherit'})
  return new Promise((resolve) => child.once('close', (code, signal) => resolve(code ?? (signal ? 130 : 1))))
}

async function main() {
  cpSync(EXAMPLE, project, {recursive: true, filter: (source) => path.basename(source) !== '.sling'})
  const started = Date.now()
  const cloud = await startServer()
  // The SDK warns on Node.js 20 about its future versions; sling's own commands keep it quiet, and so does the demo.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const {SQSClient, ...commands} = await import('@aws-sdk/client-sqs')
  sqs = Object.assign(new SQSClient({endpoint: cloud.endpoint, region: cloud.region, credentials: {accessKeyId: 'demo', secretAccessKey: 'demo'}}), {commands})
  console.log(`sling demo: examples/hello-api, copied to ${project}`)
  console.log(`Local cloud: sling local serve on ${cloud.endpoint} (store ${store}); no AWS account is used.`)
  for (const [index, step] of STEPS.entries()) {
    if (interrupted) break
    console.log(`\n[${index + 1}/${STEPS.length}] ${step.title}`)
    await step.before?.(project)
    console.log(`$ sling ${step.args.join(' ')}`)
    const code = await sling(step.args)
    if (code !== 0 || interrupted) {
      console.error(`\nThe demo stopped: "sling ${step.args.join(' ')}" exited ${code}.`)
      return code || 130
    }
  }
  if (interrupted) return interrupted === 'SIGINT' ? 130 : 143
  console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. Stopping the local cloud and removing its temporary directory.`)
  return 0
}

let exitCode = 1
try {
  exitCode = await main()
} catch (error) {
  console.error(`The demo failed: ${error instanceof Error ? error.message : String(error)}`)
} finally {
  await cleanUp()
}
process.exitCode = exitCode

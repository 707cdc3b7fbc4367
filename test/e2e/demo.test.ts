import {existsSync} from 'node:fs'
import {spawn} from 'node:child_process'
import os from 'node:os'
import path from 'node:path'

import {expect, test} from 'vitest'

import {ROOT} from '../helpers/cli.js'

/** Runs scripts/demo.js (what `npm run demo` runs after the build) as CI would. */
function runDemo(): Promise<{code: number | null; output: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'demo.js')], {
      cwd: ROOT, env: {PATH: process.env.PATH, HOME: os.tmpdir(), CI: 'true', NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true'},
    })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, output}))
  })
}

test('npm run demo deploys the example to a local cloud it starts, publishes v2, shifts 20% of "live" to it, invokes it, reads its logs, attaches a queue whose messages the worker processes, and leaves nothing behind', {timeout: 120_000}, async () => {
  const {code, output} = await runDemo()

  expect(code, output).toBe(0)
  expect(output).not.toMatch(/Warning|NodeVersionSupport/)
  expect(output).toContain('$ sling deploy --local --create-role --publish --alias live')
  expect(output).toContain('api (hello-api-api): created; version 1; alias live (new) → 1')
  expect(output).toContain('api (hello-api-api): updated (code); version 2')
  expect(output).toContain('worker (hello-api-worker): unchanged')
  expect(output).toContain('Alias "live" of hello-api-api: version 2 gets 20% of its traffic.')
  expect(output).toMatch(/^v2\t.*\tlive → 20%$/m)
  expect(output).toMatch(/^v1\t.*\tlive 80%$/m)
  expect(output).toMatch(/^live\tv1\tv1 80%, v2 20%\t/m)
  // 50 invocations of the alias: all succeed, and both versions served some of them.
  expect(output).toMatch(/^ {2}succeeded +50$/m)
  expect(output).toMatch(/^ {4}v1 +\d+% +\(\d+\)$/m)
  expect(output).toMatch(/^ {4}v2 +\d+% +\(\d+\)$/m)
  expect(output).toContain('"version\\":2')
  // The logs of version 2 hold the invocation made by name, from START to REPORT.
  const logsAt = output.indexOf('$ sling logs api --qualifier 2')
  const logs = output.slice(logsAt, output.indexOf('\n[', logsAt))
  const requestId = /^\S+ +(\w{8}) +INFO +greeting demo$/m.exec(logs)?.[1]
  expect(requestId, logs).toBeDefined()
  expect(logs).toMatch(new RegExp(`^\\S+ +${requestId} +START v2$`, 'm'))
  expect(logs).toMatch(new RegExp(`^\\S+ +${requestId} +REPORT `, 'm'))
  expect(logs).not.toMatch(/START v1/)
  // The queue: attached to worker's alias with sling's role granted read rights, three jobs processed in one
  // batch by the version live points at, and the mapping listed.
  expect(output).toMatch(/^Attached sqs:hello-api-jobs → hello-api-worker:live \(mapping [0-9a-f-]{36}\): Enabled, batch size 10\.$/m)
  const workerLogs = output.slice(output.indexOf('$ sling logs worker'))
  const batch = /^\S+ +(\w{8}) +START v1$/m.exec(workerLogs)?.[1]
  expect(batch, workerLogs).toBeDefined()
  for (const name of ['Ada', 'Grace', 'Linus']) expect(workerLogs).toMatch(new RegExp(`^\\S+ +\\w{8} +INFO +Hello, ${name}!$`, 'm'))
  expect(output).toMatch(/^sqs:hello-api-jobs\tlive\tEnabled\t10\t/m)
  // The copy of the example, the store and the server's record were all in one temporary directory: gone.
  const copy = /copied to (\S+)/.exec(output)?.[1]
  expect(copy).toBeDefined()
  expect(existsSync(path.dirname(copy ?? ''))).toBe(false)
  // The example itself is untouched: no build output, no v2.
  expect(existsSync(path.join(ROOT, 'examples', 'hello-api', '.sling', 'local'))).toBe(false)
})

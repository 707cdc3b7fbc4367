import {spawn} from 'node:child_process'
import path from 'node:path'
import {writeFile} from 'node:fs/promises'

import {afterAll, beforeAll, expect, test} from 'vitest'

import {BIN} from '../helpers/cli.js'
import type {InvokeWorld} from './invoke-helper.js'
import {invokeWorld} from './invoke-helper.js'

let world: InvokeWorld

beforeAll(async () => {
  world = await invokeWorld()
})

afterAll(async () => {
  await world.close()
})

test('--stream prints each chunk as it arrives: the second chunk is written only after sling printed the first', async () => {
  await world.fn('ticker', `
const fs = require('fs')
exports.handler = awslambda.streamifyResponse(async (event, stream) => {
  stream.write('tick\\n')
  while (!fs.existsSync(event.go)) await new Promise((resolve) => setTimeout(resolve, 5))
  stream.end('tock\\n')
})`)
  const go = path.join(world.work, 'go')
  const child = spawn(process.execPath, [BIN, 'invoke', 'ticker', '--stream', '--payload', JSON.stringify({go}), '--endpoint-url', world.served.info.endpoint], {
    env: {PATH: process.env.PATH, HOME: world.work, CI: 'true', NO_COLOR: '1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1'},
  })
  let stdout = ''
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    if (stdout === 'tick\n') void writeFile(go, '')
  })
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))

  expect({code, stdout}).toEqual({code: 0, stdout: 'tick\ntock\n'})
  expect(stderr).toMatch(/^200 · version \$LATEST · /)
})

test('--stream shows an HttpResponseStream prelude on stderr, not in the body; --json gives the body and the prelude as fields', async () => {
  await world.fn('web', `exports.handler = awslambda.streamifyResponse(async (event, stream) => {
    stream = awslambda.HttpResponseStream.from(stream, {statusCode: 201, headers: {'content-type': 'text/plain'}})
    stream.write('created ')
    stream.end('order 42')
  })`)

  const result = await world.sling(['invoke', 'web', '--stream'])
  const json = await world.sling(['invoke', 'web', '--stream', '--json'])

  expect(result.code).toBe(0)
  expect(result.stdout).toBe('created order 42')
  expect(result.stderr).toContain('HTTP 201 (content-type: text/plain)')
  expect(JSON.parse(json.stdout)).toMatchObject({status: 'succeeded', payload: 'created order 42', httpResponse: {statusCode: 201}})
})

test('a streaming function that fails mid-stream exits 3 with its error after the chunks it sent; --log prints the log tail', async () => {
  await world.fn('halfway', 'exports.handler = awslambda.streamifyResponse(async (event, stream) => { stream.write("half"); console.log("giving up"); throw new Error("upstream went away") })')

  const result = await world.sling(['invoke', 'halfway', '--stream', '--log'])

  expect(result.code).toBe(3)
  expect(result.stdout).toBe('half')
  expect(result.stderr).toContain('Function error (Unhandled): Error: upstream went away')
  expect(result.stderr).toContain('giving up')
})

test('--stream of a function that does not stream prints its whole response', async () => {
  await world.fn('classic', 'exports.handler = async () => ({ok: true})')

  const result = await world.sling(['invoke', 'classic', '--stream'])

  expect(result.code).toBe(0)
  expect(result.stdout).toBe('{"ok":true}')
})

import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {GetFunctionCommand, LambdaClient, ListFunctionsCommand} from '@aws-sdk/client-lambda'
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import {afterEach, expect, test} from 'vitest'

import {startLocalCloud} from '../../src/lib/local/server.js'
import {rejectionOf} from '../helpers/aws.js'
import {tempDir} from '../helpers/cli.js'
import {serve} from './local-serve-helper.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const config = (endpoint: string) => ({region: 'us-east-1', endpoint, credentials: {accessKeyId: 'sling-local', secretAccessKey: 'sling-local'}, maxAttempts: 1})

/**
 * Deploy tests count a command's AWS calls: `sling local serve` answers GET /_sling/calls, and every
 * process on a store (the server, and an in-process --local cloud) appends to SLING_LOCAL_CALL_LOG.
 */
test('sling local serve counts calls at /_sling/calls, and it and an in-process cloud on the same store share one call log', async () => {
  const {dir, cleanup} = await tempDir('sling-e2e-calls-')
  cleanups.push(cleanup)
  const log = path.join(dir, 'calls.jsonl')
  const store = path.join(dir, 'store')
  const served = await serve(['--port', '0', '--store', store], cleanups, {SLING_LOCAL_CALL_LOG: log})
  const lambda = new LambdaClient(config(served.info.endpoint))
  const sts = new STSClient(config(served.info.endpoint))
  cleanups.push(() => Promise.resolve(lambda.destroy()))
  cleanups.push(() => Promise.resolve(sts.destroy()))
  await lambda.send(new ListFunctionsCommand({}))
  await rejectionOf(lambda.send(new GetFunctionCommand({FunctionName: 'ghost'})))
  await sts.send(new GetCallerIdentityCommand({}))

  const report = (await (await fetch(`${served.info.endpoint}/_sling/calls`)).json()) as {total: number; writes: number; calls: unknown[]}
  expect(report).toMatchObject({total: 3, writes: 0})
  expect(report.calls).toEqual([
    {service: 'lambda', operation: 'GetFunction', status: 404, kind: 'read', count: 1},
    {service: 'lambda', operation: 'ListFunctions', status: 200, kind: 'read', count: 1},
    {service: 'sts', operation: 'GetCallerIdentity', status: 200, kind: 'read', count: 1},
  ])

  // A second process on the store (this test process, as a --local command would) appends to the same file.
  const inProcess = await startLocalCloud({storeDir: store, settings: {callLogFile: log}})
  const local = new LambdaClient(config(inProcess.endpoint))
  await local.send(new ListFunctionsCommand({}))
  local.destroy()
  await inProcess.close()

  const lines = (await readFile(log, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as {pid: number; service: string; operation: string; status: number})
  expect(lines.map(({pid, operation, status}) => [pid, operation, status])).toEqual([
    [served.info.pid, 'ListFunctions', 200],
    [served.info.pid, 'GetFunction', 404],
    [served.info.pid, 'GetCallerIdentity', 200],
    [process.pid, 'ListFunctions', 200],
  ])
})

import {CloudWatchLogsClient, FilterLogEventsCommand} from '@aws-sdk/client-cloudwatch-logs'
import {CreateFunctionCommand, InvokeCommand, LambdaClient, PublishLayerVersionCommand, waitUntilFunctionActiveV2} from '@aws-sdk/client-lambda'
import type {Runtime} from '@aws-sdk/client-lambda'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {afterEach, expect, test} from 'vitest'

import {ROOT, runCli, tempDir} from '../helpers/cli.js'
import {serve} from './local-serve-helper.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const EXAMPLE = path.join(ROOT, 'examples/hello-api/sling.config.json')
// Another account's role: the local cloud checks only its own account's roles against its IAM.
const ROLE = 'arn:aws:iam::123456789012:role/hello-api'

interface PackagedFunction {
  key: string
  name: string
  artifact: string
  handler: string
  runtime: string
  layers: string[]
}

/**
 * The artifacts `sling package` writes are what Lambda runs: the derived handler string resolves in
 * the zip, and the layer's nodejs/node_modules layout is found through NODE_PATH, on the local cloud.
 */
test('packaged functions and layers run on the local cloud as Lambda would run them', async () => {
  const {dir, cleanup} = await tempDir('sling-e2e-run-')
  cleanups.push(cleanup)
  const packaged = await runCli(['package', '--config', EXAMPLE, '--out-dir', path.join(dir, 'build'), '--json'])
  expect(packaged.code).toBe(0)
  const result = JSON.parse(packaged.stdout) as {functions: PackagedFunction[]; layers: {key: string; artifact: string}[]}

  const served = await serve(['--port', '0', '--store', path.join(dir, 'store'), '--state-delay', '50'], cleanups)
  const clientConfig = {endpoint: served.info.endpoint, region: 'us-east-1', credentials: {accessKeyId: 'x', secretAccessKey: 'x'}}
  const lambda = new LambdaClient(clientConfig)
  const logs = new CloudWatchLogsClient(clientConfig)
  cleanups.push(() => Promise.resolve(lambda.destroy()), () => Promise.resolve(logs.destroy()))

  const layerArns = new Map<string, string>()
  for (const layer of result.layers) {
    const published = await lambda.send(new PublishLayerVersionCommand({LayerName: `hello-api-${layer.key}`, Content: {ZipFile: await readFile(layer.artifact)}}))
    layerArns.set(layer.key, published.LayerVersionArn!)
  }
  for (const fn of result.functions) {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: fn.name,
        Runtime: fn.runtime as Runtime,
        Role: ROLE,
        Handler: fn.handler,
        Code: {ZipFile: await readFile(fn.artifact)},
        Environment: {Variables: {GREETING: 'Howdy'}},
        Layers: fn.layers.map((key) => layerArns.get(key)!),
      }),
    )
    await waitUntilFunctionActiveV2({client: lambda, maxWaitTime: 30, minDelay: 1}, {FunctionName: fn.name})
  }

  const api = result.functions.find((fn) => fn.key === 'api')!
  const answer = await lambda.send(new InvokeCommand({FunctionName: api.name, Payload: JSON.stringify({rawPath: '/hi', queryStringParameters: {name: 'sling'}})}))
  expect(answer.FunctionError).toBeUndefined()
  const response = JSON.parse(Buffer.from(answer.Payload!).toString()) as {statusCode: number; body: string}
  expect(response.statusCode).toBe(200)
  expect(JSON.parse(response.body)).toMatchObject({message: 'Howdy, sling!', path: '/hi'})

  const worker = result.functions.find((fn) => fn.key === 'worker')!
  const batch = {Records: [{messageId: 'm1', body: JSON.stringify({name: 'Ada'})}, {messageId: 'm2', body: 'not json'}]}
  const processed = await lambda.send(new InvokeCommand({FunctionName: worker.name, Payload: JSON.stringify(batch), LogType: 'Tail'}))
  expect(JSON.parse(Buffer.from(processed.Payload!).toString())).toEqual({batchItemFailures: [{itemIdentifier: 'm2'}]})
  const tail = Buffer.from(processed.LogResult!, 'base64').toString()
  expect(tail).toMatch(/START RequestId: [0-9a-f-]{36} Version: \$LATEST/)
  expect(tail).toContain('REPORT RequestId:')

  const events = await logs.send(new FilterLogEventsCommand({logGroupName: `/aws/lambda/${worker.name}`, filterPattern: '"Ada"'}))
  expect(events.events?.map((event) => event.message?.split('\t').at(-1)?.trim())).toEqual([expect.stringContaining('Ada')])
})

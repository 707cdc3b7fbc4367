import {CreateAliasCommand, CreateFunctionCommand, GetFunctionConfigurationCommand, LambdaClient, PublishVersionCommand, UpdateFunctionCodeCommand} from '@aws-sdk/client-lambda'
import {CloudWatchLogsClient} from '@aws-sdk/client-cloudwatch-logs'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {zipOf} from '../helpers/aws.js'
import type {CliResult, RunOptions} from '../helpers/cli.js'
import {runCli, tempDir} from '../helpers/cli.js'
import type {Served} from './local-serve-helper.js'
import {serve} from './local-serve-helper.js'

const ROLE = 'arn:aws:iam::123456789012:role/fn' // another account's role: the local cloud accepts it unchecked
const credentials = {accessKeyId: 'x', secretAccessKey: 'x'}

/** One `sling local serve` for a test file, SDK clients for it, and the built CLI pointed at it. */
export interface InvokeWorld {
  readonly served: Served
  readonly work: string
  readonly lambda: LambdaClient
  readonly logs: CloudWatchLogsClient
  /** Creates (or replaces the code of) a Node.js function from `source` (index.js), waiting until it settles. */
  fn(name: string, source: string, settings?: {timeout?: number; memorySize?: number}): Promise<void>
  /** Publishes $LATEST as a version with `source` as its code; resolves to the version number. */
  publish(name: string, source: string): Promise<string>
  alias(name: string, alias: string, version: string, routing?: Record<string, number>): Promise<void>
  sling(args: readonly string[], options?: RunOptions): Promise<CliResult>
  close(): Promise<void>
}

export async function invokeWorld(): Promise<InvokeWorld> {
  const cleanups: (() => Promise<void>)[] = []
  const {dir, cleanup} = await tempDir('sling-e2e-invoke-')
  cleanups.push(cleanup)
  const served = await serve(['--port', '0', '--store', path.join(dir, 'store')], cleanups, {SLING_LOCAL_STATE_DELAY_MS: '10', SLING_LOCAL_ASYNC_RETRY_MS: '50'})
  const lambda = new LambdaClient({endpoint: served.info.endpoint, region: 'us-east-1', credentials})
  const logs = new CloudWatchLogsClient({endpoint: served.info.endpoint, region: 'us-east-1', credentials})
  const settled = async (name: string): Promise<void> => {
    for (let i = 0; i < 500; i++) {
      const config = await lambda.send(new GetFunctionConfigurationCommand({FunctionName: name}))
      if (config.State === 'Active' && config.LastUpdateStatus !== 'InProgress') return
      await sleep(5)
    }
    throw new Error(`${name} never settled`)
  }
  const created = new Set<string>()
  const world: InvokeWorld = {
    served,
    work: dir,
    lambda,
    logs,
    async fn(name, source, settings = {}) {
      const zip = await zipOf({'index.js': source})
      if (created.has(name)) await lambda.send(new UpdateFunctionCodeCommand({FunctionName: name, ZipFile: zip}))
      else await lambda.send(new CreateFunctionCommand({FunctionName: name, Runtime: 'nodejs22.x', Role: ROLE, Handler: 'index.handler', Code: {ZipFile: zip}, Timeout: settings.timeout, MemorySize: settings.memorySize}))
      created.add(name)
      await settled(name)
    },
    async publish(name, source) {
      await world.fn(name, source)
      const published = await lambda.send(new PublishVersionCommand({FunctionName: name}))
      return published.Version ?? ''
    },
    async alias(name, alias, version, routing) {
      await lambda.send(new CreateAliasCommand({FunctionName: name, Name: alias, FunctionVersion: version, ...(routing ? {RoutingConfig: {AdditionalVersionWeights: routing}} : {})}))
    },
    sling(args, options = {}) {
      return runCli([...args, '--endpoint-url', served.info.endpoint], {
        cwd: dir,
        ...options,
        env: {AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1', ...options.env},
      })
    },
    async close() {
      lambda.destroy()
      logs.destroy()
      for (const step of cleanups.splice(0).reverse()) await step()
    },
  }
  return world
}

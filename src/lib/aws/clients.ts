import type {CloudWatchClient} from '@aws-sdk/client-cloudwatch'
import type {CloudWatchLogsClient} from '@aws-sdk/client-cloudwatch-logs'
import type {EventBridgeClient} from '@aws-sdk/client-eventbridge'
import type {IAMClient} from '@aws-sdk/client-iam'
import type {LambdaClient} from '@aws-sdk/client-lambda'
import type {S3Client} from '@aws-sdk/client-s3'
import type {SchedulerClient} from '@aws-sdk/client-scheduler'
import type {SNSClient} from '@aws-sdk/client-sns'
import type {SQSClient} from '@aws-sdk/client-sqs'
import type {STSClient} from '@aws-sdk/client-sts'

import {logCalls} from './call-log.js'
import type {CallTally} from './calls.js'
import {countCalls, createCallCounter} from './calls.js'
import type {AwsSettings} from './settings.js'
import {DEFAULT_REGION} from './settings.js'

/** The SDK clients every command uses. Built once per command, lazily: `sling --help` never loads the SDK. */
export interface AwsClients {
  /** The region calls go to (resolved by the SDK from the profile when no flag or variable sets it). */
  region(): Promise<string>
  /** Set when calls go to the local cloud or another endpoint than AWS. */
  readonly endpoint: string | undefined
  lambda(): Promise<LambdaClient>
  s3(): Promise<S3Client>
  logs(): Promise<CloudWatchLogsClient>
  cloudwatch(): Promise<CloudWatchClient>
  /** IAM is global; the client still needs a region to sign (any region of the partition works). */
  iam(): Promise<IAMClient>
  sts(): Promise<STSClient>
  sqs(): Promise<SQSClient>
  /** EventBridge, Scheduler and SNS: not emulated by the local cloud (event sources only). */
  eventBridge(): Promise<EventBridgeClient>
  scheduler(): Promise<SchedulerClient>
  sns(): Promise<SNSClient>
  /** The requests sent so far through these clients, by operation. */
  calls(): CallTally
  /** Stops an in-process local cloud started for this command, and releases the clients. */
  close(): Promise<void>
}

interface ClientConfig {
  region?: string
  endpoint?: string
  profile?: string
  credentials?: {accessKeyId: string; secretAccessKey: string}
  retryMode: 'adaptive'
  maxAttempts: number
}

export interface AwsClientsOptions {
  /** --verbose: receives one line per AWS call (service, operation, status, duration, retries), and where calls go. */
  readonly logCall?: ((line: string) => void) | undefined
}

/**
 * The single factory for SDK clients. Honours --region/--profile/--endpoint-url, the standard AWS
 * environment (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, the credential chain incl. SSO) and --local.
 * Adaptive retry rides out throttling and 5xx with client-side rate limiting: it is the only retry of
 * throttling in sling (the Lambda API adds retries only for "update in progress").
 */
export async function createAwsClients(settings: AwsSettings, options: AwsClientsOptions = {}): Promise<AwsClients> {
  // Each SDK client, when built, warns on stderr that SDK releases from 2027 will need a newer Node.js.
  // That is the SDK's roadmap, not something a sling user can act on, and stderr is theirs: silence it
  // here, where every client is built, so it holds for any entry point (bin/run.js, tests, other code).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  let endpoint = settings.endpointUrl
  let stopLocal: (() => Promise<void>) | undefined
  let region = settings.region
  const local = settings.local === true && endpoint === undefined
  if (local) {
    const {connectLocalCloud} = await import('../local/connect.js')
    const connection = await connectLocalCloud({storeDir: settings.localStore, region: region ?? DEFAULT_REGION})
    endpoint = connection.endpoint
    stopLocal = () => connection.close()
  }
  if (local) region ??= DEFAULT_REGION
  const config: ClientConfig = {
    // Without a region the SDK resolves one itself (AWS_REGION, the profile's region) or fails clearly.
    ...(region ? {region} : {}),
    retryMode: 'adaptive',
    maxAttempts: 5,
    ...(endpoint ? {endpoint} : {}),
    ...(settings.profile ? {profile: settings.profile} : {}),
    // The local cloud needs no credentials; the SDK still signs, so give it placeholders.
    ...(local ? {credentials: {accessKeyId: 'sling-local', secretAccessKey: 'sling-local'}} : {}),
  }
  const built: {close(): void}[] = []
  const counter = createCallCounter()
  const {logCall} = options
  logCall?.(`AWS calls go to ${local ? `the local cloud at ${endpoint}` : (endpoint ?? 'AWS')}, region ${region ?? '(from the profile)'}${settings.profile ? `, profile ${settings.profile}` : ''}.`)
  const once = <T extends {destroy(): void} & Parameters<typeof countCalls>[0]>(make: () => Promise<T>): (() => Promise<T>) => {
    let client: Promise<T> | undefined
    return () => {
      client ??= make().then((c) => {
        countCalls(c, counter)
        if (logCall) logCalls(c, logCall)
        built.push({close: () => c.destroy()})
        return c
      })
      return client
    }
  }
  const lambda = once(async () => new (await import('@aws-sdk/client-lambda')).LambdaClient(config))
  return {
    endpoint,
    region: async () => (region ?? (await (await lambda()).config.region())),
    lambda,
    // Path-style keeps bucket names out of hostnames, which custom endpoints and the local cloud need.
    s3: once(async () => new (await import('@aws-sdk/client-s3')).S3Client({...config, forcePathStyle: endpoint !== undefined})),
    // The model sends StartLiveTail to a "stream-" host prefix ("stream-127.0.0.1" can't resolve): a custom endpoint gets it as given.
    logs: once(async () => new (await import('@aws-sdk/client-cloudwatch-logs')).CloudWatchLogsClient({...config, disableHostPrefix: customLogsEndpoint(endpoint)})),
    cloudwatch: once(async () => new (await import('@aws-sdk/client-cloudwatch')).CloudWatchClient(config)),
    iam: once(async () => new (await import('@aws-sdk/client-iam')).IAMClient(config)),
    sts: once(async () => new (await import('@aws-sdk/client-sts')).STSClient(config)),
    sqs: once(async () => new (await import('@aws-sdk/client-sqs')).SQSClient(config)),
    eventBridge: once(async () => new (await import('@aws-sdk/client-eventbridge')).EventBridgeClient(config)),
    scheduler: once(async () => new (await import('@aws-sdk/client-scheduler')).SchedulerClient(config)),
    sns: once(async () => new (await import('@aws-sdk/client-sns')).SNSClient(config)),
    calls: () => counter.tally(),
    async close() {
      for (const client of built) client.close()
      await stopLocal?.()
    },
  }
}

/** Whether Logs calls go to an endpoint other than AWS's: --endpoint-url, --local, or the SDK's endpoint variables. */
function customLogsEndpoint(endpoint: string | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  return [endpoint, env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, env.AWS_ENDPOINT_URL].some((url) => url !== undefined && url !== '')
}

import type {CallTally} from './aws/calls.js'
import type {AwsClients} from './aws/clients.js'
import type {CloudWatchApi} from './aws/cloudwatch.js'
import type {AwsErrorContext} from './aws/errors.js'
import type {IamApi} from './aws/iam.js'
import type {LambdaApi} from './aws/lambda.js'
import type {LogsApi} from './aws/logs.js'
import type {OpsApi} from './aws/ops.js'
import type {EventBridgeApi, SchedulerApi, SnsApi} from './aws/push-sources.js'
import type {S3Api} from './aws/s3.js'
import type {SqsApi} from './aws/sqs.js'
import type {AwsSettings} from './aws/settings.js'
import type {StsApi} from './aws/sts.js'
import type {Clock} from './clock.js'
import {systemClock} from './clock.js'
import type {Interrupts} from './interrupt.js'
import type {Output} from './output.js'

/**
 * What a workflow that talks to AWS is given: the narrow AWS APIs, the terminal, time, and interrupts.
 * Workflows take the part they use (`{lambda, output}: Pick<AwsDeps, 'lambda' | 'output'>`), so a test
 * passes plain fakes.
 */
export interface AwsDeps {
  readonly lambda: LambdaApi
  readonly s3: S3Api
  readonly logs: LogsApi
  readonly cloudwatch: CloudWatchApi
  readonly iam: IamApi
  readonly sts: StsApi
  /** The reads and deletes of list, info, remove and doctor. */
  readonly ops: OpsApi
  readonly sqs: SqsApi
  /** EventBridge rules, EventBridge Scheduler and SNS: triggers only (not emulated locally). */
  readonly eventBridge: EventBridgeApi
  readonly scheduler: SchedulerApi
  readonly sns: SnsApi
  readonly output: Output
  readonly clock: Clock
  readonly interrupts: Interrupts
}

/** The deps of one command run, with what releases them. */
export interface CommandDeps extends AwsDeps {
  /** The region calls go to (connects, as the first AWS call would). */
  region(): Promise<string>
  /** The AWS requests this command has sent so far, by operation (none before the first call). */
  calls(): CallTally
  /** Destroys the SDK clients and stops an in-process local cloud (`--local`); safe to call more than once. */
  close(): Promise<void>
}

export interface AwsDepsOptions {
  /** Where AWS calls go (flags, environment, config). */
  readonly settings: AwsSettings
  readonly output: Output
  readonly interrupts: Interrupts
  /** @default systemClock */
  readonly clock?: Clock
  /** Builds the SDK clients, on the first AWS call. @default createAwsClients */
  readonly connect?: (settings: AwsSettings) => Promise<AwsClients>
}

/**
 * Builds a command's deps without touching AWS: the AWS SDK, the API modules and the local cloud
 * (`--local`) are loaded on the first call through an API, so a command that ends early (a usage
 * error, `--dry-run` with nothing to do) never pays for them.
 */
export function createAwsDeps(options: AwsDepsOptions): CommandDeps {
  const clock = options.clock ?? systemClock
  let clients: Promise<AwsClients> | undefined
  let connected: AwsClients | undefined
  const connect = (): Promise<AwsClients> =>
    (clients ??= (options.connect ?? defaultConnect)(options.settings).then((c) => {
      connected = c
      return c
    }))
  /** The clients, their region and endpoint (for error messages), and the module that builds one API. */
  const load = async <M>(module: () => Promise<M>): Promise<{clients: AwsClients; context: AwsErrorContext; api: M}> => {
    const [loaded, api] = await Promise.all([connect(), module()])
    return {clients: loaded, context: {region: await loaded.region(), endpoint: loaded.endpoint}, api}
  }
  let closing: Promise<void> | undefined
  return {
    output: options.output,
    clock,
    interrupts: options.interrupts,
    lambda: lazyApi(async () => {
      const {clients: c, context, api} = await load(() => import('./aws/lambda.js'))
      return api.createLambdaApi(await c.lambda(), context, {clock})
    }),
    s3: lazyApi(async () => {
      const {clients: c, context, api} = await load(() => import('./aws/s3.js'))
      return api.createS3Api(await c.s3(), context)
    }),
    logs: lazyApi(async () => {
      const {clients: c, context, api} = await load(() => import('./aws/logs.js'))
      return api.createLogsApi(await c.logs(), context)
    }, ['filterEvents', 'liveTail']),
    cloudwatch: lazyApi(async () => {
      const {clients: c, context, api} = await load(() => import('./aws/cloudwatch.js'))
      return api.createCloudWatchApi(await c.cloudwatch(), context)
    }),
    iam: lazyApi(async () => {
      const {clients: c, context, api} = await load(() => import('./aws/iam.js'))
      return api.createIamApi(await c.iam(), context)
    }),
    sts: lazyApi(async () => {
      const {clients: c, context, api} = await load(() => import('./aws/sts.js'))
      return api.createStsApi(await c.sts(), context)
    }),
    ops: lazyApi(async () => {
      const {clients: c, context, api} = await load(() => import('./aws/ops.js'))
      return api.createOpsApi({lambda: () => c.lambda(), iam: () => c.iam(), s3: () => c.s3()}, context)
    }),
    sqs: lazyApi(async () => {
      const {clients: c, context, api} = await load(() => import('./aws/sqs.js'))
      return api.createSqsApi(await c.sqs(), context)
    }),
    eventBridge: lazyApi(async () => {
      const {clients: c, context, api} = await load(() => import('./aws/push-sources.js'))
      return api.createEventBridgeApi(await c.eventBridge(), context)
    }),
    scheduler: lazyApi(async () => {
      const {clients: c, context, api} = await load(() => import('./aws/push-sources.js'))
      return api.createSchedulerApi(await c.scheduler(), context)
    }),
    sns: lazyApi(async () => {
      const {clients: c, context, api} = await load(() => import('./aws/push-sources.js'))
      return api.createSnsApi(await c.sns(), context)
    }),
    region: async () => (await connect()).region(),
    calls: () => connected?.calls() ?? {reads: 0, writes: 0, byOperation: {}},
    close() {
      closing ??= clients === undefined ? Promise.resolve() : clients.then((c) => c.close(), () => undefined)
      return closing
    },
  }
}

async function defaultConnect(settings: AwsSettings): Promise<AwsClients> {
  const {createAwsClients} = await import('./aws/clients.js')
  return createAwsClients(settings)
}

/** Every method of an API returns a promise, or (those named as iterables) an async iterable. */
type AsyncApi<T> = {[K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> | AsyncIterable<unknown> ? T[K] : never}

/**
 * An API whose every method first loads the real one. `iterables` names the methods that return an
 * AsyncIterable (they can't be told apart before loading): they become async generators.
 */
function lazyApi<T extends AsyncApi<T>>(load: () => Promise<T>, iterables: readonly (keyof T & string)[] = []): T {
  let loaded: Promise<T> | undefined
  const method = async (name: string): Promise<(...args: unknown[]) => unknown> => {
    const api = await (loaded ??= load())
    const fn = (api as Record<string, unknown>)[name]
    if (typeof fn !== 'function') throw new TypeError(`The AWS API has no method "${name}".`)
    return (...args) => (fn as (...a: unknown[]) => unknown).apply(api, args)
  }
  return new Proxy({} as T, {
    get(_target, name) {
      // Not thenable: `await deps.lambda` must not look for a then() on the real API.
      if (typeof name !== 'string' || name === 'then') return undefined
      if ((iterables as readonly string[]).includes(name)) {
        return async function* (...args: unknown[]) {
          yield* (await method(name))(...args) as AsyncIterable<unknown>
        }
      }
      return async (...args: unknown[]) => (await method(name))(...args)
    },
  })
}

/**
 * Invoke: runs the resolved function version in the local runtime and answers as Lambda does —
 * RequestResponse (200, payload, X-Amz-Function-Error, X-Amz-Log-Result), Event (202; queued in
 * the store and retried twice on error) and DryRun (204). Every run's log goes to CloudWatch Logs.
 */
import {randomUUID} from 'node:crypto'
import type {ServerResponse} from 'node:http'

import type {AsyncJob, JobOutcome} from '../runtime/async-queue.js'
import {AsyncQueue} from '../runtime/async-queue.js'
import type {FunctionSpec, InvocationResult, LambdaRuntime} from '../runtime/runtime.js'
import {ConcurrencyLimitError, createLambdaRuntime, isNodeRuntime, logTail} from '../runtime/runtime.js'
import type {AsyncInvocation, LocalContext, LocalRequest} from '../contract.js'
import {streamInvocation} from './invoke-stream.js'
import {functionArn} from './names.js'
import {startInvocation} from './metrics.js'
import {readInvokePayload, SYNC_PAYLOAD_LIMIT} from './payload.js'
import {IMAGE_NOT_RUN} from './image.js'
import {invalidParameter, LambdaError, validationError} from './protocol.js'
import type {InvocationTarget} from './resolve.js'
import {resolveInvocationTarget} from './resolve.js'

export interface InvokeService {
  handleInvoke(request: LocalRequest, response: ServerResponse, target: InvocationTarget): Promise<void>
  /** InvokeWithResponseStream: the response as an event stream (invoke-stream.ts). */
  handleInvokeStream(request: LocalRequest, response: ServerResponse, target: InvocationTarget): Promise<void>
  /** Queues an Event invocation for another service (the lambda.invokeAsync hook); resolves to its request id. */
  invokeAsync(invocation: AsyncInvocation): Promise<string>
  /** Runs a RequestResponse invocation for Lambda's own event source mappings (checked as Invoke checks it). */
  invokeSync(invocation: AsyncInvocation): Promise<SyncOutcome>
  /** Runs `target` once and waits for its result (a function URL request), checked as Invoke checks it. */
  invokeTarget(target: InvocationTarget, region: string, call: {requestId: string; payload: string}): Promise<InvocationResult>
  close(): Promise<void>
}

/** How a synchronous invocation by an event source mapping ended. */
export interface SyncOutcome {
  readonly payload: string
  /** The function failed (or answered more than Lambda returns). */
  readonly functionError: boolean
}

const INVOCATION_TYPES = ['Event', 'RequestResponse', 'DryRun']

export function createInvokeService(context: LocalContext): InvokeService {
  const {settings} = context
  const runtime = createLambdaRuntime({
    store: context.store,
    idleTimeoutMs: settings.idleTimeoutMs,
    maxEnvironments: settings.maxEnvironments,
    endpoint: () => context.endpoint(),
  })
  const queue = new AsyncQueue({store: context.store, retryDelayMs: settings.asyncRetryMs, run: (job, payload) => runQueued(context, runtime, job, payload)})
  return {
    handleInvoke: (request, response, target) => handleInvoke(context, runtime, queue, request, response, target),
    handleInvokeStream(request, response, target) {
      const spec = specOf(target, request.region)
      return streamInvocation({
        request, response, executedVersion: target.executedVersion,
        check: () => checkInvocable(target, spec),
        run: (call) => run(context, runtime, spec, {...call, invokedFunctionArn: invokedArn(spec, target), ...clientContextOf(request)}),
      })
    },
    invokeAsync: (invocation) => invokeAsync(context, queue, invocation),
    invokeSync: (invocation) => invokeSync(context, runtime, invocation),
    invokeTarget(target, region, call) {
      const spec = specOf(target, region)
      checkInvocable(target, spec)
      return run(context, runtime, spec, {...call, invokedFunctionArn: invokedArn(spec, target)})
    },
    async close() {
      const closing = queue.close()
      await runtime.close()
      await closing
    },
  }
}

function header(request: LocalRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** What the runtime runs for a target. */
function specOf(target: InvocationTarget, region: string): FunctionSpec {
  const config = target.version.config
  const name = config.FunctionName ?? target.fn.name
  return {
    functionName: name,
    functionArn: functionArn({region, accountId: arnAccount(config.FunctionArn)}, name),
    version: target.executedVersion,
    region,
    runtime: config.Runtime ?? 'unknown (container image)',
    handler: config.Handler ?? 'index.handler',
    memorySize: config.MemorySize ?? 128,
    timeout: config.Timeout ?? 3,
    environment: config.Environment?.Variables ?? {},
    codeSha256: target.version.code.sha256,
    layerSha256s: target.version.layers.map((layer) => layer.sha256),
    ...(target.fn.reservedConcurrency === undefined ? {} : {reservedConcurrency: target.fn.reservedConcurrency}),
    logGroup: config.LoggingConfig?.LogGroup ?? `/aws/lambda/${name}`,
  }
}

function arnAccount(arn: string | undefined): string {
  return arn?.split(':')[4] ?? '000000000000'
}

/** The ARN the caller invoked: qualified by the alias or version it named. */
function invokedArn(spec: FunctionSpec, target: InvocationTarget): string {
  if (target.aliasName) return `${spec.functionArn}:${target.aliasName}`
  return target.executedVersion === '$LATEST' ? spec.functionArn : `${spec.functionArn}:${target.executedVersion}`
}

function checkInvocable(target: InvocationTarget, spec: FunctionSpec): void {
  const state = target.version.config.State
  if (state !== undefined && state !== 'Active') {
    throw new LambdaError('ResourceConflictException', `The operation cannot be performed at this time. The function is currently in the following state: ${state}`)
  }
  // A modelled 400 the SDKs type and never retry: there is nothing to wait for.
  if (target.version.config.PackageType === 'Image') throw invalidParameter(IMAGE_NOT_RUN)
  if (!isNodeRuntime(spec.runtime)) {
    throw new LambdaError('InvalidRuntimeException', `The sling local cloud runs Node.js handlers only: runtime ${spec.runtime} can't be invoked locally.`, undefined, 502)
  }
}

async function handleInvoke(
  context: LocalContext,
  runtime: LambdaRuntime,
  queue: AsyncQueue,
  request: LocalRequest,
  response: ServerResponse,
  target: InvocationTarget,
): Promise<void> {
  const legacyAsync = request.url.pathname.endsWith('/invoke-async') || request.url.pathname.endsWith('/invoke-async/')
  const type = legacyAsync ? 'Event' : (header(request, 'x-amz-invocation-type') ?? 'RequestResponse')
  if (!INVOCATION_TYPES.includes(type)) {
    throw validationError([`Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`])
  }
  const logType = header(request, 'x-amz-log-type') ?? 'None'
  if (logType !== 'None' && logType !== 'Tail') {
    throw validationError([`Value '${logType}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [Tail, None]`])
  }
  const spec = specOf(target, request.region)
  const payload = await readInvokePayload(request, type, legacyAsync)
  checkInvocable(target, spec)
  const requestId = randomUUID()
  const base = {'x-amzn-requestid': requestId, 'x-amz-executed-version': target.executedVersion}
  if (type === 'DryRun') {
    reply(response, 204, base, '')
    return
  }
  if (type === 'Event') {
    await enqueue(queue, target, spec, requestId, payload)
    reply(response, 202, {'x-amzn-requestid': requestId}, legacyAsync ? JSON.stringify({Status: 202}) : '')
    return
  }
  const result = await run(context, runtime, spec, {
    requestId,
    payload: payload.toString('utf8'),
    invokedFunctionArn: invokedArn(spec, target),
    ...clientContextOf(request),
  })
  const tooLarge = Buffer.byteLength(result.payload) > SYNC_PAYLOAD_LIMIT
  const body = tooLarge ? JSON.stringify({errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).', errorType: 'Function.ResponseSizeTooLarge'}) : result.payload
  reply(
    response,
    200,
    {
      ...base,
      'content-type': 'application/json',
      ...(result.functionError || tooLarge ? {'x-amz-function-error': 'Unhandled'} : {}),
      ...(logType === 'Tail' ? {'x-amz-log-result': logTail(result.logs)} : {}),
    },
    body,
  )
}

/** Queues one Event invocation, retried as the target's event invoke config says (twice by default). */
async function enqueue(queue: AsyncQueue, target: InvocationTarget, spec: FunctionSpec, requestId: string, payload: Buffer): Promise<void> {
  const retries = target.fn.eventInvokeConfigs[target.aliasName ?? target.executedVersion]?.MaximumRetryAttempts ?? 2
  await queue.enqueue({requestId, region: spec.region, functionName: spec.functionName, version: target.executedVersion, invokedFunctionArn: invokedArn(spec, target), maxRetries: retries}, payload)
}

/** An Event invocation another service asks for (S3 notifications, SQS delivery): checked as Invoke checks it, then queued. */
async function invokeAsync(context: LocalContext, queue: AsyncQueue, invocation: AsyncInvocation): Promise<string> {
  const target = await resolveInvocationTarget(context.store, invocation.region, invocation.functionName, invocation.qualifier, context.accountId)
  const spec = specOf(target, invocation.region)
  checkInvocable(target, spec)
  const requestId = randomUUID()
  await enqueue(queue, target, spec, requestId, Buffer.from(invocation.payload))
  return requestId
}

/** A synchronous invocation by an event source mapping: resolved (aliases route by weight) and checked as Invoke does. */
async function invokeSync(context: LocalContext, runtime: LambdaRuntime, invocation: AsyncInvocation): Promise<SyncOutcome> {
  const target = await resolveInvocationTarget(context.store, invocation.region, invocation.functionName, invocation.qualifier, context.accountId)
  const spec = specOf(target, invocation.region)
  checkInvocable(target, spec)
  const result = await run(context, runtime, spec, {requestId: randomUUID(), payload: invocation.payload, invokedFunctionArn: invokedArn(spec, target)})
  return {payload: result.payload, functionError: result.functionError !== undefined || Buffer.byteLength(result.payload) > SYNC_PAYLOAD_LIMIT}
}

function clientContextOf(request: LocalRequest): {clientContext?: string} {
  const encoded = header(request, 'x-amz-client-context')
  if (!encoded) return {}
  return {clientContext: Buffer.from(encoded, 'base64').toString('utf8')}
}

/** Runs once and writes the log; throttling becomes Lambda's TooManyRequestsException. */
async function run(context: LocalContext, runtime: LambdaRuntime, spec: FunctionSpec, call: Parameters<LambdaRuntime['invoke']>[1]): Promise<InvocationResult> {
  let result: InvocationResult
  const finished = startInvocation(context.hooks, spec.region, call.invokedFunctionArn, spec.version)
  try {
    result = await runtime.invoke(spec, call)
  } catch (error) {
    if (error instanceof ConcurrencyLimitError) {
      await finished({kind: 'throttle'})
      throw new LambdaError('TooManyRequestsException', 'Rate Exceeded.', {Reason: error.reason, retryAfterSeconds: '1'})
    }
    await finished({kind: 'failed'})
    throw error
  }
  await finished({kind: result.functionError ? 'error' : 'ok', durationMs: result.durationMs})
  try {
    await context.hooks.logs.write(spec.region, result.logGroup, result.logStream, result.logs)
  } catch (error) {
    // The handler ran and produced this result: answering an error now would make SDK retries run it again.
    process.stderr.write(`sling local cloud: couldn't write the log of ${spec.functionName} to ${result.logGroup}: ${error instanceof Error ? error.message : String(error)}\n`)
  }
  return result
}

/** One run of a queued Event invocation: the version is looked up again (it may have been deleted since). */
async function runQueued(context: LocalContext, runtime: LambdaRuntime, job: AsyncJob, payload: Buffer): Promise<JobOutcome> {
  let target: InvocationTarget
  try {
    target = await resolveInvocationTarget(context.store, job.region, job.functionName, job.version, context.accountId)
  } catch {
    return 'done' // the function or version is gone: Lambda drops the event
  }
  const spec = specOf(target, job.region)
  if (!isNodeRuntime(spec.runtime)) return 'done'
  try {
    const result = await run(context, runtime, spec, {requestId: job.requestId, payload: payload.toString('utf8'), invokedFunctionArn: job.invokedFunctionArn})
    return result.functionError ? 'retry' : 'done'
  } catch {
    return 'retry' // throttled: Lambda keeps the event and tries again later
  }
}

function reply(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  response.writeHead(status, {...headers, 'content-length': String(Buffer.byteLength(body))})
  response.end(body)
}

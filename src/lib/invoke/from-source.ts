/**
 * `sling invoke FUNCTION --from-source`: the handler straight from the project's source, bundled as
 * `sling package` bundles it and run in the local cloud's runtime, in this process's own worker: the
 * environment Lambda sets, the function's configured variables, MemorySize and timeout. No deploy and
 * no server: what `sam local invoke` does with Docker, without the container.
 */
import {randomUUID} from 'node:crypto'

import type {FunctionConfig, ProjectConfig} from '../config/load.js'
import {ExitCode, UserError} from '../errors.js'
import type {PreparedCode} from '../local/runtime/code.js'
import {ExecutionEnvironment} from '../local/runtime/environment.js'
import type {FunctionSpec, InvocationResult} from '../local/runtime/runtime.js'
import {describeInvocation, isNodeRuntime, traceId} from '../local/runtime/runtime.js'
import type {Output} from '../output.js'
import {displayPath} from '../paths.js'
import {report} from './invoke.js'
import {checkPayloadSize} from './payload.js'
import type {InvokeSummary} from './result.js'
import {outcomeOf, parsePayload, readFunctionError} from './result.js'
import {handlerString, makeSourceDirs, prepareSourceCode} from './source-code.js'

export interface SourceRunOptions {
  readonly config: ProjectConfig
  readonly fn: FunctionConfig
  /** The event, as JSON text. */
  readonly payload: string
  /** AWS_REGION, and the region of the function's ARN. */
  readonly region: string
  /** The account in the function's ARN. */
  readonly accountId: string
  /** Given to the handler as AWS_ENDPOINT_URL (--endpoint-url, or a running `sling local serve` with --local). */
  readonly endpoint?: string | undefined
  readonly clientContext?: string | undefined
}

export interface SourceRunDeps {
  readonly output: Output
  /** Ctrl-C stops the worker at once. */
  readonly signal?: AbortSignal | undefined
}

/** Bundles, runs once, prints the log, the response and the status, and cleans up. */
export async function invokeFromSource(options: SourceRunOptions, deps: SourceRunDeps): Promise<InvokeSummary> {
  checkRunnable(options.fn)
  checkPayloadSize(options.payload, 'sync')
  const dirs = await makeSourceDirs(options.config, options.fn)
  try {
    const started = performance.now()
    const code = await prepareSourceCode(options.config, options.fn, dirs, (message) => deps.output.warn(message))
    return await runSource(options, code, deps, performance.now() - started)
  } finally {
    await dirs.remove()
  }
}

/** Only Node.js handlers run locally, and only zip functions have source to run. */
export function checkRunnable(fn: FunctionConfig): void {
  if (fn.image !== undefined) {
    throw new UserError('NotRunnableFromSource', `Function ${fn.key} is a container image; --from-source runs Node.js handlers from the project's source.`, {exitCode: ExitCode.Usage, hints: ['Run the image with docker, or invoke the deployed function without --from-source.']})
  }
  if (!isNodeRuntime(fn.runtime)) {
    throw new UserError('NotRunnableFromSource', `Function ${fn.key} runs on ${fn.runtime}; --from-source runs Node.js handlers only.`, {exitCode: ExitCode.Usage, hints: ['Invoke the deployed function (without --from-source), or with --local.']})
  }
}

/** What the runtime needs: the function as Lambda would configure it from the config. */
export function sourceSpec(options: Pick<SourceRunOptions, 'fn' | 'region' | 'accountId'>): FunctionSpec {
  const {fn, region, accountId} = options
  return {
    functionName: fn.name,
    functionArn: `arn:aws:lambda:${region}:${accountId}:function:${fn.name}`,
    version: '$LATEST',
    region,
    runtime: fn.runtime,
    handler: handlerString(fn),
    memorySize: fn.memorySize,
    timeout: fn.timeout,
    environment: fn.environment,
    codeSha256: 'from-source',
    layerSha256s: [],
    logGroup: fn.loggingConfig?.logGroup ?? `/aws/lambda/${fn.name}`,
  }
}

/** Runs the prepared code once in a fresh worker, which is stopped afterwards. */
export async function runSource(options: SourceRunOptions, code: PreparedCode, {output, signal}: SourceRunDeps, buildMs: number): Promise<InvokeSummary> {
  const spec = sourceSpec(options)
  const env = new ExecutionEnvironment(spec, code, `source:${options.fn.key}`, options.endpoint)
  const stop = (): void => env.kill()
  signal?.addEventListener('abort', stop, {once: true})
  let result: InvocationResult
  try {
    const requestId = randomUUID()
    const started = Date.now()
    const raw = await env.invoke({requestId, event: options.payload, invokedFunctionArn: spec.functionArn, clientContext: options.clientContext, traceId: traceId()}, spec.timeout * 1000)
    result = describeInvocation(spec, env.logStream, requestId, started, raw)
  } finally {
    signal?.removeEventListener('abort', stop)
    env.kill()
  }
  if (signal?.aborted) throw new UserError('Interrupted', 'Interrupted: the handler was stopped.', {exitCode: ExitCode.Interrupted})
  return summarize(options, result, output, buildMs)
}

function summarize(options: SourceRunOptions, result: InvocationResult, output: Output, buildMs: number): InvokeSummary {
  const functionError = result.functionError ? readFunctionError(result.functionError, result.payload) : undefined
  const log = result.logs.map((event) => event.message.replace(/\t$/, '')).join('\n')
  const summary: InvokeSummary = {
    functionName: options.fn.name,
    executedVersion: '$LATEST',
    statusCode: 200,
    requestId: result.requestId,
    durationMs: result.durationMs,
    ...outcomeOf(functionError),
    payload: parsePayload(result.payload),
    ...(functionError ? {functionError} : {}),
    log,
    fromSource: {buildMs, initDurationMs: result.initDurationMs, billedDurationMs: result.billedDurationMs, maxMemoryUsedMb: result.maxMemoryMb, memorySizeMb: options.fn.memorySize},
  }
  report(output, summary, result.payload)
  if (functionError && /^Runtime\.(HandlerNotFound|ImportModuleError|UserCodeSyntaxError)$/.test(functionError.errorType)) {
    const entry = options.fn.entry ? displayPath(options.fn.entry) : displayPath(options.fn.source)
    output.info(`  ${output.color.dim('→')} ${entry} must export "${options.fn.handler}" (functions.${options.fn.key}.handler in ${displayPath(options.config.file)}) and load without errors.`)
  }
  return summary
}

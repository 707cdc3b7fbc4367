/**
 * `sling invoke FUNCTION`: one call through Lambda's Invoke (RequestResponse, Event or DryRun), its
 * response on stdout, and what happened on stderr. A function error is the call working and the function
 * failing: it is reported readably and ends with exit 3, apart from sling's own failures (1).
 */
import type {LambdaApi} from '../aws/lambda.js'
import type {Output} from '../output.js'
import type {Target} from '../targets.js'
import {explainMissing} from '../targets.js'
import {checkPayloadSize} from './payload.js'
import {printLog, printPayload, printStatus} from './render.js'
import type {InvokeSummary} from './result.js'
import {outcomeOf, parsePayload, readFunctionError} from './result.js'

/** How to invoke: Lambda's InvocationType, as --async and --dry-run choose it. */
export type InvokeMode = 'sync' | 'async' | 'dry-run'

export interface InvokeOptions {
  readonly target: Target
  /** The event, as JSON text. */
  readonly payload: string
  /** A version or alias (--qualifier, or FUNCTION:QUALIFIER). */
  readonly qualifier?: string | undefined
  /** @default "sync" */
  readonly mode?: InvokeMode | undefined
  /** Ask for the tail of the invocation's log (LogType Tail) and print it. @default false */
  readonly log?: boolean | undefined
  /** JSON handed to the function as context.clientContext. */
  readonly clientContext?: string | undefined
}

export interface InvokeDeps {
  readonly lambda: Pick<LambdaApi, 'invoke'>
  readonly output: Output
  readonly signal?: AbortSignal | undefined
}

const INVOCATION_TYPES = {sync: 'RequestResponse', async: 'Event', 'dry-run': 'DryRun'} as const

/** Invokes once and prints the answer (nothing under --json, where the summary is the output). */
export async function invokeFunction(options: InvokeOptions, {lambda, output, signal}: InvokeDeps): Promise<InvokeSummary> {
  const mode = options.mode ?? 'sync'
  checkPayloadSize(options.payload, mode === 'async' ? 'async' : 'sync')
  const started = performance.now()
  let answer
  try {
    answer = await lambda.invoke(options.target.functionName, options.payload, {
      qualifier: options.qualifier,
      invocationType: INVOCATION_TYPES[mode],
      logTail: options.log === true && mode === 'sync',
      clientContext: options.clientContext,
      signal,
    })
  } catch (error) {
    throw explainMissing(error, options.target)
  }
  const durationMs = performance.now() - started
  const text = Buffer.from(answer.payload).toString('utf8')
  const functionError = answer.functionError === undefined ? undefined : readFunctionError(answer.functionError, text)
  const base = {
    functionName: options.target.name,
    ...(options.qualifier ? {qualifier: options.qualifier} : {}),
    executedVersion: answer.executedVersion,
    statusCode: answer.statusCode,
    requestId: answer.requestId,
    durationMs,
    ...(answer.logTail === undefined ? {} : {log: answer.logTail}),
  }
  const summary: InvokeSummary =
    mode === 'sync'
      ? {...base, ...outcomeOf(functionError), payload: parsePayload(text), ...(functionError ? {functionError} : {})}
      : {...base, status: mode === 'async' ? 'queued' : 'dry-run'}
  report(output, summary, mode === 'sync' ? text : undefined)
  return summary
}

/** Response on stdout (an error payload only when piped: a script may want it), the rest on stderr. */
export function report(output: Output, summary: InvokeSummary, text: string | undefined): void {
  if (output.json) return
  printLog(output, summary.log)
  if (text !== undefined && (!summary.functionError || !output.stdoutTerminal)) printPayload(output, text)
  printStatus(output, summary)
}

/**
 * `sling invoke FUNCTION --stream`: InvokeWithResponseStream for functions that stream their response
 * (awslambda.streamifyResponse). Chunks go to stdout as they arrive, never held whole, up to Lambda's
 * 200 MB streamed-response limit. A response written through awslambda.HttpResponseStream starts with a
 * JSON prelude (status code, headers) and 8 NUL bytes: that part is shown on stderr, not mixed into
 * the body.
 */
import type {LambdaApi} from '../aws/lambda.js'
import {UserError} from '../errors.js'
import type {Output} from '../output.js'
import {explainMissing} from '../targets.js'
import type {InvokeOptions} from './invoke.js'
import {checkPayloadSize} from './payload.js'
import {printLog, printStatus} from './render.js'
import type {FunctionErrorInfo, InvokeSummary} from './result.js'
import {outcomeOf, parsePayload} from './result.js'

/** Lambda's limit on a streamed response: 200 MB. */
export const STREAM_LIMIT_BYTES = 209_715_200
/** What --json keeps of the streamed body to put in its document. */
const JSON_KEEP_BYTES = 6_291_456
const DELIMITER = Buffer.alloc(8)

export interface StreamDeps {
  readonly lambda: Pick<LambdaApi, 'invokeStream'>
  readonly output: Output
  readonly signal?: AbortSignal | undefined
}

export async function invokeStreaming(options: InvokeOptions, {lambda, output, signal}: StreamDeps): Promise<InvokeSummary> {
  checkPayloadSize(options.payload, 'sync')
  const started = performance.now()
  let answer
  try {
    answer = await lambda.invokeStream(options.target.functionName, options.payload, {qualifier: options.qualifier, logTail: options.log, clientContext: options.clientContext, signal})
  } catch (error) {
    throw explainMissing(error, options.target)
  }
  const body = new BodyWriter(output)
  let complete: {errorCode?: string | undefined; errorDetails?: string | undefined; logTail?: string | undefined} = {}
  for await (const event of answer.events) {
    if (event.kind === 'chunk') body.add(Buffer.from(event.payload))
    else complete = event
  }
  body.end()
  const functionError = complete.errorCode === undefined ? undefined : streamError(complete.errorCode, complete.errorDetails)
  const summary: InvokeSummary = {
    functionName: options.target.name,
    ...(options.qualifier ? {qualifier: options.qualifier} : {}),
    executedVersion: answer.executedVersion,
    statusCode: answer.statusCode,
    requestId: answer.requestId,
    durationMs: performance.now() - started,
    ...outcomeOf(functionError),
    payload: parsePayload(body.kept()),
    ...(functionError ? {functionError} : {}),
    ...(body.prelude ? {httpResponse: body.prelude} : {}),
    ...(complete.logTail === undefined ? {} : {log: complete.logTail}),
  }
  if (!output.json) {
    printLog(output, summary.log)
    printStatus(output, summary)
  }
  return summary
}

/** InvokeComplete's ErrorCode and ErrorDetails: the details may be the runtime's JSON error payload. */
function streamError(errorCode: string, details: string | undefined): FunctionErrorInfo {
  const parsed = parsePayload(details ?? '') as {errorType?: unknown; errorMessage?: unknown; trace?: unknown; stackTrace?: unknown} | string
  if (typeof parsed === 'object' && parsed !== null && typeof parsed.errorMessage === 'string') {
    const trace = Array.isArray(parsed.trace) ? parsed.trace : Array.isArray(parsed.stackTrace) ? parsed.stackTrace : []
    return {kind: 'Unhandled', errorType: typeof parsed.errorType === 'string' ? parsed.errorType : errorCode, errorMessage: parsed.errorMessage, stackTrace: trace.map(String)}
  }
  return {kind: 'Unhandled', errorType: errorCode, errorMessage: details ?? errorCode, stackTrace: []}
}

/** Writes the body as it arrives, after taking an HttpResponseStream prelude off its front. */
class BodyWriter {
  prelude: Record<string, unknown> | undefined
  private head: Buffer | undefined = Buffer.alloc(0)
  private chunks = 0
  private total = 0
  private readonly keep: Buffer[] = []
  private keptBytes = 0

  constructor(private readonly output: Output) {}

  add(chunk: Buffer): void {
    this.total += chunk.length
    if (this.total > STREAM_LIMIT_BYTES) {
      throw new UserError('StreamTooLarge', `The streamed response passed Lambda's limit of ${STREAM_LIMIT_BYTES.toLocaleString('en-US')} bytes (200 MB); sling stopped reading it.`)
    }
    if (this.head === undefined) return this.emit(chunk)
    // The prelude and its delimiter come as the first write(s): look only there, and only briefly.
    this.head = Buffer.concat([this.head, chunk])
    this.chunks++
    const at = this.head.indexOf(DELIMITER)
    if (this.head[0] === 0x7b && at > 0) {
      const prelude = parsePayload(this.head.subarray(0, at).toString('utf8'))
      if (typeof prelude === 'object' && prelude !== null && !Array.isArray(prelude)) {
        this.prelude = prelude as Record<string, unknown>
        this.showPrelude()
        const rest = this.head.subarray(at + DELIMITER.length)
        this.head = undefined
        if (rest.length > 0) this.emit(rest)
        return
      }
    }
    if (this.head[0] !== 0x7b || this.chunks >= 2 || this.head.length > 65_536) this.flushHead()
  }

  end(): void {
    this.flushHead()
    if (this.output.stdoutTerminal && this.total > 0) this.output.write('\n')
  }

  kept(): string {
    return Buffer.concat(this.keep).toString('utf8')
  }

  private flushHead(): void {
    const head = this.head
    this.head = undefined
    if (head && head.length > 0) this.emit(head)
  }

  private emit(chunk: Buffer): void {
    this.output.write(chunk)
    if (this.keptBytes < JSON_KEEP_BYTES) {
      this.keep.push(chunk)
      this.keptBytes += chunk.length
    }
  }

  private showPrelude(): void {
    const {statusCode, headers} = this.prelude as {statusCode?: unknown; headers?: unknown}
    const list = typeof headers === 'object' && headers !== null ? Object.entries(headers).map(([name, value]) => `${name}: ${String(value)}`) : []
    this.output.info(this.output.color.dim(`HTTP ${typeof statusCode === 'number' ? statusCode : 200}${list.length > 0 ? ` (${list.join(', ')})` : ''}`))
  }
}

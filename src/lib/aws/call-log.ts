/**
 * --verbose: one line per AWS call on stderr, for bug reports. Only what identifies the call and how it went
 * (service, operation, HTTP status, error name, duration, retries, request id): never a header, a body, a
 * parameter or a credential, so the output can be pasted into an issue as it is.
 */

/** The part of an SDK client's middleware stack this needs (any service's client has it). */
interface LoggableClient {
  readonly middlewareStack: {
    add(
      middleware: (next: (args: never) => Promise<unknown>, context: {readonly clientName?: string; readonly commandName?: string}) => (args: never) => Promise<unknown>,
      options: {readonly step: 'initialize'; readonly name: string; readonly override?: boolean},
    ): void
  }
}

/** What the SDK reports about a finished call, on its output or on its error. */
interface CallMetadata {
  readonly httpStatusCode?: number
  readonly attempts?: number
  readonly requestId?: string
}

/** One finished call, as the log line shows it. */
export interface LoggedCall {
  readonly service: string
  readonly operation: string
  readonly ms: number
  readonly status?: number | undefined
  readonly attempts?: number | undefined
  /** The error's name (its exception class, or a network code such as ECONNREFUSED); absent on success. */
  readonly error?: string | undefined
  readonly requestId?: string | undefined
}

/**
 * Logs each call when it ends, from the "initialize" step: the duration covers the SDK's retries and their
 * pauses, and `$metadata.attempts` counts them.
 */
export function logCalls(client: LoggableClient, log: (line: string) => void, now: () => number = () => performance.now()): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const call = {service: (context.clientName ?? '').replace(/Client$/, ''), operation: (context.commandName ?? '').replace(/Command$/, '')}
      const start = now()
      try {
        const output = await next(args)
        const meta = metadataOf((output as {output?: {$metadata?: CallMetadata}} | undefined)?.output)
        log(formatCall({...call, ms: now() - start, status: meta.httpStatusCode, attempts: meta.attempts, requestId: meta.requestId}))
        return output
      } catch (error) {
        const meta = metadataOf(error)
        const e = error as {name?: string; code?: string}
        const name = typeof e.code === 'string' && e.code !== '' ? e.code : e.name
        log(formatCall({...call, ms: now() - start, status: meta.httpStatusCode, attempts: meta.attempts, error: name, requestId: meta.requestId}))
        throw error
      }
    },
    {step: 'initialize', name: 'slingCallLog', override: true},
  )
}

function metadataOf(value: unknown): CallMetadata {
  const meta = (value as {$metadata?: CallMetadata} | undefined)?.$metadata
  return meta ?? {}
}

/** "AWS Lambda.GetFunction 404 ResourceNotFoundException 31 ms, 1 retry (request 7f3c…)". */
export function formatCall(call: LoggedCall): string {
  const retries = call.attempts !== undefined && call.attempts > 1 ? `, ${call.attempts - 1} ${call.attempts === 2 ? 'retry' : 'retries'}` : ''
  const outcome = [call.status ?? (call.error ? 'failed' : 'ok'), call.error].filter((part) => part !== undefined).join(' ')
  const request = call.requestId ? ` (request ${call.requestId})` : ''
  return `AWS ${call.service}.${call.operation} ${outcome} ${formatMs(call.ms)}${retries}${request}`
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`
}

import {DeleteLogGroupCommand, FilterLogEventsCommand, StartLiveTailCommand} from '@aws-sdk/client-cloudwatch-logs'
import type {CloudWatchLogsClient, StartLiveTailResponseStream} from '@aws-sdk/client-cloudwatch-logs'

import {UserError} from '../errors.js'
import type {AwsErrorContext} from './errors.js'
import {errorName, toUserError} from './errors.js'
import type {CallOptions} from '../clock.js'
import {abortReason, throwIfAborted} from '../clock.js'
import type {StoredLogEvent} from './types.js'

/** The CloudWatch Logs operations sling uses. */
export interface LogsApi {
  /** Every matching event, page after page, in the order AWS returns them. */
  filterEvents(group: string, options?: FilterOptions): AsyncIterable<StoredLogEvent>
  /**
   * A Live Tail session (StartLiveTail) on the groups (ARNs): `started` once it runs, then each update (about
   * one a second, empty when idle). It ends when the session does (AWS ends them after 3 hours) or the signal
   * aborts. Throws `LiveTailUnavailable` when the endpoint or the account can't tail (an endpoint without
   * the operation, no logs:StartLiveTail permission, too many sessions), `NoLogs` for a missing group.
   */
  liveTail(groups: readonly string[], options?: LiveTailOptions): AsyncIterable<LiveTailUpdate>
  /** Deletes the group and its events (Lambda doesn't when a function is deleted). */
  deleteLogGroup(group: string, options?: CallOptions): Promise<'deleted' | 'absent'>
}

export interface FilterOptions {
  /** Epoch milliseconds, inclusive. */
  readonly startTime?: number | undefined
  /** Epoch milliseconds, inclusive. */
  readonly endTime?: number | undefined
  /** A CloudWatch Logs filter pattern, e.g. '"ERROR"' or '{ $.level = "error" }'. */
  readonly filterPattern?: string | undefined
  /** Only these log streams. */
  readonly streamNames?: readonly string[] | undefined
  /** Stops the reading, including a page request in flight. */
  readonly signal?: AbortSignal | undefined
}

export interface LiveTailOptions {
  /** A CloudWatch Logs filter pattern, applied by the service. */
  readonly filterPattern?: string | undefined
  /** Ends the session, including the response being read. */
  readonly signal?: AbortSignal | undefined
}

/** What a Live Tail session sends: its start, then updates (events carry no eventId). */
export type LiveTailUpdate =
  | {readonly kind: 'started'}
  | {readonly kind: 'events'; readonly events: readonly StoredLogEvent[]; readonly sampled: boolean}

/**
 * Errors that mean "no Live Tail here", not "the logs can't be read": an endpoint without the operation
 * (the local cloud of an older sling, LocalStack), no logs:StartLiveTail permission, a group class without
 * Live Tail, or the account's limit of concurrent sessions. Polling FilterLogEvents still works for them.
 */
const NO_LIVE_TAIL = new Set(['UnknownOperationException', 'NotImplemented', 'InvalidAction', 'UnsupportedOperation', 'AccessDeniedException', 'InvalidOperationException', 'LimitExceededException'])

/** The log group Lambda writes a function's logs to. */
export function logGroupOf(functionName: string): string {
  return `/aws/lambda/${functionName}`
}

/** The Logs API over an SDK client. `context` (region, endpoint) goes into error messages. */
export function createLogsApi(client: CloudWatchLogsClient, context: AwsErrorContext = {}): LogsApi {
  return {
    async *filterEvents(group, {startTime, endTime, filterPattern, streamNames, signal} = {}) {
      const input = {logGroupName: group, startTime, endTime, filterPattern, logStreamNames: streamNames?.length ? [...streamNames] : undefined}
      try {
        let nextToken: string | undefined
        do {
          throwIfAborted(signal)
          const page = await client.send(new FilterLogEventsCommand({...input, nextToken}), {abortSignal: signal})
          throwIfAborted(signal) // a page that arrived as the abort came is dropped, not shown
          for (const e of page.events ?? []) {
            yield {timestamp: e.timestamp ?? 0, message: e.message ?? '', logStream: e.logStreamName ?? '', eventId: e.eventId, ingestionTime: e.ingestionTime}
          }
          nextToken = page.nextToken
        } while (nextToken)
      } catch (error) {
        throwIfAborted(signal)
        if (errorName(error) !== 'ResourceNotFoundException') throw toUserError(error, context)
        const fn = group.startsWith('/aws/lambda/') ? group.slice('/aws/lambda/'.length) : undefined
        const where = context.region ? ` in ${context.region}` : ''
        throw new UserError('NoLogs', fn ? `Function "${fn}" has no logs yet${where}: the log group ${group} doesn't exist.` : `The log group ${group} doesn't exist${where}.`, {
          cause: error,
          hints: fn ? [`A function's log group appears on its first invocation: try "sling invoke ${fn}". Check --region and --stage if it should have run.`] : ['Check the group name and --region.'],
        })
      }
    },
    async *liveTail(groups, {filterPattern, signal} = {}) {
      let stream: AsyncIterable<StartLiveTailResponseStream> | undefined
      try {
        throwIfAborted(signal)
        const input = {logGroupIdentifiers: [...groups], ...(filterPattern ? {logEventFilterPattern: filterPattern} : {})}
        stream = (await client.send(new StartLiveTailCommand(input), {abortSignal: signal})).responseStream
      } catch (error) {
        throwIfAborted(signal)
        throw liveTailRefusal(error, groups, context)
      }
      if (!stream) return
      try {
        for await (const frame of abortable(stream, signal)) {
          if (frame.sessionStart) yield {kind: 'started'}
          if (frame.sessionUpdate) yield {kind: 'events', events: (frame.sessionUpdate.sessionResults ?? []).map(toStoredEvent), sampled: frame.sessionUpdate.sessionMetadata?.sampled === true}
          if (frame.SessionTimeoutException || frame.SessionStreamingException) return
        }
      } catch (error) {
        throwIfAborted(signal)
        // The session's end (its 3 hours are up) or a server-side failure of the stream: the caller starts another.
        if (errorName(error) === 'SessionTimeoutException' || errorName(error) === 'SessionStreamingException') return
        throw toUserError(error, context)
      }
    },
    async deleteLogGroup(group, {signal} = {}) {
      try {
        await client.send(new DeleteLogGroupCommand({logGroupName: group}), {abortSignal: signal})
        return 'deleted'
      } catch (error) {
        throwIfAborted(signal)
        if (errorName(error) === 'ResourceNotFoundException') return 'absent'
        throw toUserError(error, context)
      }
    },
  }
}

function toStoredEvent(event: {timestamp?: number; message?: string; logStreamName?: string; ingestionTime?: number}): StoredLogEvent {
  return {timestamp: event.timestamp ?? 0, message: event.message ?? '', logStream: event.logStreamName ?? '', ingestionTime: event.ingestionTime}
}

/** Why StartLiveTail was refused, as a UserError: `LiveTailUnavailable` (poll instead), `NoLogs`, or what toUserError says. */
function liveTailRefusal(error: unknown, groups: readonly string[], context: AwsErrorContext): UserError {
  const name = errorName(error) ?? ''
  const status = (error as {$metadata?: {httpStatusCode?: number}} | undefined)?.$metadata?.httpStatusCode
  if (NO_LIVE_TAIL.has(name) || status === 404 || status === 501) {
    const detail = error instanceof Error && error.message ? error.message : name || `HTTP ${String(status)}`
    return new UserError('LiveTailUnavailable', `Live Tail isn't available${context.endpoint ? ` at ${context.endpoint}` : ''}: ${detail}`, {cause: error})
  }
  if (name === 'ResourceNotFoundException') {
    return new UserError('NoLogs', `The log group ${groups.map((arn) => arn.replace(/^arn:[^:]+:logs:[^:]*:[^:]*:log-group:/, '')).join(', ')} doesn't exist yet.`, {cause: error})
  }
  return toUserError(error, context)
}

/** Iterates `source` until it ends or `signal` aborts (then at once, with the abort reason, even while waiting for the next item). */
async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]()
  const aborted = new Promise<never>((_resolve, reject) => {
    if (signal?.aborted) reject(abortReason(signal))
    signal?.addEventListener('abort', () => reject(abortReason(signal)), {once: true})
  })
  aborted.catch(() => undefined) // observed below; never an unhandled rejection
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted])
      if (next.done) return
      yield next.value
    }
  } finally {
    void iterator.return?.()?.catch(() => undefined)
  }
}

import {DeleteLogGroupCommand, FilterLogEventsCommand} from '@aws-sdk/client-cloudwatch-logs'
import type {CloudWatchLogsClient} from '@aws-sdk/client-cloudwatch-logs'

import {UserError} from '../errors.js'
import type {AwsErrorContext} from './errors.js'
import {errorName, toUserError} from './errors.js'
import type {CallOptions} from '../clock.js'
import {throwIfAborted} from '../clock.js'
import type {StoredLogEvent} from './types.js'

/** The CloudWatch Logs operations sling uses. */
export interface LogsApi {
  /** Every matching event, page after page, in the order AWS returns them. */
  filterEvents(group: string, options?: FilterOptions): AsyncIterable<StoredLogEvent>
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

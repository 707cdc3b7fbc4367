/** Reading a log group once: a time range (every page, to the end), or one invocation from START to REPORT. */
import type {LogsApi} from '../aws/logs.js'
import type {StoredLogEvent} from '../aws/types.js'
import {UserError} from '../errors.js'
import {localTime} from './format.js'
import {parseLine} from './lines.js'

export interface ReadOptions {
  readonly group: string
  /** Epoch ms, inclusive. */
  readonly startTime: number
  /** Epoch ms, inclusive; now when absent. */
  readonly endTime?: number | undefined
  readonly filterPattern?: string | undefined
}

export interface ReadDeps {
  readonly logs: Pick<LogsApi, 'filterEvents'>
  readonly signal?: AbortSignal | undefined
}

/** Calls `print` with every event of the range, in time order, as the pages arrive. */
export async function readRange(options: ReadOptions, {logs, signal}: ReadDeps, print: (event: StoredLogEvent) => void): Promise<void> {
  for await (const event of logs.filterEvents(options.group, {startTime: options.startTime, endTime: options.endTime, filterPattern: options.filterPattern, signal})) print(event)
}

/**
 * Calls `print` with one invocation's lines, START to REPORT, in the order its stream holds them. Two reads:
 * the lines naming the request id, to find its START and its stream; then that stream from START on (an
 * execution environment runs one invocation at a time, so nothing else is between START and REPORT).
 */
export async function readInvocation(options: ReadOptions & {readonly requestId: string}, {logs, signal}: ReadDeps, print: (event: StoredLogEvent) => void): Promise<void> {
  const {requestId, group} = options
  let start: StoredLogEvent | undefined
  let first: StoredLogEvent | undefined
  let report: StoredLogEvent | undefined
  for await (const event of logs.filterEvents(group, {startTime: options.startTime, endTime: options.endTime, filterPattern: `"${requestId}"`, signal})) {
    const line = parseLine(event.message)
    if (line.requestId !== requestId) continue
    first ??= event
    if (line.kind === 'start') start ??= event
    if (line.kind === 'report') report = event
  }
  const anchor = start ?? first
  if (!anchor) {
    throw new UserError('InvocationNotFound', `No invocation ${requestId} in ${group} between ${localTime(options.startTime)} and ${options.endTime === undefined ? 'now' : localTime(options.endTime)}.`, {
      hints: ['Widen the range with --since (e.g. --since 1d), or check the request id and the function.'],
    })
  }
  let printing = !start // without its START (before --since), from its first line
  for await (const event of logs.filterEvents(group, {streamNames: [anchor.logStream], startTime: anchor.timestamp, endTime: report?.timestamp ?? options.endTime, signal})) {
    const line = parseLine(event.message)
    printing ||= line.kind === 'start' && line.requestId === requestId
    if (!printing) continue
    print(event)
    if (line.kind === 'report' && line.requestId === requestId) return
  }
}

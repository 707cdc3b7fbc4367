/**
 * `sling logs FUNCTION`: a function's log group, read once (a time range, or one invocation) or followed
 * (Live Tail where the endpoint offers it, else polling), each event printed on stdout as it arrives.
 */
import type {LambdaApi} from '../aws/lambda.js'
import type {LogsApi} from '../aws/logs.js'
import type {StoredLogEvent} from '../aws/types.js'
import type {Clock} from '../clock.js'
import type {Colors, Output} from '../output.js'
import type {Target} from '../targets.js'
import {followLive} from './follow.js'
import type {LogFormat} from './format.js'
import {createFormatter, localTime} from './format.js'
import {followByPolling} from './poll.js'
import {readInvocation, readRange} from './read.js'
import type {LogSource} from './source.js'
import {inSource, resolveLogSource} from './source.js'
import {parseTime} from './time.js'

export interface LogsOptions {
  readonly target: Target
  /** A version, '$LATEST' or an alias: only its streams. */
  readonly qualifier?: string | undefined
  /** A duration back from now (10m, 2h, 1d) or an ISO timestamp. @default "10m" when reading; now when following */
  readonly since?: string | undefined
  readonly until?: string | undefined
  /** A CloudWatch Logs filter pattern. */
  readonly filter?: string | undefined
  /** Only this invocation, START to REPORT. */
  readonly requestId?: string | undefined
  /** Keep printing new events until interrupted. */
  readonly follow: boolean
  /** Follow by polling FilterLogEvents even where Live Tail is offered. */
  readonly poll: boolean
  readonly format: LogFormat
  /** Colour the pretty format (a terminal). */
  readonly color: boolean
}

export interface LogsDeps {
  readonly lambda: Pick<LambdaApi, 'getFunction' | 'getAlias'>
  readonly logs: Pick<LogsApi, 'filterEvents' | 'liveTail'>
  readonly output: Output
  readonly clock: Clock
  /** Ctrl-C: a read stops (exit 130), following ends cleanly (exit 0). */
  readonly signal: AbortSignal
}

export interface LogsResult {
  readonly status: 'read' | 'followed'
  readonly functionName: string
  readonly logGroup: string
  /** Events printed. */
  readonly events: number
  /** How new events were followed. */
  readonly via?: 'live-tail' | 'polling' | undefined
}

const DEFAULT_SINCE = '10m'

export async function showLogs(options: LogsOptions, deps: LogsDeps): Promise<LogsResult> {
  const now = deps.clock.now()
  const startTime = parseTime(options.since ?? (options.follow ? '0s' : DEFAULT_SINCE), now, 'since')
  const endTime = options.until === undefined ? undefined : parseTime(options.until, now, 'until')
  const source = await resolveLogSource({target: options.target, qualifier: options.qualifier, requireFunction: options.follow}, deps)
  const printer = createPrinter(source, options, deps.output)
  const range = {group: source.group, startTime, endTime, filterPattern: options.filter}
  const result = {functionName: source.functionName, logGroup: source.group}
  if (!options.follow) {
    if (options.requestId) await readInvocation({...range, requestId: options.requestId}, deps, printer.print)
    else await readRange(range, deps, printer.print)
    if (printer.count() === 0) deps.output.info(`No log events in ${source.group} from ${localTime(startTime)}${endTime === undefined ? '' : ` to ${localTime(endTime)}`}${options.filter ? ` matching ${options.filter}` : ''}.`)
    return {status: 'read', ...result, events: printer.count()}
  }
  const via = await follow(source, {startTime, filterPattern: options.filter, poll: options.poll}, deps, printer.print)
  return {status: 'followed', ...result, events: printer.count(), via}
}

async function follow(source: LogSource, options: {startTime: number; filterPattern?: string | undefined; poll: boolean}, deps: LogsDeps, print: (event: StoredLogEvent) => void): Promise<'live-tail' | 'polling'> {
  const {output} = deps
  const announce = (how: string): void => output.info(`Following ${source.group} ${how} (Ctrl-C to stop)…`)
  if (!options.poll && source.groupArn) {
    const live = await followLive({group: source.group, groupArn: source.groupArn, filterPattern: options.filterPattern, startTime: options.startTime}, deps, print, () => announce('through Live Tail'))
    if (live === 'stopped') return 'live-tail'
    output.info(`${live.message}; polling instead.`)
  }
  announce('by polling FilterLogEvents every second')
  await followByPolling({group: source.group, filterPattern: options.filterPattern, startTime: options.startTime}, deps, print)
  return 'polling'
}

/** Formats and prints the source's events on stdout, counting them. */
function createPrinter(source: LogSource, options: Pick<LogsOptions, 'format' | 'color'>, output: Output): {print: (event: StoredLogEvent) => void; count: () => number} {
  const format = createFormatter(output.json ? 'json' : options.format, options.color && !output.json ? output.color : PLAIN)
  let count = 0
  return {
    print(event) {
      if (!inSource(source, event)) return
      count++
      output.line(format(event))
    },
    count: () => count,
  }
}

const plain = (text: string): string => text
const PLAIN: Colors = {bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain, magenta: plain, blue: plain}

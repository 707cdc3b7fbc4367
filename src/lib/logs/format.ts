/**
 * How `sling logs` prints an event: `pretty` (local time, the request id shortened and coloured per invocation,
 * START/END dimmed, REPORT summarised, errors highlighted, JSON lines as `LEVEL message {fields}`), `raw` (the
 * message untouched) or `json` (one JSON document per event: JSON Lines).
 */
import type {StoredLogEvent} from '../aws/types.js'
import type {Colors} from '../output.js'
import type {ErrorPayload, ParsedLine, Report} from './lines.js'
import {parseLine} from './lines.js'

export const LOG_FORMATS = ['pretty', 'raw', 'json'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]

/** One event as `--json` / `--format json` prints it. */
export interface LogEventJson {
  /** ISO 8601, UTC. */
  readonly time: string
  /** Epoch milliseconds. */
  readonly timestamp: number
  readonly logStream: string
  readonly eventId?: string | undefined
  readonly requestId?: string | undefined
  /** start, end, report, log (a console or JSON line), platform (INIT_START…), plain. */
  readonly type: ParsedLine['kind']
  readonly level?: string | undefined
  /** The message as CloudWatch Logs holds it. */
  readonly message: string
  readonly report?: Report | undefined
}

export function eventJson(event: StoredLogEvent, line: ParsedLine = parseLine(event.message)): LogEventJson {
  return {
    time: new Date(event.timestamp).toISOString(),
    timestamp: event.timestamp,
    logStream: event.logStream,
    ...(event.eventId ? {eventId: event.eventId} : {}),
    ...(line.requestId ? {requestId: line.requestId} : {}),
    type: line.kind,
    ...(line.level ? {level: line.level} : {}),
    message: event.message,
    ...(line.report ? {report: line.report} : {}),
  }
}

/** Prints events in one format; `colors` are the identity when the output isn't a terminal. */
export function createFormatter(format: LogFormat, colors: Colors): (event: StoredLogEvent) => string {
  if (format === 'raw') return (event) => event.message.replace(/\n$/, '')
  if (format === 'json') return (event) => JSON.stringify(eventJson(event))
  return (event) => prettyLine(event, parseLine(event.message), colors)
}

const ID_WIDTH = 8
/** Where a message starts: "HH:MM:SS.mmm  abcd1234  ". */
const INDENT = ' '.repeat(12 + 2 + ID_WIDTH + 2)

function prettyLine(event: StoredLogEvent, line: ParsedLine, colors: Colors): string {
  const time = colors.dim(localTime(event.timestamp))
  const id = line.requestId ? requestColor(line.requestId, colors)(line.requestId.slice(0, ID_WIDTH).padEnd(ID_WIDTH)) : ' '.repeat(ID_WIDTH)
  const body = prettyBody(line, colors).split('\n').join(`\n${INDENT}`)
  return `${time}  ${id}  ${body}`
}

function prettyBody(line: ParsedLine, colors: Colors): string {
  switch (line.kind) {
    case 'start':
      return colors.dim(`START${line.version ? ` ${line.version === '$LATEST' ? line.version : `v${line.version}`}` : ''}`)
    case 'end':
      return colors.dim('END')
    case 'report':
      return line.report ? reportSummary(line.report, colors) : line.text
    case 'platform':
      return colors.dim(line.text)
    case 'log':
      return logBody(line, colors)
    case 'plain':
      return line.text
    default:
      return line.text
  }
}

/** "REPORT 12.3 ms (billed 13 ms) · 71/128 MB · cold start 180 ms", with a status other than success in red. */
export function reportSummary(report: Report, colors: Colors): string {
  const parts = [`${colors.bold('REPORT')} ${duration(report.durationMs)}${report.billedMs === undefined ? '' : ` (billed ${Math.round(report.billedMs)} ms)`}`]
  if (report.maxMemoryMb !== undefined || report.memorySizeMb !== undefined) parts.push(`${report.maxMemoryMb ?? '?'}/${report.memorySizeMb ?? '?'} MB`)
  if (report.initMs !== undefined) parts.push(colors.yellow(`cold start ${duration(report.initMs)}`))
  if (report.status) parts.push(colors.red(report.status))
  return parts.join(' · ')
}

function logBody(line: ParsedLine, colors: Colors): string {
  const level = line.level ?? 'INFO'
  const label = levelStyle(level, colors)(level.padEnd(5))
  const fields = line.fields ? ` ${colors.dim(formatFields(line.fields))}` : ''
  const text = line.error ? `${line.text ? `${line.text} ` : ''}${errorText(line.error, colors)}` : highlight(line.text, level, colors)
  return `${label} ${text}${fields}`
}

function errorText(error: ErrorPayload, colors: Colors): string {
  const stack = error.stack.filter((frame) => !frame.startsWith(`${error.type}: `)).map((frame) => `  ${frame.trim()}`)
  return [colors.red(colors.bold(`${error.type}: ${error.message}`)), ...stack.map((frame) => colors.red(frame))].join('\n')
}

/** An ERROR line's stack trace (the lines after the first) in red; other levels as they are. */
function highlight(text: string, level: string, colors: Colors): string {
  if (level !== 'ERROR' && level !== 'FATAL') return text
  const [first = '', ...rest] = text.split('\n')
  return [colors.red(first), ...rest.map((frame) => colors.red(frame))].join('\n')
}

function levelStyle(level: string, colors: Colors): (text: string) => string {
  if (level === 'ERROR' || level === 'FATAL') return (text) => colors.red(colors.bold(text))
  if (level === 'WARN') return colors.yellow
  if (level === 'DEBUG' || level === 'TRACE') return colors.dim
  return colors.green
}

/** `{orderId=42 user=ann items=[1,2]}`: strings bare unless they hold spaces, the rest as JSON. */
function formatFields(fields: Readonly<Record<string, unknown>>): string {
  const value = (v: unknown): string => (typeof v === 'string' ? (/[\s={}]/.test(v) || v === '' ? JSON.stringify(v) : v) : JSON.stringify(v))
  return `{${Object.entries(fields).map(([key, v]) => `${key}=${value(v)}`).join(' ')}}`
}

/** "12.3 ms", "1.25 s". */
function duration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`
}

/** HH:MM:SS.mmm in the local time zone. */
export function localTime(timestamp: number): string {
  const at = new Date(timestamp)
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}.${String(at.getMilliseconds()).padStart(3, '0')}`
}

/** One colour per invocation, the same for every line of it. */
function requestColor(requestId: string, colors: Colors): (text: string) => string {
  const palette = [colors.cyan, colors.magenta, colors.blue, colors.green, colors.yellow]
  let hash = 0
  for (const char of requestId) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0
  return palette[hash % palette.length] ?? colors.cyan
}

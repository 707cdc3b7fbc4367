/**
 * What a Lambda log line says: the runtime's own lines (START, END, REPORT, in the text and the JSON log
 * formats), the handler's console lines (`<time>\t<request id>\t<LEVEL>\t<message>`), JSON lines (Lambda's
 * JSON log format, Powertools, any structured logger), error payloads (`Invoke Error {"errorType"…}`), and
 * anything else as plain text. Parsing never fails: a line it can't read is plain.
 */

export type LineKind = 'start' | 'end' | 'report' | 'log' | 'platform' | 'plain'

/** What REPORT says about an invocation. */
export interface Report {
  readonly durationMs: number
  readonly billedMs?: number | undefined
  readonly memorySizeMb?: number | undefined
  readonly maxMemoryMb?: number | undefined
  /** Set on a cold start: how long the environment's init took. */
  readonly initMs?: number | undefined
  /** "timeout", "error Runtime.OutOfMemory"…; absent when the invocation ended normally. */
  readonly status?: string | undefined
}

/** An error the runtime or a logger wrote as a structured payload. */
export interface ErrorPayload {
  readonly type: string
  readonly message: string
  readonly stack: readonly string[]
}

export interface ParsedLine {
  readonly kind: LineKind
  readonly requestId?: string | undefined
  /** TRACE, DEBUG, INFO, WARN, ERROR or FATAL, upper case. */
  readonly level?: string | undefined
  /** The message without Lambda's prefix (the whole line for plain lines). */
  readonly text: string
  /** A JSON line's own fields (besides level, message, time, request id and a logger's constant ones). */
  readonly fields?: Readonly<Record<string, unknown>> | undefined
  readonly version?: string | undefined
  readonly report?: Report | undefined
  readonly error?: ErrorPayload | undefined
}

const START = /^START RequestId: (\S+)(?: Version: (\S+))?/
const END = /^END RequestId: (\S+)/
const REPORT = /^REPORT RequestId: (\S+)\s*([\s\S]*)$/
const PLATFORM = /^(INIT_START|INIT_REPORT|INIT_RUNTIME_FAILURE|RESTORE_START|RESTORE_REPORT|EXTENSION|TELEMETRY|LOGS)\b/
const CONSOLE = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\t(\S+)\t(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\t([\s\S]*)$/
const TIMEOUT = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) (\S+) (Task timed out after [\s\S]*)$/
/** "Invoke Error \t{…}", "Uncaught Exception \t{…}": a label, then the error as JSON. */
const ERROR_PAYLOAD = /^([^\t{]*?)\s*\t?(\{[\s\S]*\})\s*$/

/** Keys a JSON line carries on every line (Lambda's JSON format, Powertools): not worth repeating on screen. */
const CONSTANT_KEYS = new Set([
  'timestamp', 'time', 'level', 'severity', 'message', 'msg', 'requestId', 'request_id', 'function_request_id', 'awsRequestId',
  'xray_trace_id', 'function_name', 'function_arn', 'function_memory_size', 'sampling_rate', 'cold_start', 'service',
])

export function parseLine(message: string): ParsedLine {
  const text = message.replace(/\n$/, '')
  let match = START.exec(text)
  if (match) return {kind: 'start', requestId: match[1], version: match[2], text}
  if ((match = END.exec(text))) return {kind: 'end', requestId: match[1], text}
  if ((match = REPORT.exec(text))) return {kind: 'report', requestId: match[1], report: parseReport(match[2] ?? ''), text}
  if (PLATFORM.test(text)) return {kind: 'platform', text}
  if ((match = CONSOLE.exec(text))) return consoleLine(match[2], match[3] ?? 'INFO', match[4] ?? '')
  if ((match = TIMEOUT.exec(text))) return {kind: 'log', requestId: match[2], level: 'ERROR', text: match[3] ?? ''}
  if (text.startsWith('{')) return jsonLine(text) ?? {kind: 'plain', text}
  return {kind: 'plain', text}
}

function consoleLine(requestId: string | undefined, level: string, body: string): ParsedLine {
  const id = requestId === 'undefined' ? undefined : requestId // a line written during init
  const payload = ERROR_PAYLOAD.exec(body)
  const error = payload ? errorOf(parseJson(payload[2] ?? '')) : undefined
  if (payload && error) return {kind: 'log', requestId: id, level, text: payload[1] ?? '', error}
  if (body.startsWith('{')) {
    const json = jsonLine(body)
    if (json && json.kind === 'log') return {...json, requestId: json.requestId ?? id, level: json.level ?? level}
  }
  return {kind: 'log', requestId: id, level, text: body}
}

/** A JSON line: Lambda's platform records, or an application's structured line. */
function jsonLine(text: string): ParsedLine | undefined {
  const value = parseJson(text)
  if (!isRecord(value)) return undefined
  if (typeof value.type === 'string' && value.type.startsWith('platform.')) return platformRecord(value.type, isRecord(value.record) ? value.record : {}, text)
  const message = value.message ?? value.msg
  const level = stringOf(value.level ?? value.severity)?.toUpperCase()
  const requestId = stringOf(value.requestId ?? value.function_request_id ?? value.request_id ?? value.awsRequestId)
  const error = errorOf(isRecord(message) ? message : value)
  const fields = Object.fromEntries(Object.entries(value).filter(([key]) => !CONSTANT_KEYS.has(key) && !(error && ['errorType', 'errorMessage', 'stackTrace', 'stack'].includes(key))))
  return {
    kind: 'log',
    requestId,
    level: level === 'WARNING' ? 'WARN' : level === 'CRITICAL' ? 'FATAL' : level,
    text: typeof message === 'string' ? message : message === undefined || error ? '' : JSON.stringify(message),
    ...(Object.keys(fields).length > 0 ? {fields} : {}),
    ...(error ? {error} : {}),
  }
}

/** Lambda's JSON log format: platform.start, platform.report (END has no JSON counterpart), the rest as platform lines. */
function platformRecord(type: string, record: Record<string, unknown>, text: string): ParsedLine {
  const requestId = stringOf(record.requestId)
  if (type === 'platform.start') return {kind: 'start', requestId, version: stringOf(record.version), text}
  if (type === 'platform.runtimeDone') return {kind: 'end', requestId, text}
  if (type !== 'platform.report') return {kind: 'platform', requestId, text}
  const metrics = isRecord(record.metrics) ? record.metrics : {}
  const status = stringOf(record.status)
  const errorType = stringOf(record.errorType)
  return {
    kind: 'report',
    requestId,
    text,
    report: {
      durationMs: numberOf(metrics.durationMs) ?? 0,
      billedMs: numberOf(metrics.billedDurationMs),
      memorySizeMb: numberOf(metrics.memorySizeMB),
      maxMemoryMb: numberOf(metrics.maxMemoryUsedMB),
      initMs: numberOf(metrics.initDurationMs),
      status: status === undefined || status === 'success' ? undefined : [status, errorType].filter(Boolean).join(' '),
    },
  }
}

/** The tab-separated "Key: value" fields of a text REPORT line. */
function parseReport(fields: string): Report {
  const values = new Map<string, string>()
  for (const field of fields.split('\t')) {
    const colon = field.indexOf(':')
    if (colon > 0) values.set(field.slice(0, colon).trim(), field.slice(colon + 1).trim())
  }
  const amount = (key: string): number | undefined => numberOf(Number.parseFloat(values.get(key) ?? ''))
  const status = values.get('Status')
  return {
    durationMs: amount('Duration') ?? 0,
    billedMs: amount('Billed Duration'),
    memorySizeMb: amount('Memory Size'),
    maxMemoryMb: amount('Max Memory Used'),
    initMs: amount('Init Duration'),
    status: status === undefined ? undefined : [status, values.get('Error Type')].filter(Boolean).join(' '),
  }
}

/** An error payload ({errorType, errorMessage, stack|stackTrace|trace}), if `value` is one. */
function errorOf(value: unknown): ErrorPayload | undefined {
  if (!isRecord(value) || typeof value.errorType !== 'string' || value.errorMessage === undefined) return undefined
  const stack = value.stackTrace ?? value.stack ?? value.trace
  return {
    type: value.errorType,
    message: typeof value.errorMessage === 'string' ? value.errorMessage : JSON.stringify(value.errorMessage),
    stack: Array.isArray(stack) ? stack.map(String) : typeof stack === 'string' ? stack.split('\n') : [],
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

/** The CloudWatch Logs operations the local cloud answers, by name; input and output as the model shapes them. */
import {groupNotFound, invalidParameter, LogsError, streamNotFound} from './errors.js'
import type {LogGroupDoc, LogStore, StreamDoc} from './events.js'
import {logGroupArn, retentionStart} from './events.js'
import {compileFilterPattern, FilterPatternError} from './filter.js'
import type {EventKey} from './pages.js'
import {filterPage, readBackward, readForward} from './pages.js'

export interface LogsScope {
  readonly logs: LogStore
  readonly region: string
  readonly accountId: string
}

type Input = Record<string, unknown>
type Operation = (input: Input, scope: LogsScope) => Promise<unknown>

const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]
const GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/
const STREAM_NAME = /^[^:*]*$/

// --- input helpers -----------------------------------------------------------------------------------------

function optionalString(input: Input, name: string): string | undefined {
  const value = input[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new LogsError('SerializationException', `Expected a string for "${name}".`)
  return value
}

function requiredString(input: Input, name: string): string {
  const value = optionalString(input, name)
  if (value === undefined) throw invalidParameter(`1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`)
  return value
}

function optionalNumber(input: Input, name: string, min: number, max: number): number | undefined {
  const value = input[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new LogsError('SerializationException', `Expected an integer for "${name}".`)
  if (value < min || value > max) throw invalidParameter(`1 validation error detected: Value '${value}' at '${name}' failed to satisfy constraint: Member must have value ${value < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`)
  return value
}

function checkGroupName(name: string, member = 'logGroupName'): string {
  if (name.length < 1 || name.length > 512 || !GROUP_NAME.test(name)) {
    throw invalidParameter(`1 validation error detected: Value '${name}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`)
  }
  return name
}

function checkStreamName(name: string): string {
  if (name.length < 1 || name.length > 512 || !STREAM_NAME.test(name)) {
    throw invalidParameter(`1 validation error detected: Value '${name}' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`)
  }
  return name
}

/** logGroupName or logGroupIdentifier (a name or an ARN, with or without the trailing `:*`), never both. */
function groupNameOf(input: Input, required = true): string {
  const name = optionalString(input, 'logGroupName')
  const identifier = optionalString(input, 'logGroupIdentifier')
  if (name !== undefined && identifier !== undefined) throw invalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.')
  if (identifier !== undefined) {
    const arn = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)(?::\*)?$/.exec(identifier)
    return checkGroupName(arn?.[1] ?? identifier, 'logGroupIdentifier')
  }
  if (name === undefined) {
    if (required) throw invalidParameter('Should provide either logGroupName or logGroupIdentifier.')
    return ''
  }
  return checkGroupName(name)
}

async function loadGroup(scope: LogsScope, name: string): Promise<LogGroupDoc> {
  const group = await scope.logs.getGroup(name)
  if (!group) throw groupNotFound()
  return group
}

function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

function decodeToken<T>(token: string | undefined, check: (value: unknown) => value is T): T | undefined {
  if (token === undefined) return undefined
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown
    if (check(value)) return value
  } catch {
    // fall through
  }
  throw invalidParameter('The specified nextToken is invalid.')
}

const isOffset = (value: unknown): value is {o: number} => typeof value === 'object' && value !== null && typeof (value as {o?: unknown}).o === 'number'

/** One page of `items` from the offset in `token`. */
function page<T>(items: readonly T[], token: string | undefined, limit: number): {items: T[]; nextToken?: string} {
  const offset = decodeToken(token, isOffset)?.o ?? 0
  const slice = items.slice(offset, offset + limit)
  return offset + limit < items.length ? {items: slice, nextToken: encodeToken({o: offset + limit})} : {items: slice}
}

// --- shapes ----------------------------------------------------------------------------------------------

function groupShape(scope: LogsScope, doc: LogGroupDoc): Record<string, unknown> {
  const arn = logGroupArn(scope.region, scope.accountId, doc.logGroupName)
  return {
    logGroupName: doc.logGroupName,
    creationTime: doc.creationTime,
    ...(doc.retentionInDays === undefined ? {} : {retentionInDays: doc.retentionInDays}),
    metricFilterCount: 0,
    arn: `${arn}:*`,
    storedBytes: 0,
    logGroupClass: doc.logGroupClass ?? 'STANDARD',
    logGroupArn: arn,
  }
}

/** A stream as DescribeLogStreams shows it, from its summary: no event is read. */
function streamShape(scope: LogsScope, group: LogGroupDoc, stream: StreamDoc): Record<string, unknown> {
  const oldest = retentionStart(group)
  const live = stream.segments.filter((segment) => segment.count > 0 && segment.maxTimestamp >= oldest)
  return {
    logStreamName: stream.logStreamName,
    creationTime: stream.creationTime,
    ...(live.length > 0
      ? {
          firstEventTimestamp: Math.max(oldest, Math.min(...live.map((segment) => segment.minTimestamp))),
          lastEventTimestamp: Math.max(...live.map((segment) => segment.maxTimestamp)),
          ...(stream.lastIngestionTime === undefined ? {} : {lastIngestionTime: stream.lastIngestionTime}),
        }
      : {}),
    ...(stream.uploadSequenceToken === undefined ? {} : {uploadSequenceToken: stream.uploadSequenceToken}),
    arn: `${logGroupArn(scope.region, scope.accountId, group.logGroupName)}:log-stream:${stream.logStreamName}`,
    storedBytes: 0, // no longer reported for streams, as on AWS since 2019
  }
}

/** A numeric event id, stable for the event's life: its timestamp, its stream, and its sequence number in the stream. */
function eventId(timestamp: number, stream: string, seq: number): string {
  let hash = 2_166_136_261
  for (const char of stream) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 16_777_619) >>> 0
  return `${String(timestamp).padStart(16, '0')}${String(hash).padStart(10, '0')}${String(seq).padStart(10, '0')}`
}

// --- operations ------------------------------------------------------------------------------------------

async function createLogGroup(input: Input, scope: LogsScope): Promise<unknown> {
  const name = checkGroupName(requiredString(input, 'logGroupName'))
  const logGroupClass = optionalString(input, 'logGroupClass')
  if (logGroupClass !== undefined && !['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'].includes(logGroupClass)) throw invalidParameter(`Invalid logGroupClass: ${logGroupClass}`)
  await scope.logs.store.transaction(async () => {
    if (await scope.logs.getGroup(name)) throw new LogsError('ResourceAlreadyExistsException', 'The specified log group already exists')
    const tags = input.tags as Record<string, string> | undefined
    await scope.logs.putGroup({logGroupName: name, creationTime: Date.now(), ...(tags ? {tags} : {}), ...(logGroupClass ? {logGroupClass} : {})})
  })
  return {}
}

async function describeLogGroups(input: Input, scope: LogsScope): Promise<unknown> {
  const prefix = optionalString(input, 'logGroupNamePrefix')
  const pattern = optionalString(input, 'logGroupNamePattern')
  if (prefix !== undefined && pattern !== undefined) throw invalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.')
  const limit = optionalNumber(input, 'limit', 1, 50) ?? 50
  const identifiers = Array.isArray(input.logGroupIdentifiers) ? (input.logGroupIdentifiers as string[]).map((id) => groupNameOf({logGroupIdentifier: id})) : undefined
  const groups = (await scope.logs.listGroups())
    .filter((group) => prefix === undefined || group.logGroupName.startsWith(prefix))
    .filter((group) => pattern === undefined || group.logGroupName.toLowerCase().includes(pattern.toLowerCase()))
    .filter((group) => identifiers === undefined || identifiers.includes(group.logGroupName))
    .sort((a, b) => (a.logGroupName < b.logGroupName ? -1 : a.logGroupName > b.logGroupName ? 1 : 0))
  const result = page(groups, optionalString(input, 'nextToken'), limit)
  return {logGroups: result.items.map((group) => groupShape(scope, group)), ...(result.nextToken ? {nextToken: result.nextToken} : {})}
}

async function deleteLogGroup(input: Input, scope: LogsScope): Promise<unknown> {
  const name = checkGroupName(requiredString(input, 'logGroupName'))
  await scope.logs.store.transaction(async () => {
    await loadGroup(scope, name)
    await scope.logs.deleteGroup(name)
  })
  return {}
}

async function putRetentionPolicy(input: Input, scope: LogsScope): Promise<unknown> {
  const name = checkGroupName(requiredString(input, 'logGroupName'))
  const days = input.retentionInDays
  if (typeof days !== 'number' || !RETENTION_DAYS.includes(days)) {
    throw invalidParameter(`1 validation error detected: Value '${String(days)}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`)
  }
  await scope.logs.store.transaction(async () => {
    const group = await loadGroup(scope, name)
    await scope.logs.putGroup({...group, retentionInDays: days})
  })
  return {}
}

async function deleteRetentionPolicy(input: Input, scope: LogsScope): Promise<unknown> {
  const name = checkGroupName(requiredString(input, 'logGroupName'))
  await scope.logs.store.transaction(async () => {
    const {retentionInDays: _dropped, ...group} = await loadGroup(scope, name)
    await scope.logs.putGroup(group)
  })
  return {}
}

async function createLogStream(input: Input, scope: LogsScope): Promise<unknown> {
  const group = checkGroupName(requiredString(input, 'logGroupName'))
  const stream = checkStreamName(requiredString(input, 'logStreamName'))
  await scope.logs.store.transaction(async () => {
    await loadGroup(scope, group)
    if (await scope.logs.getStream(group, stream)) throw new LogsError('ResourceAlreadyExistsException', 'The specified log stream already exists')
    await scope.logs.putStream(group, {logStreamName: stream, creationTime: Date.now()})
  })
  return {}
}

async function describeLogStreams(input: Input, scope: LogsScope): Promise<unknown> {
  const group = await loadGroup(scope, groupNameOf(input))
  const prefix = optionalString(input, 'logStreamNamePrefix')
  const orderBy = optionalString(input, 'orderBy') ?? 'LogStreamName'
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') throw invalidParameter(`1 validation error detected: Value '${orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`)
  if (prefix !== undefined && orderBy === 'LastEventTime') throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.')
  const limit = optionalNumber(input, 'limit', 1, 50) ?? 50
  const streams = (await scope.logs.streams(group.logGroupName)).filter((stream) => prefix === undefined || stream.logStreamName.startsWith(prefix)).map((stream) => streamShape(scope, group, stream))
  const lastEvent = (stream: Record<string, unknown>): number => Number(stream.lastEventTimestamp ?? stream.creationTime)
  if (orderBy === 'LastEventTime') streams.sort((a, b) => lastEvent(a) - lastEvent(b))
  else streams.sort((a, b) => (String(a.logStreamName) < String(b.logStreamName) ? -1 : String(a.logStreamName) > String(b.logStreamName) ? 1 : 0))
  if (input.descending === true) streams.reverse()
  const result = page(streams, optionalString(input, 'nextToken'), limit)
  return {logStreams: result.items, ...(result.nextToken ? {nextToken: result.nextToken} : {})}
}

async function putLogEvents(input: Input, scope: LogsScope): Promise<unknown> {
  const group = checkGroupName(requiredString(input, 'logGroupName'))
  const stream = checkStreamName(requiredString(input, 'logStreamName'))
  const events = input.logEvents
  if (!Array.isArray(events) || events.length === 0 || events.length > 10_000) throw invalidParameter('logEvents must hold between 1 and 10000 events.')
  const parsed = events.map((event: {timestamp?: unknown; message?: unknown}) => {
    if (typeof event.timestamp !== 'number' || typeof event.message !== 'string' || event.message === '') throw invalidParameter('Each log event needs a timestamp and a non-empty message.')
    return {timestamp: event.timestamp, message: event.message}
  })
  // The batch is measured as AWS measures it: the messages in UTF-8, plus 26 bytes per event.
  const batchSize = parsed.reduce((sum, event) => sum + Buffer.byteLength(event.message) + 26, 0)
  if (batchSize > 1_048_576) throw invalidParameter(`Upload too large: ${batchSize} bytes exceeds limit of 1048576`)
  for (let i = 1; i < parsed.length; i++) {
    if ((parsed[i]?.timestamp ?? 0) < (parsed[i - 1]?.timestamp ?? 0)) throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.')
  }
  await loadGroup(scope, group)
  const summary = await scope.logs.append(group, stream, parsed)
  if (!summary) throw streamNotFound()
  return summary.uploadSequenceToken === undefined ? {} : {nextSequenceToken: summary.uploadSequenceToken}
}

const isPosition = (value: string | undefined): {direction: 'f' | 'b'; index: number} | undefined => {
  if (value === undefined) return undefined
  const match = /^([fb])\/(\d+)$/.exec(value)
  if (!match) throw invalidParameter('The specified nextToken is invalid.')
  return {direction: match[1] as 'f' | 'b', index: Number(match[2])}
}

const position = (direction: 'f' | 'b', index: number): string => `${direction}/${String(index).padStart(56, '0')}`

async function getLogEvents(input: Input, scope: LogsScope): Promise<unknown> {
  const group = await loadGroup(scope, groupNameOf(input))
  const streamName = checkStreamName(requiredString(input, 'logStreamName'))
  const stream = await scope.logs.stream(group.logGroupName, streamName)
  if (!stream) throw streamNotFound()
  const options = {
    startTime: optionalNumber(input, 'startTime', 0, Number.MAX_SAFE_INTEGER),
    endTime: optionalNumber(input, 'endTime', 0, Number.MAX_SAFE_INTEGER),
    limit: optionalNumber(input, 'limit', 1, 10_000) ?? 10_000,
  }
  // Tokens carry sequence numbers, which never shift: retention dropping old events doesn't move a reader.
  const token = isPosition(optionalString(input, 'nextToken'))
  const forward = token ? token.direction === 'f' : input.startFromHead === true
  const result = forward ? await readForward(scope.logs, group, stream, token?.index ?? 0, options) : await readBackward(scope.logs, group, stream, token?.index ?? stream.nextSeq, options)
  return {
    events: result.events.map((event) => ({timestamp: event.timestamp, message: event.message, ingestionTime: event.ingestionTime})),
    nextForwardToken: position('f', result.next),
    nextBackwardToken: position('b', result.previous),
  }
}

async function filterLogEvents(input: Input, scope: LogsScope): Promise<unknown> {
  const group = await loadGroup(scope, groupNameOf(input))
  const names = Array.isArray(input.logStreamNames) ? (input.logStreamNames as string[]) : undefined
  const prefix = optionalString(input, 'logStreamNamePrefix')
  if (names !== undefined && prefix !== undefined) throw invalidParameter('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.')
  const startTime = optionalNumber(input, 'startTime', 0, Number.MAX_SAFE_INTEGER)
  const endTime = optionalNumber(input, 'endTime', 0, Number.MAX_SAFE_INTEGER)
  const limit = optionalNumber(input, 'limit', 1, 10_000) ?? 10_000
  let matches: (message: string) => boolean
  try {
    matches = compileFilterPattern(optionalString(input, 'filterPattern'))
  } catch (error) {
    if (error instanceof FilterPatternError) throw invalidParameter(error.message)
    throw error
  }
  const streams = (await scope.logs.streams(group.logGroupName)).filter(
    (stream) => (names === undefined || names.includes(stream.logStreamName)) && (prefix === undefined || stream.logStreamName.startsWith(prefix)),
  )
  if (names !== undefined && streams.length === 0) throw streamNotFound()
  const after = decodeToken(optionalString(input, 'nextToken'), isEventKey)
  const found = await filterPage(scope.logs, group, streams, {startTime, endTime, limit, matches, ...(after ? {after} : {})})
  const last = found.events.at(-1)
  return {
    events: found.events.map((event) => ({logStreamName: event.logStreamName, timestamp: event.timestamp, message: event.message, ingestionTime: event.ingestionTime, eventId: eventId(event.timestamp, event.logStreamName, event.seq)})),
    searchedLogStreams: streams.map((stream) => ({logStreamName: stream.logStreamName, searchedCompletely: true})),
    ...(found.more && last ? {nextToken: encodeToken({t: last.timestamp, s: last.logStreamName, q: last.seq})} : {}),
  }
}

const isEventKey = (value: unknown): value is EventKey => {
  const key = value as Partial<EventKey> | null
  return typeof key === 'object' && key !== null && typeof key.t === 'number' && typeof key.s === 'string' && typeof key.q === 'number'
}

export const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateLogGroup: createLogGroup,
  DescribeLogGroups: describeLogGroups,
  DeleteLogGroup: deleteLogGroup,
  PutRetentionPolicy: putRetentionPolicy,
  DeleteRetentionPolicy: deleteRetentionPolicy,
  CreateLogStream: createLogStream,
  DescribeLogStreams: describeLogStreams,
  PutLogEvents: putLogEvents,
  GetLogEvents: getLogEvents,
  FilterLogEvents: filterLogEvents,
}

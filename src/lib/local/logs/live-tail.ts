/**
 * StartLiveTail, as CloudWatch Logs answers it: `200` with an event stream (`initial-response`, then
 * `sessionStart` at once, then a `sessionUpdate` about every second, empty when idle) until the client
 * leaves or the session times out (`SessionTimeoutException`; three hours on AWS).
 *
 * A session reads the store, not the writers: at its start it notes each stream's next sequence number, and
 * on every tick it reads the stream summaries again and sends what was appended since. Any process writing to
 * the store (a `sling --local` command beside a `sling local serve`) is seen the same way, and only events
 * ingested after the session started are sent, as on AWS.
 */
import {randomUUID} from 'node:crypto'
import type {ServerResponse} from 'node:http'

import {loadModel} from '../model/models.js'
import {validateInput, validationMessage} from '../model/validate.js'
import {groupNotFound, invalidParameter} from './errors.js'
import type {LogStore} from './events.js'
import {EVENT_STREAM_CONTENT_TYPE, eventFrame, exceptionFrame, initialResponseFrame} from './event-stream.js'
import type {EventMatcher} from './filter.js'
import {compileFilterPattern, FilterPatternError} from './filter.js'
import {readForward} from './pages.js'

/** At most this many events per update; more are sampled down to it (`sampled: true`), as on AWS. */
export const LIVE_TAIL_MAX_EVENTS = 500
/** AWS ends a session after three hours. */
export const LIVE_TAIL_TIMEOUT_MS = 3 * 3600 * 1000
const UPDATE_MS = 1000

/** One group of a session: as the caller named it (a name or an ARN) and its name. */
interface TailedGroup {
  readonly identifier: string
  readonly name: string
}

/** A validated StartLiveTail request. */
export interface LiveTailRequest {
  readonly groups: readonly TailedGroup[]
  readonly streamNames?: readonly string[]
  readonly streamPrefixes?: readonly string[]
  readonly pattern?: string
  readonly matches: EventMatcher
}

/** One event of a sessionUpdate (LiveTailSessionLogEvent). */
interface LiveEvent {
  readonly logStreamName: string
  readonly logGroupIdentifier: string
  readonly message: string
  readonly timestamp: number
  readonly ingestionTime: number
}

const strings = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.map(String) : undefined)

/** Checks the input against the model and AWS's rules, and that every group exists; refusals are LogsErrors. */
export async function parseLiveTailRequest(input: Record<string, unknown>, logs: LogStore): Promise<LiveTailRequest> {
  const model = loadModel('logs')
  const problems = validateInput(model, model.operations.StartLiveTail?.input?.shape, input)
  if (problems.length > 0) throw invalidParameter(validationMessage(problems))
  const identifiers = strings(input.logGroupIdentifiers) ?? []
  const streamNames = strings(input.logStreamNames)
  const streamPrefixes = strings(input.logStreamNamePrefixes)
  if (streamNames && streamPrefixes) throw invalidParameter('logStreamNames and logStreamNamePrefixes are mutually exclusive parameters.')
  if ((streamNames || streamPrefixes) && identifiers.length > 1) throw invalidParameter('logStreamNames and logStreamNamePrefixes can be specified only when logGroupIdentifiers names one log group.')
  const groups: TailedGroup[] = []
  for (const identifier of identifiers) {
    if (identifier.endsWith(':*')) throw invalidParameter(`The log group ARN ${identifier} must not end with ":*".`)
    const name = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(.+)$/.exec(identifier)?.[1] ?? identifier
    if (!(await logs.getGroup(name))) throw groupNotFound()
    groups.push({identifier, name})
  }
  const pattern = typeof input.logEventFilterPattern === 'string' ? input.logEventFilterPattern : undefined
  let matches: EventMatcher
  try {
    matches = compileFilterPattern(pattern)
  } catch (error) {
    if (error instanceof FilterPatternError) throw invalidParameter(error.message)
    throw error
  }
  return {groups, ...(streamNames ? {streamNames} : {}), ...(streamPrefixes ? {streamPrefixes} : {}), ...(pattern === undefined ? {} : {pattern}), matches}
}

export interface LiveTailOptions {
  /** When the session ends with SessionTimeoutException. @default LIVE_TAIL_TIMEOUT_MS */
  readonly timeoutMs?: number | undefined
  /** @default 1000 */
  readonly updateMs?: number | undefined
}

/** A running Live Tail session, streaming to one response until it stops. */
export class LiveTailSession {
  /** Per stream: how far the session has read, and which incarnation of the stream (a deleted group's streams come back new). */
  private readonly cursors = new Map<string, {seq: number; created: number}>()
  private readonly requestId = randomUUID()
  private tickTimer: NodeJS.Timeout | undefined
  private deadline: NodeJS.Timeout | undefined
  private stopped = false
  /** Resolves once the session has stopped (the client left, it timed out, or the server closed it). */
  readonly done: Promise<void>
  private finish: () => void = () => undefined

  constructor(
    private readonly logs: LogStore,
    private readonly request: LiveTailRequest,
    private readonly response: ServerResponse,
    private readonly options: LiveTailOptions = {},
  ) {
    this.done = new Promise((resolve) => (this.finish = resolve))
  }

  /** Notes where each stream ends, answers 200 with `initial-response` and `sessionStart`, and starts the updates. */
  async start(): Promise<void> {
    for (const group of this.request.groups) {
      for (const stream of await this.logs.streams(group.name)) this.cursors.set(cursorKey(group.name, stream.logStreamName), {seq: stream.nextSeq, created: stream.creationTime})
    }
    this.response.on('close', () => this.stop())
    this.response.writeHead(200, {'content-type': EVENT_STREAM_CONTENT_TYPE, 'x-amzn-requestid': this.requestId})
    this.write(initialResponseFrame())
    const {groups, streamNames, streamPrefixes, pattern} = this.request
    this.write(
      eventFrame('sessionStart', {
        requestId: this.requestId,
        sessionId: randomUUID(),
        logGroupIdentifiers: groups.map((group) => group.identifier),
        ...(streamNames ? {logStreamNames: streamNames} : {}),
        ...(streamPrefixes ? {logStreamNamePrefixes: streamPrefixes} : {}),
        ...(pattern === undefined ? {} : {logEventFilterPattern: pattern}),
      }),
    )
    this.deadline = setTimeout(() => this.end(exceptionFrame('SessionTimeoutException', 'Session timed out.')), this.options.timeoutMs ?? LIVE_TAIL_TIMEOUT_MS)
    this.schedule()
  }

  /** Ends the stream (the server is closing), or notes that the client left. */
  stop(): void {
    if (this.stopped) return
    this.stopped = true
    clearTimeout(this.tickTimer)
    clearTimeout(this.deadline)
    if (!this.response.writableEnded) this.response.end()
    this.finish()
  }

  private end(frame: Uint8Array): void {
    if (this.stopped) return
    this.write(frame)
    this.stop()
  }

  private write(frame: Uint8Array): void {
    if (!this.response.writableEnded && !this.response.destroyed) this.response.write(frame)
  }

  private schedule(): void {
    if (this.stopped) return
    this.tickTimer = setTimeout(() => void this.tick(), this.options.updateMs ?? UPDATE_MS)
  }

  private async tick(): Promise<void> {
    try {
      // A client reading slower than events come: hold the cursors, and send what piled up once it catches up.
      if (this.response.writableNeedDrain) return
      const sample = new Sample(LIVE_TAIL_MAX_EVENTS)
      for (const group of this.request.groups) await this.collect(group, sample)
      if (this.stopped) return
      const results = sample.events().sort((a, b) => a.timestamp - b.timestamp)
      this.write(eventFrame('sessionUpdate', {sessionMetadata: {sampled: sample.sampled}, sessionResults: results}))
    } catch (error) {
      this.end(exceptionFrame('SessionStreamingException', `The sling local cloud failed to read the log group: ${error instanceof Error ? error.message : String(error)}`))
    } finally {
      this.schedule()
    }
  }

  /** Offers `sample` the group's events appended since the last tick, and moves the cursors past them. */
  private async collect(group: TailedGroup, sample: Sample): Promise<void> {
    const doc = await this.logs.getGroup(group.name)
    if (!doc) return
    for (const stream of await this.logs.streams(group.name)) {
      if (!this.wanted(stream.logStreamName)) continue
      const key = cursorKey(group.name, stream.logStreamName)
      const cursor = this.cursors.get(key)
      // A stream created since the session started (or created again): all of it is new.
      let next = cursor?.created === stream.creationTime ? cursor.seq : 0
      while (next < stream.nextSeq && !this.stopped) {
        const page = await readForward(this.logs, doc, stream, next, {limit: 10_000})
        for (const event of page.events) {
          if (!this.request.matches(event.message)) continue
          sample.offer({logStreamName: stream.logStreamName, logGroupIdentifier: group.identifier, message: event.message, timestamp: event.timestamp, ingestionTime: event.ingestionTime})
        }
        if (page.next <= next) break
        next = page.next
      }
      this.cursors.set(key, {seq: Math.max(next, stream.nextSeq), created: stream.creationTime})
    }
  }

  private wanted(stream: string): boolean {
    const {streamNames, streamPrefixes} = this.request
    if (streamNames) return streamNames.includes(stream)
    if (streamPrefixes) return streamPrefixes.some((prefix) => stream.startsWith(prefix))
    return true
  }
}

function cursorKey(group: string, stream: string): string {
  return `${group}\u0000${stream}`
}

/** A uniform sample of at most `size` of the events offered (reservoir sampling: memory stays bounded by `size`). */
class Sample {
  private readonly kept: LiveEvent[] = []
  private seen = 0

  constructor(private readonly size: number) {}

  get sampled(): boolean {
    return this.seen > this.size
  }

  offer(event: LiveEvent): void {
    this.seen++
    if (this.kept.length < this.size) {
      this.kept.push(event)
      return
    }
    const slot = Math.floor(Math.random() * this.seen)
    if (slot < this.size) this.kept[slot] = event
  }

  events(): LiveEvent[] {
    return [...this.kept]
  }
}

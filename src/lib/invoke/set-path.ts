/**
 * `--set path=value`: edits one field of an event. Paths are dotted keys with array indexes
 * (`Records[0].body`, `requestContext.http.method`); a key holding a dot or a bracket is quoted
 * (`headers["x.y"]`). Values are JSON when they parse as JSON, text otherwise, except that a field that
 * already holds text keeps text: `--set body='{"id":1}'` leaves API Gateway's `body` the JSON string it
 * must be, not an object.
 */
import {ExitCode, UserError} from '../errors.js'

type Segment = string | number

/** Applies each `path=value` to `event` in turn; returns the paths set, for the event's own fix-ups. */
export function applySets(event: Record<string, unknown>, assignments: readonly string[]): string[] {
  return assignments.map((assignment) => applySet(event, assignment))
}

function applySet(event: Record<string, unknown>, assignment: string): string {
  const equals = assignment.indexOf('=')
  if (equals <= 0) throw setError(assignment, 'expected PATH=VALUE, e.g. --set body=\'{"id":1}\' or --set Records[0].eventName=INSERT.')
  const path = assignment.slice(0, equals)
  const raw = assignment.slice(equals + 1)
  const segments = parsePath(path, assignment)
  let parent: unknown = event
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i] as Segment
    const container = asContainer(parent, segment, segments.slice(0, i), assignment)
    const next = segments[i + 1] as Segment
    if (read(container, segment) === undefined) write(container, segment, typeof next === 'number' ? [] : {}, segments.slice(0, i + 1), assignment)
    parent = read(container, segment)
  }
  const last = segments[segments.length - 1] as Segment
  const container = asContainer(parent, last, segments.slice(0, -1), assignment)
  write(container, last, valueFor(raw, read(container, last)), segments, assignment)
  return path
}

/** Text stays text where the event already has text; elsewhere JSON when it parses, else text. */
function valueFor(raw: string, current: unknown): unknown {
  if (typeof current === 'string') return raw
  try {
    return JSON.parse(raw) as unknown
  } catch {
    return raw
  }
}

/** "a.b[0]['c.d']" → ["a", "b", 0, "c.d"]. */
export function parsePath(path: string, assignment = path): Segment[] {
  const segments: Segment[] = []
  const pattern = /([^.[\]"]+)|\[(\d+)\]|\["([^"]*)"\]|(\.)/gy
  let expectKey = true
  let match: RegExpExecArray | null
  while (pattern.lastIndex < path.length && (match = pattern.exec(path))) {
    const [, key, index, quoted, dot] = match
    // Two dots in a row, or a key straight after an index: stop where the path goes wrong.
    if ((dot !== undefined && expectKey) || (key !== undefined && !expectKey)) {
      pattern.lastIndex = match.index
      break
    }
    if (dot !== undefined) {
      expectKey = true
      continue
    }
    segments.push(index !== undefined ? Number(index) : (key ?? quoted ?? ''))
    expectKey = false
  }
  if (pattern.lastIndex !== path.length || expectKey || segments.length === 0) {
    throw setError(assignment, `"${path}" isn't a path: use dotted keys and [N] indexes, e.g. requestContext.http.method or Records[0].body (quote odd keys: headers["x.y"]).`)
  }
  return segments
}

function asContainer(value: unknown, segment: Segment, at: readonly Segment[], assignment: string): Record<string, unknown> | unknown[] {
  if (typeof segment === 'number') {
    if (Array.isArray(value)) return value as unknown[]
    throw setError(assignment, `${describe(at)} is ${kind(value)}, not a list, so [${segment}] can't index it.`)
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
  throw setError(assignment, `${describe(at)} is ${kind(value)}, not an object, so it has no field "${segment}".`)
}

function read(container: Record<string, unknown> | unknown[], segment: Segment): unknown {
  return Array.isArray(container) ? container[segment as number] : container[segment]
}

function write(container: Record<string, unknown> | unknown[], segment: Segment, value: unknown, at: readonly Segment[], assignment: string): void {
  if (!Array.isArray(container)) {
    container[segment] = value
    return
  }
  const index = segment as number
  // Appending one element is fine; a gap would leave holes (null in JSON) nobody asked for.
  if (index > container.length) throw setError(assignment, `${describe(at)} is past the end of a list of ${container.length}; the next index is ${container.length}.`)
  container[index] = value
}

function describe(at: readonly Segment[]): string {
  if (at.length === 0) return 'the event'
  return `"${at.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('')}"`
}

function kind(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  return typeof value === 'string' ? 'text' : `a ${typeof value}`
}

function setError(assignment: string, why: string): UserError {
  return new UserError('InvalidSet', `--set ${assignment}: ${why}`, {exitCode: ExitCode.Usage, hints: ['See the event\'s fields with "sling invoke --event TYPE --print-event".']})
}

/** Turning zod issues into "key.path: what was expected, found what" lines, with did-you-mean for typos. */
import {distance as levenshtein} from 'fastest-levenshtein'
import type {z} from 'zod'

import {isRuntime, runtimeLifecycle} from '../lambda/rules.js'

type Schema = z.core.$ZodType
type Issue = z.core.$ZodIssue

/** What zod says of a union that has no wording of its own (unions in the schema may carry one, with `error`). */
const DEFAULT_UNION_MESSAGE = 'Invalid input'

/** Formats zod issues as "key.path: what was expected (found …)", suggesting the nearest key of `schema` for unknown ones. */
export function formatIssues(issues: readonly Issue[], raw: unknown, schema: Schema): string {
  return issues.map((issue) => `  - ${formatIssue(issue, raw, schema)}`).join('\n')
}

function formatIssue(issue: Issue, raw: unknown, schema: Schema): string {
  const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)'
  if (issue.code === 'unrecognized_keys') {
    const allowed = keysAt(schema, issue.path)
    return issue.keys.map((key) => `${issue.path.length > 0 ? `${where}.` : ''}${key}: unknown key.${suggest(key, allowed)}`).join('\n  - ')
  }
  if (issue.code === 'invalid_union' && issue.message === DEFAULT_UNION_MESSAGE) {
    // No custom wording on the union: report the alternative that came closest, as if it were the only one.
    const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? []
    if (closest.length > 0) return closest.map((nested) => formatIssue({...nested, path: [...issue.path, ...nested.path]}, raw, schema)).join('\n  - ')
  }
  if (issue.code === 'invalid_key') {
    // A record key (an environment variable or tag name): name the key, never the value beside it.
    const parent = issue.path.slice(0, -1).join('.') || '(top level)'
    return `${parent}: the key ${JSON.stringify(issue.path.at(-1))} isn't valid: ${issue.issues.map(describeExpected).join('; ')}.`
  }
  const found = valueAt(raw, issue.path)
  // Environment variable values are often secrets: say what kind of value was found, not the value.
  const shown = found === undefined ? 'nothing' : issue.path.includes('environment') ? describeKind(found) : JSON.stringify(found)
  const note = issue.code === 'invalid_value' && issue.path.at(-1) === 'runtime' ? runtimeNote(found) : ''
  return `${where}: ${describeExpected(issue)}, found ${shown}${note}.`
}

/** Why one of Lambda's own runtimes is refused: Lambda no longer creates or updates functions with it. */
function runtimeNote(value: unknown): string {
  if (!isRuntime(value)) return ''
  const {deprecated, blockCreate, blockUpdate} = runtimeLifecycle(value)
  const dates = [
    deprecated && `deprecated on ${deprecated}`,
    blockCreate && `new functions refused since ${blockCreate}`,
    blockUpdate && `updates refused since ${blockUpdate}`,
  ].filter(Boolean)
  return `, which Lambda no longer accepts for new or updated functions${dates.length > 0 ? ` (${dates.join('; ')})` : ''}`
}

function describeKind(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  const kind = typeof value
  return kind === 'object' ? 'an object' : `a ${kind}`
}

function describeExpected(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
    case 'too_big':
      return issue.origin === 'array' ? `expected at most ${issue.maximum} items` : issue.origin === 'string' ? `expected at most ${issue.maximum} characters` : `expected at most ${issue.maximum}`
    case 'too_small':
      return issue.origin === 'string' ? `expected at least ${issue.minimum} character(s)` : issue.origin === 'array' ? `expected at least ${issue.minimum} items` : `expected at least ${issue.minimum}`
    case 'invalid_format':
      return `expected ${issue.message.startsWith('Invalid') ? `a string matching ${issue.format === 'regex' ? (issue as {pattern?: string}).pattern : issue.format}` : issue.message}`
    default:
      return `expected ${issue.message}`
  }
}

/**
 * The keys an object at `at` may have, found by walking `schema` itself (objects, records, arrays, tuples,
 * unions and every wrapper), so nested settings need no hand-kept list.
 */
export function keysAt(schema: Schema, at: readonly PropertyKey[]): string[] {
  let here = expand(schema)
  for (const segment of at) here = here.flatMap((node) => expand(childOf(node, segment)))
  return [...new Set(here.flatMap((node) => (node._zod.def.type === 'object' ? Object.keys((node as z.core.$ZodObject)._zod.def.shape) : [])))]
}

/** The concrete schemas a value of `schema` may match: wrappers unwrapped, unions and intersections spread. */
function expand(schema: Schema | undefined): Schema[] {
  if (schema === undefined) return []
  const def = schema._zod.def as unknown as Record<string, unknown> & {type: string}
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return expand(def.innerType as Schema)
    case 'pipe':
      return expand(def.in as Schema)
    case 'lazy':
      return expand((def.getter as () => Schema)())
    case 'union':
      return (def.options as Schema[]).flatMap(expand)
    case 'intersection':
      return [...expand(def.left as Schema), ...expand(def.right as Schema)]
    default:
      return [schema]
  }
}

function childOf(schema: Schema, segment: PropertyKey): Schema | undefined {
  const def = schema._zod.def as unknown as Record<string, unknown> & {type: string}
  switch (def.type) {
    case 'object':
      return (def.shape as Record<PropertyKey, Schema>)[segment]
    case 'record':
      return def.valueType as Schema
    case 'array':
      return def.element as Schema
    case 'tuple':
      return (def.items as Schema[])[Number(segment)] ?? (def.rest as Schema | undefined)
    default:
      return undefined
  }
}

/** ` Did you mean "x"?` for the candidate nearest `word`, or '' when none is near enough. */
export function suggest(word: string, candidates: readonly string[]): string {
  let best: {candidate: string; score: number} | undefined
  for (const candidate of candidates) {
    const score = nearness(word, candidate)
    if (best === undefined || score < best.score) best = {candidate, score}
  }
  return best !== undefined && best.score <= Math.max(2, Math.floor(word.length / 3)) ? ` Did you mean "${best.candidate}"?` : ''
}

/**
 * Edit distance, ignoring case; a word close to the start of a longer key counts as near too (one more
 * edit), since a key is often typed short or misspelt at its start: "memmory" for "memorySize".
 */
function nearness(word: string, candidate: string): number {
  const w = word.toLowerCase()
  const c = candidate.toLowerCase()
  const whole = levenshtein(w, c)
  if (c.length <= w.length + 1) return whole
  const heads = [w.length - 1, w.length, w.length + 1].map((n) => levenshtein(w, c.slice(0, n)) + 1)
  return Math.min(whole, ...heads)
}

function valueAt(raw: unknown, at: readonly PropertyKey[]): unknown {
  let value = raw
  for (const key of at) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  return value
}

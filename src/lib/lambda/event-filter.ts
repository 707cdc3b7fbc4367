/**
 * Lambda's event filtering (an event source mapping's FilterCriteria): each filter is a JSON pattern; a record
 * is delivered when any pattern matches it. Used by the local cloud's poller, and to check a pattern before
 * it is sent (`parseFilterPattern` says why a pattern is malformed). The operators are the ones Lambda
 * documents: exact values (string, number, boolean, null), `prefix`, `suffix`, `equals-ignore-case`,
 * `anything-but` (values, or a prefix/suffix/equals-ignore-case), `numeric` comparisons and ranges,
 * `exists`, and `$or` between patterns.
 */

/** A parsed pattern: each key holds a nested pattern or a list of matchers; `$or` holds alternatives. */
export interface FilterPattern {
  readonly [key: string]: FilterPattern | readonly Matcher[] | readonly FilterPattern[]
}

export type Matcher = string | number | boolean | null | {readonly [operator: string]: unknown}

/** A pattern Lambda would refuse, with the reason. */
export class FilterPatternError extends Error {}

const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>='])
const STRING_OPERATORS = new Set(['prefix', 'suffix', 'equals-ignore-case'])

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Parses one filter's `Pattern` text, checking it as Lambda does; throws FilterPatternError with the reason. */
export function parseFilterPattern(text: string): FilterPattern {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new FilterPatternError(`the pattern isn't valid JSON (${error instanceof Error ? error.message : String(error)})`)
  }
  checkPattern(parsed, '')
  return parsed as FilterPattern
}

function checkPattern(pattern: unknown, path: string): void {
  if (!isObject(pattern)) throw new FilterPatternError(`${path || 'the pattern'} must be a JSON object`)
  if (Object.keys(pattern).length === 0) throw new FilterPatternError(`${path || 'the pattern'} must name at least one field`)
  for (const [key, value] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) throw new FilterPatternError(`${at} must be a list of at least two patterns`)
      value.forEach((item, i) => checkPattern(item, `${at}[${i}]`))
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new FilterPatternError(`${at} must list at least one value to match`)
      for (const matcher of value) checkMatcher(matcher, at)
    } else if (isObject(value)) {
      checkPattern(value, at)
    } else {
      throw new FilterPatternError(`${at} must be a list of values to match (such as ["${String(value)}"]) or a nested pattern`)
    }
  }
}

function checkMatcher(matcher: unknown, at: string): void {
  if (matcher === null || typeof matcher === 'string' || typeof matcher === 'boolean' || (typeof matcher === 'number' && Number.isFinite(matcher))) return
  if (!isObject(matcher)) throw new FilterPatternError(`${at}: ${JSON.stringify(matcher)} isn't a value or an operator`)
  const keys = Object.keys(matcher)
  const [operator] = keys
  if (keys.length !== 1 || operator === undefined) throw new FilterPatternError(`${at}: an operator object must have exactly one operator, not ${keys.length}`)
  const operand = matcher[operator]
  if (STRING_OPERATORS.has(operator)) {
    if (typeof operand !== 'string') throw new FilterPatternError(`${at}: "${operator}" needs a string`)
  } else if (operator === 'exists') {
    if (typeof operand !== 'boolean') throw new FilterPatternError(`${at}: "exists" needs true or false`)
  } else if (operator === 'numeric') {
    checkNumeric(operand, at)
  } else if (operator === 'anything-but') {
    checkAnythingBut(operand, at)
  } else {
    throw new FilterPatternError(`${at}: unknown operator "${operator}" (Lambda knows prefix, suffix, equals-ignore-case, anything-but, numeric and exists)`)
  }
}

function checkNumeric(operand: unknown, at: string): void {
  const pairs = Array.isArray(operand) ? operand : []
  const wellFormed = (pairs.length === 2 || pairs.length === 4) && pairs.every((item, i) => (i % 2 === 0 ? typeof item === 'string' && NUMERIC_OPERATORS.has(item) : typeof item === 'number' && Number.isFinite(item)))
  if (!wellFormed) throw new FilterPatternError(`${at}: "numeric" needs [operator, number] or a range [">", low, "<", high], with operators =, <, <=, >, >=`)
  if (pairs.length === 4) {
    const [lowOp, low, highOp, high] = pairs as [string, number, string, number]
    if (!lowOp.startsWith('>') || !highOp.startsWith('<') || low >= high) throw new FilterPatternError(`${at}: a "numeric" range is [">" or ">=", low, "<" or "<=", high] with low below high`)
  }
}

function checkAnythingBut(operand: unknown, at: string): void {
  if (typeof operand === 'string' || (typeof operand === 'number' && Number.isFinite(operand))) return
  if (Array.isArray(operand) && operand.length > 0 && operand.every((item) => typeof item === 'string' || typeof item === 'number')) return
  if (isObject(operand) && Object.keys(operand).length === 1 && STRING_OPERATORS.has(Object.keys(operand)[0] ?? '') && typeof Object.values(operand)[0] === 'string') return
  throw new FilterPatternError(`${at}: "anything-but" needs a value, a list of values, or {"prefix"|"suffix"|"equals-ignore-case": "…"}`)
}

// --- matching --------------------------------------------------------------------------------------------

/** Whether `event` matches the pattern: every field it names matches (nested patterns match nested objects). */
export function matchesPattern(pattern: FilterPattern, event: unknown): boolean {
  return Object.entries(pattern).every(([key, value]) => {
    if (key === '$or') return (value as readonly FilterPattern[]).some((alternative) => matchesPattern(alternative, event))
    const present = isObject(event) && Object.hasOwn(event, key)
    const field = present ? event[key] : undefined
    if (!Array.isArray(value)) return present && isObject(field) && matchesPattern(value as FilterPattern, field)
    return matchesField(value as readonly Matcher[], present, field)
  })
}

/** Whether any of `patterns` matches `event` (FilterCriteria: a record passes when one filter matches). */
export function matchesAnyPattern(patterns: readonly FilterPattern[], event: unknown): boolean {
  return patterns.some((pattern) => matchesPattern(pattern, event))
}

function matchesField(matchers: readonly Matcher[], present: boolean, field: unknown): boolean {
  if (!present) return matchers.some((matcher) => isObject(matcher) && matcher.exists === false)
  // A list in the event matches when any of its items does.
  const values = Array.isArray(field) ? field : [field]
  return matchers.some((matcher) => (isObject(matcher) && 'exists' in matcher ? matcher.exists === true : values.some((value) => matchesValue(matcher, value))))
}

function matchesValue(matcher: Matcher, value: unknown): boolean {
  if (!isObject(matcher)) return matcher === value
  const [operator, operand] = Object.entries(matcher)[0] ?? ['', undefined]
  switch (operator) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
      return typeof value === 'string' && matchesString(operator, operand as string, value)
    case 'numeric':
      return typeof value === 'number' && matchesNumeric(operand as readonly (string | number)[], value)
    case 'anything-but':
      return matchesAnythingBut(operand, value)
    default:
      return false
  }
}

function matchesString(operator: string, operand: string, value: string): boolean {
  if (operator === 'prefix') return value.startsWith(operand)
  if (operator === 'suffix') return value.endsWith(operand)
  return value.toLowerCase() === operand.toLowerCase()
}

function matchesNumeric(conditions: readonly (string | number)[], value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const bound = conditions[i + 1] as number
    const ok = {'=': value === bound, '<': value < bound, '<=': value <= bound, '>': value > bound, '>=': value >= bound}[conditions[i] as '=' | '<' | '<=' | '>' | '>=']
    if (!ok) return false
  }
  return true
}

function matchesAnythingBut(operand: unknown, value: unknown): boolean {
  if (isObject(operand)) {
    const [operator, text] = Object.entries(operand)[0] ?? ['', '']
    return typeof value === 'string' && !matchesString(operator, String(text), value)
  }
  const excluded = Array.isArray(operand) ? operand : [operand]
  return (typeof value === 'string' || typeof value === 'number') && !excluded.includes(value)
}

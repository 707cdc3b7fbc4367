/**
 * CloudWatch Logs filter patterns (FilterLogEvents' filterPattern), as CloudWatch defines them:
 *
 * - terms: `ERROR Exception` (every term, case-sensitive), quoted phrases `"user not found"`,
 *   exclusions `-DEBUG`, optional terms `?ERROR ?WARN` (at least one);
 * - regular expressions between percent signs: `%timed? ?out%`;
 * - JSON property filters: `{ $.level = "ERROR" }`, `{ $.latency > 100 }`, `!=`, `<`, `>`, `<=`, `>=`,
 *   `&&`, `||`, parentheses, wildcard strings `"user-*"`, `IS NULL`, `IS TRUE`, `IS FALSE`,
 *   `NOT EXISTS`, array indexes `$.items[0].id`.
 *
 * JSON filters match a message that is JSON, or that ends in a JSON object after a prefix (Lambda's
 * text format writes `<time>\t<request id>\t<LEVEL>\t{...}`). Space-delimited patterns (`[ip, ...]`)
 * are not supported and are refused.
 */

export type EventMatcher = (message: string) => boolean

/** A filter pattern CloudWatch would refuse (FilterLogEvents answers InvalidParameterException). */
export class FilterPatternError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FilterPatternError'
  }
}

export function compileFilterPattern(pattern: string | undefined): EventMatcher {
  const text = (pattern ?? '').trim()
  if (text === '' || text === '""') return () => true
  if (text.startsWith('{')) return compileJsonFilter(text)
  if (text.startsWith('[')) throw new FilterPatternError('Space-delimited filter patterns ([field, ...]) are not supported by the sling local cloud.')
  if (text.length > 1 && text.startsWith('%') && text.endsWith('%')) {
    let regex: RegExp
    try {
      regex = new RegExp(text.slice(1, -1))
    } catch {
      throw new FilterPatternError(`Invalid regular expression in filter pattern: ${text}`)
    }
    return (message) => regex.test(message)
  }
  return compileTerms(text)
}

function compileTerms(text: string): EventMatcher {
  const required: string[] = []
  const optional: string[] = []
  const excluded: string[] = []
  const token = /([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g
  for (const match of text.matchAll(token)) {
    const term = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '')
    if (match[1] === '-') excluded.push(term)
    else if (match[1] === '?') optional.push(term)
    else required.push(term)
  }
  return (message) =>
    required.every((term) => message.includes(term)) &&
    (optional.length === 0 || optional.some((term) => message.includes(term))) &&
    !excluded.some((term) => message.includes(term))
}

// --- JSON property filters ----------------------------------------------------------------------------

type Node =
  | {readonly kind: 'and' | 'or'; readonly left: Node; readonly right: Node}
  | {readonly kind: 'compare'; readonly path: readonly (string | number)[]; readonly op: string; readonly value: string | number; readonly quoted: boolean}
  | {readonly kind: 'is'; readonly path: readonly (string | number)[]; readonly test: 'NULL' | 'TRUE' | 'FALSE' | 'NOT EXISTS' | 'EXISTS'}

const TOKEN = /\s*(\|\||&&|!=|<=|>=|=|<|>|\(|\)|\{|\}|"(?:[^"\\]|\\.)*"|\$[^\s=!<>()&|]*|[^\s=!<>()&|{}"]+)/y

function tokenize(text: string): string[] {
  const tokens: string[] = []
  TOKEN.lastIndex = 0
  let position = 0
  while (position < text.length) {
    if (/^\s*$/.test(text.slice(position))) break
    TOKEN.lastIndex = position
    const match = TOKEN.exec(text)
    if (!match?.[1]) throw new FilterPatternError(`Invalid character(s) in filter pattern at "${text.slice(position).trim()}"`)
    tokens.push(match[1])
    position = TOKEN.lastIndex
  }
  return tokens
}

function parseSelector(token: string): (string | number)[] {
  if (!token.startsWith('$')) throw new FilterPatternError(`Expected a JSON selector like $.field, got "${token}"`)
  const path: (string | number)[] = []
  const part = /\.([^.[\]]+)|\[(\d+)\]/y
  let position = 1
  while (position < token.length) {
    part.lastIndex = position
    const match = part.exec(token)
    if (!match) throw new FilterPatternError(`Invalid JSON selector "${token}"`)
    path.push(match[1] ?? Number(match[2]))
    position = part.lastIndex
  }
  return path
}

function parseJsonFilter(text: string): Node {
  const tokens = tokenize(text)
  if (tokens[0] !== '{' || tokens.at(-1) !== '}') throw new FilterPatternError('A JSON filter pattern must be enclosed in { }.')
  let index = 1
  const end = tokens.length - 1
  const peek = (): string | undefined => (index < end ? tokens[index] : undefined)
  const take = (): string => {
    if (index >= end) throw new FilterPatternError('Unexpected end of filter pattern.')
    return tokens[index++] as string
  }
  const or = (): Node => {
    let left = and()
    while (peek() === '||') {
      index++
      left = {kind: 'or', left, right: and()}
    }
    return left
  }
  const and = (): Node => {
    let left = unary()
    while (peek() === '&&') {
      index++
      left = {kind: 'and', left, right: unary()}
    }
    return left
  }
  const unary = (): Node => {
    if (peek() === '(') {
      index++
      const inner = or()
      if (take() !== ')') throw new FilterPatternError('Missing ")" in filter pattern.')
      return inner
    }
    const path = parseSelector(take())
    const op = take()
    if (op.toUpperCase() === 'IS') {
      const what = take().toUpperCase()
      if (what !== 'NULL' && what !== 'TRUE' && what !== 'FALSE') throw new FilterPatternError(`Expected NULL, TRUE or FALSE after IS, got "${what}"`)
      return {kind: 'is', path, test: what}
    }
    if (op.toUpperCase() === 'NOT') {
      if (take().toUpperCase() !== 'EXISTS') throw new FilterPatternError('Expected EXISTS after NOT.')
      return {kind: 'is', path, test: 'NOT EXISTS'}
    }
    if (op.toUpperCase() === 'EXISTS') return {kind: 'is', path, test: 'EXISTS'}
    if (!['=', '!=', '<', '>', '<=', '>='].includes(op)) throw new FilterPatternError(`Unknown operator "${op}" in filter pattern.`)
    const raw = take()
    const quoted = raw.startsWith('"')
    const literal = quoted ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw
    const numeric = !quoted && literal !== '' && Number.isFinite(Number(literal))
    if (op !== '=' && op !== '!=' && !numeric) throw new FilterPatternError(`Operator "${op}" needs a number, got ${raw}`)
    return {kind: 'compare', path, op, value: numeric ? Number(literal) : literal, quoted}
  }
  const node = or()
  if (index !== end) throw new FilterPatternError(`Unexpected "${tokens[index]}" in filter pattern.`)
  return node
}

function compileJsonFilter(text: string): EventMatcher {
  const tree = parseJsonFilter(text)
  return (message) => {
    const document = extractJson(message)
    return document !== undefined && evaluate(tree, document)
  }
}

function extractJson(message: string): unknown {
  const start = message.indexOf('{')
  if (start < 0) return undefined
  try {
    return JSON.parse(message.slice(start)) as unknown
  } catch {
    return undefined
  }
}

const MISSING = Symbol('missing')

function select(document: unknown, path: readonly (string | number)[]): unknown {
  let value: unknown = document
  for (const key of path) {
    if (value === null || typeof value !== 'object') return MISSING
    if (!(key in value)) return MISSING
    value = (value as Record<string | number, unknown>)[key]
  }
  return value
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)
}

function evaluate(node: Node, document: unknown): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, document) && evaluate(node.right, document)
    case 'or':
      return evaluate(node.left, document) || evaluate(node.right, document)
    case 'is': {
      const value = select(document, node.path)
      if (node.test === 'NOT EXISTS') return value === MISSING
      if (node.test === 'EXISTS') return value !== MISSING
      if (node.test === 'NULL') return value === null
      return value === (node.test === 'TRUE')
    }
    case 'compare':
      return compare(select(document, node.path), node.op, node.value)
    default:
      return false
  }
}

function compare(value: unknown, op: string, expected: string | number): boolean {
  if (value === MISSING || value === undefined) return false
  if (typeof expected === 'number') {
    const actual = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN
    if (Number.isNaN(actual)) return op === '!='
    switch (op) {
      case '=':
        return actual === expected
      case '!=':
        return actual !== expected
      case '<':
        return actual < expected
      case '>':
        return actual > expected
      case '<=':
        return actual <= expected
      case '>=':
        return actual >= expected
      default:
        return false
    }
  }
  if (typeof value === 'object') return op === '!='
  const matches = wildcard(expected).test(typeof value === 'string' ? value : JSON.stringify(value))
  return op === '=' ? matches : !matches
}

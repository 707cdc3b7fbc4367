/**
 * The subset of CloudWatch metric math the local cloud evaluates: numbers, the ids of other
 * queries, `+ - * / ^`, unary minus, parentheses, arrays `[m1, m2]`, and the functions SUM, AVG,
 * MIN, MAX (across an array: per timestamp; of one series: one number), ABS, and FILL(series,
 * value | REPEAT). Arithmetic between two series pairs values with the same timestamp (a timestamp
 * only one of them has gets no value); with a number it applies to every value. Results that aren't
 * finite (x/0) are dropped. Anything else is refused with an error naming what isn't supported.
 */

export type Series = ReadonlyMap<number, number>
type Value = number | Series | readonly Series[]

export class ExpressionError extends Error {}

export type Node =
  | {readonly kind: 'number'; readonly value: number}
  | {readonly kind: 'id'; readonly id: string}
  | {readonly kind: 'neg'; readonly operand: Node}
  | {readonly kind: 'binary'; readonly op: string; readonly left: Node; readonly right: Node}
  | {readonly kind: 'call'; readonly name: string; readonly args: readonly Node[]}
  | {readonly kind: 'array'; readonly items: readonly Node[]}

const TOKEN = /\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)|([A-Za-z_][A-Za-z0-9_]*)|(\S))/y
const FUNCTIONS = new Set(['SUM', 'AVG', 'MIN', 'MAX', 'ABS', 'FILL'])

function tokenize(text: string): string[] {
  const tokens: string[] = []
  TOKEN.lastIndex = 0
  let match: RegExpExecArray | null
  while (TOKEN.lastIndex < text.length && (match = TOKEN.exec(text))) tokens.push(match[1] ?? match[2] ?? match[3] ?? '')
  if (text.slice(TOKEN.lastIndex).trim() !== '') throw new ExpressionError(`Unexpected text "${text.slice(TOKEN.lastIndex).trim()}".`)
  return tokens.filter(Boolean)
}

/** Parses an expression; throws ExpressionError for a syntax error or an unsupported function. */
export function parseExpression(text: string): Node {
  const tokens = tokenize(text)
  let at = 0
  const peek = (): string | undefined => tokens[at]
  const expect = (token: string): void => {
    if (tokens[at] !== token) throw new ExpressionError(`Expected "${token}" but found ${tokens[at] === undefined ? 'the end' : `"${tokens[at]}"`}.`)
    at++
  }
  const list = (close: string): Node[] => {
    const items: Node[] = []
    if (peek() === close) return items
    for (;;) {
      items.push(sum())
      if (peek() !== ',') return items
      at++
    }
  }
  const primary = (): Node => {
    const token = tokens[at++]
    if (token === undefined) throw new ExpressionError('The expression ends too early.')
    if (/^[\d.]/.test(token)) return {kind: 'number', value: Number(token)}
    if (token === '(') {
      const inner = sum()
      expect(')')
      return inner
    }
    if (token === '[') {
      const items = list(']')
      expect(']')
      return {kind: 'array', items}
    }
    if (/^[A-Za-z_]/.test(token)) {
      if (peek() !== '(') return {kind: 'id', id: token}
      at++
      const name = token.toUpperCase()
      if (!FUNCTIONS.has(name)) throw new ExpressionError(`The function ${token} isn't supported by the sling local cloud (it evaluates ${[...FUNCTIONS].join(', ')}).`)
      const args = list(')')
      expect(')')
      return {kind: 'call', name, args}
    }
    throw new ExpressionError(`Unexpected "${token}".`)
  }
  const power = (): Node => {
    const base = primary()
    if (peek() !== '^') return base
    at++
    return {kind: 'binary', op: '^', left: base, right: unary()}
  }
  const unary = (): Node => {
    if (peek() === '-') {
      at++
      return {kind: 'neg', operand: unary()}
    }
    return power()
  }
  const product = (): Node => {
    let node = unary()
    while (peek() === '*' || peek() === '/') node = {kind: 'binary', op: tokens[at++] ?? '', left: node, right: unary()}
    return node
  }
  function sum(): Node {
    let node = product()
    while (peek() === '+' || peek() === '-') node = {kind: 'binary', op: tokens[at++] ?? '', left: node, right: product()}
    return node
  }
  const root = sum()
  if (at < tokens.length) throw new ExpressionError(`Unexpected "${tokens[at]}".`)
  return root
}

/** The ids an expression reads. */
export function referencedIds(node: Node): string[] {
  switch (node.kind) {
    case 'number':
      return []
    case 'id':
      return node.id === 'REPEAT' ? [] : [node.id]
    case 'neg':
      return referencedIds(node.operand)
    case 'binary':
      return [...referencedIds(node.left), ...referencedIds(node.right)]
    case 'call':
    case 'array':
      return ('args' in node ? node.args : node.items).flatMap(referencedIds)
  }
}

const arithmetic: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '^': (a, b) => a ** b,
}

function mapSeries(series: Series, fn: (value: number) => number): Series {
  const out = new Map<number, number>()
  for (const [t, v] of series) {
    const result = fn(v)
    if (Number.isFinite(result)) out.set(t, result)
  }
  return out
}

function combine(left: Value, right: Value, fn: (a: number, b: number) => number): Value {
  if (Array.isArray(left) || Array.isArray(right)) throw new ExpressionError('Arithmetic on an array of time series isn\'t supported by the sling local cloud.')
  if (typeof left === 'number' && typeof right === 'number') return fn(left, right)
  if (typeof left === 'number') return mapSeries(right as Series, (v) => fn(left, v))
  if (typeof right === 'number') return mapSeries(left as Series, (v) => fn(v, right))
  const out = new Map<number, number>()
  for (const [t, v] of left as Series) {
    const other = (right as Series).get(t)
    if (other === undefined) continue
    const result = fn(v, other)
    if (Number.isFinite(result)) out.set(t, result)
  }
  return out
}

const reducers: Record<string, (values: number[]) => number> = {
  SUM: (values) => values.reduce((a, b) => a + b, 0),
  AVG: (values) => values.reduce((a, b) => a + b, 0) / values.length,
  MIN: (values) => Math.min(...values),
  MAX: (values) => Math.max(...values),
}

function reduce(name: string, input: Value): Value {
  const fn = reducers[name] ?? reducers.SUM!
  if (typeof input === 'number') return input
  if (!Array.isArray(input)) return fn([...(input as Series).values()])
  const byTime = new Map<number, number[]>()
  for (const series of input as readonly Series[]) for (const [t, v] of series) byTime.set(t, [...(byTime.get(t) ?? []), v])
  return new Map([...byTime].map(([t, values]) => [t, fn(values)]))
}

/** Fills the timestamps of `grid` a series lacks with `value`, or with the last value before (REPEAT). */
function fill(series: Series, grid: readonly number[], value: number | 'REPEAT'): Series {
  const out = new Map<number, number>()
  let last: number | undefined
  for (const t of grid) {
    const own = series.get(t)
    if (own !== undefined) last = own
    const filled = own ?? (value === 'REPEAT' ? last : value)
    if (filled !== undefined) out.set(t, filled)
  }
  return out
}

/** Evaluates `node` with the series of other queries by id; `grid` is every period start of the range (FILL). */
export function evaluate(node: Node, series: (id: string) => Series, grid: readonly number[]): Value {
  switch (node.kind) {
    case 'number':
      return node.value
    case 'id':
      return series(node.id)
    case 'neg':
      return combine(0, evaluate(node.operand, series, grid), (a, b) => a - b)
    case 'binary':
      return combine(evaluate(node.left, series, grid), evaluate(node.right, series, grid), arithmetic[node.op] ?? ((a) => a))
    case 'array':
      return node.items.map((item) => asSeries(evaluate(item, series, grid)))
    case 'call': {
      const [first, second] = node.args
      if (!first) throw new ExpressionError(`${node.name} needs an argument.`)
      if (node.name === 'ABS') return combine(evaluate(first, series, grid), 0, (a) => Math.abs(a))
      if (node.name === 'FILL') {
        if (!second || node.args.length !== 2) throw new ExpressionError('FILL takes a time series and a value (a number or REPEAT).')
        const filler = second.kind === 'id' && second.id === 'REPEAT' ? 'REPEAT' : evaluate(second, series, grid)
        if (typeof filler !== 'number' && filler !== 'REPEAT') throw new ExpressionError('FILL\'s second argument must be a number or REPEAT.')
        return fill(asSeries(evaluate(first, series, grid)), grid, filler)
      }
      if (node.args.length !== 1) throw new ExpressionError(`${node.name} takes one argument (a time series or an array of them).`)
      return reduce(node.name, evaluate(first, series, grid))
    }
  }
}

function asSeries(value: Value): Series {
  if (typeof value === 'number' || Array.isArray(value)) throw new ExpressionError('A time series is expected here.')
  return value as Series
}

/** The result of an expression as one time series (an expression yielding a number or an array is an error). */
export function resultSeries(value: Value): Series {
  if (typeof value === 'number') throw new ExpressionError('The expression returns a single number, not a time series.')
  if (Array.isArray(value)) throw new ExpressionError('The expression returns an array of time series; the sling local cloud answers one time series per query.')
  return value as Series
}

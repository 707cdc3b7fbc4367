/**
 * Checks an operation's input against its model shape — required members, string lengths and
 * patterns, enums, numeric ranges, list and map sizes — and words each violation as AWS does:
 * `Value 'x' at 'memberName' failed to satisfy constraint: Member must …`. A service turns the list
 * into its own error (`validationMessage` joins it as AWS's "N validation errors detected: …").
 */
import type {ServiceModel, Shape, ShapeRef} from './models.js'

const patterns = new Map<string, RegExp | undefined>()

/** A model pattern (a Java regex matched against the whole value) as a RegExp; undefined if JavaScript can't read it. */
export function modelPattern(pattern: string): RegExp | undefined {
  if (!patterns.has(pattern)) {
    let compiled: RegExp | undefined
    for (const flags of ['su', 's']) {
      try {
        compiled = new RegExp(`^(?:${pattern})$`, flags)
        break
      } catch {
        compiled = undefined
      }
    }
    patterns.set(pattern, compiled)
  }
  return patterns.get(pattern)
}

/** A value as AWS's messages print it: strings bare, lists as `[a, b]`, maps as `{k=v}`. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(shown).join(', ')}]`
  if (typeof value === 'object' && value !== null) return `{${Object.entries(value).map(([key, item]) => `${key}=${shown(item)}`).join(', ')}}`
  return String(value)
}

const lowerFirst = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1)

/** The constraints a value breaks, as "Member must …" phrases (its type first: a wrong type breaks nothing else). */
function broken(shape: Shape, value: unknown): string[] {
  const size = (what: 'length' | 'value', n: number): string[] => [
    ...(shape.max !== undefined && n > shape.max ? [`Member must have ${what} less than or equal to ${shape.max}`] : []),
    ...(shape.min !== undefined && n < shape.min ? [`Member must have ${what} greater than or equal to ${shape.min}`] : []),
  ]
  switch (shape.type) {
    case 'string': {
      if (typeof value !== 'string') return ['Member must be a string']
      const pattern = shape.pattern === undefined ? undefined : modelPattern(shape.pattern)
      return [
        ...size('length', value.length),
        ...(pattern && !pattern.test(value) ? [`Member must satisfy regular expression pattern: ${shape.pattern}`] : []),
        ...(shape.enum && !shape.enum.includes(value) ? [`Member must satisfy enum value set: [${shape.enum.join(', ')}]`] : []),
      ]
    }
    case 'integer':
    case 'long':
      return typeof value === 'number' && Number.isInteger(value) ? size('value', value) : ['Member must be an integer']
    case 'float':
    case 'double':
      return typeof value === 'number' && !Number.isNaN(value) ? size('value', value) : ['Member must be a number']
    case 'boolean':
      return typeof value === 'boolean' ? [] : ['Member must be a boolean']
    case 'list':
      return Array.isArray(value) ? size('length', value.length) : ['Member must be a list']
    case 'map':
      return isRecord(value) ? size('length', Object.keys(value).length) : ['Member must be a map']
    case 'structure':
      return isRecord(value) ? [] : ['Member must be a structure']
    default:
      return []
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !Buffer.isBuffer(value)
}

/** Every violation of the model's constraints in `input` (the input shape `shapeName`); [] when it conforms. */
export function validateInput(model: ServiceModel, shapeName: string | undefined, input: unknown): string[] {
  const problems: string[] = []
  const shapeOf = (ref: ShapeRef | undefined): Shape | undefined => (ref ? model.shapes[ref.shape] : undefined)
  const visit = (shape: Shape, value: unknown, path: string): void => {
    const rules = broken(shape, value)
    for (const rule of rules) problems.push(`Value '${shown(value)}' at '${path}' failed to satisfy constraint: ${rule}`)
    if (rules.length > 0) return
    if (shape.type === 'structure' && isRecord(value)) {
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const memberPath = path ? `${path}.${lowerFirst(name)}` : lowerFirst(name)
        const member = value[name]
        const memberShape = shapeOf(ref)
        if (member === undefined || member === null) {
          if (shape.required?.includes(name)) problems.push(`Value null at '${memberPath}' failed to satisfy constraint: Member must not be null`)
        } else if (memberShape) {
          visit(memberShape, member, memberPath)
        }
      }
    } else if (shape.type === 'list' && Array.isArray(value)) {
      const item = shapeOf(shape.member)
      if (item) value.forEach((element, i) => visit(item, element, `${path}.${i + 1}.member`))
    } else if (shape.type === 'map' && isRecord(value)) {
      mapProblems(shapeOf(shape.key), shapeOf(shape.value), value, path, problems)
    }
  }
  const root = shapeName === undefined ? undefined : model.shapes[shapeName]
  if (root) visit(root, input, '')
  return problems
}

/** Map keys and values are checked as AWS words them, at the map's path: "Map keys must satisfy constraint: [Member must …]". */
function mapProblems(keyShape: Shape | undefined, valueShape: Shape | undefined, map: Record<string, unknown>, path: string, problems: string[]): void {
  for (const [key, value] of Object.entries(map)) {
    const keyRules = keyShape ? broken(keyShape, key) : []
    if (keyRules.length > 0) problems.push(`Value '${key}' at '${path}' failed to satisfy constraint: Map keys must satisfy constraint: [${keyRules.join(', ')}]`)
    const valueRules = valueShape ? broken(valueShape, value) : []
    if (valueRules.length > 0) problems.push(`Value '${shown(value)}' at '${path}' failed to satisfy constraint: Map value must satisfy constraint: [${valueRules.join(', ')}]`)
  }
}

/** AWS's message for a list of violations: "1 validation error detected: …" / "3 validation errors detected: …; …". */
export function validationMessage(problems: readonly string[]): string {
  return `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`
}

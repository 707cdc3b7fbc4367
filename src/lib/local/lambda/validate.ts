/**
 * The checks Lambda applies to function settings: the model's constraints (ValidationException,
 * listing every violation) and Lambda's own rules (InvalidParameterValueException).
 */
import {ENV_KEY_PATTERN, HANDLER_PATTERN, isReservedEnvKey, LAMBDA_LIMITS as LIMITS, ROLE_ARN_PATTERN, RUNTIMES, runtimeLifecycle, isRuntime} from '../../lambda/rules.js'
import {invalidParameter, LambdaError, validationError} from './protocol.js'

/** Lambda's limits, runtimes and reserved keys live in lambda/rules.ts, shared with the config. */
export {LAMBDA_LIMITS as LIMITS, RUNTIMES} from '../../lambda/rules.js'

/** The settings CreateFunction and UpdateFunctionConfiguration share. */
export interface SettingsInput {
  Role?: unknown
  Handler?: unknown
  Runtime?: unknown
  MemorySize?: unknown
  Timeout?: unknown
  Description?: unknown
  Environment?: unknown
  Layers?: unknown
  EphemeralStorage?: unknown
  Architectures?: unknown
}

/** Checks every setting present in `input`; throws one ValidationException listing the model violations. */
export function validateSettings(input: SettingsInput): void {
  const problems: string[] = []
  const at = (value: unknown, name: string, rule: string): void => void problems.push(`Value '${String(value)}' at '${name}' failed to satisfy constraint: ${rule}`)
  const {Role, Handler, Runtime, MemorySize, Timeout, Description, EphemeralStorage, Architectures} = input
  if (Role !== undefined && (typeof Role !== 'string' || !ROLE_ARN_PATTERN.test(Role))) {
    at(Role, 'role', 'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+')
  }
  if (Handler !== undefined && (typeof Handler !== 'string' || Handler.length > LIMITS.handlerMax || !HANDLER_PATTERN.test(Handler))) {
    at(Handler, 'handler', typeof Handler === 'string' && Handler.length > LIMITS.handlerMax ? `Member must have length less than or equal to ${LIMITS.handlerMax}` : 'Member must satisfy regular expression pattern: [^\\s]+')
  }
  if (Runtime !== undefined && !(RUNTIMES as readonly unknown[]).includes(Runtime)) at(Runtime, 'runtime', `Member must satisfy enum value set: [${RUNTIMES.join(', ')}]`)
  checkRange(MemorySize, 'memorySize', LIMITS.memoryMin, LIMITS.memoryMax, at)
  checkRange(Timeout, 'timeout', LIMITS.timeoutMin, LIMITS.timeoutMax, at)
  if (isObject(EphemeralStorage)) checkRange(EphemeralStorage.Size, 'ephemeralStorage.size', LIMITS.ephemeralMin, LIMITS.ephemeralMax, at)
  if (Description !== undefined && (typeof Description !== 'string' || Description.length > LIMITS.descriptionMax)) {
    at(Description, 'description', `Member must have length less than or equal to ${LIMITS.descriptionMax}`)
  }
  if (Architectures !== undefined) {
    const ok = Array.isArray(Architectures) && Architectures.length === 1 && ['x86_64', 'arm64'].includes(Architectures[0] as string)
    if (!ok) at(JSON.stringify(Architectures), 'architectures', 'Member must have length less than or equal to 1, and each member must satisfy enum value set: [x86_64, arm64]')
  }
  if (problems.length > 0) throw validationError(problems)
  const replacedBy = isRuntime(Runtime) ? runtimeLifecycle(Runtime).replacedBy : undefined
  if (replacedBy !== undefined) {
    throw invalidParameter(`The runtime parameter of ${String(Runtime)} is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (${replacedBy}) while creating or updating functions.`)
  }
  validateEnvironment(input.Environment)
  if (input.Layers !== undefined) {
    if (!Array.isArray(input.Layers) || input.Layers.some((arn) => typeof arn !== 'string')) throw invalidParameter('Layers must be a list of layer version ARNs.')
    if (input.Layers.length > LIMITS.layersMax) throw invalidParameter(`Cannot reference more than ${LIMITS.layersMax} layers.`)
    if (new Set(input.Layers).size !== input.Layers.length) throw invalidParameter('Two different versions of the same layer are not allowed to be referenced in the same function.')
  }
}

function validateEnvironment(environment: unknown): void {
  if (environment === undefined || environment === null) return
  if (!isObject(environment)) throw invalidParameter('Environment must be an object with Variables.')
  const variables = environment.Variables ?? {}
  if (!isObject(variables)) throw invalidParameter('Environment.Variables must be a map of strings.')
  const keys = Object.keys(variables)
  const bad = keys.filter((key) => !ENV_KEY_PATTERN.test(key))
  if (bad.length > 0) {
    throw validationError(bad.map((key) => `Value '${key}' at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]`))
  }
  if (Object.values(variables).some((value) => typeof value !== 'string')) throw invalidParameter('Environment variable values must be strings.')
  const reserved = keys.filter(isReservedEnvKey)
  if (reserved.length > 0) {
    throw invalidParameter(`Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`)
  }
  const measured = keys.length === 0 ? '' : JSON.stringify(variables)
  if (Buffer.byteLength(measured, 'utf8') > LIMITS.environmentMax) {
    throw invalidParameter(`Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`)
  }
}

function checkRange(value: unknown, name: string, min: number, max: number, at: (value: unknown, name: string, rule: string) => void): void {
  if (value === undefined || value === null) return
  if (typeof value !== 'number' || !Number.isInteger(value)) return at(value, name, 'Member must be an integer')
  if (value < min) at(value, name, `Member must have value greater than or equal to ${min}`)
  if (value > max) at(value, name, `Member must have value less than or equal to ${max}`)
}

/** A precondition on RevisionId, refused with PreconditionFailedException as Lambda does. */
export function checkRevision(expected: unknown, actual: string): void {
  if (expected === undefined || expected === null || expected === '') return
  if (expected !== actual) {
    throw new LambdaError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id')
  }
}

/** The model's TagKey/TagValue pattern: letters, separators, digits and `_.:/=+-@`. */
const TAG_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u
const TAG_PATTERN_TEXT = '([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)'
/** Tags a function may carry. */
export const MAX_TAGS = 50

/**
 * The Tags member of CreateFunction and TagResource, checked as the model types it (a map of strings
 * to strings: anything else can't be read, InvalidRequestContentException), with its constraints
 * (ValidationException) and Lambda's rules: at most 50 tags, no `aws:` prefix (InvalidParameterValueException).
 */
export function validateTags(value: unknown): Record<string, string> {
  if (!isObject(value) || Object.values(value).some((tag) => typeof tag !== 'string')) {
    throw new LambdaError('InvalidRequestContentException', `Could not parse request body into json: Tags must be a map of strings to strings, not ${JSON.stringify(value)}.`)
  }
  const tags = value as Record<string, string>
  const problems: string[] = []
  const badKeys = Object.keys(tags).filter((key) => key.length < 1 || key.length > 128 || !TAG_PATTERN.test(key))
  if (badKeys.length > 0) {
    problems.push(`Value '${JSON.stringify(tags)}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ${TAG_PATTERN_TEXT}]`)
  }
  const badValues = Object.values(tags).filter((tag) => tag.length > 256 || !TAG_PATTERN.test(tag))
  if (badValues.length > 0) {
    problems.push(`Value '${JSON.stringify(tags)}' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0, Member must satisfy regular expression pattern: ${TAG_PATTERN_TEXT}]`)
  }
  if (problems.length > 0) throw validationError(problems)
  const reserved = Object.keys(tags).filter((key) => key.toLowerCase().startsWith('aws:'))
  if (reserved.length > 0) throw invalidParameter(`Tag keys can't start with "aws:" (case insensitive), which AWS reserves: ${reserved.join(', ')}.`)
  if (Object.keys(tags).length > MAX_TAGS) throw invalidParameter(`Number of tags exceeds resource tag limit of ${MAX_TAGS}.`)
  return tags
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

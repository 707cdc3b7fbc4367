/**
 * The checks Lambda applies to function settings: the model's constraints (ValidationException,
 * listing every violation) and Lambda's own rules (InvalidParameterValueException).
 */
import {invalidParameter, LambdaError, validationError} from './protocol.js'

/** Lambda's limits for zip functions (the model's ranges, and the quotas AWS enforces). */
export const LIMITS = {
  memoryMin: 128,
  memoryMax: 32_768,
  timeoutMin: 1,
  timeoutMax: 5_400,
  ephemeralMin: 512,
  ephemeralMax: 10_240,
  layersMax: 5,
  /** Zipped package uploaded in the request body (ZipFile). */
  zippedDirectMax: 52_428_800,
  /** Unzipped function code plus its layers. */
  unzippedMax: 262_144_000,
  environmentMax: 4_096,
  descriptionMax: 256,
} as const

/** The Runtime enum of the model. */
export const RUNTIMES = [
  'nodejs', 'nodejs4.3', 'nodejs6.10', 'nodejs8.10', 'nodejs10.x', 'nodejs12.x', 'nodejs14.x', 'nodejs16.x', 'nodejs18.x', 'nodejs20.x',
  'nodejs22.x', 'nodejs24.x', 'java8', 'java8.al2', 'java11', 'java17', 'java21', 'java25', 'python2.7', 'python3.6', 'python3.7',
  'python3.8', 'python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13', 'python3.14', 'dotnetcore1.0', 'dotnetcore2.0',
  'dotnetcore2.1', 'dotnetcore3.1', 'dotnet6', 'dotnet8', 'dotnet10', 'nodejs4.3-edge', 'go1.x', 'ruby2.5', 'ruby2.7', 'ruby3.2', 'ruby3.3',
  'ruby3.4', 'ruby4.0', 'provided', 'provided.al2', 'provided.al2023', 'nodejs26.x', 'python3.15', 'java8.al2023', 'java11.al2023', 'java17.al2023',
] as const

/** Runtimes Lambda no longer accepts for creating or updating functions. */
const BLOCKED_RUNTIMES: Record<string, string> = {
  nodejs: 'nodejs22.x', 'nodejs4.3': 'nodejs22.x', 'nodejs4.3-edge': 'nodejs22.x', 'nodejs6.10': 'nodejs22.x', 'nodejs8.10': 'nodejs22.x',
  'nodejs10.x': 'nodejs22.x', 'nodejs12.x': 'nodejs22.x', 'nodejs14.x': 'nodejs22.x', 'python2.7': 'python3.13', 'python3.6': 'python3.13',
  'python3.7': 'python3.13', 'dotnetcore1.0': 'dotnet8', 'dotnetcore2.0': 'dotnet8', 'dotnetcore2.1': 'dotnet8', 'dotnetcore3.1': 'dotnet8',
  'ruby2.5': 'ruby3.3', 'go1.x': 'provided.al2023',
}

const ROLE_ARN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/
const HANDLER = /^[^\s]+$/
const ENV_KEY = /^[a-zA-Z]([a-zA-Z0-9_])+$/
/** Keys the Lambda runtime sets itself; Lambda refuses to let a function override them. */
const RESERVED_ENV = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
])

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
  if (Role !== undefined && (typeof Role !== 'string' || !ROLE_ARN.test(Role))) {
    at(Role, 'role', 'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+')
  }
  if (Handler !== undefined && (typeof Handler !== 'string' || Handler.length > 128 || !HANDLER.test(Handler))) {
    at(Handler, 'handler', typeof Handler === 'string' && Handler.length > 128 ? 'Member must have length less than or equal to 128' : 'Member must satisfy regular expression pattern: [^\\s]+')
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
  if (typeof Runtime === 'string' && BLOCKED_RUNTIMES[Runtime]) {
    throw invalidParameter(`The runtime parameter of ${Runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (${BLOCKED_RUNTIMES[Runtime]}) while creating or updating functions.`)
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
  const bad = keys.filter((key) => !ENV_KEY.test(key))
  if (bad.length > 0) {
    throw validationError(bad.map((key) => `Value '${key}' at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]`))
  }
  if (Object.values(variables).some((value) => typeof value !== 'string')) throw invalidParameter('Environment variable values must be strings.')
  const reserved = keys.filter((key) => RESERVED_ENV.has(key))
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

/** Function names as CreateFunction accepts them: 1–64 of letters, digits, hyphens, underscores. */
export function validateFunctionName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) throw validationError([`Value '${String(name)}' at 'functionName' failed to satisfy constraint: Member must not be null`])
  if (!/^[a-zA-Z0-9_-]+$/.test(name) || name.length > 64) {
    throw validationError([`Value '${name}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`])
  }
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

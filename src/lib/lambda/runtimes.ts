/**
 * Every runtime Lambda's API knows (the Runtime enum of the Lambda service model), with its lifecycle.
 *
 * Dates are UTC days (YYYY-MM-DD): when Lambda deprecates the runtime, then stops creating, then stops
 * updating functions that use it. Sources, checked on RUNTIMES_CHECKED_ON: AWS's per-language pages of the
 * Lambda Developer Guide (lambda-nodejs/typescript, lambda-python, lambda-java, lambda-csharp, lambda-ruby,
 * go-image for the OS-only runtimes); for runtimes long gone, the deprecation dates of AWS's "Deprecated
 * runtimes" table as tflint-ruleset-aws records them. A date AWS hasn't published is left out.
 */
export interface RuntimeLifecycle {
  readonly deprecated?: string
  readonly blockCreate?: string
  readonly blockUpdate?: string
  /** Announced in public preview, not yet generally available. */
  readonly preview?: true
  /**
   * Lambda refuses to create or update any function with this runtime, and its error recommends this one
   * ("The runtime parameter of nodejs12.x is no longer supported … use the new runtime (nodejs22.x)").
   */
  readonly replacedBy?: string
}

/** The day the table was last checked against AWS's pages; sling's choices are made as of this day. */
export const RUNTIMES_CHECKED_ON = '2026-12-05'

const TABLE = {
  'nodejs26.x': {preview: true},
  'nodejs24.x': {deprecated: '2028-04-30', blockCreate: '2028-06-01', blockUpdate: '2028-07-01'},
  'nodejs22.x': {deprecated: '2027-04-30', blockCreate: '2027-06-01', blockUpdate: '2027-07-01'},
  'nodejs20.x': {deprecated: '2026-04-30', blockCreate: '2026-08-31', blockUpdate: '2026-09-30'},
  'nodejs18.x': {deprecated: '2025-09-01'},
  'nodejs16.x': {deprecated: '2024-06-12'},
  'nodejs14.x': {deprecated: '2023-12-04', replacedBy: 'nodejs22.x'},
  'nodejs12.x': {deprecated: '2023-03-31', replacedBy: 'nodejs22.x'},
  'nodejs10.x': {deprecated: '2021-07-30', replacedBy: 'nodejs22.x'},
  'nodejs8.10': {deprecated: '2020-03-06', replacedBy: 'nodejs22.x'},
  'nodejs6.10': {deprecated: '2019-08-12', replacedBy: 'nodejs22.x'},
  'nodejs4.3': {deprecated: '2020-03-05', replacedBy: 'nodejs22.x'},
  'nodejs4.3-edge': {deprecated: '2020-03-05', replacedBy: 'nodejs22.x'},
  nodejs: {deprecated: '2016-10-31', replacedBy: 'nodejs22.x'},
  'python3.15': {preview: true},
  'python3.14': {deprecated: '2029-06-30', blockCreate: '2029-07-31', blockUpdate: '2029-08-31'},
  'python3.13': {deprecated: '2029-06-30', blockCreate: '2029-07-31', blockUpdate: '2029-08-31'},
  'python3.12': {deprecated: '2028-10-31', blockCreate: '2028-11-30', blockUpdate: '2029-01-10'},
  'python3.11': {deprecated: '2027-06-30', blockCreate: '2027-07-31', blockUpdate: '2027-08-31'},
  'python3.10': {deprecated: '2026-10-31', blockCreate: '2026-11-30', blockUpdate: '2027-01-15'},
  'python3.9': {deprecated: '2025-12-15'},
  'python3.8': {deprecated: '2024-10-14'},
  'python3.7': {deprecated: '2023-12-04', replacedBy: 'python3.13'},
  'python3.6': {deprecated: '2022-07-18', replacedBy: 'python3.13'},
  'python2.7': {deprecated: '2021-07-15', replacedBy: 'python3.13'},
  java25: {deprecated: '2029-06-30', blockCreate: '2029-07-31', blockUpdate: '2029-08-31'},
  java21: {deprecated: '2029-06-30', blockCreate: '2029-07-31', blockUpdate: '2029-08-31'},
  // The Amazon Linux 2023 builds of Java 8, 11 and 17, for functions that can't change Java version.
  'java17.al2023': {deprecated: '2029-06-30'},
  'java11.al2023': {deprecated: '2029-06-30'},
  'java8.al2023': {deprecated: '2029-06-30'},
  java17: {deprecated: '2027-06-30', blockCreate: '2027-07-31', blockUpdate: '2027-08-31'},
  java11: {deprecated: '2027-06-30', blockCreate: '2027-07-31', blockUpdate: '2027-08-31'},
  'java8.al2': {deprecated: '2027-06-30', blockCreate: '2027-07-31', blockUpdate: '2027-08-31'},
  java8: {deprecated: '2024-01-08'},
  dotnet10: {deprecated: '2028-11-14', blockCreate: '2028-12-14', blockUpdate: '2029-01-15'},
  dotnet8: {deprecated: '2026-11-10', blockCreate: '2027-02-01', blockUpdate: '2027-03-03'},
  dotnet6: {deprecated: '2024-12-20'},
  'dotnetcore3.1': {deprecated: '2023-04-03', replacedBy: 'dotnet8'},
  'dotnetcore2.1': {deprecated: '2022-01-05', replacedBy: 'dotnet8'},
  'dotnetcore2.0': {deprecated: '2019-05-30', replacedBy: 'dotnet8'},
  'dotnetcore1.0': {deprecated: '2019-07-27', replacedBy: 'dotnet8'},
  'ruby4.0': {deprecated: '2029-03-31'},
  'ruby3.4': {deprecated: '2028-03-31', blockCreate: '2028-04-30', blockUpdate: '2028-05-31'},
  'ruby3.3': {deprecated: '2027-03-31', blockCreate: '2027-04-30', blockUpdate: '2027-05-31'},
  'ruby3.2': {deprecated: '2026-03-31', blockCreate: '2026-08-31', blockUpdate: '2026-09-30'},
  'ruby2.7': {deprecated: '2023-11-27'},
  'ruby2.5': {deprecated: '2021-07-30', replacedBy: 'ruby3.3'},
  'provided.al2023': {deprecated: '2029-06-30', blockCreate: '2029-07-31', blockUpdate: '2029-08-31'},
  'provided.al2': {deprecated: '2026-07-31', blockCreate: '2027-02-01', blockUpdate: '2027-03-03'},
  provided: {deprecated: '2024-01-08'},
  'go1.x': {deprecated: '2024-01-08', replacedBy: 'provided.al2023'},
} as const satisfies Record<string, RuntimeLifecycle>

/** A runtime identifier Lambda's API accepts in its Runtime enum. */
export type Runtime = keyof typeof TABLE

/** Every value of the model's Runtime enum (the local cloud accepts these, as Lambda's API does). */
export const RUNTIMES = Object.keys(TABLE) as readonly Runtime[]

export function runtimeLifecycle(runtime: Runtime): RuntimeLifecycle {
  return TABLE[runtime]
}

export function isRuntime(value: unknown): value is Runtime {
  return typeof value === 'string' && Object.hasOwn(TABLE, value)
}

export type RuntimeStatus = 'supported' | 'preview' | 'deprecated' | 'create-blocked' | 'blocked'

/**
 * Where `runtime` stands on `day` (YYYY-MM-DD): "deprecated" still creates and updates functions,
 * "create-blocked" only updates them, "blocked" neither. Without a published block date, the deprecation
 * date counts as the day new functions are refused.
 */
export function runtimeStatus(runtime: Runtime, day: string): RuntimeStatus {
  const life: RuntimeLifecycle = TABLE[runtime]
  if (life.replacedBy !== undefined || (life.blockUpdate !== undefined && life.blockUpdate <= day)) return 'blocked'
  const createCutoff = life.blockCreate ?? life.deprecated
  if (createCutoff !== undefined && createCutoff <= day) return 'create-blocked'
  if (life.deprecated !== undefined && life.deprecated <= day) return 'deprecated'
  return life.preview ? 'preview' : 'supported'
}

/** True while Lambda creates new functions with `runtime` on `day`. */
export function acceptsNewFunctions(runtime: Runtime, day: string): boolean {
  const status = runtimeStatus(runtime, day)
  return status !== 'create-blocked' && status !== 'blocked'
}

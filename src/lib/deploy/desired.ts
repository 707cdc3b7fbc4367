/**
 * What a function should look like in Lambda: the resolved config, its artifact and the layer ARNs it will
 * reference, in Lambda's terms, with `managed` saying which settings deploy may change on an existing function.
 */
import type {FunctionConfig, FunctionField} from '../config/load.js'
import type {EventInvokeConfig, FunctionSettings, LoggingSettings} from '../aws/types.js'

/** The deployment package: a zip sling built, or a container image in ECR. */
export type DesiredCode =
  | {readonly kind: 'zip'; readonly file: string; readonly codeSha256: string; readonly size: number}
  | {readonly kind: 'image'; readonly imageUri: string}

/** A configuration setting deploy compares and sets (UpdateFunctionConfiguration's, in FunctionSettings names). */
export type SettingName = Exclude<keyof FunctionSettings, never>

export interface DesiredFunction {
  readonly key: string
  readonly name: string
  readonly code: DesiredCode
  readonly architecture: 'x86_64' | 'arm64'
  /** Every setting, with the schema's defaults for those the config doesn't set (what a new function gets). */
  readonly settings: FunctionSettings
  /** The settings deploy changes on an existing function: those the config sets, and those sling must own. */
  readonly managed: ReadonlySet<SettingName | 'architecture' | 'tags'>
  readonly tags: Readonly<Record<string, string>>
  readonly reservedConcurrency?: number | undefined
  readonly eventInvokeConfig?: EventInvokeConfig | undefined
  readonly provisionedConcurrency?: {readonly executions: number; readonly alias: string} | undefined
  /** Publish a version when $LATEST differs from the last one published (always with an alias). */
  readonly publish: boolean
  readonly alias?: string | undefined
}

/** Config fields named differently in FunctionSettings. */
const SETTING_OF: Partial<Record<FunctionField, SettingName | 'architecture' | 'tags'>> = {
  memorySize: 'memorySize', timeout: 'timeout', description: 'description', environment: 'environment', role: 'role', layers: 'layers',
  ephemeralStorage: 'ephemeralStorage', tracing: 'tracing', deadLetterTargetArn: 'deadLetterTargetArn', vpcConfig: 'vpcConfig',
  loggingConfig: 'loggingConfig', imageConfig: 'imageConfig', architecture: 'architecture', tags: 'tags', runtime: 'runtime', handler: 'handler',
}

export interface DesiredInputs {
  /** The zip sling built for the function (zip functions), with the handler string it derived. */
  readonly artifact?: {readonly file: string; readonly codeSha256: string; readonly size: number; readonly handler: string} | undefined
  /** The layer version ARNs, in the config's order (layer keys already resolved). */
  readonly layerArns: readonly string[]
  /** The role for a new function when the config names none (the one sling created or reuses). */
  readonly role?: string | undefined
}

/** The function as the config wants it. A zip function's code, handler and runtime are always managed: sling built the bundle for them. */
export function desiredFunction(fn: FunctionConfig, inputs: DesiredInputs): DesiredFunction {
  const image = fn.image !== undefined
  if (!image && inputs.artifact === undefined) throw new Error(`function ${fn.key} has no artifact`) // deploy packages every zip function first
  const managed = new Set(fn.setFields.flatMap((field) => SETTING_OF[field] ?? []))
  if (!image) for (const owned of ['runtime', 'handler'] as const) managed.add(owned)
  const settings: FunctionSettings = {
    // Settings without a default stay undefined: a new function gets Lambda's own, and none is sent for them.
    ...(image ? {imageConfig: fn.imageConfig} : {runtime: fn.runtime, handler: inputs.artifact?.handler}),
    role: fn.role ?? inputs.role, memorySize: fn.memorySize, timeout: fn.timeout, description: fn.description, environment: fn.environment,
    layers: image ? undefined : [...inputs.layerArns], ephemeralStorage: fn.ephemeralStorage, tracing: fn.tracing, deadLetterTargetArn: fn.deadLetterTargetArn,
    vpcConfig: fn.vpcConfig, loggingConfig: fn.loggingConfig && withLoggingDefaults(fn.loggingConfig, fn.name),
  }
  const code: DesiredCode = image ? {kind: 'image', imageUri: fn.image ?? ''} : {kind: 'zip', file: inputs.artifact?.file ?? '', codeSha256: inputs.artifact?.codeSha256 ?? '', size: inputs.artifact?.size ?? 0}
  const alias = fn.alias
  const pc = fn.provisionedConcurrency
  return {
    key: fn.key, name: fn.name, code, architecture: fn.architecture, settings, managed, tags: fn.tags,
    reservedConcurrency: fn.reservedConcurrentExecutions, eventInvokeConfig: fn.eventInvokeConfig && toEventInvokeConfig(fn.eventInvokeConfig),
    provisionedConcurrency: pc && {executions: pc.executions, alias: pc.alias ?? alias ?? ''},
    publish: fn.publish || alias !== undefined, alias,
  }
}

function toEventInvokeConfig(c: NonNullable<FunctionConfig['eventInvokeConfig']>): EventInvokeConfig {
  return {maximumRetryAttempts: c.maximumRetryAttempts, maximumEventAgeSeconds: c.maximumEventAgeInSeconds, onSuccess: c.onSuccess, onFailure: c.onFailure}
}

/**
 * A logging config as Lambda applies it: Text unless JSON is asked for, the function's own log group unless
 * another is named, and with JSON the levels Lambda defaults to (INFO); Text has no levels.
 */
export function withLoggingDefaults(logging: LoggingSettings, functionName: string): LoggingSettings {
  const logFormat = logging.logFormat ?? 'Text'
  const levels = logFormat === 'JSON' ? {applicationLogLevel: logging.applicationLogLevel ?? 'INFO', systemLogLevel: logging.systemLogLevel ?? 'INFO'} : {}
  return {logFormat, logGroup: logging.logGroup ?? `/aws/lambda/${functionName}`, ...levels}
}

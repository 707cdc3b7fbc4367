/**
 * What a FUNCTION argument names. Every command that takes one accepts the config key ("api"), the
 * deployed function name ("shop-api"), a function ARN (qualified or not) or a partial ARN
 * ("123456789012:function:shop-api"), and works without any config file for names and ARNs: a CI job may
 * run "sling versions list shop-api" anywhere.
 */
import {suggest} from './config/issues.js'
import type {LoadConfigOptions, ProjectConfig} from './config/load.js'
import {loadConfig} from './config/load.js'
import {ExitCode, UserError} from './errors.js'
import {FUNCTION_NAME_PATTERN, LAMBDA_LIMITS} from './lambda/rules.js'

/** A function the user named, resolved. */
export interface Target {
  /** The config key, when the function is one of the project's. */
  readonly key?: string | undefined
  /** The function's name, for messages. */
  readonly name: string
  /**
   * What to send to Lambda as FunctionName: the name, or the unqualified ARN (full or partial) when one
   * was given, so that a function in another account is never mistaken for a same-named one in yours.
   */
  readonly functionName: string
  /** The version or alias after the name (":3", ":live"), when the command accepts one. */
  readonly qualifier?: string | undefined
  /** The region of a full ARN: build the Lambda client for it, instead of the default region. */
  readonly region?: string | undefined
  readonly accountId?: string | undefined
  /** ' Did you mean "x"?' when the name matched no config key but is near one: for a "not found" message. */
  readonly suggestion?: string | undefined
}

/** A function of the project, as targets need it. */
export interface KnownFunction {
  readonly key: string
  readonly name: string
}

export interface ResolveTargetOptions {
  /** The project's functions; none without a config file. */
  readonly functions?: readonly KnownFunction[] | undefined
  /** The --region flag, only when given: an ARN in another region is then refused rather than followed. */
  readonly regionFlag?: string | undefined
  /** Whether a version or alias may follow the function (":3", ":live"). @default false */
  readonly allowQualifier?: boolean | undefined
}

const QUALIFIER = String.raw`(?::(?<qualifier>\$LATEST|[a-zA-Z0-9_-]+))?`
const FUNCTION_ARN = new RegExp(String.raw`^arn:aws[a-zA-Z-]*:lambda:(?<region>(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):(?<account>\d{12}):function:(?<name>[^:]+)${QUALIFIER}$`)
const PARTIAL_ARN = new RegExp(String.raw`^(?<account>\d{12}):function:(?<name>[^:]+)${QUALIFIER}$`)
const NAME = new RegExp(String.raw`^(?<name>[^:]+)${QUALIFIER}$`)
const ARN_FORMS = 'a config key, a function name, or an ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME, or ACCOUNT:function:NAME)'

/** Resolves a FUNCTION argument. Throws a usage error (exit 2) for what can't name a Lambda function. */
export function resolveTarget(ref: string, options: ResolveTargetOptions = {}): Target {
  const arg = ref.trim()
  if (arg.startsWith('arn:')) return fromArn(arg, options)
  const partial = PARTIAL_ARN.exec(arg)?.groups
  if (partial) {
    // An ARN names a deployed function, never a config key.
    const target = fromName(partial.name ?? '', partial.qualifier, arg, {...options, functions: undefined})
    const known = options.functions?.find((f) => f.name === target.name)
    return {...target, key: known?.key, functionName: `${partial.account ?? ''}:function:${target.name}`, accountId: partial.account}
  }
  const plain = NAME.exec(arg)?.groups
  if (!plain) throw invalidTarget(arg, `"${arg}" isn't ${ARN_FORMS}.`, options)
  return fromName(plain.name ?? '', plain.qualifier, arg, options)
}

function fromArn(arn: string, options: ResolveTargetOptions): Target {
  const groups = FUNCTION_ARN.exec(arn)?.groups
  if (!groups) {
    const service = /^arn:[^:]*:([^:]*):/.exec(arn)?.[1]
    const what = service && service !== 'lambda' ? `an ARN of ${service}, not of a Lambda function` : 'a Lambda function ARN'
    throw invalidTarget(arn, `"${arn}" isn't ${what}. Expected ${ARN_FORMS}, optionally followed by :VERSION or :ALIAS.`, options)
  }
  const {region, account} = groups
  if (options.regionFlag && region && options.regionFlag !== region) {
    throw new UserError('RegionMismatch', `The ARN "${arn}" names a function in ${region}, but --region is ${options.regionFlag}.`, {
      exitCode: ExitCode.Usage,
      hints: [`Drop --region (an ARN carries its own region), or pass --region ${region}.`],
    })
  }
  const target = fromName(groups.name ?? '', groups.qualifier, arn, {...options, functions: undefined})
  const known = options.functions?.find((f) => f.name === target.name)
  const base = arn.slice(0, arn.length - (groups.qualifier === undefined ? 0 : groups.qualifier.length + 1))
  return {...target, key: known?.key, functionName: base, region, accountId: account}
}

/** A name (or key), with the qualifier that followed it. */
function fromName(word: string, qualifier: string | undefined, arg: string, options: ResolveTargetOptions): Target {
  if (qualifier !== undefined && !options.allowQualifier) {
    throw new UserError('QualifierNotAllowed', `"${arg}" names the version or alias "${qualifier}" of a function; this command takes the function itself.`, {
      exitCode: ExitCode.Usage,
      hints: [`Pass "${arg.slice(0, -(qualifier.length + 1))}", and the version or alias as its own argument where the command takes one.`],
    })
  }
  const functions = options.functions ?? []
  const byKey = functions.find((f) => f.key === word)
  const byName = functions.find((f) => f.name === word)
  if (byKey && byName && byKey !== byName) {
    throw new UserError('AmbiguousTarget', `"${word}" is both the config key of a function deployed as "${byKey.name}" and the deployed name of the function with key "${byName.key}".`, {
      exitCode: ExitCode.Usage,
      hints: [`Pass "${byKey.name}" for the first or an ARN for the second, or rename one of them in the config.`],
    })
  }
  const found = byKey ?? byName
  if (found) return {key: found.key, name: found.name, functionName: found.name, qualifier}
  if (!FUNCTION_NAME_PATTERN.test(word) || word.length > LAMBDA_LIMITS.functionNameMax) {
    throw invalidTarget(arg, `"${word}" isn't a function name (${LAMBDA_LIMITS.functionNameMax} characters at most: letters, digits, hyphens and underscores), nor ${ARN_FORMS}.`, options)
  }
  // Not one of the project's: a deployed name. If it is near a key, say so should Lambda not know it.
  const near = suggest(word, functions.flatMap((f) => [f.key, f.name]))
  return {name: word, functionName: word, qualifier, suggestion: near === '' ? undefined : near}
}

function invalidTarget(arg: string, message: string, options: ResolveTargetOptions): UserError {
  const near = suggest(arg, (options.functions ?? []).flatMap((f) => [f.key, f.name]))
  return new UserError('InvalidTarget', `${message}${near}`, {exitCode: ExitCode.Usage, hints: ['Use a key under "functions" in sling.config.json, or a name from "aws lambda list-functions".']})
}

/**
 * Adds the target's "did you mean" to a "function not found" error: "helo" isn't deployed, but the key
 * "hello" is near. Any other error is returned as it is.
 */
export function explainMissing(error: unknown, target: Target): unknown {
  if (!(error instanceof UserError) || !target.suggestion) return error
  if (error.code !== 'FunctionNotFound' && error.code !== 'AliasNotFound') return error
  return new UserError(error.code, `${error.message}${target.suggestion}`, {cause: error.cause, hints: error.hints, exitCode: error.exitCode, details: error.details})
}

/**
 * The project config when there is one. Commands that take a function name or ARN work without a config
 * file, so a missing default file is no error; a missing file named with --config (or SLING_CONFIG) is.
 */
export async function loadConfigIfPresent(options: LoadConfigOptions & {readonly explicit: boolean}): Promise<ProjectConfig | undefined> {
  try {
    return await loadConfig(options)
  } catch (error) {
    if (!options.explicit && error instanceof UserError && error.code === 'ConfigNotFound') return undefined
    throw error
  }
}

export interface CommandTargetOptions {
  /** The --config path (relative to the working directory). */
  readonly configFile: string
  /** True when --config or SLING_CONFIG named the file: it must then exist. */
  readonly configExplicit: boolean
  readonly stage?: string | undefined
  /** The --region flag, only when given. */
  readonly regionFlag?: string | undefined
  /** Whether a version or alias may follow the function. @default false */
  readonly allowQualifier?: boolean | undefined
  /** @default process.cwd() */
  readonly cwd?: string | undefined
}

/** A command's target, and the region its AWS calls go to when the target or --region says. */
export interface CommandTarget {
  readonly target: Target
  /** The project config, when there is one (its region is the last fallback). */
  readonly config?: ProjectConfig | undefined
  /** --region, else the ARN's region: an ARN outranks AWS_REGION and the config, since it says where the function is. */
  readonly region?: string | undefined
}

/** Resolves a command's FUNCTION argument against the project config, if there is one. */
export async function resolveCommandTarget(ref: string, options: CommandTargetOptions): Promise<CommandTarget> {
  const config = await loadConfigIfPresent({file: options.configFile, explicit: options.configExplicit, ...(options.stage ? {stage: options.stage} : {}), ...(options.cwd ? {cwd: options.cwd} : {})})
  const target = resolveTarget(ref, {functions: config?.functions, regionFlag: options.regionFlag, allowQualifier: options.allowQualifier})
  return {target, config, region: options.regionFlag ?? target.region}
}

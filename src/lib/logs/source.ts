/** Where a function's logs are: its log group (LoggingConfig.LogGroup, or /aws/lambda/<name>) and, for a qualifier, its versions' streams. */
import type {LambdaApi} from '../aws/lambda.js'
import {logGroupOf} from '../aws/logs.js'
import type {StoredLogEvent} from '../aws/types.js'
import {UserError} from '../errors.js'
import type {Output} from '../output.js'
import type {Target} from '../targets.js'
import {explainMissing} from '../targets.js'

export interface LogSource {
  /** The function's name, for messages. */
  readonly functionName: string
  readonly group: string
  /** The group's ARN (what Live Tail takes), from the function's ARN; unknown when the function is gone. */
  readonly groupArn?: string | undefined
  /** Only events of these versions' streams; every stream when absent. */
  readonly versions?: ReadonlySet<string> | undefined
}

export interface LogSourceOptions {
  readonly target: Target
  /** A version, "$LATEST" or an alias (its versions, the routed one included). */
  readonly qualifier?: string | undefined
  /** Fail when the function doesn't exist; otherwise read /aws/lambda/<name>, where a deleted function's logs stay. */
  readonly requireFunction: boolean
}

export interface LogSourceDeps {
  readonly lambda: Pick<LambdaApi, 'getFunction' | 'getAlias'>
  readonly output: Pick<Output, 'warn'>
  readonly signal?: AbortSignal | undefined
}

/** One read of the function (GetFunction) for its log group and ARN, plus one of the alias for an alias qualifier. */
export async function resolveLogSource({target, qualifier, requireFunction}: LogSourceOptions, {lambda, output, signal}: LogSourceDeps): Promise<LogSource> {
  const fn = await lambda.getFunction(target.functionName, {signal}).catch((error: unknown) => {
    throw explainMissing(error, target)
  })
  if (!fn) {
    const missing = new UserError('FunctionNotFound', `Function "${target.name}" doesn't exist.${target.suggestion ?? ''}`, {hints: ['Check --region / AWS_REGION and --stage, or create it with "sling deploy".']})
    if (requireFunction || qualifier !== undefined) throw missing
    output.warn(`Function "${target.name}" doesn't exist (any more); reading ${logGroupOf(target.name)}, where its logs would be.`)
    return {functionName: target.name, group: logGroupOf(target.name)}
  }
  const group = fn.loggingConfig?.logGroup ?? logGroupOf(fn.name)
  const versions = qualifier === undefined ? undefined : await versionsOf(target, qualifier, {lambda, signal})
  return {functionName: fn.name, group, groupArn: groupArnOf(fn.arn, group), ...(versions ? {versions} : {})}
}

/** The versions whose streams a qualifier names: itself, or an alias's version and the one it routes traffic to. */
async function versionsOf(target: Target, qualifier: string, {lambda, signal}: Pick<LogSourceDeps, 'lambda' | 'signal'>): Promise<ReadonlySet<string>> {
  if (qualifier === '$LATEST' || /^\d+$/.test(qualifier)) return new Set([qualifier])
  if (/^v\d+$/.test(qualifier)) return new Set([qualifier.slice(1)])
  const alias = await lambda.getAlias(target.functionName, qualifier, {signal})
  if (!alias) {
    throw new UserError('AliasNotFound', `Function "${target.name}" has no alias or version "${qualifier}".`, {
      hints: [`--qualifier takes a version (7), '$LATEST' or an alias; list them with "sling versions list ${target.name}" and "sling alias list ${target.name}".`],
    })
  }
  return new Set([alias.version, ...Object.keys(alias.routing)])
}

/** arn:aws:logs:REGION:ACCOUNT:log-group:GROUP, from the function's ARN (same partition, region and account). */
function groupArnOf(functionArn: string, group: string): string | undefined {
  const parts = /^arn:([^:]+):lambda:([^:]+):(\d{12}):function:/.exec(functionArn)
  return parts ? `arn:${parts[1] ?? 'aws'}:logs:${parts[2] ?? ''}:${parts[3] ?? ''}:log-group:${group}` : undefined
}

/** The version a Lambda log stream belongs to: streams are named "YYYY/MM/DD/[VERSION]<environment id>". */
export function streamVersion(stream: string): string | undefined {
  return /^\d{4}\/\d{2}\/\d{2}\/\[([^\]]+)\]/.exec(stream)?.[1]
}

/** Whether an event belongs to the source's versions (every event when it names none). */
export function inSource(source: Pick<LogSource, 'versions'>, event: Pick<StoredLogEvent, 'logStream'>): boolean {
  if (!source.versions) return true
  const version = streamVersion(event.logStream)
  return version !== undefined && source.versions.has(version)
}

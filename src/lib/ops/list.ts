/**
 * `sling list`: the project's functions with what Lambda has for each (version, aliases and their weights,
 * last modified, code size against the limits, runtime and its deprecation), and with --all the region's other
 * functions. Reads only.
 */
import {mapLimit} from '../async.js'
import type {LambdaApi} from '../aws/lambda.js'
import type {OpsApi} from '../aws/ops.js'
import type {FunctionInfo} from '../aws/types.js'
import type {ProjectConfig} from '../config/load.js'
import {LAMBDA_LIMITS} from '../lambda/rules.js'
import type {RuntimeStatus} from '../lambda/runtimes.js'
import {isRuntime, runtimeLifecycle, runtimeStatus} from '../lambda/runtimes.js'
import type {Weight} from '../release/weights.js'
import {aliasWeights, newestFirst} from '../release/weights.js'

/** How many functions are read at once. */
const CONCURRENCY = 4

export interface ListedAlias {
  readonly name: string
  readonly weights: readonly Weight[]
}

export interface ListedRuntime {
  readonly name: string
  readonly status: RuntimeStatus | 'unknown'
  /** AWS's deprecation date, when it has one. */
  readonly deprecatedOn?: string | undefined
}

export interface ListedFunction {
  /** The config key; absent for a function that isn't in the config (--all). */
  readonly key?: string | undefined
  readonly name: string
  readonly deployed: boolean
  readonly inConfig: boolean
  /** The newest published version, when one is. */
  readonly version?: string | undefined
  readonly aliases: readonly ListedAlias[]
  readonly lastModified?: string | undefined
  /** The deployment package's size (zipped), and the limit of a package uploaded directly. */
  readonly codeSize?: number | undefined
  readonly codeSizeLimit: number
  readonly runtime?: ListedRuntime | undefined
  readonly packageType?: 'Zip' | 'Image' | undefined
}

export interface ListResult {
  readonly functions: readonly ListedFunction[]
}

export interface ListOptions {
  readonly config?: ProjectConfig | undefined
  /** Also the region's functions that aren't in the config. @default false */
  readonly all?: boolean | undefined
  /** YYYY-MM-DD, to judge runtimes. */
  readonly today: string
}

export interface ListDeps {
  readonly lambda: Pick<LambdaApi, 'getFunction' | 'listVersions' | 'listAliases'>
  readonly ops: Pick<OpsApi, 'listFunctions'>
  readonly signal?: AbortSignal | undefined
}

export async function listFunctions(options: ListOptions, deps: ListDeps): Promise<ListResult> {
  const configured = options.config?.functions ?? []
  const fromConfig = await mapLimit(configured, CONCURRENCY, async (fn) => {
    const info = await deps.lambda.getFunction(fn.name, {signal: deps.signal})
    return info ? await describe(info, fn.key, options.today, deps) : {key: fn.key, name: fn.name, deployed: false, inConfig: true, aliases: [], codeSizeLimit: LAMBDA_LIMITS.zippedDirectMax, runtime: fn.image ? undefined : runtimeOf(fn.runtime, options.today)}
  })
  if (!options.all) return {functions: fromConfig}
  const names = new Set(configured.map((f) => f.name))
  const others = (await deps.ops.listFunctions({signal: deps.signal})).filter((f) => !names.has(f.name)).sort((a, b) => a.name.localeCompare(b.name))
  const extra = await mapLimit(others, CONCURRENCY, async (summary) => {
    const info = await deps.lambda.getFunction(summary.name, {signal: deps.signal})
    return info ? await describe(info, undefined, options.today, deps) : undefined // deleted meanwhile
  })
  return {functions: [...fromConfig, ...extra.filter((f): f is ListedFunction => f !== undefined)]}
}

async function describe(info: FunctionInfo, key: string | undefined, today: string, deps: ListDeps): Promise<ListedFunction> {
  const [versions, aliases] = await Promise.all([deps.lambda.listVersions(info.name, {signal: deps.signal}), deps.lambda.listAliases(info.name, {signal: deps.signal})])
  const newest = versions.map((v) => v.version).sort(newestFirst)[0]
  return {
    key,
    name: info.name,
    deployed: true,
    inConfig: key !== undefined,
    version: newest,
    aliases: aliases.map((alias) => ({name: alias.name, weights: aliasWeights(alias)})).sort((a, b) => a.name.localeCompare(b.name)),
    lastModified: info.lastModified,
    codeSize: info.codeSize,
    codeSizeLimit: LAMBDA_LIMITS.zippedDirectMax,
    runtime: info.runtime ? runtimeOf(info.runtime, today) : undefined,
    packageType: info.packageType,
  }
}

/** A runtime with where it stands today, and AWS's deprecation date. */
export function runtimeOf(runtime: string, today: string): ListedRuntime {
  if (!isRuntime(runtime)) return {name: runtime, status: 'unknown'}
  return {name: runtime, status: runtimeStatus(runtime, today), deprecatedOn: runtimeLifecycle(runtime).deprecated}
}

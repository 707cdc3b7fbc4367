/**
 * `sling info FUNCTION`: everything about one function in one place. Reads only, each section from its own call,
 * made at once. Metrics are a bonus: without cloudwatch:GetMetricData their section says why and the rest shows.
 */
import type {CloudWatchApi} from '../aws/cloudwatch.js'
import type {LambdaApi} from '../aws/lambda.js'
import type {PolicyStatementInfo} from '../aws/lambda-events.js'
import type {S3Api} from '../aws/s3.js'
import type {FunctionInfo} from '../aws/types.js'
import type {FunctionConfig} from '../config/load.js'
import {ExitCode, UserError} from '../errors.js'
import type {Weight} from '../release/weights.js'
import {aliasWeights, newestFirst} from '../release/weights.js'
import type {Target} from '../targets.js'
import {explainMissing} from '../targets.js'
import type {Drift} from './drift.js'
import {driftOf} from './drift.js'
import type {ListedRuntime} from './list.js'
import {runtimeOf} from './list.js'
import type {SourceRow} from '../events/list.js'
import {eventSourcesOf} from '../events/list.js'
import {LEDGER_PREFIX, statementId} from '../events/marks.js'
import {eventFunctionOf} from '../events/target.js'
import {maskEnvironment} from './secrets.js'

export interface FunctionDetails {
  readonly key?: string | undefined
  readonly configuration: Omit<FunctionInfo, 'environment' | 'tags'> & {readonly environment: Record<string, string>; readonly tags: Record<string, string>}
  /** Names of the environment variables whose values are masked. */
  readonly masked: readonly string[]
  readonly runtime?: ListedRuntime | undefined
  readonly versions: readonly {readonly version: string; readonly description?: string | undefined; readonly lastModified?: string | undefined}[]
  readonly aliases: readonly {readonly name: string; readonly weights: readonly Weight[]; readonly description?: string | undefined}[]
  /** The rows `sling events list` shows: mappings, sling's triggers, function URLs (kind "url"). */
  readonly eventSources: readonly SourceRow[]
  /** The function's resource-based policy: who may invoke it, sling's statements marked. */
  readonly permissions: readonly {readonly sid: string; readonly principal: string; readonly action: string; readonly sourceArn?: string | undefined; readonly sling: boolean}[]
  readonly layers: readonly {readonly arn: string; readonly codeSize?: number | undefined}[]
  readonly concurrency: {readonly reserved?: number | undefined; readonly provisioned: readonly {readonly qualifier: string; readonly requested: number; readonly status: string}[]}
  /** The last hour, from CloudWatch (AWS/Lambda, by FunctionName). */
  readonly metrics: {readonly invocations: number; readonly errors: number; readonly throttles: number; readonly p90DurationMs?: number | undefined} | {readonly error: string}
  /** Config vs deployed; undefined when the function isn't in the config. */
  readonly drift?: Drift | undefined
}

export interface InfoOptions {
  readonly target: Target
  readonly config?: FunctionConfig | undefined
  /** The config's directory: its last build (.sling/build/manifest.json) tells whether the code drifted. */
  readonly configDir?: string | undefined
  /** Show environment values that look secret. @default false */
  readonly showSecrets?: boolean | undefined
  readonly now: Date
}

export interface InfoDeps {
  readonly lambda: Pick<LambdaApi, 'getFunction' | 'listVersions' | 'listAliases' | 'getLayerVersion' | 'listProvisionedConcurrency' | 'listMappings' | 'getMapping' | 'getUrlConfig' | 'getPolicy'>
  readonly s3: Pick<S3Api, 'getBucketNotifications'>
  readonly cloudwatch: Pick<CloudWatchApi, 'getMetricData'>
  readonly signal?: AbortSignal | undefined
}

export async function functionInfo(options: InfoOptions, deps: InfoDeps): Promise<FunctionDetails> {
  const {target} = options
  const signal = deps.signal
  let info: FunctionInfo | undefined
  try {
    info = await deps.lambda.getFunction(target.functionName, {signal})
  } catch (error) {
    throw explainMissing(error, target)
  }
  if (!info) {
    throw explainMissing(new UserError('FunctionNotFound', `Function "${target.name}" doesn't exist.`, {exitCode: ExitCode.Failure, hints: ['Check --region / AWS_REGION and --stage; "sling list --all" shows what is deployed.']}), target)
  }
  const fn = eventFunctionOf(info, undefined)
  const [versions, aliases, statements, eventSources, provisioned, layers, metrics] = await Promise.all([
    deps.lambda.listVersions(info.name, {signal}),
    deps.lambda.listAliases(info.name, {signal}),
    deps.lambda.getPolicy(info.name, {signal}),
    eventSourcesOf(fn, deps),
    deps.lambda.listProvisionedConcurrency(info.name, {signal}),
    Promise.all(info.layers.map((arn) => layerSize(arn, deps))),
    lastHour(info.name, options.now, deps),
  ])
  const oursSids = new Set(fn.ledger.flatMap((e) => [statementId(e.id), statementId(e.id, 'invoke')]))
  const {environment, masked} = maskEnvironment(info.environment, options.showSecrets ?? false)
  const tags = Object.fromEntries(Object.entries(info.tags).filter(([k]) => !k.startsWith(LEDGER_PREFIX)))
  return {
    key: target.key,
    configuration: {...info, environment, tags},
    masked,
    runtime: info.runtime ? runtimeOf(info.runtime, options.now.toISOString().slice(0, 10)) : undefined,
    versions: versions.map((v) => ({version: v.version, description: v.description, lastModified: v.lastModified})).sort((a, b) => newestFirst(a.version, b.version)),
    aliases: aliases.map((a) => ({name: a.name, weights: aliasWeights(a), description: a.description})),
    eventSources,
    permissions: statements.map((s) => ({...summarizeStatement(s), sling: oursSids.has(s.Sid ?? '')})),
    layers,
    concurrency: {reserved: info.reservedConcurrency, provisioned: provisioned.map((p) => ({qualifier: p.qualifier, requested: p.requested, status: p.status}))},
    metrics,
    drift: options.config ? await driftOf(options.config, info, options.configDir) : undefined,
  }
}

/** A policy statement as a person reads it: its id, whom it lets in ("s3.amazonaws.com", an account, "*"), to do what, from where. */
export function summarizeStatement(s: PolicyStatementInfo): {sid: string; principal: string; action: string; sourceArn?: string | undefined} {
  const principal = typeof s.Principal === 'string' ? s.Principal : Object.values((s.Principal ?? {}) as Record<string, unknown>).flat().filter((p): p is string => typeof p === 'string').join(', ')
  const source = s.Condition?.ArnLike?.['AWS:SourceArn'] ?? s.Condition?.ArnEquals?.['AWS:SourceArn']
  return {sid: s.Sid ?? '', principal, action: [s.Action ?? []].flat().join(', '), sourceArn: typeof source === 'string' ? source : undefined}
}

async function layerSize(arn: string, deps: InfoDeps): Promise<{arn: string; codeSize?: number | undefined}> {
  const version = Number(arn.split(':').pop())
  const layer = await deps.lambda.getLayerVersion(arn.slice(0, arn.lastIndexOf(':')), version, {signal: deps.signal}).catch(() => undefined)
  return {arn, codeSize: layer?.codeSize}
}

/** Invocations, errors, throttles (sums) and p90 duration over the hour before `now`: one GetMetricData call. */
async function lastHour(name: string, now: Date, deps: InfoDeps): Promise<FunctionDetails['metrics']> {
  const end = new Date(Math.ceil(now.getTime() / 60_000) * 60_000)
  const start = new Date(end.getTime() - 3_600_000)
  const metric = (id: string, metricName: string, stat: string) => ({id, metric: {namespace: 'AWS/Lambda', name: metricName, dimensions: {FunctionName: name}}, stat, periodSeconds: 3600})
  try {
    const series = await deps.cloudwatch.getMetricData([metric('invocations', 'Invocations', 'Sum'), metric('errors', 'Errors', 'Sum'), metric('throttles', 'Throttles', 'Sum'), metric('p90', 'Duration', 'p90')], {start, end}, {signal: deps.signal})
    const value = (id: string): number | undefined => series.find((s) => s.id === id)?.points.reduce<number | undefined>((sum, p) => (sum ?? 0) + p.value, undefined)
    return {invocations: value('invocations') ?? 0, errors: value('errors') ?? 0, throttles: value('throttles') ?? 0, p90DurationMs: value('p90')}
  } catch (error) {
    return {error: error instanceof Error ? error.message : String(error)}
  }
}

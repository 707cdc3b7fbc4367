/**
 * The read-only half of deploy, shared with diff: choose the functions, package them (the `sling package`
 * core), read the layers and the functions, and plan. Nothing here writes to AWS.
 */
import type {LambdaApi} from '../aws/lambda.js'
import type {S3Api} from '../aws/s3.js'
import type {SqsApi} from '../aws/sqs.js'
import type {FunctionInfo} from '../aws/types.js'
import type {EventsPlan} from '../events/reconcile.js'
import {needsEventsPlan, planEvents} from '../events/reconcile.js'
import {toUserError} from '../aws/errors.js'
import type {FunctionConfig, ProjectConfig} from '../config/load.js'
import {ExitCode, UserError} from '../errors.js'
import type {Output} from '../output.js'
import {mapLimit} from '../async.js'
import type {FunctionArtifact, LayerArtifact, PackageDeps, PackageOptions, PackageResult} from '../package/package.js'
import {displayPath} from '../paths.js'
import {suggest} from '../config/issues.js'
import type {DesiredFunction} from './desired.js'
import {desiredFunction} from './desired.js'
import type {LayerPlan} from './layers.js'
import {pendingLayerArn, planLayer} from './layers.js'
import {readAndPlan} from './observe.js'
import type {FunctionPlan, Observed} from './plan.js'
import {planFunction} from './plan.js'
import {countOf} from './view.js'

export interface PrepareOptions {
  readonly config: ProjectConfig
  /** Function keys. @default every function */
  readonly functions?: readonly string[] | undefined
  /** --publish: overrides each function's "publish". */
  readonly publish?: boolean | undefined
  /** --alias: overrides each function's "alias". */
  readonly alias?: string | undefined
  readonly concurrency: number
  readonly outDir?: string | undefined
  /** Reuse the zips of unchanged functions from the last build. @default true */
  readonly useCache?: boolean | undefined
}

export interface PrepareDeps {
  readonly lambda: LambdaApi
  readonly output: Output
  readonly signal?: AbortSignal | undefined
  readonly packageFunctions: (options: PackageOptions, deps: PackageDeps) => Promise<PackageResult>
  /** What planning declared event sources reads besides Lambda (only for functions that declare some). */
  readonly events?: {readonly sqs: SqsApi; readonly s3: Pick<S3Api, 'getBucketNotifications' | 'putBucketNotifications'>} | undefined
}

/** One function, read and planned; or why it couldn't be. */
export interface Prepared {
  readonly fn: FunctionConfig
  readonly artifact: FunctionArtifact | undefined
  readonly observed?: Observed | undefined
  readonly plan?: FunctionPlan | undefined
  /** The declared event sources and URL against what exists (undefined: the function declares none, and the config made none). */
  readonly events?: EventsPlan | undefined
  readonly error?: unknown
}

export interface PreparedDeploy {
  readonly functions: readonly Prepared[]
  readonly layers: readonly {readonly plan: LayerPlan; readonly artifact: LayerArtifact}[]
}

/** Packages, reads and plans. A function whose reads fail is returned with its error; the others go on. */
export async function prepare(options: PrepareOptions, deps: PrepareDeps): Promise<PreparedDeploy> {
  const chosen = chooseFunctions(options.config, options.functions ?? []).map((fn) => ({...fn, publish: options.publish ?? fn.publish, alias: options.alias ?? fn.alias}))
  const zipKeys = chosen.filter((fn) => fn.image === undefined).map((fn) => fn.key)
  // stdout is for deploy's result: the package's own table stays off it (its progress and warnings still show).
  const packageOutput: Output = {...deps.output, table: () => undefined, result: () => undefined}
  const packaged = zipKeys.length === 0 ? undefined : await deps.packageFunctions({config: options.config, functions: zipKeys, outDir: options.outDir, ...(options.useCache === undefined ? {} : {useCache: options.useCache})}, {output: packageOutput, ...(deps.signal ? {signal: deps.signal} : {})})
  const layerArtifacts = packaged?.layers ?? []
  const what = `${countOf(chosen.length, 'function')}${layerArtifacts.length > 0 ? ` and ${countOf(layerArtifacts.length, 'layer')}` : ''}`
  return deps.output.spin(`Reading ${what} from Lambda`, async () => {
    const layers = await mapLimit(layerArtifacts, options.concurrency, async (artifact) => {
      const layer = options.config.layers.find((l) => l.key === artifact.key)
      if (!layer) throw new Error(`layer ${artifact.key} was packaged but isn't declared`)
      return {plan: await planLayer(layer, {file: artifact.artifact, codeSha256: artifact.codeSha256, size: artifact.zippedSize}, deps, {signal: deps.signal}), artifact}
    })
    const layerArns = new Map(layers.map(({plan}) => [plan.key, plan.arn ?? pendingLayerArn(plan)]))
    const functions = await mapLimit(chosen, options.concurrency, async (fn): Promise<Prepared> => {
      const artifact = packaged?.functions.find((a) => a.key === fn.key)
      try {
        const desired = desire(fn, artifact, layerArns, undefined)
        const read = await readAndPlan(desired, deps.lambda, {signal: deps.signal})
        return {fn, artifact, ...read, events: await planFunctionEvents(fn, read.observed.current, deps)}
      } catch (error) {
        if (deps.signal?.aborted) throw error
        return {fn, artifact, error}
      }
    })
    return {functions, layers}
  })
}

/** The function as the config wants it, with layer keys replaced by the ARNs they resolve to. */
export function desire(fn: FunctionConfig, artifact: FunctionArtifact | undefined, layerArns: ReadonlyMap<string, string>, role: string | undefined): DesiredFunction {
  return desiredFunction(fn, {
    artifact: artifact && {file: artifact.artifact, codeSha256: artifact.codeSha256, size: artifact.zippedSize, handler: artifact.handler},
    layerArns: fn.layers.map((ref) => layerArns.get(ref) ?? ref),
    role,
  })
}

/** Plans `prepared` again once the layers are published and the role is known (no reads: the same observations). */
export function replan(prepared: Prepared, layerArns: ReadonlyMap<string, string>, role: string | undefined): FunctionPlan | undefined {
  if (!prepared.observed) return undefined
  return planFunction(desire(prepared.fn, prepared.artifact, layerArns, role), prepared.observed)
}

/** The event-source plan of a function that declares sources (or had config-made ones): read-only. */
async function planFunctionEvents(fn: FunctionConfig, current: FunctionInfo | undefined, deps: PrepareDeps): Promise<EventsPlan | undefined> {
  if (!needsEventsPlan(fn, current)) return undefined
  if (!deps.events) throw new Error('deploy was given no SQS/S3 APIs to plan event sources with')
  return planEvents(fn, current, {lambda: deps.lambda, ...deps.events, output: deps.output, signal: deps.signal})
}

function chooseFunctions(config: ProjectConfig, keys: readonly string[]): FunctionConfig[] {
  if (keys.length === 0) return [...config.functions]
  const chosen = keys.map((key) => {
    // A key, or the deployed name of one of the config's functions (what the other commands print).
    const found = config.functions.find((fn) => fn.key === key) ?? config.functions.find((fn) => fn.name === key)
    if (found) return found
    const known = config.functions.map((fn) => fn.key)
    throw new UserError('FunctionNotInConfig', `${displayPath(config.file)} declares no function "${key}".${suggest(key, known)}`, {
      exitCode: ExitCode.Usage,
      hints: [known.length > 0 ? `Declared: ${known.join(', ')}.` : 'Declare it under "functions".'],
    })
  })
  return [...new Set(chosen)]
}

/** An error as the result shows it. */
export function describeError(error: unknown): {readonly code: string; readonly message: string; readonly hints: readonly string[]} {
  const user = toUserError(error)
  return {code: user.code, message: user.message, hints: user.hints}
}

/**
 * `sling deploy` and `sling diff` as workflows. Deploy: package, read and plan every function (no writes),
 * check limits, then — only then — create the role if needed, publish changed layers, and apply each
 * function's plan, several at once. One function's failure neither stops nor hides the others; an interrupt
 * lets the write in flight finish, starts nothing new, and returns what was done.
 */
import type {IamApi} from '../aws/iam.js'
import type {LambdaApi} from '../aws/lambda.js'
import type {S3Api} from '../aws/s3.js'
import type {EventBridgeApi, SchedulerApi, SnsApi} from '../aws/push-sources.js'
import type {SqsApi} from '../aws/sqs.js'
import type {StsApi} from '../aws/sts.js'
import type {ProjectConfig} from '../config/load.js'
import {ExitCode, UserError} from '../errors.js'
import type {Output} from '../output.js'
import {mapLimit} from '../async.js'
import {packageFunctions} from '../package/package.js'
import type {EventsPlan} from '../events/reconcile.js'
import {applyEvents} from '../events/reconcile.js'
import type {ApplyOutcome} from './apply.js'
import {applyPlan} from './apply.js'
import {createArtifactStore} from './artifacts.js'
import {checkBeforeWrites} from './checks.js'
import {describeCommit} from './git.js'
import {publishLayer} from './layers.js'
import type {PrepareDeps, Prepared, PreparedDeploy} from './prepare.js'
import {describeError, prepare, replan} from './prepare.js'
import type {DeployResult, FunctionResult} from './result.js'
import {failedResult, functionResult, layerResults, summarize} from './result.js'
import {decideRole, ensureRole} from './role.js'
import type {RoleDecision} from './role.js'
import type {LayerView, PlanView} from './view.js'
import {countOf, layerView, planView, withEvents} from './view.js'

export type {DeployResult, FunctionResult} from './result.js'

export interface DeployOptions {
  readonly config: ProjectConfig
  /** Function keys to deploy. @default every function in the config */
  readonly functions?: readonly string[] | undefined
  /** The region the calls go to: sling's artifacts bucket is named after it. */
  readonly region: string
  /** Functions deployed at once. @default 4 */
  readonly concurrency?: number | undefined
  /** Publish a version after the change (--publish); overrides each function's "publish". */
  readonly publish?: boolean | undefined
  /** Point this alias at the new version (--alias); overrides each function's "alias". */
  readonly alias?: string | undefined
  /** Create the execution role without asking (--create-role). @default false */
  readonly createRole?: boolean | undefined
  /** Where the zips are built. @default "<project>/.sling/build" */
  readonly outDir?: string | undefined
  /** Reuse the zips of unchanged functions from the last build (--no-cache: false). @default true */
  readonly useCache?: boolean | undefined
}

export interface DeployDeps {
  readonly lambda: LambdaApi
  readonly s3: S3Api
  readonly iam: IamApi
  readonly sts: StsApi
  /** Looks up the queues declared event sources name. Without it, a function that declares some fails to plan. */
  readonly sqs?: SqsApi | undefined
  /** Schedules, EventBridge rules and SNS topics a config declares. */
  readonly eventBridge?: EventBridgeApi | undefined
  readonly scheduler?: SchedulerApi | undefined
  readonly sns?: SnsApi | undefined
  readonly output: Output
  /** "Today" for runtime deprecation dates (any Clock will do). @default Date.now */
  readonly clock?: {readonly now: () => number} | undefined
  /** Ctrl-C: the write in flight finishes, nothing new starts, the partial result is returned. */
  readonly signal?: AbortSignal | undefined
  /** Asks before creating the execution role. @default output.confirm, which needs a terminal (or --create-role) */
  readonly confirm?: ((message: string) => Promise<boolean>) | undefined
  /** The commit a version comes from ("abc1234", "abc1234-dirty"). @default git in the project directory */
  readonly describeCommit?: ((dir: string) => Promise<string | undefined>) | undefined
  /** The `sling package` core (tests pass a fake). */
  readonly packageFunctions?: PrepareDeps['packageFunctions'] | undefined
}

const DEFAULT_CONCURRENCY = 4

/** Deploys the chosen functions (all by default) and returns, per function, what happened. */
export async function deploy(options: DeployOptions, deps: DeployDeps): Promise<DeployResult> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY
  let prepared: PreparedDeploy | undefined
  let decision: RoleDecision | undefined
  try {
    prepared = await prepare({...options, concurrency}, prepareDeps(deps))
    decision = await readyToWrite(prepared, options, deps)
  } catch (error) {
    // Interrupted while packaging, reading or checking: nothing was written, so every function is untouched.
    if (!deps.signal?.aborted) throw error
  }
  if (!prepared || deps.signal?.aborted) return untouched(options, prepared)
  return write(prepared, decision, options, deps, concurrency)
}

/** The checks before any write, and the role decision (a question, when a new function has no role). */
async function readyToWrite(prepared: PreparedDeploy, options: DeployOptions, deps: DeployDeps): Promise<RoleDecision | undefined> {
  const {output, signal} = deps
  const plans = prepared.functions.flatMap((p) => p.plan ?? [])
  await checkBeforeWrites({
    plans, today: new Date(deps.clock?.now() ?? Date.now()).toISOString().slice(0, 10),
    unzippedSizes: new Map(prepared.functions.flatMap((p) => (p.artifact ? [[p.fn.key, p.artifact.totalUnzippedSize] as const] : []))),
    layerUploadBytes: prepared.layers.filter((l) => l.plan.action === 'publish').reduce((sum, l) => sum + l.artifact.zippedSize, 0),
  }, deps, {signal})
  const roleless = plans.filter((plan) => plan.action === 'create' && plan.desired.settings.role === undefined).map((plan) => plan.key)
  if (roleless.length === 0) return undefined
  const {roleName} = options.config.deployment
  const confirm = deps.confirm ?? ((message: string) => askToCreateRole(message, roleName, roleless, output))
  return decideRole({roleName, createRole: options.createRole ?? false, functions: roleless}, {...deps, confirm}, {signal})
}

/** The role question on a terminal; without one (CI, --json), a usage error that names --create-role. */
async function askToCreateRole(question: string, roleName: string, functions: readonly string[], output: Output): Promise<boolean> {
  try {
    return await output.confirm(question, {assumeYes: false, flag: '--create-role'})
  } catch (error) {
    if (!(error instanceof UserError) || error.code !== 'ConfirmationRequired') throw error
    throw new UserError('ConfirmationRequired', `${functions.join(', ')} ${functions.length === 1 ? 'has' : 'have'} no "role", and sling may create the IAM role "${roleName}" only with your consent; there is no terminal to ask. Nothing was changed.`, {
      exitCode: ExitCode.Usage,
      hints: ['Pass --create-role in CI or scripts to let sling create it (trust for lambda.amazonaws.com, AWSLambdaBasicExecutionRole only).', 'Or set "role" to an existing execution role ARN in sling.config.json.'],
    })
  }
}

/** The result of a deploy interrupted before its first write. */
function untouched(options: DeployOptions, prepared: PreparedDeploy | undefined): DeployResult {
  if (prepared) return summarize(prepared.functions.map((p) => (p.error === undefined ? functionResult(p, undefined) : failedResult(p, p.error))), layerResults(prepared, new Map(), new Map()), true)
  const keys = options.functions?.length ? options.functions : options.config.functions.map((fn) => fn.key)
  return summarize(options.config.functions.filter((fn) => keys.includes(fn.key)).map((fn) => functionResult({fn, artifact: undefined}, undefined)), [], true)
}

/** The writes, behind one spinner on a terminal (each step still prints its line); a no-op shows none. */
async function write(prepared: PreparedDeploy, decision: RoleDecision | undefined, options: DeployOptions, deps: DeployDeps, concurrency: number): Promise<DeployResult> {
  const changing = prepared.functions.filter((p) => p.plan && p.plan.action !== 'unchanged').length
  const publishing = prepared.layers.filter((l) => l.plan.action === 'publish').length
  if (changing === 0 && publishing === 0 && !decision) return writeAll(prepared, decision, options, deps, concurrency)
  const what = [changing > 0 && countOf(changing, 'function'), publishing > 0 && countOf(publishing, 'layer')].filter(Boolean).join(' and ')
  return deps.output.spin(`Deploying ${what || 'the execution role'}`, () => writeAll(prepared, decision, options, deps, concurrency))
}

/** The writes: role, layers, then every function's plan, `concurrency` at a time. */
async function writeAll(prepared: PreparedDeploy, decision: RoleDecision | undefined, options: DeployOptions, deps: DeployDeps, concurrency: number): Promise<DeployResult> {
  const {lambda, output, signal} = deps
  const artifacts = createArtifactStore({bucket: options.config.deployment.bucket, region: options.region}, deps)
  const role = decision ? await settle(() => ensureRole(decision, deps)) : undefined
  const layerArns = new Map<string, string>()
  const layerErrors = new Map<string, unknown>()
  for (const {plan, artifact} of prepared.layers) {
    if (plan.arn) layerArns.set(plan.key, plan.arn)
    if (plan.action !== 'publish' || signal?.aborted) continue
    const layer = options.config.layers.find((l) => l.key === plan.key)
    if (!layer) continue
    const published = await settle(() => publishLayer(layer, {file: artifact.artifact, codeSha256: artifact.codeSha256, size: artifact.zippedSize}, {lambda, artifacts, output}, {signal}))
    if ('value' in published) layerArns.set(plan.key, published.value)
    else layerErrors.set(plan.key, published.error)
  }
  let commit: Promise<string | undefined> | undefined
  const applyDeps = {lambda, artifacts, output, signal, describeCommit: () => (commit ??= (deps.describeCommit ?? describeCommit)(options.config.dir))}
  const results = await mapLimit(prepared.functions, concurrency, async (p): Promise<FunctionResult> => {
    if (p.error !== undefined || !p.plan) return failedResult(p, p.error)
    const blockedBy = [...layerErrors.keys()].find((key) => p.fn.layers.includes(key))
    if (blockedBy !== undefined) return failedResult(p, layerErrors.get(blockedBy), `layer ${blockedBy} failed to publish`)
    const needsRole = p.plan.action === 'create' && p.plan.desired.settings.role === undefined
    if (needsRole && role && 'error' in role) return failedResult(p, role.error, 'the execution role could not be created')
    const plan = replan(p, layerArns, needsRole && role && 'value' in role ? role.value.arn : undefined) ?? p.plan
    if (plan.action === 'unchanged') return reconcileEvents(p, functionResult({...p, plan}, emptyOutcome(plan)), deps)
    if (signal?.aborted) return functionResult(p, undefined)
    return reconcileEvents(p, functionResult({...p, plan}, await applyPlan(plan, applyDeps, {newRole: needsRole})), deps)
  })
  return summarize(results, layerResults(prepared, layerArns, layerErrors), signal?.aborted ?? false)
}

function emptyOutcome(plan: NonNullable<Prepared['plan']>): ApplyOutcome {
  return {arn: plan.current?.arn, codeSha256: plan.current?.codeSha256, writes: [], interrupted: false}
}

async function settle<T>(run: () => Promise<T>): Promise<{readonly value: T} | {readonly error: unknown}> {
  try {
    return {value: await run()}
  } catch (error) {
    return {error}
  }
}

function prepareDeps(deps: Pick<DeployDeps, 'lambda' | 'output' | 'signal' | 'packageFunctions'> & Partial<Pick<DeployDeps, 'sqs' | 's3'>>): PrepareDeps {
  const events = deps.sqs && deps.s3 ? {sqs: deps.sqs, s3: deps.s3} : undefined
  return {lambda: deps.lambda, output: deps.output, signal: deps.signal, packageFunctions: deps.packageFunctions ?? packageFunctions, events}
}

/** The last stage: the declared event sources, once the function (and its alias) is deployed. */
async function reconcileEvents(p: Prepared, result: FunctionResult, deps: DeployDeps): Promise<FunctionResult> {
  const plan = p.events
  for (const blocked of plan?.changes.filter((c) => c.action === 'blocked') ?? []) deps.output.warn(`${p.fn.key}: ${blocked.source} left alone: ${blocked.reason ?? ''}`)
  if (!plan || plan.steps.length === 0 || result.action === 'failed' || result.action === 'skipped' || deps.signal?.aborted || !deps.sqs) return withEventChanges(result, plan)
  try {
    const {lambda, sqs, s3, eventBridge, scheduler, sns, signal} = deps
    await applyEvents(plan, p.fn.name, {lambda, sqs, s3, eventBridge, scheduler, sns, output: prefixed(deps.output, p.fn.key), signal})
    return {...withEventChanges(result, plan), action: result.action === 'unchanged' ? 'updated' : result.action}
  } catch (error) {
    if (deps.signal?.aborted) throw error
    return {...withEventChanges(result, plan), action: 'failed', progress: 'updated', error: describeError(error)}
  }
}

function withEventChanges(result: FunctionResult, plan: EventsPlan | undefined): FunctionResult {
  const events = plan?.changes.filter((c) => c.action !== 'unchanged') ?? []
  return events.length === 0 ? result : {...result, events}
}

/** Each step's line names the function, as deploy's other steps do ("api: …"). */
function prefixed(output: Output, key: string): Output {
  return {...output, info: (message: string) => output.info(`${key}: ${message.charAt(0).toLowerCase()}${message.slice(1)}`)}
}

export interface DiffOptions extends Omit<DeployOptions, 'region' | 'createRole'> {
  /** Show environment variable values, not only which changed. @default false */
  readonly showValues?: boolean | undefined
}

export interface DiffResult {
  /** "different" when deploy would change anything (`sling diff --exit-code` exits 1 then). */
  readonly status: 'different' | 'same'
  readonly functions: readonly PlanView[]
  readonly layers: readonly LayerView[]
}

/** What deploy would do, changing nothing: the reads of a deploy, and its plans. */
export async function diff(options: DiffOptions, deps: Pick<DeployDeps, 'lambda' | 'output' | 'signal' | 'packageFunctions'> & Partial<Pick<DeployDeps, 'sqs' | 's3'>>): Promise<DiffResult> {
  const prepared = await prepare({...options, concurrency: options.concurrency ?? DEFAULT_CONCURRENCY}, prepareDeps(deps))
  const functions = prepared.functions.map((p): PlanView => {
    if (p.plan) return withEvents(planView(p.plan, {showValues: options.showValues}), p.events)
    const error = describeError(p.error)
    return {key: p.fn.key, functionName: p.fn.name, action: 'error', configuration: [], error: {code: error.code, message: error.message}}
  })
  const layers = prepared.layers.map(({plan}) => layerView(plan))
  const different = functions.some((f) => f.action !== 'unchanged' || f.events?.some((e) => e.action !== 'unchanged' && e.action !== 'blocked')) || layers.some((l) => l.action === 'publish')
  return {status: different ? 'different' : 'same', functions, layers}
}

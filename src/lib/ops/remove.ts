/**
 * `sling remove FUNCTION...`: deletes each function and what sling created for it, nothing else. Every
 * function is read and planned before anything is deleted, the plan is shown, and a terminal is asked (or
 * --yes given) before the first delete. The event sources and triggers go through the events library
 * (`detachAll`), the one place that knows how each was made.
 */
import type {IamApi} from '../aws/iam.js'
import type {LambdaApi} from '../aws/lambda.js'
import type {LogsApi} from '../aws/logs.js'
import type {OpsApi} from '../aws/ops.js'
import type {EventBridgeApi, SchedulerApi, SnsApi} from '../aws/push-sources.js'
import type {S3Api} from '../aws/s3.js'
import type {FunctionInfo} from '../aws/types.js'
import type {CallOptions} from '../clock.js'
import {ExitCode, UserError} from '../errors.js'
import {detachAll} from '../events/cleanup.js'
import type {Output} from '../output.js'
import type {Target} from '../targets.js'
import {explainMissing} from '../targets.js'
import type {PlanDeps, PlanItem, RemovalPlan} from './remove-plan.js'
import {describePlan, planRemoval} from './remove-plan.js'

export interface RemoveOptions {
  readonly targets: readonly Target[]
  /** Delete each function's log group too. @default false */
  readonly logs?: boolean | undefined
  /** Show the plan and delete nothing. @default false */
  readonly dryRun?: boolean | undefined
  /** Don't ask (CI). @default false */
  readonly yes?: boolean | undefined
  /** The bucket deploy uploaded large artifacts to. */
  readonly artifactsBucket: string
}

export interface RemoveResult {
  /** `removed`, `would-remove` (--dry-run), or `cancelled` (the answer was no). */
  readonly status: 'removed' | 'would-remove' | 'cancelled'
  readonly functions: readonly RemovalPlan[]
}

export interface RemoveDeps {
  /** All of it: detaching a source uses the mapping, permission, URL and tag calls. */
  readonly lambda: LambdaApi
  readonly s3: Pick<S3Api, 'getBucketNotifications' | 'putBucketNotifications'>
  readonly eventBridge: EventBridgeApi
  readonly scheduler: SchedulerApi
  readonly sns: SnsApi
  readonly ops: Pick<OpsApi, 'listKeys' | 'deleteKeys' | 'listFunctions'>
  readonly iam: Pick<IamApi, 'getRole' | 'deleteRole'>
  readonly logs: Pick<LogsApi, 'deleteLogGroup'>
  readonly output: Output
  readonly signal?: AbortSignal | undefined
}

export async function remove(options: RemoveOptions, deps: RemoveDeps): Promise<RemoveResult> {
  const {output, signal} = deps
  const found = await Promise.all(options.targets.map(async (target) => ({target, info: await read(target, deps)})))
  const removing = new Set(found.map((f) => f.info.name))
  // Every plan asks who else uses a role: list the region's functions once, not once per function.
  // (Named one by one: the real API is a lazy proxy, which a spread would copy as nothing.)
  let everyFunction: ReturnType<OpsApi['listFunctions']> | undefined
  const ops = deps.ops
  const planOps: PlanDeps['ops'] = {
    listKeys: (bucket, prefix, o) => ops.listKeys(bucket, prefix, o),
    listFunctions: (o?: CallOptions) => (everyFunction ??= ops.listFunctions(o)),
  }
  const planDeps = {...deps, ops: planOps}
  const plans: RemovalPlan[] = []
  for (const {target, info} of found) plans.push(await planRemoval(info, target.key, {logs: options.logs ?? false, artifactsBucket: options.artifactsBucket, removing}, planDeps))
  const prefix = options.dryRun ? '(dry run) ' : ''
  for (const line of plans.flatMap(describePlan)) output.info(`${prefix}${line}`)
  if (options.dryRun) return {status: 'would-remove', functions: plans}
  const what = plans.length === 1 ? `Removing ${plans[0]?.functionName ?? ''}` : `Removing ${plans.length} functions`
  if (!(await output.confirm(what, {assumeYes: options.yes ?? false}))) return {status: 'cancelled', functions: plans}

  for (const [i, plan] of plans.entries()) {
    await detachEverything(found[i]?.info, plan, deps)
    for (const item of plan.remove.filter((it) => AFTER_DETACH.includes(it.kind))) await apply(plan, item, deps)
    output.info(`Removed ${plan.functionName}.`)
  }
  // A role shared by functions removed together goes once, after all of them.
  const roles = new Set(plans.flatMap((p) => p.remove.filter((i) => i.kind === 'role').map((i) => i.name)))
  for (const role of roles) {
    await deps.iam.deleteRole(role, {signal})
    output.info(`Deleted the role ${role} sling had created.`)
  }
  return {status: 'removed', functions: plans}
}

/**
 * Sling's pieces outside the function go first (once it is gone, nothing names them any more, and a mapping
 * would poll for nothing); then the function; then what only it used. The role goes last, once for all.
 */
const AFTER_DETACH: readonly PlanItem['kind'][] = ['function', 'artifacts', 'log-group']

/**
 * Every event source and trigger in the function's ledger, through the events library. If any can't be removed
 * the function stays, so its ledger still names what is left and running remove again finishes the job.
 */
async function detachEverything(info: FunctionInfo | undefined, plan: RemovalPlan, deps: RemoveDeps): Promise<void> {
  if (!info) return
  const {failed} = await detachAll(info, deps)
  if (failed.length === 0) return
  const what = failed.map(({entry, error}) => `${entry.kind} ${entry.resource}${entry.qualifier ? ` (on ${entry.qualifier})` : ''}: ${error instanceof Error ? error.message : String(error)}`)
  throw new UserError('RemoveIncomplete', `${plan.functionName} wasn't deleted: sling couldn't remove ${failed.length === 1 ? 'one source it attached' : `${failed.length} sources it attached`}:\n  ${what.join('\n  ')}`, {
    cause: failed[0]?.error,
    hints: [`Fix what is named above, then run "sling remove ${plan.key ?? plan.functionName}" again: what was removed is gone from the ledger, the rest is tried again.`],
  })
}

async function read(target: Target, deps: RemoveDeps): Promise<FunctionInfo> {
  try {
    const info = await deps.lambda.getFunction(target.functionName, {signal: deps.signal})
    if (info) return info
  } catch (error) {
    throw explainMissing(error, target)
  }
  throw explainMissing(new UserError('FunctionNotFound', `Function "${target.name}" doesn't exist, so there is nothing to remove.`, {
    exitCode: ExitCode.Failure,
    hints: ['Check --region / AWS_REGION and --stage; "sling list --all" shows what is deployed.'],
  }), target)
}

/** One deletion after the detach; what is already gone counts as done, so a second run finishes what an interrupted one started. */
async function apply(plan: RemovalPlan, item: PlanItem, deps: RemoveDeps): Promise<void> {
  const signal = deps.signal
  if (item.kind === 'function') await deps.lambda.deleteFunction(plan.functionName, {signal})
  if (item.kind === 'artifacts') await deps.ops.deleteKeys(item.bucket ?? '', item.keys ?? [], {signal})
  if (item.kind === 'log-group') await deps.logs.deleteLogGroup(item.name, {signal})
}

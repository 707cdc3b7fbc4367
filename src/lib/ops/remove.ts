/**
 * `sling remove FUNCTION...`: deletes each function and what sling created for it, nothing else. Every
 * function is read and planned before anything is deleted, the plan is shown, and a terminal is asked (or
 * --yes given) before the first delete.
 */
import type {IamApi} from '../aws/iam.js'
import type {LambdaApi} from '../aws/lambda.js'
import type {LogsApi} from '../aws/logs.js'
import type {OpsApi} from '../aws/ops.js'
import type {FunctionInfo} from '../aws/types.js'
import type {CallOptions} from '../clock.js'
import {ExitCode, UserError} from '../errors.js'
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
  readonly lambda: Pick<LambdaApi, 'getFunction' | 'deleteFunction' | 'listVersions' | 'listAliases' | 'listEventSourceMappings'>
  readonly ops: OpsApi
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
    getPolicy: (name, o) => ops.getPolicy(name, o),
    getUrlConfig: (name, o) => ops.getUrlConfig(name, o),
    getBucketNotifications: (bucket, o) => ops.getBucketNotifications(bucket, o),
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

  for (const plan of plans) {
    const steps = plan.remove.filter((i) => i.kind !== 'role').sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind))
    for (const item of steps) await apply(plan, item, deps)
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
 * would poll for nothing); then the function; then what only it used.
 */
const ORDER: readonly PlanItem['kind'][] = ['mapping', 'notification', 'permission', 'url', 'function', 'artifacts', 'log-group']

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

/** One deletion; what is already gone counts as done, so a second run finishes what an interrupted one started. */
async function apply(plan: RemovalPlan, item: PlanItem, deps: RemoveDeps): Promise<void> {
  const signal = deps.signal
  switch (item.kind) {
    case 'mapping':
      await deps.ops.deleteMapping(item.name, {signal})
      return
    case 'notification': {
      const bucket = item.bucket ?? ''
      // S3 replaces the configuration whole: read it again just before, and put back everything but sling's entry.
      const current = await deps.ops.getBucketNotifications(bucket, {signal})
      if (!current?.LambdaFunctionConfigurations?.some((c) => c.Id === item.name)) return
      await deps.ops.putBucketNotifications(bucket, {...current, LambdaFunctionConfigurations: current.LambdaFunctionConfigurations.filter((c) => c.Id !== item.name)}, {signal})
      return
    }
    case 'permission':
      await deps.ops.removePermission(plan.functionName, item.name, {signal, qualifier: item.qualifier})
      return
    case 'url':
      await deps.ops.deleteUrlConfig(plan.functionName, {signal, qualifier: item.qualifier})
      return
    case 'function':
      await deps.lambda.deleteFunction(plan.functionName, {signal})
      return
    case 'artifacts':
      await deps.ops.deleteKeys(item.bucket ?? '', item.keys ?? [], {signal})
      return
    case 'log-group':
      await deps.logs.deleteLogGroup(item.name, {signal})
      return
    case 'role':
    case 'trigger':
      return
  }
}

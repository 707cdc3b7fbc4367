/**
 * What `sling remove` would delete for a function, and what it leaves: read first, changed after, so the plan
 * shown is the plan run. Only what sling created is removed (see marks.ts); a mapping, notification or role
 * someone else made is listed as kept, with why.
 */
import type {LambdaApi} from '../aws/lambda.js'
import type {IamApi} from '../aws/iam.js'
import type {OpsApi} from '../aws/ops.js'
import type {FunctionInfo} from '../aws/types.js'
import {MANAGED_TAG} from '../deploy/role.js'
import {newestFirst} from '../release/weights.js'
import type {LedgerEntry} from './marks.js'
import {notificationId, parseLedger, statementIds} from './marks.js'

/** One thing remove deletes, or keeps (with `reason`). */
export interface PlanItem {
  readonly kind: 'function' | 'mapping' | 'notification' | 'permission' | 'url' | 'artifacts' | 'log-group' | 'role' | 'trigger'
  /** What it is: a mapping's UUID, a bucket's notification Id, a statement id, a key prefix, a name. */
  readonly name: string
  readonly detail?: string | undefined
  readonly reason?: string | undefined
  /** For artifacts: the bucket and keys; for notifications: the bucket. */
  readonly bucket?: string | undefined
  readonly keys?: readonly string[] | undefined
  readonly qualifier?: string | undefined
}

export interface RemovalPlan {
  readonly key?: string | undefined
  readonly functionName: string
  readonly arn: string
  readonly remove: readonly PlanItem[]
  readonly keep: readonly PlanItem[]
}

export interface PlanOptions {
  /** Delete the function's log group too. */
  readonly logs: boolean
  /** Where deploy uploaded artifacts too large for a request (the config's deployment.bucket, or sling's default). */
  readonly artifactsBucket: string
  /** Every function being removed (a role they alone use goes with them). */
  readonly removing: ReadonlySet<string>
}

export interface PlanDeps {
  readonly lambda: Pick<LambdaApi, 'listVersions' | 'listAliases' | 'listEventSourceMappings'>
  readonly ops: Pick<OpsApi, 'getPolicy' | 'getUrlConfig' | 'getBucketNotifications' | 'listKeys' | 'listFunctions'>
  readonly iam: Pick<IamApi, 'getRole'>
  readonly signal?: AbortSignal | undefined
}

export async function planRemoval(info: FunctionInfo, key: string | undefined, options: PlanOptions, deps: PlanDeps): Promise<RemovalPlan> {
  const signal = deps.signal
  const ledger = parseLedger(info.tags)
  const [versions, aliases] = await Promise.all([deps.lambda.listVersions(info.name, {signal}), deps.lambda.listAliases(info.name, {signal})])
  const remove: PlanItem[] = []
  const keep: PlanItem[] = []
  const aliasNote = aliases.length > 0 ? ` and ${aliases.length === 1 ? 'alias' : 'aliases'} ${aliases.map((a) => a.name).join(', ')}` : ''
  const versionNote = versions.length > 0 ? `, its ${versions.length === 1 ? 'version' : 'versions'} ${versions.map((v) => v.version).sort(newestFirst).reverse().join(', ')}` : ''
  remove.push({kind: 'function', name: info.name, detail: `with its configuration${versionNote}${aliasNote}, its resource policy and function URL`})

  await planMappings(info, aliases.map((a) => a.name), ledger, {remove, keep}, deps)
  await planTriggers(info, ledger, {remove, keep}, deps)
  const keys = await deps.ops.listKeys(options.artifactsBucket, `sling/${info.name}/`, {signal})
  if (keys.length > 0) remove.push({kind: 'artifacts', name: `s3://${options.artifactsBucket}/sling/${info.name}/`, detail: `${keys.length} zip${keys.length === 1 ? '' : 's'} sling deploy uploaded`, bucket: options.artifactsBucket, keys})

  const group = info.loggingConfig?.logGroup ?? `/aws/lambda/${info.name}`
  if (group !== `/aws/lambda/${info.name}`) keep.push({kind: 'log-group', name: group, reason: 'a log group the function was configured to use (others may write to it)'})
  else if (options.logs) remove.push({kind: 'log-group', name: group})
  else keep.push({kind: 'log-group', name: group, reason: 'pass --logs to delete it'})

  const role = await planRole(info, options, deps)
  ;(role.reason ? keep : remove).push(role)
  return {key, functionName: info.name, arn: info.arn, remove, keep}
}

/** Mappings of the function and of its aliases: sling's (in the ledger) are deleted, others kept (they would outlive the function). */
async function planMappings(info: FunctionInfo, aliases: readonly string[], ledger: readonly LedgerEntry[], into: {remove: PlanItem[]; keep: PlanItem[]}, deps: PlanDeps): Promise<void> {
  const lists = await Promise.all([info.name, ...aliases.map((a) => `${info.arn}:${a}`)].map((fn) => deps.lambda.listEventSourceMappings(fn, {signal: deps.signal})))
  const seen = new Set<string>()
  const ours = new Set(ledger.filter((e) => e.kind === 'esm').map((e) => e.id))
  for (const mapping of lists.flat()) {
    if (seen.has(mapping.uuid)) continue
    seen.add(mapping.uuid)
    const item = {kind: 'mapping' as const, name: mapping.uuid, detail: mapping.eventSourceArn}
    if (ours.has(mapping.uuid)) into.remove.push(item)
    else into.keep.push({...item, reason: 'not created by sling: delete it yourself if it should go (it would keep polling for a function that is gone)'})
  }
}

/** S3 notification entries and permission statements sling added; rules, schedules and subscriptions need the events library. */
async function planTriggers(info: FunctionInfo, ledger: readonly LedgerEntry[], into: {remove: PlanItem[]; keep: PlanItem[]}, deps: PlanDeps): Promise<void> {
  const statements = await deps.ops.getPolicy(info.name, {signal: deps.signal})
  const oursSids = new Set(ledger.flatMap((e) => statementIds(e.id)))
  for (const statement of statements.filter((s) => oursSids.has(s.sid))) into.remove.push({kind: 'permission', name: statement.sid, detail: `${statement.principal}${statement.sourceArn ? ` from ${statement.sourceArn}` : ''}`})
  for (const entry of ledger) {
    if (entry.kind === 's3') {
      const configuration = await deps.ops.getBucketNotifications(entry.resource, {signal: deps.signal})
      const id = notificationId(info.name, entry.id)
      if (configuration?.LambdaFunctionConfigurations?.some((c) => c.Id === id)) into.remove.push({kind: 'notification', name: id, detail: `on bucket ${entry.resource}`, bucket: entry.resource})
    } else if (entry.kind === 'url') {
      const url = await deps.ops.getUrlConfig(info.name, {signal: deps.signal, qualifier: entry.qualifier})
      if (url) into.remove.push({kind: 'url', name: url.url, detail: `auth ${url.authType}`, qualifier: entry.qualifier})
    } else if (entry.kind !== 'esm') {
      into.keep.push({kind: 'trigger', name: `${entry.kind} ${entry.resource}`, reason: 'EventBridge, Scheduler and SNS triggers are detached with "sling events detach" before removing the function'})
    }
  }
}

/** The execution role goes too when sling created it and no function outside those being removed uses it. */
async function planRole(info: FunctionInfo, options: PlanOptions, deps: PlanDeps): Promise<PlanItem> {
  const name = info.role.split('/').pop() ?? info.role
  const role = await deps.iam.getRole(name, {signal: deps.signal})
  if (!role) return {kind: 'role', name, reason: "it doesn't exist (any more)"}
  if (role.tags[MANAGED_TAG.key] !== MANAGED_TAG.value) return {kind: 'role', name, reason: 'not created by sling'}
  const users = (await deps.ops.listFunctions({signal: deps.signal})).filter((f) => f.role === info.role && !options.removing.has(f.name)).map((f) => f.name)
  if (users.length > 0) return {kind: 'role', name, reason: `${users.slice(0, 3).join(', ')}${users.length > 3 ? ' and others' : ''} still use${users.length === 1 ? 's' : ''} it`}
  return {kind: 'role', name, detail: 'created by sling; no other function uses it'}
}

/** The plan as lines for a person: what goes, then what stays and why. */
export function describePlan(plan: RemovalPlan): string[] {
  const lines = [`${plan.key ? `${plan.key} (${plan.functionName})` : plan.functionName}:`]
  for (const item of plan.remove) lines.push(`  - delete ${label(item)}${item.detail ? `: ${item.detail}` : ''}`)
  for (const item of plan.keep) lines.push(`  - keep ${label(item)} (${item.reason ?? ''})`)
  return lines
}

const KIND_LABELS: Readonly<Record<PlanItem['kind'], string>> = {
  function: 'function', mapping: 'event source mapping', notification: 'S3 notification', permission: 'permission', url: 'function URL',
  artifacts: 'artifacts', 'log-group': 'log group', role: 'role', trigger: 'trigger',
}

function label(item: PlanItem): string {
  return `${KIND_LABELS[item.kind]} ${item.name}`
}

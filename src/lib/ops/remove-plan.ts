/**
 * What `sling remove` would delete for a function, and what it leaves: read first, changed after, so the plan
 * shown is the plan run. Only what sling created is removed: the events library's ledger (parseLedger) names
 * each mapping, S3 notification, URL, EventBridge rule, Scheduler schedule and SNS subscription, and
 * `detachAll` removes them; a mapping or role someone else made is listed as kept, with why.
 */
import type {LambdaApi} from '../aws/lambda.js'
import type {PolicyStatementInfo} from '../aws/lambda-events.js'
import type {IamApi} from '../aws/iam.js'
import type {OpsApi} from '../aws/ops.js'
import type {S3Api} from '../aws/s3.js'
import type {FunctionInfo} from '../aws/types.js'
import {MANAGED_TAG} from '../deploy/role.js'
import type {LedgerEntry} from '../events/marks.js'
import {notificationId, parseLedger, statementId} from '../events/marks.js'
import {newestFirst} from '../release/weights.js'
import {summarizeStatement} from './info.js'

/** One thing remove deletes, or keeps (with `reason`). */
export interface PlanItem {
  readonly kind: 'function' | 'mapping' | 'permission' | 'notification' | 'url' | 'rule' | 'schedule' | 'subscription' | 'artifacts' | 'log-group' | 'role'
  /** What it is: a mapping's UUID, a statement id, a bucket's notification Id, a rule or schedule name, a subscription ARN, a key prefix, a name. */
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
  readonly lambda: Pick<LambdaApi, 'listVersions' | 'listAliases' | 'listEventSourceMappings' | 'getPolicy' | 'getUrlConfig'>
  readonly s3: Pick<S3Api, 'getBucketNotifications'>
  readonly ops: Pick<OpsApi, 'listKeys' | 'listFunctions'>
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
  await planTriggers(info, ledger, {remove}, deps)
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

/** The ledger's triggers, each with the permission statements it added: exactly what detachAll will remove. */
async function planTriggers(info: FunctionInfo, ledger: readonly LedgerEntry[], into: {remove: PlanItem[]}, deps: PlanDeps): Promise<void> {
  const {signal} = deps
  for (const qualifier of new Set(ledger.map((e) => e.qualifier))) {
    const sids = new Set(ledger.filter((e) => e.qualifier === qualifier).flatMap((e) => [statementId(e.id), statementId(e.id, 'invoke')]))
    for (const s of await deps.lambda.getPolicy(info.name, {qualifier, signal})) {
      if (s.Sid && sids.has(s.Sid)) into.remove.push({kind: 'permission', name: s.Sid, detail: describeStatement(s), qualifier})
    }
  }
  for (const entry of ledger) {
    const item = await triggerItem(info, entry, deps)
    if (item) into.remove.push(item)
  }
}

/** The plan item of one ledger entry; none when what it names is gone already (mappings are planned from Lambda's list). */
async function triggerItem(info: FunctionInfo, entry: LedgerEntry, {lambda, s3, signal}: PlanDeps): Promise<PlanItem | undefined> {
  const qualifier = entry.qualifier
  switch (entry.kind) {
    case 'esm':
      return undefined
    case 's3': {
      const id = notificationId(info.name, entry.id)
      const configuration = await s3.getBucketNotifications(entry.resource, {signal}).catch(() => undefined) // a bucket that's gone took its notifications
      const mine = configuration?.LambdaFunctionConfigurations?.find((c) => c.Id === id)
      return mine && {kind: 'notification', name: id, detail: `on bucket ${entry.resource} (${(mine.Events ?? []).join(', ')})`, bucket: entry.resource, qualifier}
    }
    case 'url': {
      const url = await lambda.getUrlConfig(info.name, {qualifier, signal})
      return url && {kind: 'url', name: url.FunctionUrl ?? '', detail: `auth ${url.AuthType ?? ''}`, qualifier}
    }
    case 'rule':
      return {kind: 'rule', name: entry.resource, detail: 'EventBridge rule sling created, with its target', qualifier}
    case 'schedule':
      return {kind: 'schedule', name: entry.resource, detail: 'EventBridge Scheduler schedule sling created (group default)', qualifier}
    case 'sns':
      return {kind: 'subscription', name: entry.resource, detail: 'SNS subscription sling created', qualifier}
  }
}

function describeStatement(statement: PolicyStatementInfo): string {
  const {principal, sourceArn} = summarizeStatement(statement)
  return `${principal}${sourceArn ? ` from ${sourceArn}` : ''}`
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
  function: 'function', mapping: 'event source mapping', permission: 'permission', notification: 'S3 notification', url: 'function URL',
  rule: 'EventBridge rule', schedule: 'schedule', subscription: 'SNS subscription', artifacts: 'artifacts', 'log-group': 'log group', role: 'role',
}

function label(item: PlanItem): string {
  return `${KIND_LABELS[item.kind]} ${item.name}${item.qualifier ? ` (on ${item.qualifier})` : ''}`
}

/**
 * The event sources a config declares for a function (`events`, `url`), reconciled by `sling deploy` and shown
 * by `sling diff`: created, updated, and deleted once removed from the config — only those sling's ledger says
 * the config made (origin "config", marks.ts). A mapping or URL someone else made is reported, never touched;
 * one `sling events attach` made is taken over when the config declares it. Settings an entry leaves out are
 * left as they are, as for the function's own settings.
 */
import type {LambdaApi} from '../aws/lambda.js'
import type {EventBridgeApi, SchedulerApi, SnsApi} from '../aws/push-sources.js'
import type {S3Api} from '../aws/s3.js'
import type {SqsApi} from '../aws/sqs.js'
import type {FunctionInfo} from '../aws/types.js'
import type {EventSourceConfig, UrlConfig} from '../config/event-fields.js'
import type {Output} from '../output.js'
import type {LedgerEntry} from './marks.js'
import {ledgerTag, parseLedger} from './marks.js'
import type {MappingOptions} from './mappings.js'
import {attachMapping, detachMapping, findMapping, mappingSettings, resolvePullArn, sameSettings, serviceOfArn} from './mappings.js'
import {attachS3, detachS3, s3TriggerId} from './s3-trigger.js'
import {topicArnOf} from './commands.js'
import type {PushDeps} from './push.js'
import {attachRule, attachSchedule, attachSns, detachPush, ruleId, scheduleId, snsId} from './push.js'
import type {SourceRef} from './source.js'
import {parseSource, shortName} from './source.js'
import type {EventFunction} from './target.js'
import {eventFunctionOf} from './target.js'
import {deleteUrl, putUrl, urlId} from './url.js'

/** One line of the plan, as `sling diff` shows it and `--json` prints it. */
export interface EventChange {
  readonly action: 'create' | 'update' | 'delete' | 'unchanged' | 'blocked'
  readonly kind: 'mapping' | 's3' | 'url' | 'rule' | 'schedule' | 'sns'
  readonly source: string
  readonly qualifier?: string | undefined
  /** Why it is blocked, or what changes. */
  readonly reason?: string | undefined
}

type Step =
  | {readonly op: 'mapping'; readonly entry: EventSourceConfig}
  | {readonly op: 'detach-mapping'; readonly uuid: string}
  | {readonly op: 's3'; readonly entry: EventSourceConfig}
  | {readonly op: 'detach-s3'; readonly ledger: LedgerEntry}
  | {readonly op: 'url'; readonly url: UrlConfig}
  | {readonly op: 'delete-url'; readonly qualifier: string | undefined}
  | {readonly op: 'retag'; readonly ledger: LedgerEntry}
  | {readonly op: 'push'; readonly entry: EventSourceConfig}
  | {readonly op: 'detach-push'; readonly ledger: LedgerEntry}

export interface EventsPlan {
  readonly changes: readonly EventChange[]
  /** What apply does, deletions first (an S3 filter that moved must leave before its successor arrives). */
  readonly steps: readonly Step[]
}

export interface ReconcileDeps {
  readonly lambda: LambdaApi
  readonly sqs: SqsApi
  /** Only for schedules, EventBridge rules and SNS topics (not emulated by the local cloud). */
  readonly eventBridge?: EventBridgeApi | undefined
  readonly scheduler?: SchedulerApi | undefined
  readonly sns?: SnsApi | undefined
  readonly s3: Pick<S3Api, 'getBucketNotifications' | 'putBucketNotifications'>
  readonly output: Output
  readonly signal?: AbortSignal | undefined
}

interface Declared {
  readonly events?: readonly EventSourceConfig[] | undefined
  readonly url?: UrlConfig | undefined
}

/** Nothing declared and nothing the config made before: no reads at all (a plain function's no-op deploy stays one GetFunction). */
export function needsEventsPlan(declared: Declared, current: FunctionInfo | undefined): boolean {
  return (declared.events?.length ?? 0) > 0 || declared.url !== undefined || parseLedger(current?.tags).some((e) => e.origin === 'config')
}

/** Plans the function's declared event sources against what exists. `current` undefined: the function is new. */
export async function planEvents(declared: Declared, current: FunctionInfo | undefined, deps: ReconcileDeps): Promise<EventsPlan> {
  const changes: EventChange[] = []
  const steps: Step[] = []
  const fn = current && eventFunctionOf(current, undefined)
  const kept = new Set<string>()
  for (const entry of declared.events ?? []) {
    const ref = parseSource(entry.source)
    const at = fn && eventFunctionOf(current, entry.qualifier)
    if (ref.type === 's3') {
      const id = at && s3TriggerId(at, ref.bucket, entry)
      const recorded = id === undefined ? undefined : at?.ledger.find((e) => e.id === id)
      if (id) kept.add(id)
      if (recorded) {
        if (recorded.origin !== 'config') steps.push({op: 'retag', ledger: {...recorded, origin: 'config'}})
        changes.push({action: recorded.origin === 'config' ? 'unchanged' : 'update', kind: 's3', source: entry.source, qualifier: entry.qualifier, reason: recorded.origin === 'config' ? undefined : 'managed by the config from now on'})
      } else {
        steps.push({op: 's3', entry})
        changes.push({action: 'create', kind: 's3', source: entry.source, qualifier: entry.qualifier, reason: describeS3(entry)})
      }
      continue
    }
    if (ref.type === 'schedule' || ref.type === 'rule' || ref.type === 'sns') {
      planPush(entry, ref, at, {changes, steps, kept})
      continue
    }
    if (!at) {
      steps.push({op: 'mapping', entry})
      changes.push({action: 'create', kind: 'mapping', source: entry.source, qualifier: entry.qualifier})
      continue
    }
    const arn = await resolvePullArn(ref, at, deps)
    const existing = await findMapping(at, arn, deps)
    const owner = existing && at.ledger.find((e) => e.id === existing.UUID)
    if (existing) kept.add(existing.UUID)
    if (existing && !owner) {
      changes.push({action: 'blocked', kind: 'mapping', source: shortName(arn), qualifier: entry.qualifier, reason: `mapping ${existing.UUID} was made by something other than sling; sling leaves it alone`})
      continue
    }
    const same = existing !== undefined && sameSettings(existing, mappingSettings(serviceOfArn(arn), mappingOptionsOf(entry), {creating: false}))
    if (!existing || !same || owner?.origin !== 'config') steps.push({op: 'mapping', entry})
    const action = !existing ? 'create' : same && owner?.origin === 'config' ? 'unchanged' : 'update'
    changes.push({action, kind: 'mapping', source: shortName(arn), qualifier: entry.qualifier, reason: existing && owner?.origin !== 'config' ? 'managed by the config from now on' : undefined})
  }
  for (const entry of fn?.ledger ?? []) {
    if (entry.origin !== 'config' || kept.has(entry.id)) continue
    if (entry.kind === 'esm') {
      steps.unshift({op: 'detach-mapping', uuid: entry.id})
      changes.push({action: 'delete', kind: 'mapping', source: shortName(entry.resource), qualifier: entry.qualifier})
    } else if (entry.kind === 's3') {
      steps.unshift({op: 'detach-s3', ledger: entry})
      changes.push({action: 'delete', kind: 's3', source: `s3:${entry.resource}`, qualifier: entry.qualifier})
    } else if (entry.kind !== 'url') {
      steps.unshift({op: 'detach-push', ledger: entry})
      changes.push({action: 'delete', kind: entry.kind, source: entry.resource, qualifier: entry.qualifier})
    }
  }
  await planUrl(declared.url, current, fn, deps, {changes, steps})
  return {changes, steps}
}

/** A schedule, rule or topic: identified by its settings, so one the ledger records is unchanged, else created. */
function planPush(entry: EventSourceConfig, ref: Extract<SourceRef, {type: 'schedule' | 'rule' | 'sns'}>, at: EventFunction | undefined, plan: {changes: EventChange[]; steps: Step[]; kept: Set<string>}): void {
  const kind = ref.type === 'sns' ? 'sns' : ref.type === 'schedule' && entry.schedulerRole ? 'schedule' : 'rule'
  const source = ref.type === 'sns' ? entry.source : ref.type === 'schedule' ? `schedule ${entry.schedule ?? ''}` : 'eventbridge pattern'
  const id = at && pushIdOf(at, entry, ref)
  const recorded = id === undefined ? undefined : at?.ledger.find((e) => e.id === id)
  if (id) plan.kept.add(id)
  if (!recorded) {
    plan.steps.push({op: 'push', entry})
    plan.changes.push({action: 'create', kind, source, qualifier: entry.qualifier})
    return
  }
  if (recorded.origin !== 'config') plan.steps.push({op: 'retag', ledger: {...recorded, origin: 'config'}})
  plan.changes.push({action: recorded.origin === 'config' ? 'unchanged' : 'update', kind, source, qualifier: entry.qualifier, reason: recorded.origin === 'config' ? undefined : 'managed by the config from now on'})
}

function pushIdOf(fn: EventFunction, entry: EventSourceConfig, ref: Extract<SourceRef, {type: 'schedule' | 'rule' | 'sns'}>): string {
  if (ref.type === 'sns') return snsId(fn, topicArnOf(ref, fn), jsonOf(entry.filterPolicy))
  if (ref.type === 'schedule') return entry.schedulerRole ? scheduleId(fn, entry.schedule ?? '', entry.timezone) : ruleId(fn, {scheduleExpression: entry.schedule})
  return ruleId(fn, {eventPattern: jsonOf(entry.pattern), eventBusName: entry.eventBus})
}

function jsonOf(value: Readonly<Record<string, unknown>> | undefined): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value)
}

async function planUrl(url: UrlConfig | undefined, current: FunctionInfo | undefined, fn: EventFunction | undefined, deps: ReconcileDeps, plan: {changes: EventChange[]; steps: Step[]}): Promise<void> {
  const recorded = fn?.ledger.filter((e) => e.kind === 'url' && e.origin === 'config') ?? []
  for (const entry of recorded.filter((e) => !url || e.qualifier !== url.qualifier)) {
    plan.steps.unshift({op: 'delete-url', qualifier: entry.qualifier})
    plan.changes.push({action: 'delete', kind: 'url', source: 'function URL', qualifier: entry.qualifier})
  }
  if (!url) return
  const at = current && eventFunctionOf(current, url.qualifier)
  const existing = at && (await deps.lambda.getUrlConfig(at.name, {qualifier: at.qualifier, signal: deps.signal}))
  const mine = at?.ledger.find((e) => e.id === urlId(at))
  if (existing && !mine) {
    plan.changes.push({action: 'blocked', kind: 'url', source: existing.FunctionUrl ?? 'function URL', qualifier: url.qualifier, reason: 'the URL was made by something other than sling; sling leaves it alone'})
    return
  }
  const same = existing !== undefined && existing.AuthType === url.authType && JSON.stringify(normalizeCors(existing.Cors)) === JSON.stringify(normalizeCors(corsOf(url))) && (url.invokeMode ?? 'BUFFERED') === (existing.InvokeMode ?? 'BUFFERED')
  if (same && mine?.origin === 'config') {
    plan.changes.push({action: 'unchanged', kind: 'url', source: existing.FunctionUrl ?? 'function URL', qualifier: url.qualifier})
    return
  }
  plan.steps.push({op: 'url', url})
  plan.changes.push({action: existing ? 'update' : 'create', kind: 'url', source: existing?.FunctionUrl ?? 'function URL', qualifier: url.qualifier, reason: `auth ${url.authType}`})
}

/** Applies the plan's steps to the deployed function, in order; the first failure stops the rest (deploy again converges). */
export async function applyEvents(plan: EventsPlan, functionName: string, deps: ReconcileDeps): Promise<void> {
  for (const step of plan.steps) {
    // Read again before each step: the previous one changed the ledger (the function's tags).
    const current = await deps.lambda.getFunction(functionName, {signal: deps.signal})
    if (!current) throw new Error(`function ${functionName} vanished while its event sources were being reconciled`)
    const fn = eventFunctionOf(current, qualifierOf(step))
    switch (step.op) {
      case 'mapping': {
        const ref = parseSource(step.entry.source)
        if (ref.type !== 'pull') break
        await attachMapping(fn, await resolvePullArn(ref, fn, deps), {...mappingOptionsOf(step.entry), origin: 'config', adopt: false}, deps)
        await retag(fn, (await findMapping(fn, await resolvePullArn(ref, fn, deps), deps))?.UUID, deps)
        break
      }
      case 'detach-mapping': {
        const mapping = await deps.lambda.getMapping(step.uuid, {signal: deps.signal})
        if (mapping) await detachMapping(fn, mapping, {}, deps)
        else await deps.lambda.untagResource(fn.arn, [`sling:ev:${step.uuid}`], {signal: deps.signal})
        break
      }
      case 's3': {
        const ref = parseSource(step.entry.source)
        if (ref.type === 's3') await attachS3(fn, ref.bucket, {events: step.entry.events, prefix: step.entry.prefix, suffix: step.entry.suffix, origin: 'config'}, deps)
        break
      }
      case 'detach-s3':
        await detachS3(fn, step.ledger, deps)
        break
      case 'url':
        await putUrl(fn, {authType: step.url.authType, cors: corsOf(step.url), invokeMode: step.url.invokeMode, origin: 'config'}, deps)
        break
      case 'delete-url':
        await deleteUrl(fn, deps)
        break
      case 'push':
        await applyPush(fn, step.entry, deps)
        break
      case 'detach-push':
        await detachPush(fn, step.ledger, pushDeps(deps))
        break
      case 'retag': {
        const tag = ledgerTag(step.ledger)
        await deps.lambda.tagResource(fn.arn, {[tag.key]: tag.value}, {signal: deps.signal})
        break
      }
    }
  }
}

async function applyPush(fn: EventFunction, entry: EventSourceConfig, deps: ReconcileDeps): Promise<void> {
  const ref = parseSource(entry.source)
  const push = pushDeps(deps)
  if (ref.type === 'sns') await attachSns(fn, topicArnOf(ref, fn), {filterPolicy: jsonOf(entry.filterPolicy), origin: 'config'}, push)
  else if (ref.type === 'schedule') await attachSchedule(fn, {expression: entry.schedule ?? '', schedulerRole: entry.schedulerRole, timezone: entry.timezone, origin: 'config'}, push)
  else if (ref.type === 'rule') await attachRule(fn, {eventPattern: jsonOf(entry.pattern), eventBusName: entry.eventBus, origin: 'config'}, push)
}

function pushDeps(deps: ReconcileDeps): PushDeps {
  const {eventBridge, scheduler, sns} = deps
  if (!eventBridge || !scheduler || !sns) throw new Error('deploy was given no EventBridge/Scheduler/SNS APIs')
  return {...deps, eventBridge, scheduler, sns}
}

/** A mapping the CLI made and the config now declares: its ledger entry says "config" from now on. */
async function retag(fn: EventFunction, uuid: string | undefined, deps: ReconcileDeps): Promise<void> {
  const entry = fn.ledger.find((e) => e.id === uuid)
  if (!entry || entry.origin === 'config') return
  const tag = ledgerTag({...entry, origin: 'config'})
  await deps.lambda.tagResource(fn.arn, {[tag.key]: tag.value}, {signal: deps.signal})
}

function qualifierOf(step: Step): string | undefined {
  switch (step.op) {
    case 'mapping':
    case 's3':
      return step.entry.qualifier
    case 'url':
      return step.url.qualifier
    case 'delete-url':
      return step.qualifier
    case 'push':
      return step.entry.qualifier
    case 'detach-s3':
    case 'detach-push':
    case 'retag':
      return step.ledger.qualifier
    case 'detach-mapping':
      return undefined
  }
}


export function mappingOptionsOf(entry: EventSourceConfig): MappingOptions {
  return {
    batchSize: entry.batchSize, batchingWindow: entry.batchingWindow, startingPosition: entry.startingPosition,
    filters: entry.filters?.map((f) => (typeof f === 'string' ? f : JSON.stringify(f))), reportBatchItemFailures: entry.reportBatchItemFailures,
    maxConcurrency: entry.maxConcurrency, bisectOnError: entry.bisectOnError, maxRetries: entry.maxRetries, maxRecordAge: entry.maxRecordAge,
    onFailure: entry.onFailure, enabled: entry.enabled ?? true,
  }
}

function describeS3(entry: EventSourceConfig): string {
  return [(entry.events ?? ['s3:ObjectCreated:*']).join(','), entry.prefix && `prefix ${entry.prefix}`, entry.suffix && `suffix ${entry.suffix}`].filter(Boolean).join('; ')
}

function corsOf(url: UrlConfig): {AllowOrigins?: string[]; AllowMethods?: string[]; AllowHeaders?: string[]; ExposeHeaders?: string[]; AllowCredentials?: boolean; MaxAge?: number} | undefined {
  const c = url.cors
  if (!c) return undefined
  return {AllowOrigins: c.allowOrigins, AllowMethods: c.allowMethods, AllowHeaders: c.allowHeaders, ExposeHeaders: c.exposeHeaders, AllowCredentials: c.allowCredentials, MaxAge: c.maxAge}
}

function normalizeCors(cors: object | undefined): unknown {
  if (!cors) return {}
  return Object.fromEntries(Object.entries(cors).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)).sort(([a], [b]) => a.localeCompare(b)))
}

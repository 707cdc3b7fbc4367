/**
 * The workflows behind `sling events attach|update|enable|disable|detach`: each resolves the function and the
 * SOURCE once, then hands over to the mapping (pull) or trigger (push) module.
 */
import type {IamApi} from '../aws/iam.js'
import {ExitCode, UserError} from '../errors.js'
import {grantSourceRead} from './grant.js'
import type {Target} from '../targets.js'
import {filterCriteria} from './filters.js'
import type {MappingDeps, MappingOptions, MappingResult} from './mappings.js'
import {attachMapping, detachMapping, findMapping, resolvePullArn, updateMapping} from './mappings.js'
import type {S3TriggerOptions, TriggerDeps, TriggerResult} from './s3-trigger.js'
import {attachS3, detachS3} from './s3-trigger.js'
import type {PushDeps, PushResult} from './push.js'
import {attachRule, attachSchedule, attachSns, detachPush, parseRuleResource} from './push.js'
import type {SourceRef} from './source.js'
import {parseSource, shortName} from './source.js'
import type {LedgerEntry} from './marks.js'
import type {EventFunction} from './target.js'
import {loadEventFunction} from './target.js'

export type EventsDeps = MappingDeps & TriggerDeps & PushDeps & {readonly iam: IamApi}

export interface AttachOptions {
  readonly target: Target
  readonly source: string
  /** The alias or version to attach to (recommended: an alias, so traffic shifting covers the events too). */
  readonly qualifier?: string | undefined
  readonly mapping?: MappingOptions | undefined
  readonly s3?: Omit<S3TriggerOptions, 'origin'> | undefined
  /** Schedules, EventBridge patterns and SNS topics. */
  readonly push?: PushOptions | undefined
  /** Manage a mapping of the same source someone else created. @default false */
  readonly adopt?: boolean | undefined
  /** Give the execution role (one sling created) read rights on the source first. @default false */
  readonly grant?: boolean | undefined
  /** Calls go to the local cloud, which doesn't emulate EventBridge, Scheduler or SNS. */
  readonly local?: boolean | undefined
}

export interface PushOptions {
  /** rate(…), cron(…) or at(…) (source "schedule"). */
  readonly schedule?: string | undefined
  /** With a schedule: use EventBridge Scheduler with this role instead of an EventBridge rule. */
  readonly schedulerRole?: string | undefined
  readonly timezone?: string | undefined
  /** An EventBridge event pattern, JSON (source "eventbridge"). */
  readonly pattern?: string | undefined
  readonly eventBus?: string | undefined
  /** An SNS filter policy, JSON. */
  readonly filterPolicy?: string | undefined
}

export type EventsResult = (MappingResult & {readonly kind: 'mapping'}) | (TriggerResult & {readonly kind: 'trigger'}) | (PushResult & {readonly kind: 'push'}) | {readonly kind: 'none'; readonly status: 'absent'; readonly functionName: string; readonly source: string}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function attachSource(options: AttachOptions, deps: EventsDeps): Promise<EventsResult> {
  const ref = parseSource(options.source)
  refuseUnemulated(ref, options.local)
  filterCriteria(options.mapping?.filters) // a malformed pattern is refused before any call
  const fn = await loadEventFunction(options.target, options.qualifier, deps)
  switch (ref.type) {
    case 'pull': {
      const arn = await resolvePullArn(ref, fn, deps)
      if (options.grant) await grantSourceRead(fn, arn, deps)
      return {kind: 'mapping', ...(await attachMapping(fn, arn, {...options.mapping, origin: 'cli', adopt: options.adopt}, deps))}
    }
    case 's3':
      return {kind: 'trigger', ...(await attachS3(fn, ref.bucket, {...options.s3, origin: 'cli'}, deps))}
    case 'sns':
      return {kind: 'push', ...(await attachSns(fn, topicArnOf(ref, fn), {filterPolicy: options.push?.filterPolicy, origin: 'cli'}, deps))}
    case 'schedule': {
      const expression = options.push?.schedule
      if (!expression) throw new UserError('InvalidOption', 'A schedule needs --schedule, such as --schedule "rate(5 minutes)".', {exitCode: ExitCode.Usage})
      return {kind: 'push', ...(await attachSchedule(fn, {expression, schedulerRole: options.push?.schedulerRole, timezone: options.push?.timezone, origin: 'cli'}, deps))}
    }
    case 'rule': {
      const pattern = options.push?.pattern
      if (!pattern) throw new UserError('InvalidOption', 'An EventBridge rule needs --pattern (JSON, or @pattern.json).', {exitCode: ExitCode.Usage})
      return {kind: 'push', ...(await attachRule(fn, {eventPattern: pattern, eventBusName: options.push?.eventBus, origin: 'cli'}, deps))}
    }
  }
}

export function topicArnOf(ref: Extract<SourceRef, {type: 'sns'}>, fn: EventFunction): string {
  return ref.topicArn ?? `arn:${fn.arn.split(':')[1] ?? 'aws'}:sns:${fn.region}:${fn.account}:${ref.name ?? ''}`
}

export interface ChangeOptions {
  readonly target: Target
  /** SOURCE (as for attach) or a mapping UUID. */
  readonly source: string
  readonly qualifier?: string | undefined
  readonly mapping?: MappingOptions | undefined
  /** Change or delete it even though sling didn't create it. @default false */
  readonly force?: boolean | undefined
  readonly local?: boolean | undefined
}

/** `events update` and `events enable|disable`: settings of a mapping sling made. */
export async function updateSource(options: ChangeOptions, deps: EventsDeps): Promise<EventsResult> {
  filterCriteria(options.mapping?.filters)
  const fn = await loadEventFunction(options.target, options.qualifier, deps)
  const mapping = await mappingOf(fn, options.source, deps)
  return {kind: 'mapping', ...(await updateMapping(fn, mapping, {...options.mapping, force: options.force}, deps))}
}

/** `events detach`: removes exactly what sling added for SOURCE (or the mapping UUID). */
export async function detachSource(options: ChangeOptions, deps: EventsDeps): Promise<EventsResult> {
  const fn = await loadEventFunction(options.target, options.qualifier, deps)
  if (UUID.test(options.source)) return {kind: 'mapping', ...(await detachMapping(fn, await mappingOf(fn, options.source, deps), options, deps))}
  const byId = fn.ledger.find((e) => e.id === options.source && e.kind !== 'esm')
  if (byId) return detachEntries(fn, [byId], deps)
  const ref = parseSource(options.source)
  refuseUnemulated(ref, options.local)
  switch (ref.type) {
    case 'pull': {
      const arn = await resolvePullArn(ref, fn, deps)
      const mapping = await findMapping(fn, arn, deps)
      if (!mapping) return absent(fn, options.source, deps)
      return {kind: 'mapping', ...(await detachMapping(fn, mapping, options, deps))}
    }
    case 's3': {
      const entries = fn.ledger.filter((e) => e.kind === 's3' && e.resource === ref.bucket && e.qualifier === fn.qualifier)
      if (entries.length === 0) return absent(fn, options.source, deps)
      let last: TriggerResult | undefined
      for (const entry of entries) last = await detachS3(fn, entry, deps)
      return {kind: 'trigger', ...(last as TriggerResult)}
    }
    case 'sns': {
      const topic = topicArnOf(ref, fn)
      const subscribed = fn.ledger.filter((e) => e.kind === 'sns' && e.resource.startsWith(`${topic}:`) && e.qualifier === fn.qualifier)
      return subscribed.length === 0 ? absent(fn, options.source, deps) : detachEntries(fn, subscribed, deps)
    }
    case 'schedule':
    case 'rule': {
      // Without the id, every schedule (or pattern rule) sling made for this function and qualifier.
      const entries = await rulesOfType(fn, ref.type, deps)
      return entries.length === 0 ? absent(fn, options.source, deps) : detachEntries(fn, entries, deps)
    }
  }
}

/**
 * sling's schedules (Scheduler schedules, and rules with a schedule expression) or its event-pattern rules. The
 * ledger records both kinds of rule as `rule`, so EventBridge says which one each is.
 */
async function rulesOfType(fn: EventFunction, type: 'schedule' | 'rule', deps: EventsDeps): Promise<LedgerEntry[]> {
  const picked: LedgerEntry[] = []
  for (const entry of fn.ledger.filter((e) => e.qualifier === fn.qualifier)) {
    if (entry.kind === 'schedule' && type === 'schedule') picked.push(entry)
    if (entry.kind !== 'rule') continue
    const {name, eventBusName} = parseRuleResource(entry.resource)
    const rule = await deps.eventBridge.describeRule(name, {eventBusName, signal: deps.signal})
    // A rule that is gone either way: detaching it clears its permission and its record.
    if (!rule || (rule.scheduleExpression !== undefined) === (type === 'schedule')) picked.push(entry)
  }
  return picked
}

async function detachEntries(fn: EventFunction, entries: readonly LedgerEntry[], deps: EventsDeps): Promise<EventsResult> {
  let last: EventsResult | undefined
  for (const entry of entries) {
    if (entry.kind === 's3') last = {kind: 'trigger', ...(await detachS3(fn, entry, deps))}
    else if (entry.kind === 'url') throw new UserError('InvalidOption', 'A function URL is removed with "sling url FUNCTION --delete".', {exitCode: ExitCode.Usage})
    else last = {kind: 'push', ...(await detachPush(fn, entry, deps))}
  }
  return last ?? absent(fn, entries[0]?.id ?? '', deps)
}

function absent(fn: EventFunction, source: string, deps: EventsDeps): EventsResult {
  deps.output.info(`${source} isn't attached to ${fn.name}${fn.qualifier ? `:${fn.qualifier}` : ''} by sling; nothing to detach.`)
  return {kind: 'none', status: 'absent', functionName: fn.name, source}
}

/** The mapping named by UUID (it must invoke this function) or by its source and the function and qualifier. */
async function mappingOf(fn: EventFunction, source: string, deps: EventsDeps): Promise<NonNullable<Awaited<ReturnType<typeof findMapping>>>> {
  if (UUID.test(source)) {
    const mapping = await deps.lambda.getMapping(source, {signal: deps.signal})
    if (!mapping || !(mapping.FunctionArn === fn.arn || mapping.FunctionArn?.startsWith(`${fn.arn}:`))) {
      throw new UserError('MappingNotFound', `${fn.name} has no event source mapping ${source}.`, {hints: [`List its mappings with "sling events list ${fn.name}".`]})
    }
    return mapping
  }
  const ref = parseSource(source)
  if (ref.type !== 'pull') throw new UserError('InvalidOption', `${source} is a trigger, not an event source mapping: it has no batch settings and can't be enabled or disabled.`, {exitCode: ExitCode.Usage, hints: ['Detach it with "sling events detach", and attach it again with other settings.']})
  const arn = await resolvePullArn(ref, fn, deps)
  const mapping = await findMapping(fn, arn, deps)
  if (!mapping) {
    throw new UserError('MappingNotFound', `${shortName(arn)} isn't mapped to ${fn.name}${fn.qualifier ? `:${fn.qualifier}` : ''}.`, {hints: [`List its mappings with "sling events list ${fn.name}"; pass --qualifier when the mapping invokes an alias.`]})
  }
  return mapping
}

/** EventBridge, Scheduler and SNS have no local emulation: say so plainly instead of failing on a connection. */
function refuseUnemulated(ref: SourceRef, local: boolean | undefined): void {
  if (!local || (ref.type !== 'sns' && ref.type !== 'schedule' && ref.type !== 'rule')) return
  const service = ref.type === 'sns' ? 'SNS' : ref.type === 'schedule' ? 'EventBridge (rules and Scheduler)' : 'EventBridge'
  throw new UserError('NotEmulated', `${service} isn't emulated by the local cloud, so it can't trigger a function there.`, {
    exitCode: ExitCode.Usage,
    hints: ['Use an SQS queue or an S3 bucket locally (both are delivered for real), or run against AWS.', 'Test the handler with a sample event: "sling invoke FUNCTION --event sns" (or schedule, eventbridge).'],
  })
}

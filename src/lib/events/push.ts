/**
 * Schedules, EventBridge rules and SNS topics as triggers. Each gets the permission its service needs (a
 * statement `sling-<id>`), a name or target id derived from the same id, and a ledger entry (marks.ts);
 * detaching removes exactly those. EventBridge Scheduler invokes with a role instead of a permission.
 */
import type {LambdaApi} from '../aws/lambda.js'
import type {EventBridgeApi, SchedulerApi, SnsApi} from '../aws/push-sources.js'
import {ExitCode, UserError} from '../errors.js'
import type {Output} from '../output.js'
import type {LedgerEntry, Origin} from './marks.js'
import {ledgerTag, ruleName, RULE_TAG, statementId, triggerId} from './marks.js'
import type {EventFunction} from './target.js'

export interface PushDeps {
  readonly lambda: LambdaApi
  readonly eventBridge: EventBridgeApi
  readonly scheduler: SchedulerApi
  readonly sns: SnsApi
  readonly output: Output
  readonly signal?: AbortSignal | undefined
}

export interface PushResult {
  readonly status: 'created' | 'unchanged' | 'deleted'
  readonly functionName: string
  readonly trigger: {readonly kind: 'rule' | 'schedule' | 'sns'; readonly id: string; readonly resource: string; readonly qualifier?: string | undefined}
}

export interface ScheduleOptions {
  /** rate(5 minutes), cron(0 12 * * ? *), at(2026-01-01T00:00:00). */
  readonly expression: string
  /** With a role, through EventBridge Scheduler (it assumes the role to invoke); without, an EventBridge rule. */
  readonly schedulerRole?: string | undefined
  readonly timezone?: string | undefined
  readonly origin: Origin
}

const SCHEDULE = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\)|at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\))$/

/** The ids of push triggers: the same settings always give the same id (marks.ts). */
export function scheduleId(fn: EventFunction, expression: string, timezone: string | undefined): string {
  return triggerId('schedule', fn.name, fn.qualifier, expression, timezone ?? '')
}

export function ruleId(fn: EventFunction, rule: {readonly scheduleExpression?: string | undefined; readonly eventPattern?: string | undefined; readonly eventBusName?: string | undefined}): string {
  return triggerId('rule', fn.name, fn.qualifier, rule.scheduleExpression ?? '', rule.eventPattern ?? '', rule.eventBusName ?? '')
}

export function snsId(fn: EventFunction, topicArn: string, filterPolicy: string | undefined): string {
  return triggerId('sns', fn.name, fn.qualifier, topicArn, filterPolicy ?? '')
}

/** A schedule: an EventBridge rule (permission for events.amazonaws.com) or an EventBridge Scheduler schedule. */
export async function attachSchedule(fn: EventFunction, options: ScheduleOptions, deps: PushDeps): Promise<PushResult> {
  if (!SCHEDULE.test(options.expression)) {
    throw new UserError('InvalidOption', `"${options.expression}" isn't a schedule expression.`, {exitCode: ExitCode.Usage, hints: ['Use rate(5 minutes), cron(0 12 * * ? *), or (Scheduler only) at(2026-01-01T09:00:00).']})
  }
  const roleArn = options.schedulerRole
  if (!roleArn) return attachRule(fn, {scheduleExpression: options.expression, origin: options.origin}, deps)
  const id = scheduleId(fn, options.expression, options.timezone)
  const name = ruleName(fn.name, id)
  if (fn.ledger.some((e) => e.id === id)) return {status: 'unchanged', functionName: fn.name, trigger: {kind: 'schedule', id, resource: name, qualifier: fn.qualifier}}
  deps.output.info(`Creating the EventBridge Scheduler schedule ${name} (${options.expression}) for ${fn.name}…`)
  return allOrNothing<PushResult>(async (undo) => {
    await deps.scheduler.createSchedule({name, scheduleExpression: options.expression, targetArn: fn.invokedArn, roleArn, timezone: options.timezone, description: `sling: invokes ${fn.name}`}, {signal: deps.signal})
    undo(() => deps.scheduler.deleteSchedule(name))
    await record(fn, {id, origin: options.origin, kind: 'schedule', resource: name, qualifier: fn.qualifier}, deps)
    return {status: 'created', functionName: fn.name, trigger: {kind: 'schedule', id, resource: name, qualifier: fn.qualifier}}
  })
}

/** An EventBridge rule (a schedule or an event pattern) targeting the function, with the permission it needs. */
export async function attachRule(fn: EventFunction, rule: {readonly scheduleExpression?: string | undefined; readonly eventPattern?: string | undefined; readonly eventBusName?: string | undefined; readonly origin: Origin}, deps: PushDeps): Promise<PushResult> {
  const {eventBridge, output, signal} = deps
  if (rule.eventPattern !== undefined) checkJson(rule.eventPattern, '--pattern')
  const id = ruleId(fn, rule)
  const name = ruleName(fn.name, id)
  const trigger = {kind: 'rule' as const, id, resource: name, qualifier: fn.qualifier}
  if (fn.ledger.some((e) => e.id === id)) return {status: 'unchanged', functionName: fn.name, trigger}
  output.info(`Creating the EventBridge rule ${name} for ${fn.name}…`)
  return allOrNothing<PushResult>(async (undo) => {
    const ruleArn = await eventBridge.putRule({name, scheduleExpression: rule.scheduleExpression, eventPattern: rule.eventPattern, eventBusName: rule.eventBusName, description: `sling: invokes ${fn.name}`, tags: {[RULE_TAG.key]: RULE_TAG.value}}, {signal})
    undo(() => eventBridge.deleteRule(name, statementId(id), {eventBusName: rule.eventBusName}))
    await permit(fn, id, {Principal: 'events.amazonaws.com', SourceArn: ruleArn}, undo, deps)
    await eventBridge.putTarget(name, {id: statementId(id), arn: fn.invokedArn}, {signal, eventBusName: rule.eventBusName})
    await record(fn, {id, origin: rule.origin, kind: 'rule', resource: ruleResource(name, rule.eventBusName), qualifier: fn.qualifier}, deps)
    return {status: 'created', functionName: fn.name, trigger}
  })
}

/** A rule's ledger resource: its name, after its event bus and a slash when that isn't the default bus (rule names have no slash). */
export function ruleResource(name: string, eventBusName: string | undefined): string {
  return eventBusName && eventBusName !== 'default' ? `${eventBusName}/${name}` : name
}

/** The rule name and event bus a ledger resource records. */
export function parseRuleResource(resource: string): {readonly name: string; readonly eventBusName?: string | undefined} {
  const slash = resource.lastIndexOf('/')
  return slash < 0 ? {name: resource} : {name: resource.slice(slash + 1), eventBusName: resource.slice(0, slash)}
}

/** Subscribes the function to an SNS topic (with a filter policy if given), after the permission SNS needs. */
export async function attachSns(fn: EventFunction, topicArn: string, options: {readonly filterPolicy?: string | undefined; readonly origin: Origin}, deps: PushDeps): Promise<PushResult> {
  const {sns, output, signal} = deps
  if (options.filterPolicy !== undefined) checkJson(options.filterPolicy, '--filter-policy')
  const id = snsId(fn, topicArn, options.filterPolicy)
  const existing = fn.ledger.find((e) => e.id === id)
  if (existing) return {status: 'unchanged', functionName: fn.name, trigger: {kind: 'sns', id, resource: existing.resource, qualifier: fn.qualifier}}
  output.info(`Subscribing ${fn.name} to ${topicArn}…`)
  return allOrNothing<PushResult>(async (undo) => {
    await permit(fn, id, {Principal: 'sns.amazonaws.com', SourceArn: topicArn}, undo, deps)
    const subscription = await sns.subscribe(topicArn, fn.invokedArn, {filterPolicy: options.filterPolicy, signal})
    undo(() => sns.unsubscribe(subscription))
    await record(fn, {id, origin: options.origin, kind: 'sns', resource: subscription, qualifier: fn.qualifier}, deps)
    return {status: 'created', functionName: fn.name, trigger: {kind: 'sns', id, resource: subscription, qualifier: fn.qualifier}}
  })
}

/** Removes exactly what sling added for a rule, schedule or subscription: it, its permission, its ledger entry. */
export async function detachPush(fn: EventFunction, entry: LedgerEntry, deps: PushDeps): Promise<PushResult> {
  const {lambda, signal} = deps
  deps.output.info(`Removing ${entry.kind === 'sns' ? 'the subscription' : entry.kind === 'rule' ? 'the EventBridge rule' : 'the schedule'} ${entry.resource}…`)
  if (entry.kind === 'rule') {
    const rule = parseRuleResource(entry.resource)
    await deps.eventBridge.deleteRule(rule.name, statementId(entry.id), {signal, eventBusName: rule.eventBusName})
  }
  if (entry.kind === 'schedule') await deps.scheduler.deleteSchedule(entry.resource, {signal})
  if (entry.kind === 'sns') await deps.sns.unsubscribe(entry.resource, {signal})
  if (entry.kind !== 'schedule') await lambda.removePermission(fn.name, statementId(entry.id), {qualifier: entry.qualifier, signal})
  await lambda.untagResource(fn.arn, [`sling:ev:${entry.id}`], {signal})
  return {status: 'deleted', functionName: fn.name, trigger: {kind: entry.kind as 'rule' | 'schedule' | 'sns', id: entry.id, resource: entry.resource, qualifier: entry.qualifier}}
}

type Undo = (step: () => Promise<unknown>) => void

/**
 * No half-done state: when a step fails (or Ctrl-C aborts it), the steps already done are taken back, newest
 * first, so no rule, schedule, subscription or permission is left that the ledger doesn't record. The undo runs
 * without the signal: after Ctrl-C it is aborted, and the undo must still reach AWS.
 */
async function allOrNothing<T>(run: (undo: Undo) => Promise<T>): Promise<T> {
  const undos: (() => Promise<unknown>)[] = []
  try {
    return await run((step) => undos.unshift(step))
  } catch (error) {
    for (const step of undos) await step().catch(() => undefined)
    throw error
  }
}

/** The permission a service needs to invoke the function; taken back on failure only when this attach added it. */
async function permit(fn: EventFunction, id: string, input: {readonly Principal: string; readonly SourceArn: string}, undo: Undo, {lambda, signal}: PushDeps): Promise<void> {
  const added = await lambda.addPermission(fn.name, statementId(id), {Action: 'lambda:InvokeFunction', ...input, Qualifier: fn.qualifier}, {signal})
  if (added === 'added') undo(() => lambda.removePermission(fn.name, statementId(id), {qualifier: fn.qualifier}))
}

async function record(fn: EventFunction, entry: LedgerEntry, {lambda, signal}: PushDeps): Promise<void> {
  const tag = ledgerTag(entry)
  await lambda.tagResource(fn.arn, {[tag.key]: tag.value}, {signal})
}

function checkJson(text: string, flag: string): void {
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object')
  } catch (error) {
    throw new UserError('InvalidOption', `${flag} isn't a JSON object: ${error instanceof Error ? error.message : String(error)}.`, {exitCode: ExitCode.Usage})
  }
}

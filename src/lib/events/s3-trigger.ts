/**
 * S3 triggers. S3 replaces a bucket's notification configuration whole, so sling reads it, adds or removes
 * only its own entry (Id `sling-<function>-<id>`, marks.ts), and writes it back: every other notification —
 * Lambda, queue, topic, EventBridge — survives. The permission comes first, since S3 checks it on the write.
 */
import type {LambdaApi} from '../aws/lambda.js'
import type {BucketNotifications} from '../aws/s3-notifications.js'
import type {S3Api} from '../aws/s3.js'
import {ExitCode, UserError} from '../errors.js'
import type {Output} from '../output.js'
import type {LedgerEntry, Origin} from './marks.js'
import {ledgerTag, notificationId, statementId, triggerId} from './marks.js'
import type {EventFunction} from './target.js'

export interface S3TriggerOptions {
  /** @default ["s3:ObjectCreated:*"] */
  readonly events?: readonly string[] | undefined
  readonly prefix?: string | undefined
  readonly suffix?: string | undefined
  readonly origin: Origin
}

export interface TriggerDeps {
  readonly lambda: LambdaApi
  readonly s3: Pick<S3Api, 'getBucketNotifications' | 'putBucketNotifications'>
  readonly output: Output
  readonly signal?: AbortSignal | undefined
}

export interface TriggerResult {
  readonly status: 'created' | 'unchanged' | 'deleted'
  readonly functionName: string
  readonly trigger: {readonly kind: 's3'; readonly id: string; readonly bucket: string; readonly notificationId: string; readonly events: readonly string[]; readonly prefix?: string | undefined; readonly suffix?: string | undefined; readonly qualifier?: string | undefined}
}

type NotificationEntry = {Id?: string | undefined; Events?: string[] | undefined; Filter?: {Key?: {FilterRules?: {Name?: string | undefined; Value?: string | undefined}[] | undefined} | undefined} | undefined}

const DEFAULT_EVENTS = ['s3:ObjectCreated:*']
const EVENT_PATTERN = /^s3:[A-Za-z]+(:[A-Za-z*]+)?$/

export function s3TriggerId(fn: EventFunction, bucket: string, options: Omit<S3TriggerOptions, 'origin'>): string {
  const events = [...(options.events ?? DEFAULT_EVENTS)].sort().join(',')
  return triggerId('s3', fn.name, fn.qualifier, bucket, events, options.prefix ?? '', options.suffix ?? '')
}

/** Adds the function's notification to the bucket (with the permission S3 needs); unchanged when it is there. */
export async function attachS3(fn: EventFunction, bucket: string, options: S3TriggerOptions, deps: TriggerDeps): Promise<TriggerResult> {
  const {lambda, s3, output, signal} = deps
  const events = [...(options.events ?? DEFAULT_EVENTS)]
  const bad = events.find((event) => !EVENT_PATTERN.test(event))
  if (bad !== undefined) throw new UserError('InvalidOption', `"${bad}" isn't an S3 event type.`, {exitCode: ExitCode.Usage, hints: ['Use types such as s3:ObjectCreated:*, s3:ObjectCreated:Put, s3:ObjectRemoved:*.']})
  const id = s3TriggerId(fn, bucket, options)
  const nid = notificationId(fn.name, id)
  const trigger = {kind: 's3' as const, id, bucket, notificationId: nid, events, prefix: options.prefix, suffix: options.suffix, qualifier: fn.qualifier}
  const current = await s3.getBucketNotifications(bucket, {signal})
  const mine = (current.LambdaFunctionConfigurations ?? []).find((c) => c.Id === nid)
  if (mine) return {status: 'unchanged', functionName: fn.name, trigger}
  refuseOverlap(current, bucket, {events, prefix: options.prefix, suffix: options.suffix})
  output.info(`Adding an S3 notification on ${bucket} (${events.join(', ')}${options.prefix ? `, prefix ${options.prefix}` : ''}${options.suffix ? `, suffix ${options.suffix}` : ''}) for ${fn.name}…`)
  const partition = fn.arn.split(':')[1] ?? 'aws'
  const permission = await lambda.addPermission(fn.name, statementId(id), {
    Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: `arn:${partition}:s3:::${bucket}`, SourceAccount: fn.account, Qualifier: fn.qualifier,
  }, {signal})
  const tag = ledgerTag({id, origin: options.origin, kind: 's3', resource: bucket, qualifier: fn.qualifier})
  try {
    await lambda.tagResource(fn.arn, {[tag.key]: tag.value}, {signal})
    const rules = [...(options.prefix ? [{Name: 'prefix' as const, Value: options.prefix}] : []), ...(options.suffix ? [{Name: 'suffix' as const, Value: options.suffix}] : [])]
    const entry = {Id: nid, LambdaFunctionArn: fn.invokedArn, Events: events as never[], ...(rules.length > 0 ? {Filter: {Key: {FilterRules: rules}}} : {})}
    await s3.putBucketNotifications(bucket, {...current, LambdaFunctionConfigurations: [...(current.LambdaFunctionConfigurations ?? []), entry]}, {signal})
  } catch (error) {
    // No half-done state: take back what this attach added before the notification failed. Without the
    // signal: after Ctrl-C it is aborted, and the undo must still reach AWS.
    if (permission === 'added') await lambda.removePermission(fn.name, statementId(id), {qualifier: fn.qualifier}).catch(() => undefined)
    await lambda.untagResource(fn.arn, [tag.key]).catch(() => undefined)
    throw error
  }
  return {status: 'created', functionName: fn.name, trigger}
}

/** Removes exactly sling's notification entry, its permission statement and its ledger entry. */
export async function detachS3(fn: EventFunction, entry: LedgerEntry, deps: TriggerDeps): Promise<TriggerResult> {
  const {lambda, s3, output, signal} = deps
  const bucket = entry.resource
  const nid = notificationId(fn.name, entry.id)
  output.info(`Removing the S3 notification ${nid} from ${bucket}…`)
  const current = await s3.getBucketNotifications(bucket, {signal}).catch((error: unknown) => {
    if (error instanceof UserError && error.code === 'BucketNotFound') return undefined // the bucket is gone, and its notifications with it
    throw error
  })
  const mine = current?.LambdaFunctionConfigurations?.find((c) => c.Id === nid)
  if (current && mine) {
    await s3.putBucketNotifications(bucket, {...current, LambdaFunctionConfigurations: (current.LambdaFunctionConfigurations ?? []).filter((c) => c.Id !== nid)}, {signal})
  }
  await lambda.removePermission(fn.name, statementId(entry.id), {qualifier: entry.qualifier, signal})
  await lambda.untagResource(fn.arn, [`sling:ev:${entry.id}`], {signal})
  const rules = mine?.Filter?.Key?.FilterRules ?? []
  const rule = (name: string): string | undefined => rules.find((r) => r.Name?.toLowerCase() === name)?.Value
  return {status: 'deleted', functionName: fn.name, trigger: {kind: 's3', id: entry.id, bucket, notificationId: nid, events: mine?.Events ?? [], prefix: rule('prefix'), suffix: rule('suffix'), qualifier: entry.qualifier}}
}

/** S3 refuses two configurations that share an event type and whose key filters can both match a key: say which one, clearly. */
function refuseOverlap(current: BucketNotifications, bucket: string, wanted: {events: readonly string[]; prefix?: string | undefined; suffix?: string | undefined}): void {
  const all: NotificationEntry[] = [...(current.LambdaFunctionConfigurations ?? []), ...(current.QueueConfigurations ?? []), ...(current.TopicConfigurations ?? [])]
  for (const other of all) {
    const rules = other.Filter?.Key?.FilterRules ?? []
    const rule = (name: string): string => rules.find((r) => r.Name?.toLowerCase() === name)?.Value ?? ''
    const sharedEvent = (other.Events ?? []).find((e) => wanted.events.some((w) => eventsOverlap(e, w)))
    if (sharedEvent === undefined) continue
    if (!affixesOverlap(rule('prefix'), wanted.prefix ?? '', (a, b) => a.startsWith(b)) || !affixesOverlap(rule('suffix'), wanted.suffix ?? '', (a, b) => a.endsWith(b))) continue
    throw new UserError('OverlappingNotification', `The notification "${other.Id ?? '(no id)'}" on bucket ${bucket} already covers ${sharedEvent} for keys this one would match (prefix "${rule('prefix')}", suffix "${rule('suffix')}"); S3 doesn't allow two configurations to overlap.`, {
      exitCode: ExitCode.Usage,
      hints: ['Use a --prefix or --suffix that the other notification doesn\'t cover, or other --events.'],
    })
  }
}

function eventsOverlap(a: string, b: string): boolean {
  const base = (event: string): string => event.replace(/:\*$/, '')
  return a === b || (a.endsWith(':*') && b.startsWith(`${base(a)}:`)) || (b.endsWith(':*') && a.startsWith(`${base(b)}:`)) || base(a) === base(b)
}

function affixesOverlap(a: string, b: string, contains: (long: string, short: string) => boolean): boolean {
  return a === '' || b === '' || contains(a, b) || contains(b, a)
}

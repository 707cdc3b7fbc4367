/**
 * Bucket notification configurations (`?notification`): PutBucketNotificationConfiguration replaces the
 * whole configuration, after checking it as S3 does — known event types, prefix/suffix filters, no two
 * configurations sharing an event type for overlapping keys, and (unless x-amz-skip-destination-validation)
 * every Lambda destination's resource policy letting s3.amazonaws.com invoke it for this bucket. Queue and
 * topic configurations and EventBridge are stored and answered; only Lambda destinations are delivered
 * (notification-events.ts).
 */
import {randomUUID} from 'node:crypto'

import type {S3Call} from './call.js'
import type {BucketDoc} from './objects.js'
import {BUCKETS, getBucket} from './objects.js'
import {noSuchBucket, readXml, S3Error, sendEmpty, sendXml} from './xml.js'

export type DestinationKind = 'lambda' | 'queue' | 'topic'

/** One configuration as stored: its destination, events and key filter (values as the caller sent them). */
export interface NotificationRule {
  readonly id: string
  readonly kind: DestinationKind
  readonly arn: string
  readonly events: readonly string[]
  readonly filters: readonly {readonly name: 'Prefix' | 'Suffix'; readonly value: string}[]
}

export interface BucketNotifications {
  readonly rules: readonly NotificationRule[]
  readonly eventBridge: boolean
}

/** The model's Event enum: what a configuration may name (the local S3 emits only ObjectCreated and ObjectRemoved). */
const EVENTS = new Set([
  's3:ReducedRedundancyLostObject', 's3:ObjectCreated:*', 's3:ObjectCreated:Put', 's3:ObjectCreated:Post', 's3:ObjectCreated:Copy', 's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*', 's3:ObjectRemoved:Delete', 's3:ObjectRemoved:DeleteMarkerCreated', 's3:ObjectRestore:*', 's3:ObjectRestore:Post', 's3:ObjectRestore:Completed',
  's3:Replication:*', 's3:Replication:OperationFailedReplication', 's3:Replication:OperationNotTracked', 's3:Replication:OperationMissedThreshold',
  's3:Replication:OperationReplicatedAfterThreshold', 's3:ObjectRestore:Delete', 's3:LifecycleTransition', 's3:IntelligentTiering', 's3:ObjectAcl:Put',
  's3:LifecycleExpiration:*', 's3:LifecycleExpiration:Delete', 's3:LifecycleExpiration:DeleteMarkerCreated', 's3:ObjectTagging:*', 's3:ObjectTagging:Put', 's3:ObjectTagging:Delete',
])

/** Each destination's XML element, the element naming its ARN, and the ARN it must be. */
const DESTINATIONS: readonly {kind: DestinationKind; element: string; arnElement: string; pattern: RegExp}[] = [
  {kind: 'topic', element: 'TopicConfiguration', arnElement: 'Topic', pattern: /^arn:aws[a-zA-Z-]*:sns:([a-z0-9-]+):\d{12}:[a-zA-Z0-9_-]{1,256}$/},
  {kind: 'queue', element: 'QueueConfiguration', arnElement: 'Queue', pattern: /^arn:aws[a-zA-Z-]*:sqs:([a-z0-9-]+):\d{12}:[a-zA-Z0-9_-]{1,80}$/},
  {kind: 'lambda', element: 'CloudFunctionConfiguration', arnElement: 'CloudFunction', pattern: /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):\d{12}:function:[a-zA-Z0-9_-]+(?::[a-zA-Z0-9$_-]+)?$/},
]

const MAX_CONFIGURATIONS = 100
const malformed = (): S3Error => new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema')
const invalid = (message: string, fields?: Record<string, unknown>): S3Error => new S3Error(400, 'InvalidArgument', message, fields)
const asList = (value: unknown): unknown[] => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value])
const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {})

function text(value: unknown): string {
  if (typeof value === 'string') return value
  throw malformed()
}

function parseFilters(filter: unknown): NotificationRule['filters'] {
  if (filter === undefined) return []
  const rules = asList(record(record(filter).S3Key).FilterRule)
  const filters: {name: 'Prefix' | 'Suffix'; value: string}[] = []
  for (const rule of rules.map(record)) {
    const lower = text(rule.Name ?? '').toLowerCase()
    if (lower !== 'prefix' && lower !== 'suffix') throw invalid('filter rule name must be either prefix or suffix', {ArgumentName: 'FilterRule.Name', ArgumentValue: String(rule.Name)})
    const name = lower === 'prefix' ? 'Prefix' : 'Suffix'
    if (filters.some((seen) => seen.name === name)) throw invalid(`Cannot specify more than one ${lower} rule in a filter.`, {ArgumentName: 'FilterRule.Name', ArgumentValue: lower})
    const value = text(rule.Value ?? '')
    if (Buffer.byteLength(value) > 1024) throw invalid('Size of filter rule value cannot exceed 1024 bytes in UTF-8 representation', {ArgumentName: 'FilterRule.Value'})
    filters.push({name, value})
  }
  return filters
}

function parseRule(kind: DestinationKind, arnElement: string, pattern: RegExp, bucketRegion: string, raw: Record<string, unknown>): NotificationRule {
  const arn = text(raw[arnElement] ?? '')
  const events = asList(raw.Event).map(text)
  if (!arn || events.length === 0) throw malformed()
  for (const event of events) if (!EVENTS.has(event)) throw invalid('The event is not supported for notifications', {ArgumentName: 'Event', ArgumentValue: event})
  const region = pattern.exec(arn)?.[1]
  if (region === undefined) throw invalid('The ARN is not well formed', {ArgumentName: arnElement, ArgumentValue: arn})
  if (region !== bucketRegion) throw invalid('The notification destination service region is not valid for the bucket location constraint', {ArgumentName: arnElement, ArgumentValue: arn})
  const id = raw.Id === undefined ? '' : text(raw.Id)
  if (id.length > 255) throw invalid('ID length exceeded allowed limit of 255', {ArgumentName: 'Id', ArgumentValue: id})
  // S3 names an unnamed configuration with a base64-encoded UUID.
  return {id: id || Buffer.from(randomUUID()).toString('base64'), kind, arn, events: [...new Set(events)], filters: parseFilters(raw.Filter)}
}

/** The configuration a PutBucketNotificationConfiguration body describes, checked as S3 checks it. */
export function parseNotifications(body: Record<string, unknown>, bucketRegion: string): BucketNotifications {
  if (!('NotificationConfiguration' in body)) throw malformed()
  const config = record(body.NotificationConfiguration)
  const rules = DESTINATIONS.flatMap(({kind, element, arnElement, pattern}) => asList(config[element]).map((raw) => parseRule(kind, arnElement, pattern, bucketRegion, record(raw))))
  if (rules.length > MAX_CONFIGURATIONS) throw new S3Error(400, 'InvalidRequest', `Too many configurations submitted. The maximum number of configurations is ${MAX_CONFIGURATIONS}`)
  const ids = new Set<string>()
  for (const rule of rules) {
    if (ids.has(rule.id)) throw invalid('Same ID used for multiple configurations. IDs must be unique.', {ArgumentName: 'Id', ArgumentValue: rule.id})
    ids.add(rule.id)
  }
  checkOverlaps(rules)
  return {rules, eventBridge: 'EventBridgeConfiguration' in config}
}

/** True when `pattern` ("s3:ObjectCreated:*" or an exact type) covers `event` ("s3:ObjectCreated:Put"). */
export function eventCovers(pattern: string, event: string): boolean {
  return pattern === event || (pattern.endsWith(':*') && event.startsWith(pattern.slice(0, -1)))
}

/** A filter value as S3 matches it: the caller URL-encodes special characters in it. */
export function filterValue(rule: NotificationRule, name: 'Prefix' | 'Suffix'): string {
  const value = rule.filters.find((filter) => filter.name === name)?.value ?? ''
  try {
    return decodeURIComponent(value.replaceAll('+', ' '))
  } catch {
    return value
  }
}

/** S3 refuses two configurations that could both fire for one event on one key. */
function checkOverlaps(rules: readonly NotificationRule[]): void {
  for (const [i, rule] of rules.entries()) {
    for (const other of rules.slice(0, i)) {
      const shared = rule.events.some((a) => other.events.some((b) => eventCovers(a, b) || eventCovers(b, a)))
      if (!shared) continue
      const [prefix, otherPrefix, suffix, otherSuffix] = [filterValue(rule, 'Prefix'), filterValue(other, 'Prefix'), filterValue(rule, 'Suffix'), filterValue(other, 'Suffix')]
      const prefixesOverlap = prefix.startsWith(otherPrefix) || otherPrefix.startsWith(prefix)
      const suffixesOverlap = suffix.endsWith(otherSuffix) || otherSuffix.endsWith(suffix)
      if (!prefixesOverlap || !suffixesOverlap) continue
      if (rule.filters.length === 0 && other.filters.length === 0) throw invalid('Configurations overlap. Configurations on the same bucket cannot share a common event type.')
      throw invalid('Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type.')
    }
  }
}

/**
 * S3 checks, when the configuration is put, that each Lambda destination's resource policy lets
 * s3.amazonaws.com invoke it from this bucket (and account); every failing destination is named.
 */
async function validateDestinations(call: S3Call, rules: readonly NotificationRule[]): Promise<void> {
  const {hooks, accountId} = call.context
  const refused: string[] = []
  for (const arn of new Set(rules.filter((rule) => rule.kind === 'lambda').map((rule) => rule.arn))) {
    const allowed = await hooks.lambda
      .checkPermission({functionArn: arn, principal: 's3.amazonaws.com', sourceArn: `arn:aws:s3:::${call.bucket}`, sourceAccount: accountId})
      .catch(() => false)
    if (!allowed) refused.push(arn)
  }
  if (refused.length === 0) return
  const fields = Object.fromEntries(refused.flatMap((arn, i) => [[`ArgumentName${i + 1}`, `${arn}, null`], [`ArgumentValue${i + 1}`, `Not authorized to invoke function [${arn}]`]]))
  throw invalid('Unable to validate the following destination configurations', fields)
}

export async function putBucketNotificationConfiguration(call: S3Call): Promise<void> {
  const {store} = call.context
  const current = await getBucket(store, call.bucket)
  if (!current) throw noSuchBucket(call.bucket)
  const notifications = parseNotifications(await readXml(call.request), current.region)
  if (String(call.request.headers['x-amz-skip-destination-validation']).toLowerCase() !== 'true') await validateDestinations(call, notifications.rules)
  // The configuration replaces the previous one whole (callers merge: read, modify, write).
  await store.transaction(async () => {
    const bucket = await getBucket(store, call.bucket)
    if (!bucket) throw noSuchBucket(call.bucket)
    await store.put(BUCKETS, call.bucket, {...bucket, notification: notifications} satisfies BucketDoc)
  })
  sendEmpty(call.response, 200)
}

function ruleXml(rule: NotificationRule, arnElement: string): Record<string, unknown> {
  return {
    Id: rule.id,
    [arnElement]: rule.arn,
    Event: [...rule.events],
    ...(rule.filters.length ? {Filter: {S3Key: {FilterRule: rule.filters.map((filter) => ({Name: filter.name, Value: filter.value}))}}} : {}),
  }
}

export async function getBucketNotificationConfiguration(call: S3Call): Promise<void> {
  const bucket = await getBucket(call.context.store, call.bucket)
  if (!bucket) throw noSuchBucket(call.bucket)
  const notifications = bucket.notification ?? {rules: [], eventBridge: false}
  const body: Record<string, unknown> = {}
  for (const {kind, element, arnElement} of DESTINATIONS) {
    const rules = notifications.rules.filter((rule) => rule.kind === kind)
    if (rules.length) body[element] = rules.map((rule) => ruleXml(rule, arnElement))
  }
  if (notifications.eventBridge) body.EventBridgeConfiguration = {}
  sendXml(call.response, 200, 'NotificationConfiguration', body)
}

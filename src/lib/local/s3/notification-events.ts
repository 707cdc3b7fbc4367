/**
 * Delivering S3 event notifications: the s3.objectCreated/objectRemoved hooks S3 provides. Each
 * Lambda configuration whose event types and key filter match the change gets one S3 event record,
 * queued as an asynchronous (Event) invocation through the lambda.invokeAsync hook, so Lambda's
 * retries apply. As S3 does, a destination whose policy no longer lets S3 invoke it gets nothing.
 * Queue and topic configurations are stored but not delivered here (no SQS or SNS hook exists).
 */
import type {LocalContext, ObjectChange} from '../contract.js'
import type {BucketDoc} from './objects.js'
import {getBucket} from './objects.js'
import type {NotificationRule} from './notifications.js'
import {eventCovers, filterValue} from './notifications.js'
import {requestIds} from './xml.js'

/** The principal S3 names as the requester and the bucket owner (every local caller is one IAM user). */
const LOCAL_PRINCIPAL = 'AIDASLINGLOCALUSER000'

let sequence = 0
/** S3's sequencer: hex that grows with each event, so events for one key can be ordered. */
function sequencer(): string {
  sequence = (sequence + 1) % 0x10000
  return ((BigInt(Date.now()) << 16n) | BigInt(sequence)).toString(16).toUpperCase().padStart(16, '0')
}

/** A key as S3 writes it in events: form-encoded (space as "+"), slashes kept. */
export function eventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%20', '+')
    .replaceAll('%2F', '/')
}

export function matches(rule: NotificationRule, change: ObjectChange): boolean {
  const event = `s3:${change.event}`
  if (!rule.events.some((pattern) => eventCovers(pattern, event))) return false
  return change.key.startsWith(filterValue(rule, 'Prefix')) && change.key.endsWith(filterValue(rule, 'Suffix'))
}

/** The event as S3 sends it to Lambda (one record per event). */
export function s3Event(change: ObjectChange, rule: NotificationRule, bucket: BucketDoc, now = new Date()): {Records: Record<string, unknown>[]} {
  const ids = requestIds()
  const created = change.event.startsWith('ObjectCreated:')
  const object = {
    key: eventKey(change.key),
    ...(created && change.size !== undefined ? {size: change.size} : {}),
    ...(created && change.etag !== undefined ? {eTag: change.etag.replaceAll('"', '')} : {}),
    sequencer: sequencer(),
  }
  const record = {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: bucket.region,
    eventTime: now.toISOString(),
    eventName: change.event,
    userIdentity: {principalId: `AWS:${LOCAL_PRINCIPAL}`},
    requestParameters: {sourceIPAddress: change.sourceIp ?? '127.0.0.1'},
    responseElements: ids,
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: rule.id,
      bucket: {name: bucket.name, ownerIdentity: {principalId: LOCAL_PRINCIPAL}, arn: `arn:aws:s3:::${bucket.name}`},
      object,
    },
  }
  return {Records: [record]}
}

/**
 * Queues the event for every matching Lambda configuration. A destination that can't take it (its
 * permission was removed, the function is gone) is reported on stderr and skipped, as S3 drops it.
 */
export async function notify(context: LocalContext, change: ObjectChange): Promise<void> {
  const bucket = await getBucket(context.store, change.bucket)
  if (!bucket) return
  const rules = (bucket.notification?.rules ?? []).filter((rule) => rule.kind === 'lambda' && matches(rule, change))
  for (const rule of rules) {
    try {
      const allowed = await context.hooks.lambda.checkPermission({functionArn: rule.arn, principal: 's3.amazonaws.com', sourceArn: `arn:aws:s3:::${bucket.name}`, sourceAccount: context.accountId})
      if (!allowed) throw new Error(`its resource policy no longer lets s3.amazonaws.com invoke it for arn:aws:s3:::${bucket.name}`)
      await context.hooks.lambda.invokeAsync({region: bucket.region, functionName: rule.arn, payload: JSON.stringify(s3Event(change, rule, bucket))})
    } catch (error) {
      process.stderr.write(`sling local cloud: the ${change.event} notification for s3://${bucket.name}/${change.key} (configuration ${rule.id}) wasn't delivered to ${rule.arn}: ${error instanceof Error ? error.message : String(error)}\n`)
    }
  }
}

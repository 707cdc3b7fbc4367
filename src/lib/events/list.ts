/**
 * `sling events list`: every event source of a function, mappings and triggers alike, each with who made it.
 * Mappings come from Lambda (any qualifier); triggers from sling's ledger, each checked against the bucket or
 * URL config it names, plus a URL config sling didn't make.
 */
import type {LambdaApi} from '../aws/lambda.js'
import type {S3Api} from '../aws/s3.js'
import type {Target} from '../targets.js'
import type {LedgerEntry} from './marks.js'
import {notificationId} from './marks.js'
import type {MappingView} from './mappings.js'
import {viewOf} from './mappings.js'
import {loadEventFunction} from './target.js'
import type {EventFunction} from './target.js'

export interface SourceRow {
  readonly kind: 'mapping' | 's3' | 'url' | 'rule' | 'schedule' | 'sns'
  /** sqs:orders, s3:uploads, the URL… */
  readonly source: string
  readonly qualifier?: string | undefined
  /** A mapping's state; for a trigger "present", or "missing" when what the ledger names is gone. */
  readonly state: string
  readonly batchSize?: number | undefined
  readonly batchingWindow?: number | undefined
  readonly lastProcessingResult?: string | undefined
  /** Events and filters of an S3 trigger, auth of a URL. */
  readonly detail?: string | undefined
  /** The mapping UUID, or the trigger's id in sling's marks. */
  readonly id: string
  readonly managedBy: MappingView['managedBy']
}

export interface EventsList {
  readonly functionName: string
  readonly sources: readonly SourceRow[]
}

export interface ListDeps {
  readonly lambda: LambdaApi
  readonly s3: Pick<S3Api, 'getBucketNotifications'>
  readonly signal?: AbortSignal | undefined
}

/** What `eventSourcesOf` reads: mappings, bucket notifications and URL configs, never the function itself. */
export interface SourceReadDeps {
  readonly lambda: Pick<LambdaApi, 'listMappings' | 'getMapping' | 'getUrlConfig'>
  readonly s3: Pick<S3Api, 'getBucketNotifications'>
  readonly signal?: AbortSignal | undefined
}

export async function listEvents(options: {readonly target: Target}, deps: ListDeps): Promise<EventsList> {
  const fn = await loadEventFunction(options.target, undefined, deps)
  return {functionName: fn.name, sources: await eventSourcesOf(fn, deps)}
}

/** The rows of `sling events list` for a function already read (also what `sling info` shows). */
export async function eventSourcesOf(fn: EventFunction, deps: SourceReadDeps): Promise<SourceRow[]> {
  const rows: SourceRow[] = [...(await mappingRows(fn, deps))]
  for (const entry of fn.ledger) {
    if (entry.kind === 's3') rows.push(await s3Row(fn, entry, deps))
    else if (entry.kind !== 'esm' && entry.kind !== 'url') rows.push({kind: entry.kind, source: entry.resource, qualifier: entry.qualifier, state: 'recorded', id: entry.id, managedBy: owner(entry)})
  }
  rows.push(...(await urlRows(fn, deps)))
  return rows
}

async function mappingRows(fn: EventFunction, {lambda, signal}: SourceReadDeps): Promise<SourceRow[]> {
  const listed = (await lambda.listMappings({functionName: fn.arn}, {signal})).filter((m) => m.FunctionArn === fn.arn || m.FunctionArn?.startsWith(`${fn.arn}:`))
  const seen = new Set(listed.map((m) => m.UUID))
  // A mapping on an alias may not be listed under the unqualified name: the ledger names it.
  for (const entry of fn.ledger.filter((e) => e.kind === 'esm' && !seen.has(e.id))) {
    const mapping = await lambda.getMapping(entry.id, {signal})
    if (mapping) listed.push(mapping)
  }
  return listed.map((m) => {
    const view = viewOf(fn, m)
    return {kind: 'mapping', source: view.source, qualifier: view.qualifier, state: view.state, batchSize: view.batchSize, batchingWindow: view.batchingWindow, lastProcessingResult: view.lastProcessingResult, id: view.uuid, managedBy: view.managedBy}
  })
}

async function s3Row(fn: EventFunction, entry: LedgerEntry, {s3, signal}: SourceReadDeps): Promise<SourceRow> {
  const base = {kind: 's3' as const, source: `s3:${entry.resource}`, qualifier: entry.qualifier, id: entry.id, managedBy: owner(entry)}
  const config = await s3.getBucketNotifications(entry.resource, {signal}).catch(() => undefined)
  const mine = config?.LambdaFunctionConfigurations?.find((c) => c.Id === notificationId(fn.name, entry.id))
  if (!mine) return {...base, state: 'missing'}
  const rules = (mine.Filter?.Key?.FilterRules ?? []).map((r) => `${(r.Name ?? '').toLowerCase()} ${r.Value ?? ''}`)
  return {...base, state: 'present', detail: [(mine.Events ?? []).join(','), ...rules].join('; ')}
}

async function urlRows(fn: EventFunction, {lambda, signal}: SourceReadDeps): Promise<SourceRow[]> {
  const qualifiers = new Set<string | undefined>([undefined, ...fn.ledger.filter((e) => e.kind === 'url').map((e) => e.qualifier)])
  const rows: SourceRow[] = []
  for (const qualifier of qualifiers) {
    const entry = fn.ledger.find((e) => e.kind === 'url' && e.qualifier === qualifier)
    const config = await lambda.getUrlConfig(fn.name, {qualifier, signal})
    if (!config && !entry) continue
    rows.push({kind: 'url', source: config?.FunctionUrl ?? '(deleted)', qualifier, state: config ? 'present' : 'missing', detail: config ? `auth ${config.AuthType ?? ''}` : undefined, id: entry?.id ?? '', managedBy: entry ? owner(entry) : 'other'})
  }
  return rows
}

function owner(entry: LedgerEntry): MappingView['managedBy'] {
  return entry.origin === 'config' ? 'sling-config' : 'sling-cli'
}

/** How the events commands show their results: one line for a change, a table (or tab-separated lines) for a list. */
import type {Column} from '../output.js'
import type {RenderOutput} from '../release/render.js'
import {tabSeparated} from '../release/render.js'
import type {EventsResult} from './commands.js'
import type {EventsList, SourceRow} from './list.js'
import type {UrlResult} from './url.js'

/** The line `attach`, `update`, `enable`, `disable` and `detach` print on stdout. */
export function describeEventsResult(result: EventsResult): string {
  if (result.kind === 'none') return `${result.source} isn't attached to ${result.functionName}: nothing to detach.`
  if (result.kind === 'mapping') {
    const m = result.mapping
    const target = `${result.functionName}${m.qualifier ? `:${m.qualifier}` : ''}`
    const batch = m.batchSize === undefined ? '' : `, batch size ${m.batchSize}${m.batchingWindow ? `, window ${m.batchingWindow}s` : ''}`
    if (result.status === 'deleted') return `Detached ${m.source} from ${target} (mapping ${m.uuid}).`
    const verb = {created: 'Attached', updated: 'Updated', unchanged: 'Already attached:'}[result.status]
    return `${verb} ${m.source} → ${target} (mapping ${m.uuid}): ${m.state}${batch}.`
  }
  if (result.kind === 'push') {
    const p = result.trigger
    const target = `${result.functionName}${p.qualifier ? `:${p.qualifier}` : ''}`
    const what = {rule: 'EventBridge rule', schedule: 'schedule', sns: 'SNS subscription'}[p.kind]
    if (result.status === 'deleted') return `Detached the ${what} ${p.resource} from ${target}, with its permission.`
    return `${result.status === 'created' ? 'Attached' : 'Already attached:'} ${what} ${p.resource} → ${target} (id ${p.id}).`
  }
  const t = result.trigger
  const target = `${result.functionName}${t.qualifier ? `:${t.qualifier}` : ''}`
  const filters = [t.prefix && `prefix ${t.prefix}`, t.suffix && `suffix ${t.suffix}`].filter(Boolean).join(', ')
  const what = `s3:${t.bucket} (${t.events.join(', ')}${filters ? `; ${filters}` : ''})`
  if (result.status === 'deleted') return `Detached ${what} from ${target}: removed notification ${t.notificationId} and its permission.`
  return `${result.status === 'created' ? 'Attached' : 'Already attached:'} ${what} → ${target} (notification ${t.notificationId}).`
}

const COLUMNS: readonly Column<SourceRow>[] = [
  {header: 'Source', get: (r) => r.source},
  {header: 'Qualifier', get: (r) => r.qualifier ?? ''},
  {header: 'State', get: (r) => r.state},
  {header: 'Batch', get: (r) => (r.batchSize === undefined ? '' : `${r.batchSize}${r.batchingWindow ? ` / ${r.batchingWindow}s` : ''}`)},
  {header: 'Last result', get: (r) => r.lastProcessingResult ?? r.detail ?? ''},
  {header: 'Managed by', get: (r) => managedLabel(r.managedBy)},
  {header: 'Id', get: (r) => r.id},
]

function managedLabel(managedBy: SourceRow['managedBy']): string {
  return {'sling-cli': 'sling', 'sling-config': 'sling (config)', other: 'not sling'}[managedBy]
}

/** One row of `sling events list` as a line (`sling info` shows them so): the table's columns, the empty ones left out. */
export function describeSourceRow(row: SourceRow): string {
  const batch = COLUMNS[3]?.get(row) ?? ''
  const fields = [`${row.source}${row.qualifier ? ` → ${row.qualifier}` : ''}`, row.state, batch && `batch ${batch}`, row.lastProcessingResult ?? row.detail, managedLabel(row.managedBy), row.id]
  return fields.filter(Boolean).join('  ')
}

/** `sling events list`: a table on a terminal; piped, tab-separated lines (source, qualifier, state, batch size, window, last result or detail, managed by, id). */
export function renderEventsList(list: EventsList, output: RenderOutput, {terminal}: {readonly terminal: boolean}): void {
  if (list.sources.length === 0) {
    output.info(`${list.functionName} has no event sources. Attach one with "sling events attach ${list.functionName} sqs:QUEUE".`)
    return
  }
  if (terminal) {
    output.table(list.sources, COLUMNS)
    return
  }
  output.result(tabSeparated(list.sources.map((r) => [r.source, r.qualifier ?? '', r.state, r.batchSize === undefined ? '' : String(r.batchSize), r.batchingWindow === undefined ? '' : String(r.batchingWindow), r.lastProcessingResult ?? r.detail ?? '', r.managedBy, r.id])))
}

/** `sling url`: the URL alone on stdout (so `$(sling url api)` works), what happened on stderr. */
export function renderUrl(result: UrlResult, output: RenderOutput): void {
  const target = `${result.functionName}${result.qualifier ? `:${result.qualifier}` : ''}`
  if (result.status === 'deleted' || result.status === 'absent') {
    output.info(result.status === 'deleted' ? `Deleted the function URL of ${target}.` : `${target} has no function URL.`)
    return
  }
  output.info(`${result.status === 'created' ? 'Created' : 'Updated'} the function URL of ${target} (auth ${result.authType ?? ''}).`)
  output.result(result.url ?? '')
}

/**
 * How `sling alias` shows its results to a person: tables with weight bars on a terminal, tab-separated
 * lines when piped or in CI (see render.ts).
 */
import type {PreviousVersion, RolloutRecord} from './alias-state.js'
import type {AliasDeletion, AliasList, AliasRow, DeleteAliasResult, SetAliasResult} from './aliases.js'
import type {RenderOutput} from './render.js'
import {formatTime, tabSeparated, versionLabel} from './render.js'
import type {Weight} from './weights.js'
import {weightBar} from './weights.js'

/** Where "sling rollback" would take the alias, in a few words. */
export function rollbackLabel(previous: PreviousVersion): string {
  switch (previous.status) {
    case 'recorded':
      return versionLabel(previous.version)
    case 'none':
      return ''
    case 'moved-since':
      // sling's record names a version, but something else moved the alias since: rollback won't follow it.
      return `${versionLabel(previous.version)} (stale: moved outside sling)`
    case 'unreadable':
      return previous.problem === 'newer-format' ? 'record from a newer sling' : 'unreadable record'
  }
}

export function rolloutLabel(rollout: RolloutRecord | undefined): string {
  if (!rollout) return ''
  return `to ${versionLabel(rollout.targetVersion)} (${rollout.strategy}, step ${rollout.step + 1}, started ${formatTime(new Date(rollout.startedAt).toISOString(), {terminal: true})})`
}

/** "v5 90%, v6 10%". */
export function weightsLabel(weights: readonly Weight[]): string {
  return weights.map((w) => `${versionLabel(w.version)} ${w.percent}%`).join(', ')
}

/** One table line per weight: the alias's cells on its first line, each routed version on a line of its own. */
interface AliasLine {
  readonly alias?: AliasRow | undefined
  readonly weight: Weight
}

/** `sling alias list`: a table with weight bars on a terminal, tab-separated lines otherwise. */
export function renderAliasList(list: AliasList, output: RenderOutput, {terminal}: {readonly terminal: boolean}): void {
  if (list.aliases.length === 0) {
    output.info(`${list.functionName} has no aliases. Create one with "sling alias set ${list.functionName} live VERSION".`)
    return
  }
  if (!terminal) {
    output.result(tabSeparated(list.aliases.map((a) => [a.name, versionLabel(a.version), weightsLabel(a.weights), rollbackLabel(a.previousVersion), rolloutLabel(a.rollout), a.description])))
    return
  }
  const lines: AliasLine[] = list.aliases.flatMap((alias) => alias.weights.map((weight, i) => ({alias: i === 0 ? alias : undefined, weight})))
  const anyRollout = list.aliases.some((a) => a.rollout)
  output.table(lines, [
    {header: 'Alias', get: (l) => l.alias?.name ?? ''},
    {header: 'Traffic', get: (l) => `${versionLabel(l.weight.version).padEnd(4)} ${weightBar(l.weight.percent)} ${`${l.weight.percent}%`.padStart(4)}`},
    {header: 'Rollback to', get: (l) => (l.alias ? rollbackLabel(l.alias.previousVersion) : '')},
    ...(anyRollout ? [{header: 'Rollout in progress', get: (l: AliasLine) => rolloutLabel(l.alias?.rollout)}] : []),
    {header: 'Description', get: (l) => l.alias?.description ?? ''},
  ])
}

/** The outcome of `sling alias set`: the move on stdout, what it undid on stderr. */
export function renderAliasSet(result: SetAliasResult, output: RenderOutput): void {
  const {alias, functionName} = result
  const to = versionLabel(result.version)
  const rollback = result.rollbackTo ? ` "sling rollback" returns it to ${versionLabel(result.rollbackTo)}.` : ''
  switch (result.status) {
    case 'created':
      output.result(`Created alias "${alias}" of ${functionName} on ${to}.`)
      break
    case 'unchanged':
      output.result(`Alias "${alias}" of ${functionName} already points to ${to}; nothing changed.${rollback}`)
      break
    case 'updated':
      output.result(result.previousVersion === result.version ? `Alias "${alias}" of ${functionName} stays on ${to}, now with all its traffic.${rollback}` : `Moved alias "${alias}" of ${functionName} from ${versionLabel(result.previousVersion ?? '')} to ${to}.${rollback}`)
  }
  if (result.status === 'unchanged') return
  // A routed version the alias now points to (a promotion) gets all of the traffic: only the others lose theirs.
  const lost = result.clearedRouting.filter((w) => w.version !== result.version)
  if (lost.length > 0) output.warn(`The traffic split is gone: ${lost.map((w) => `${versionLabel(w.version)} got ${w.percent}%`).join(', ')}; now all of "${alias}"'s traffic goes to ${to}.`)
  if (result.abandonedRollout) output.warn(`The rollout ${rolloutLabel(result.abandonedRollout)} was abandoned (--force).`)
}

/** What deleting an alias takes away, on stderr before asking. */
export function showAliasDeletion(deletion: AliasDeletion, output: RenderOutput, {dryRun}: {readonly dryRun: boolean}): void {
  const prefix = dryRun ? '(dry run) ' : ''
  const {alias} = deletion
  const rollback = rollbackLabel(alias.previousVersion)
  const traffic = alias.weights.length > 1 ? `splits its traffic: ${weightsLabel(alias.weights)}` : `points to ${versionLabel(alias.version)}`
  output.info(`${prefix}Alias "${alias.name}" of ${deletion.functionName} ${traffic}${rollback ? `; "sling rollback" would return it to ${rollback}` : ''}.`)
  for (const m of deletion.mappings) output.info(`${prefix}  Event source mapping ${m.uuid}${m.eventSourceArn ? ` (${m.eventSourceArn})` : ''} invokes it: it stops delivering once the alias is gone.`)
  if (deletion.provisionedConcurrency !== undefined) output.info(`${prefix}  Its provisioned concurrency (${deletion.provisionedConcurrency}) is deleted with it.`)
}

/** What the confirmation asks (and what a missing --yes names). */
export function aliasDeletionQuestion(deletion: AliasDeletion): string {
  return `Deleting alias "${deletion.alias.name}" of ${deletion.functionName}`
}

/** The outcome of `sling alias delete`, on stdout. */
export function renderAliasDeleted(result: DeleteAliasResult, output: RenderOutput): void {
  const what = `alias "${result.alias}" of ${result.functionName} (on ${versionLabel(result.version)})`
  switch (result.status) {
    case 'deleted':
      output.result(`Deleted ${what}.`)
      return
    case 'would-delete':
      output.result(`(dry run) Would delete ${what}.`)
      return
    case 'cancelled':
      output.result(`Cancelled: kept ${what}.`)
  }
}

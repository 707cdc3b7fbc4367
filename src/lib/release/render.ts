/**
 * How `sling versions` shows its results to a person. On a terminal: aligned tables with a header and
 * colour. Piped or in CI: one tab-separated line per row, no header, no colour, so `cut`, `grep` and
 * `awk` work (scripts that want every field use --json). Prompts and progress go to stderr; only the
 * result goes to stdout.
 */
import type {Column, Output} from '../output.js'
import {renderTable} from '../output.js'
import type {PlannedVersion, PrunePlan, PruneResult} from './prune.js'
import {describeKeepReason} from './prune.js'
import type {AliasShare, VersionList, VersionRow} from './versions.js'

/** The parts of Output the renderers use. */
export type RenderOutput = Pick<Output, 'color' | 'info' | 'interactive' | 'result' | 'table' | 'warn'>

/** True when a person reads stdout: stdout is a terminal and so is stderr (and CI, TERM=dumb and --json are off). */
export function onTerminal(output: Pick<Output, 'interactive'>, stdout: {readonly isTTY?: boolean | undefined} = process.stdout): boolean {
  return output.interactive && stdout.isTTY === true
}

/** "v7", as sling prints versions ("$LATEST" as it is). */
export function versionLabel(version: string): string {
  return version === '$LATEST' ? version : `v${version}`
}

/** "live 90%" for the alias's own version, "live → 10%" for a version it routes to. */
export function shareLabel(share: AliasShare): string {
  return `${share.alias} ${share.routed ? '→ ' : ''}${share.percent}%`
}

/** Lambda's "2025-01-01T10:00:00.000+0000" as "2025-01-01 10:00 UTC" for a person, or ISO 8601 for a line a script reads. */
export function formatTime(lastModified: string | undefined, {terminal}: {readonly terminal: boolean}): string {
  if (!lastModified) return ''
  const time = new Date(lastModified.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
  if (Number.isNaN(time.getTime())) return lastModified
  const iso = time.toISOString().replace(/\.\d{3}Z$/, 'Z')
  return terminal ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso
}

/** Lines of tab-separated fields (a tab or newline inside a field becomes a space). */
export function tabSeparated(rows: readonly (readonly string[])[]): string {
  return rows.map((fields) => fields.map((field) => field.replace(/[\t\r\n]+/g, ' ')).join('\t')).join('\n')
}

const VERSION_COLUMNS: readonly Column<VersionRow>[] = [
  {header: 'Version', get: (v) => versionLabel(v.version), align: 'right'},
  {header: 'Description', get: (v) => v.description ?? ''},
  {header: 'Code', get: (v) => v.shortSha},
  {header: 'Last modified', get: (v) => formatTime(v.lastModified, {terminal: true})},
  {header: 'Aliases', get: (v) => v.aliases.map(shareLabel).join(', ')},
]

/** `sling versions list`: a table on a terminal, tab-separated lines otherwise. */
export function renderVersionList(list: VersionList, output: RenderOutput, {terminal}: {readonly terminal: boolean}): void {
  if (list.versions.length === 0) {
    output.info(`${list.functionName} has no published versions yet. Publish one with "sling deploy --publish".`)
    return
  }
  if (terminal) {
    output.table(list.versions, VERSION_COLUMNS)
    return
  }
  const lines = list.versions.map((v) => [versionLabel(v.version), v.description ?? '', v.shortSha, formatTime(v.lastModified, {terminal: false}), v.aliases.map(shareLabel).join(', ')])
  output.result(tabSeparated(lines))
}

/** The prune plan, on stderr before anything is asked or deleted: every version, kept or deleted, and why. */
export function showPrunePlan(plan: PrunePlan, output: RenderOutput, {dryRun, terminal}: {readonly dryRun: boolean; readonly terminal: boolean}): void {
  const prefix = dryRun ? '(dry run) ' : ''
  const count = plan.versions.length
  const newest = plan.keep === 0 ? 'every version in use' : `the newest ${plan.keep} and every version in use`
  output.info(`${prefix}${plan.functionName} has ${count} published version${count === 1 ? '' : 's'}; sling keeps ${newest}:`)
  const why = (v: PlannedVersion): string => v.reasons.map(describeKeepReason).join('; ')
  const {green, red} = output.color
  const lines = terminal
    ? renderTable(plan.versions, [
        {header: 'Version', get: (v) => versionLabel(v.version), align: 'right'},
        {header: 'Plan', get: (v) => (v.action === 'keep' ? green('keep') : red('delete'))},
        {header: 'Why it is kept', get: why},
      ], output.color).split('\n')
    : plan.versions.map((v) => `${versionLabel(v.version)} ${v.action}${v.reasons.length > 0 ? `: ${why(v)}` : ''}`)
  for (const line of lines) output.info(`${prefix}  ${line}`)
}

/** What the confirmation asks (and what a missing --yes names): "Deleting 3 versions of shop-api (v1, v2, v4)". */
export function pruneQuestion(plan: PrunePlan): string {
  const n = plan.toDelete.length
  return `Deleting ${n} version${n === 1 ? '' : 's'} of ${plan.functionName} (${plan.toDelete.map(versionLabel).join(', ')})`
}

/** The outcome of a prune, on stdout. */
export function renderPruneResult(result: PruneResult, output: RenderOutput): void {
  const {plan, deleted, failed} = result
  const kept = plan.versions.length - plan.toDelete.length
  const list = (versions: readonly string[]): string => versions.map(versionLabel).join(', ')
  const plural = (n: number): string => `${n} version${n === 1 ? '' : 's'}`
  switch (result.status) {
    case 'nothing-to-prune':
      output.result(`Nothing to prune: ${result.functionName} keeps all ${plural(plan.versions.length)}.`)
      return
    case 'would-prune':
      output.result(`(dry run) Would delete ${plural(plan.toDelete.length)} of ${result.functionName} (${list(plan.toDelete)}) and keep ${kept}.`)
      return
    case 'cancelled':
      output.result(`Cancelled: nothing deleted from ${result.functionName}.`)
      return
    case 'pruned':
      output.result(`Deleted ${plural(deleted.length)} of ${result.functionName} (${list(deleted)}); kept ${kept}.`)
      return
    case 'partial':
      output.result(`Deleted ${plural(deleted.length)} of ${result.functionName}${deleted.length > 0 ? ` (${list(deleted)})` : ''}; ${list(failed.map((f) => f.version))} came into use meanwhile and ${failed.length === 1 ? 'was' : 'were'} kept.`)
  }
}

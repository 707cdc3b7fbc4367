/** The human renderings of shift, rollout and rollback results (stdout), with bars on a terminal. */
import type {Output} from '../output.js'
import type {Weight} from '../release/weights.js'
import {weightBar} from '../release/weights.js'
import {summarizeReadings} from './gates.js'
import type {RollbackResult} from './rollback.js'
import type {ShiftResult} from './shift.js'
import type {RolloutResult} from './types.js'
import {formatPercent} from './units.js'

type RenderOutput = Pick<Output, 'result' | 'table' | 'interactive'>

/** "v6  100% →  75%  ███████████████░░░░░": each version's share before → after (the bar, of after, on a terminal). */
export function renderWeights(before: readonly Weight[], after: readonly Weight[], output: RenderOutput): void {
  const versions = [...new Set([...before, ...after].map((w) => w.version))]
  const share = (weights: readonly Weight[], version: string): number => weights.find((w) => w.version === version)?.percent ?? 0
  const rows = versions.map((version) => ({version, before: formatPercent(share(before, version)), after: formatPercent(share(after, version)), bar: weightBar(share(after, version))}))
  const width = Math.max(...rows.flatMap((row) => [row.before.length, row.after.length]))
  output.table(rows, [
    {header: 'VERSION', get: (row) => `v${row.version}`},
    {header: 'WEIGHT', get: (row) => `${row.before.padStart(width)} → ${row.after.padStart(width)}`},
    ...(output.interactive ? [{header: '', get: (row: {bar: string}) => row.bar}] : []),
  ])
}

export function renderShift(result: ShiftResult, output: RenderOutput): void {
  const head = {
    shifted: `Alias "${result.alias}" of ${result.functionName}: version ${result.version} gets ${formatPercent(result.weight)} of its traffic.`,
    promoted: `Alias "${result.alias}" of ${result.functionName} now points to version ${result.version}, with no routing.`,
    cleared: `Alias "${result.alias}" of ${result.functionName} no longer routes traffic to version ${result.version}.`,
    unchanged: `Alias "${result.alias}" of ${result.functionName} already sends that: nothing changed.`,
  }[result.status]
  output.result(head)
  renderWeights(result.before, result.after, output)
  if (result.rollbackTo !== undefined && result.status !== 'unchanged') output.result(`"sling rollback ${result.functionName} ${result.alias}" returns it to version ${result.rollbackTo}.`)
}

export function renderRollback(result: RollbackResult, output: RenderOutput): void {
  if (result.status === 'unchanged') {
    output.result(`Alias "${result.alias}" of ${result.functionName} already is on version ${result.to}, with no routing: nothing to roll back.`)
    return
  }
  const abandoned = result.abandonedRollout ? ` The rollout of version ${result.abandonedRollout.targetVersion} is abandoned.` : ''
  output.result(`Rolled back alias "${result.alias}" of ${result.functionName} from ${describe(result.before)} to version ${result.to}, with no routing left.${abandoned}`)
  renderWeights(result.before, result.after, output)
}

export function renderRollout(result: RolloutResult, output: RenderOutput): void {
  const outcome = {
    completed: `Completed: version ${result.version} holds 100% of alias "${result.alias}" of ${result.functionName}.`,
    unchanged: `Unchanged: alias "${result.alias}" of ${result.functionName} already points to version ${result.version}.`,
    stopped: `Stopped before any traffic moved: ${result.reason?.message ?? ''}.`,
    'rolled-back': `Rolled back to version ${result.previousVersion}: ${result.reason?.message ?? ''}.`,
    interrupted: result.rolledBack ? `Interrupted: alias back on version ${result.previousVersion}.` : `Interrupted: alias left at ${describe(result.weights)}.`,
    conflict: `Stopped: ${result.reason?.message ?? 'someone else changed the alias'}`,
    'rollback-failed': `Unhealthy (${result.reason?.message ?? ''}), and the alias couldn't be returned to version ${result.previousVersion}.`,
  }[result.status]
  if (result.steps.length > 0) {
    output.table(result.steps, [
      {header: 'STEP', get: (s) => String(s.step), align: 'right'},
      {header: 'AT', get: (s) => s.at.replace(/\.\d{3}Z$/, 'Z')},
      {header: 'WEIGHTS', get: (s) => describe(s.weights)},
      {header: 'GATES', get: (s) => summarizeReadings(s.gates) || '-'},
    ])
  }
  output.result(outcome)
}

function describe(weights: readonly Weight[]): string {
  return weights.map((w) => `v${w.version} ${formatPercent(w.percent)}`).join(', ')
}

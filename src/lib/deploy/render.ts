/**
 * `sling deploy`'s summary for people: on a terminal a table, elsewhere (CI logs) one line per function, on
 * stdout; why a function failed (with hints) and the closing line on stderr, where errors and progress go.
 */
import type {Output} from '../output.js'
import type {DeployResult, FunctionResult} from './deploy.js'
import type {LayerResult} from './result.js'
import {countOf} from './view.js'

/** Prints the summary of a deploy. */
export function renderDeploy(result: DeployResult, output: Output): void {
  if (output.interactive) {
    output.table(result.functions, [
      {header: 'Function', get: (f) => f.key},
      {header: 'Name', get: (f) => f.functionName},
      {header: 'Result', get: (f) => paintAction(f, output)},
      ...(result.interrupted ? [{header: 'Progress', get: (f: FunctionResult) => f.progress}] : []),
      {header: 'Changed', get: (f) => changedText(f)},
      {header: 'Version', get: (f) => f.version ?? ''},
      {header: 'Alias', get: (f) => aliasText(f)},
    ])
  } else {
    for (const fn of result.functions) output.result(functionLine(fn, result.interrupted))
  }
  for (const layer of result.layers) output.result(layerLine(layer))
  for (const fn of result.functions) {
    if (!fn.error) continue
    output.info(`${output.color.red('✖')} ${fn.key} (${fn.functionName}): ${fn.error.message}`)
    for (const hint of fn.error.hints) output.info(`  ${output.color.dim('→')} ${hint}`)
  }
  for (const layer of result.layers) {
    if (layer.error) output.info(`${output.color.red('✖')} layer ${layer.key} (${layer.name}): ${layer.error.message}`)
  }
  closingLine(result, output)
}

/** "api (shop-api): updated (code, configuration); version 4; alias live 3 → 4" */
export function functionLine(fn: FunctionResult, interrupted: boolean): string {
  const changed = changedText(fn)
  const parts = [
    `${fn.key} (${fn.functionName}): ${fn.action}${changed ? ` (${changed})` : ''}${fn.error ? `: ${fn.error.code}` : ''}${interrupted ? ` [${fn.progress}]` : ''}`,
    fn.version !== undefined && `version ${fn.version}`,
    fn.alias && `alias ${aliasText(fn)}`,
  ]
  return parts.filter(Boolean).join('; ')
}

function layerLine(layer: LayerResult): string {
  const version = layer.arn?.split(':').at(-1)
  const detail = layer.action === 'published' || layer.action === 'unchanged' ? ` (version ${version ?? '?'})` : layer.error ? `: ${layer.error.code}` : ''
  return `layer ${layer.key} (${layer.name}): ${layer.action}${detail}`
}

function changedText(fn: FunctionResult): string {
  if (fn.action === 'created') return ''
  return [fn.changed.code && 'code', fn.changed.configuration && 'configuration'].filter(Boolean).join(', ')
}

function aliasText(fn: FunctionResult): string {
  if (!fn.alias) return ''
  return `${fn.alias.name} ${fn.alias.from === undefined ? '(new)' : fn.alias.from} → ${fn.alias.to}`
}

function paintAction(fn: FunctionResult, {color}: Output): string {
  switch (fn.action) {
    case 'created':
    case 'updated':
      return color.green(fn.action)
    case 'failed':
      return color.red(fn.action)
    case 'skipped':
      return color.yellow(fn.action)
    case 'unchanged':
      return color.dim(fn.action)
  }
}

/** The last line, on stderr: what happened overall. */
function closingLine(result: DeployResult, output: Output): void {
  const count = (action: FunctionResult['action']): number => result.functions.filter((f) => f.action === action).length
  const tally = (['created', 'updated', 'unchanged', 'failed', 'skipped'] as const).filter((action) => count(action) > 0).map((action) => `${count(action)} ${action}`).join(', ')
  switch (result.status) {
    case 'deployed':
      return output.success(`Deployed ${countOf(result.functions.length, 'function')}: ${tally}.`)
    case 'unchanged':
      return output.success(`Nothing to deploy: ${countOf(result.functions.length, 'function')} already ${result.functions.length === 1 ? 'matches' : 'match'} the config.`)
    case 'failed':
      return output.info(`${output.color.red('✖')} ${countOf(count('failed'), 'function')} of ${result.functions.length} failed: ${tally}.`)
    case 'interrupted': {
      const progress = (['done', 'updated', 'untouched'] as const).map((p) => `${result.functions.filter((f) => f.progress === p).length} ${p}`).join(', ')
      return output.warn(`Interrupted: ${progress}. Every function is in a consistent state; run "sling deploy" again to finish.`)
    }
  }
}

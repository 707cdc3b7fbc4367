import {formatBytes} from '../format.js'
import type {Output} from '../output.js'
import {formatTime, onTerminal, tabSeparated, versionLabel} from '../release/render.js'
import type {ListedFunction, ListedRuntime, ListResult} from './list.js'

/** A table on a terminal; piped, one tab-separated line per function (key, name, version, aliases, modified, size, runtime). */
export function renderList(result: ListResult, output: Output): void {
  const terminal = onTerminal(output)
  if (result.functions.length === 0) {
    output.info('No functions.')
    return
  }
  const rows = result.functions.map((fn) => [
    fn.key ?? '-',
    fn.name,
    fn.deployed ? (fn.version ? versionLabel(fn.version) : '$LATEST only') : 'not deployed',
    fn.aliases.map((a) => `${a.name} ${a.weights.map((w) => `${versionLabel(w.version)} ${w.percent}%`).join(' ')}`).join(', '),
    formatTime(fn.lastModified, {terminal}),
    codeLabel(fn),
    runtimeLabel(fn.runtime, output, terminal),
  ])
  if (!terminal) {
    output.result(tabSeparated(rows))
    return
  }
  const headers = ['Function', 'Name', 'Version', 'Aliases', 'Last modified', 'Code', 'Runtime']
  output.table(rows, headers.map((header, i) => ({header, get: (row: string[]) => row[i] ?? ''})))
  const outside = result.functions.filter((f) => !f.inConfig).length
  if (outside > 0) output.info(`${outside} function${outside === 1 ? ' is' : 's are'} not in the config (Function "-").`)
}

function codeLabel(fn: ListedFunction): string {
  if (fn.codeSize === undefined || fn.packageType === 'Image') return fn.packageType === 'Image' ? 'image' : ''
  const percent = (fn.codeSize / fn.codeSizeLimit) * 100
  return `${formatBytes(fn.codeSize)} (${percent < 0.1 ? '<0.1' : percent.toFixed(1)}% of ${formatBytes(fn.codeSizeLimit)})`
}

/** "nodejs18.x (deprecated 2025-09-01)": the runtime, flagged when AWS deprecated it. */
export function runtimeLabel(runtime: ListedRuntime | undefined, output: Pick<Output, 'color'>, terminal: boolean): string {
  if (!runtime) return ''
  const paint = (text: string, style: (t: string) => string): string => (terminal ? style(text) : text)
  switch (runtime.status) {
    case 'deprecated':
      return paint(`${runtime.name} (deprecated ${runtime.deprecatedOn ?? ''})`, output.color.yellow)
    case 'create-blocked':
    case 'blocked':
      return paint(`${runtime.name} (deprecated ${runtime.deprecatedOn ?? ''}; no new functions)`, output.color.red)
    case 'preview':
      return `${runtime.name} (preview)`
    case 'supported':
    case 'unknown':
      return runtime.name
  }
}

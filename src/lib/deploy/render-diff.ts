/**
 * `sling diff` (and `deploy --dry-run`) for people: each function's plan as a unified diff would show it —
 * "-" what Lambda has, "+" what the config wants, "~" an environment variable whose value changed (values
 * only with --show-values). Plain text, coloured on a terminal only through Output's colours.
 */
import type {EventInvokeConfig} from '../aws/types.js'
import {ExitCode} from '../errors.js'
import {formatBytes} from '../format.js'
import type {Output} from '../output.js'
import type {DiffResult} from './deploy.js'
import type {CodeRef} from './plan.js'
import type {LayerView, PlanView, SettingView} from './view.js'
import {countOf} from './view.js'

/** One line of a function's diff: its sign decides the colour. */
interface Line {
  readonly sign: '-' | '+' | '~'
  readonly text: string
}

/** Prints the diff on stdout and a one-line summary on stderr. `dryRun`: for `sling deploy --dry-run`. */
export function renderDiff(result: DiffResult, output: Output, {dryRun = false}: {readonly dryRun?: boolean} = {}): void {
  const {color} = output
  const paint = (line: Line): string => {
    const text = `  ${line.sign} ${line.text}`
    return line.sign === '-' ? color.red(text) : line.sign === '+' ? color.green(text) : color.yellow(text)
  }
  for (const fn of result.functions) {
    const title = `${fn.key} → ${fn.functionName}`
    if (fn.action === 'error') {
      output.result(color.red(`! ${title}: couldn't be read: ${fn.error?.message ?? 'unknown error'}`))
      continue
    }
    if (fn.action === 'unchanged' && !fn.events?.some((e) => e.action === 'blocked')) {
      output.result(color.dim(`${title}: unchanged`))
      continue
    }
    output.result(color.bold(`${title}: ${fn.action}`))
    for (const line of functionLines(fn)) output.result(paint(line))
  }
  for (const layer of result.layers) output.result(layerLine(layer, output))
  const summary = summarizeDiff(result)
  output.info(dryRun ? `(dry run) ${summary} Nothing was changed.` : summary)
}

/**
 * How `sling diff` ends: 1 when a function couldn't be read; with `exitCode` (--exit-code, as in
 * `git diff --exit-code`) also 1 when deploy would change anything; else 0.
 */
export function diffExitCode(result: DiffResult, {exitCode}: {readonly exitCode: boolean}): number {
  if (result.functions.some((f) => f.action === 'error')) return ExitCode.Failure
  return exitCode && result.status === 'different' ? ExitCode.Failure : ExitCode.Ok
}

function layerLine(layer: LayerView, {color}: Output): string {
  const title = `layer ${layer.key} → ${layer.name}`
  if (layer.action === 'unchanged') return color.dim(`${title}: unchanged (version ${layer.latestVersion ?? '?'})`)
  const why = layer.latestVersion === undefined ? 'its first version' : `version ${layer.latestVersion} has other content`
  return `${color.bold(`${title}: publish`)} (${why})\n${color.green(`  + CodeSha256 ${layer.codeSha256}`)}`
}

/** "2 functions would change (1 created, 1 updated), 1 unchanged; 1 layer would be published." */
export function summarizeDiff(result: DiffResult): string {
  const count = (action: PlanView['action']): number => result.functions.filter((f) => f.action === action).length
  const [create, update, same, failed] = [count('create'), count('update'), count('unchanged'), count('error')]
  const layers = result.layers.filter((l) => l.action === 'publish').length
  const parts = [
    create + update > 0 && `${countOf(create + update, 'function')} would change (${[create > 0 && `${create} created`, update > 0 && `${update} updated`].filter(Boolean).join(', ')})`,
    same > 0 && `${same} unchanged`,
    failed > 0 && `${failed} couldn't be read`,
  ].filter(Boolean)
  const layerPart = layers > 0 ? `; ${countOf(layers, 'layer')} would be published` : ''
  if (result.status === 'same' && failed === 0) {
    const all = result.functions.length + result.layers.length
    return `No differences: ${countOf(result.functions.length, 'function')}${result.layers.length > 0 ? ` and ${countOf(result.layers.length, 'layer')}` : ''} ${all === 1 ? 'matches' : 'match'} the config.`
  }
  return `${parts.join(', ')}${layerPart}.`
}

/** Every change of one function, in the order deploy applies them. */
export function functionLines(fn: PlanView): Line[] {
  const lines: Line[] = []
  if (fn.failedUpdate) lines.push({sign: '~', text: `last update failed (${fn.failedUpdate.reason}): its settings and code are sent again`})
  for (const setting of fn.configuration) lines.push(...settingLines(setting))
  if (fn.code) lines.push(...change('code', fn.code.from && codeText(fn.code.from), codeText(fn.code.to)))
  if (fn.tags) {
    for (const [key, value] of Object.entries(fn.tags.added)) lines.push({sign: '+', text: `tags.${key}: ${value}`})
    for (const [key, {from, to}] of Object.entries(fn.tags.changed)) lines.push(...change(`tags.${key}`, from, to))
    for (const key of fn.tags.removed) lines.push({sign: '-', text: `tags.${key}`})
  }
  if (fn.reservedConcurrency) lines.push(...change('reservedConcurrentExecutions', fn.reservedConcurrency.from, fn.reservedConcurrency.to))
  if (fn.eventInvokeConfig) lines.push(...objectLines('eventInvokeConfig', fn.eventInvokeConfig.from, fn.eventInvokeConfig.to))
  if (fn.provisionedConcurrency) {
    const {alias, from, to} = fn.provisionedConcurrency
    lines.push(...change(`provisionedConcurrency (alias ${alias})`, from, to))
  }
  if (fn.publish) {
    lines.push({sign: '+', text: 'version: a new version, published after the changes'})
    const alias = fn.publish.alias
    if (alias) lines.push(...change(`alias ${alias.name}`, alias.from === undefined ? undefined : `version ${alias.from}`, 'the new version'))
  }
  for (const event of fn.events ?? []) {
    if (event.action === 'unchanged') continue
    const what = `${event.kind === 'url' ? 'url' : 'event source'} ${event.source}${event.qualifier ? ` (→ ${event.qualifier})` : ''}`
    const why = event.reason ? `: ${event.reason}` : ''
    const sign = {create: '+', delete: '-', update: '~', blocked: '~'}[event.action] as Line['sign']
    lines.push({sign, text: event.action === 'blocked' ? `${what} left alone${why}` : `${what}${event.action === 'update' ? ' updated' : ''}${why}`})
  }
  return lines
}

function settingLines(setting: SettingView): Line[] {
  if ('added' in setting) {
    const {from, to} = setting
    const shown = (values: Readonly<Record<string, string>> | undefined, key: string): string => (values ? `environment.${key}=${values[key] ?? ''}` : `environment.${key}`)
    return [
      ...setting.added.map((key): Line => ({sign: '+', text: shown(to, key)})),
      ...setting.changed.flatMap((key): Line[] => (from && to ? [{sign: '-', text: shown(from, key)}, {sign: '+', text: shown(to, key)}] : [{sign: '~', text: `environment.${key} (value changed; --show-values shows it)`}])),
      ...setting.removed.map((key): Line => ({sign: '-', text: shown(from, key)})),
    ]
  }
  // A new function's empty list (no layers) is no news; nor is a setting sent again unchanged (a failed update's retry).
  if (setting.from === undefined && Array.isArray(setting.to) && setting.to.length === 0) return []
  if (JSON.stringify(setting.from) === JSON.stringify(setting.to)) return []
  if (isRecord(setting.to) || isRecord(setting.from)) return objectLines(setting.field, setting.from, setting.to)
  return change(setting.field, setting.from, setting.to)
}

/** An object setting key by key (loggingConfig.logFormat …), only the keys that differ. */
function objectLines(field: string, from: unknown, to: unknown): Line[] {
  const before = (isRecord(from) ? from : {}) as Record<string, unknown>
  const after = (isRecord(to) ? to : {}) as Record<string, unknown>
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])]
  return keys.flatMap((key) => (JSON.stringify(before[key]) === JSON.stringify(after[key]) ? [] : change(`${field}.${key}`, before[key], after[key])))
}

/** "- field: old" and "+ field: new"; a side that is absent is left out. */
function change(field: string, from: unknown, to: unknown): Line[] {
  return [...(from === undefined ? [] : [{sign: '-' as const, text: `${field}: ${valueText(from)}`}]), ...(to === undefined ? [] : [{sign: '+' as const, text: `${field}: ${valueText(to)}`}])]
}

function codeText(code: CodeRef): string {
  return 'imageUri' in code ? `image ${code.imageUri}` : `CodeSha256 ${code.codeSha256} (${formatBytes(code.size)})`
}

function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function isRecord(value: unknown): value is Record<string, unknown> | EventInvokeConfig {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

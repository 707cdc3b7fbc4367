/**
 * A plan as `sling diff` and `deploy --dry-run` show it (and print under --json): every change old → new,
 * with environment values masked — a variable is shown added, removed or changed, its value only when asked.
 */
import type {EventInvokeConfig} from '../aws/types.js'
import type {EventChange, EventsPlan} from '../events/reconcile.js'
import type {LayerPlan} from './layers.js'
import type {CodeRef, FunctionPlan} from './plan.js'

export type SettingView =
  | {readonly field: string; readonly from: unknown; readonly to: unknown}
  | {
      readonly field: 'environment'
      readonly added: readonly string[]
      readonly removed: readonly string[]
      readonly changed: readonly string[]
      /** Only with `showValues`. */
      readonly from?: Readonly<Record<string, string>> | undefined
      readonly to?: Readonly<Record<string, string>> | undefined
    }

export interface PlanView {
  readonly key: string
  readonly functionName: string
  readonly action: 'create' | 'update' | 'unchanged' | 'error'
  readonly configuration: readonly SettingView[]
  readonly code?: {readonly from: CodeRef | undefined; readonly to: CodeRef} | undefined
  readonly tags?: {readonly added: Readonly<Record<string, string>>; readonly removed: readonly string[]; readonly changed: Readonly<Record<string, {readonly from: string; readonly to: string}>>} | undefined
  readonly reservedConcurrency?: {readonly from: number | undefined; readonly to: number} | undefined
  readonly eventInvokeConfig?: {readonly from: EventInvokeConfig | undefined; readonly to: EventInvokeConfig} | undefined
  readonly provisionedConcurrency?: {readonly alias: string; readonly from: number | undefined; readonly to: number} | undefined
  /** A version will be published (and the alias moved from its current version). */
  readonly publish?: {readonly alias?: {readonly name: string; readonly from: string | undefined} | undefined} | undefined
  /** Lambda's reason the function's last update failed; deploy sends its settings and code again. */
  readonly failedUpdate?: {readonly reason: string} | undefined
  readonly error?: {readonly code: string; readonly message: string} | undefined
  /** The declared event sources and URL: what deploy would create, update or delete (and what it leaves alone). */
  readonly events?: readonly EventChange[] | undefined
}

/** The view with its event-source plan, when the function declares any (or the config made some before). */
export function withEvents(view: PlanView, plan: EventsPlan | undefined): PlanView {
  if (!plan || plan.changes.length === 0) return view
  const changing = plan.changes.some((c) => c.action !== 'unchanged' && c.action !== 'blocked')
  return {...view, action: view.action === 'unchanged' && changing ? 'update' : view.action, events: plan.changes}
}

export interface LayerView {
  readonly key: string
  readonly name: string
  readonly action: 'publish' | 'unchanged'
  readonly codeSha256: string
  readonly latestVersion?: number | undefined
}

/** The plan's display form. Environment values appear only with `showValues`. */
export function planView(plan: FunctionPlan, {showValues = false}: {readonly showValues?: boolean} = {}): PlanView {
  const configuration: SettingView[] = plan.configuration.map((change) => (change.field === 'environment' ? environmentView(change.from, change.to, showValues) : change))
  if (plan.code?.architecture) configuration.push(plan.code.architecture)
  const tags = plan.tags && {
    added: Object.fromEntries(plan.tags.added.map((key) => [key, plan.tags?.set[key] ?? ''])),
    removed: plan.tags.remove,
    changed: Object.fromEntries(plan.tags.changed.map((key) => [key, {from: plan.current?.tags[key] ?? '', to: plan.tags?.set[key] ?? ''}])),
  }
  return {
    key: plan.key, functionName: plan.name, action: plan.action, configuration,
    code: plan.code && (plan.code.from === undefined || JSON.stringify(plan.code.from) !== JSON.stringify(plan.code.to)) ? {from: plan.code.from, to: plan.code.to} : undefined,
    tags, reservedConcurrency: plan.reservedConcurrency, eventInvokeConfig: plan.eventInvokeConfig, provisionedConcurrency: plan.provisionedConcurrency,
    publish: plan.publish && {alias: plan.publish.alias}, failedUpdate: plan.failedUpdate,
  }
}

function environmentView(from: unknown, to: unknown, showValues: boolean): SettingView {
  const before = (from ?? {}) as Record<string, string>
  const after = (to ?? {}) as Record<string, string>
  const added = Object.keys(after).filter((key) => !(key in before)).sort()
  const removed = Object.keys(before).filter((key) => !(key in after)).sort()
  const changed = Object.keys(after).filter((key) => key in before && before[key] !== after[key]).sort()
  return {field: 'environment', added, removed, changed, ...(showValues ? {from: before, to: after} : {})}
}

export function layerView(plan: LayerPlan): LayerView {
  return {key: plan.key, name: plan.name, action: plan.action, codeSha256: plan.codeSha256, latestVersion: plan.latest?.version}
}

/** "1 function", "3 functions". */
export function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

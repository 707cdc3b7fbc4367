/**
 * The deploy plan of one function: from what the config wants and what Lambda has, the smallest set of
 * changes. Pure: the reads happen before (observe.ts), the writes after (apply.ts).
 */
import type {EventInvokeConfig, FunctionInfo, ProvisionedConcurrencyInfo} from '../aws/types.js'
import {ExitCode, UserError} from '../errors.js'
import {LEDGER_PREFIX} from '../events/marks.js'
import type {DesiredFunction, SettingName} from './desired.js'
import {currentSetting, desiredSetting, equal, normalizeEventInvokeConfig, sameVersionContent} from './normalize.js'

/** What deploy read about a function: GetFunction, and one read per extra feature the config uses. */
export interface Observed {
  /** undefined: the function doesn't exist. */
  readonly current: FunctionInfo | undefined
  /** Read only when the config sets eventInvokeConfig; 'absent' when none is configured in Lambda. */
  readonly eventInvokeConfig?: EventInvokeConfig | 'absent' | undefined
  /** Read only when the config sets provisionedConcurrency. */
  readonly provisioned?: ProvisionedConcurrencyInfo | 'absent' | undefined
  /**
   * The published version $LATEST is compared with: the alias's version (GetFunction on the alias) when the
   * config sets an alias, else the newest version. 'absent': no such alias, or no version yet.
   */
  readonly published?: FunctionInfo | 'absent' | undefined
}

export interface FieldChange {
  readonly field: SettingName | 'architecture'
  /** undefined when the function is created. */
  readonly from: unknown
  readonly to: unknown
}

export type CodeRef = {readonly codeSha256: string; readonly size: number} | {readonly imageUri: string}

export interface TagChanges {
  /** Tags to add or change (TagResource). */
  readonly set: Readonly<Record<string, string>>
  /** Tag keys to remove (UntagResource). */
  readonly remove: readonly string[]
  readonly added: readonly string[]
  readonly changed: readonly string[]
}

export interface PublishIntent {
  /** Why a version is published: the function changed, or $LATEST differs from the alias's (or newest) version. */
  readonly reason: 'changed' | 'unpublished'
  /** The alias to point at the new version, and the version it points to now (undefined: the alias doesn't exist). */
  readonly alias?: {readonly name: string; readonly from: string | undefined} | undefined
}

export interface FunctionPlan {
  readonly key: string
  readonly name: string
  readonly action: 'create' | 'update' | 'unchanged'
  readonly desired: DesiredFunction
  readonly current: FunctionInfo | undefined
  /** Configuration settings to send (UpdateFunctionConfiguration), old → new. On create: every setting. */
  readonly configuration: readonly FieldChange[]
  /** New code (UpdateFunctionCode), old → new; an architecture change travels with the code. */
  readonly code?: {readonly from: CodeRef | undefined; readonly to: CodeRef; readonly architecture?: FieldChange | undefined} | undefined
  readonly tags?: TagChanges | undefined
  readonly reservedConcurrency?: {readonly from: number | undefined; readonly to: number} | undefined
  readonly eventInvokeConfig?: {readonly from: EventInvokeConfig | undefined; readonly to: EventInvokeConfig} | undefined
  readonly provisionedConcurrency?: {readonly alias: string; readonly from: number | undefined; readonly to: number} | undefined
  readonly publish?: PublishIntent | undefined
  /**
   * Publishing is configured without an alias and nothing else changed: whether $LATEST is already published
   * can only be told by reading the newest version (observe.ts then plans again with it).
   */
  readonly needsLatestVersion?: boolean | undefined
  /** The function's last update failed (Lambda's LastUpdateStatusReason): its settings and code are sent again. */
  readonly failedUpdate?: {readonly reason: string} | undefined
}

const SETTINGS: readonly SettingName[] = ['runtime', 'handler', 'role', 'memorySize', 'timeout', 'description', 'environment', 'layers', 'ephemeralStorage', 'tracing', 'deadLetterTargetArn', 'vpcConfig', 'loggingConfig', 'imageConfig']

/** Plans one function. Settings the config doesn't set are left as they are on an existing function. */
export function planFunction(desired: DesiredFunction, observed: Observed): FunctionPlan {
  const {current} = observed
  const base = {key: desired.key, name: desired.name, desired, current}
  if (!current) return planCreate(desired, observed)
  checkPackageType(desired, current)
  // Lambda reports a failed update's settings and code as if applied (LastUpdateStatus Failed) while the function
  // runs with the ones before, so compared with them the config looks deployed. Sending every managed setting
  // and the code again makes Lambda retry the update: it succeeds once the cause is fixed, else fails again.
  const retry = current.lastUpdateStatus === 'Failed'
  const configuration = SETTINGS.filter((s) => desired.managed.has(s) && desired.settings[s] !== undefined)
    .map((field) => ({field, from: currentSetting(current, field), to: desiredSetting(desired.settings, field)}))
    .filter((change) => retry || !equal(change.from, change.to))
  const architecture = desired.managed.has('architecture') && current.architecture !== desired.architecture ? {field: 'architecture' as const, from: current.architecture, to: desired.architecture} : undefined
  const to = codeRef(desired)
  const from: CodeRef = desired.code.kind === 'image' ? {imageUri: current.imageUri ?? ''} : {codeSha256: current.codeSha256, size: current.codeSize}
  const code = retry || !sameCode(from, to) || architecture ? {from, to, architecture} : undefined
  const tags = desired.managed.has('tags') ? tagChanges(current.tags, desired.tags) : undefined
  const changes = {
    configuration, code, tags: tags && (tags.added.length + tags.changed.length + tags.remove.length > 0) ? tags : undefined,
    reservedConcurrency: desired.reservedConcurrency !== undefined && current.reservedConcurrency !== desired.reservedConcurrency ? {from: current.reservedConcurrency, to: desired.reservedConcurrency} : undefined,
    eventInvokeConfig: eventInvokeChange(desired, observed),
    provisionedConcurrency: provisionedChange(desired, observed),
  }
  const functionChanged = configuration.length > 0 || code !== undefined
  const {publish, needsLatestVersion} = publishIntent(desired, observed, functionChanged)
  const anything = functionChanged || changes.tags || changes.reservedConcurrency || changes.eventInvokeConfig || changes.provisionedConcurrency || publish
  const failedUpdate = retry ? {reason: current.lastUpdateStatusReason ?? 'Lambda gave no reason'} : undefined
  return {...base, action: anything ? 'update' : 'unchanged', ...changes, publish, needsLatestVersion, failedUpdate}
}

function planCreate(desired: DesiredFunction, observed: Observed): FunctionPlan {
  const configuration = SETTINGS.filter((s) => desired.settings[s] !== undefined).map((field) => ({field, from: undefined, to: desiredSetting(desired.settings, field)}))
  const tags = tagChanges({}, desired.tags)
  return {
    key: desired.key, name: desired.name, desired, current: undefined, action: 'create', configuration,
    code: {from: undefined, to: codeRef(desired), architecture: {field: 'architecture', from: undefined, to: desired.architecture}},
    tags: tags.added.length > 0 ? tags : undefined,
    reservedConcurrency: desired.reservedConcurrency === undefined ? undefined : {from: undefined, to: desired.reservedConcurrency},
    eventInvokeConfig: eventInvokeChange(desired, {...observed, eventInvokeConfig: 'absent'}),
    provisionedConcurrency: desired.provisionedConcurrency && {alias: desired.provisionedConcurrency.alias, from: undefined, to: desired.provisionedConcurrency.executions},
    publish: desired.publish ? {reason: 'changed', alias: desired.alias === undefined ? undefined : {name: desired.alias, from: undefined}} : undefined,
  }
}

function codeRef(desired: DesiredFunction): CodeRef {
  return desired.code.kind === 'image' ? {imageUri: desired.code.imageUri} : {codeSha256: desired.code.codeSha256, size: desired.code.size}
}

/** Same code: the same image, or the same CodeSha256 (sizes then agree). */
function sameCode(a: CodeRef, b: CodeRef): boolean {
  return 'imageUri' in a ? 'imageUri' in b && a.imageUri === b.imageUri : 'codeSha256' in b && a.codeSha256 === b.codeSha256
}

/** Lambda can't turn a zip function into an image function or back: UpdateFunctionCode keeps the package type. */
function checkPackageType(desired: DesiredFunction, current: FunctionInfo): void {
  const wanted = desired.code.kind === 'image' ? 'Image' : 'Zip'
  if (current.packageType === wanted) return
  throw new UserError('PackageTypeChange', `Function "${desired.name}" is a${current.packageType === 'Image' ? 'n Image' : ' Zip'} function in Lambda, and the config makes it a${wanted === 'Image' ? 'n Image' : ' Zip'} function; Lambda can't change a function's package type.`, {
    exitCode: ExitCode.Usage,
    hints: [`Delete the function first ("aws lambda delete-function --function-name ${desired.name}"), or give the config's function another "name".`],
  })
}

/**
 * The config's tags are the whole set: tags it doesn't name are removed, except AWS's own (aws:*, which no one
 * may change) and sling's ledger of the event sources it made (sling:ev:*, see events/marks.ts).
 */
export function tagChanges(current: Readonly<Record<string, string>>, desired: Readonly<Record<string, string>>): TagChanges {
  const added = Object.keys(desired).filter((key) => !(key in current)).sort()
  const changed = Object.keys(desired).filter((key) => key in current && current[key] !== desired[key]).sort()
  const remove = Object.keys(current).filter((key) => !(key in desired) && !key.startsWith('aws:') && !key.startsWith(LEDGER_PREFIX)).sort()
  const set = Object.fromEntries([...added, ...changed].map((key) => [key, desired[key] ?? '']))
  return {set, remove, added, changed}
}

function eventInvokeChange(desired: DesiredFunction, observed: Observed): FunctionPlan['eventInvokeConfig'] {
  if (!desired.eventInvokeConfig) return undefined
  const existing = observed.eventInvokeConfig === 'absent' ? undefined : observed.eventInvokeConfig
  const to = normalizeEventInvokeConfig(desired.eventInvokeConfig)
  return equal(normalizeEventInvokeConfig(existing), to) ? undefined : {from: existing && normalizeEventInvokeConfig(existing), to}
}

function provisionedChange(desired: DesiredFunction, observed: Observed): FunctionPlan['provisionedConcurrency'] {
  const pc = desired.provisionedConcurrency
  if (!pc) return undefined
  const existing = observed.provisioned === 'absent' ? undefined : observed.provisioned
  // A FAILED allocation is put again: that is the retry.
  if (existing && existing.requested === pc.executions && existing.status !== 'FAILED') return undefined
  return {alias: pc.alias, from: existing?.requested, to: pc.executions}
}

/**
 * Whether to publish a version. When the function changes, yes. When it doesn't, only if $LATEST differs
 * from the version the alias points to (or, with no alias, the newest version): that comparison needs the
 * one read the alias costs anyway, so a no-op deploy with --publish writes nothing.
 */
function publishIntent(desired: DesiredFunction, observed: Observed, changed: boolean): {publish?: PublishIntent; needsLatestVersion?: boolean} {
  if (!desired.publish || !observed.current) return {}
  const published = observed.published === 'absent' ? undefined : observed.published
  const alias = desired.alias === undefined ? undefined : {name: desired.alias, from: published?.version}
  if (changed) return {publish: {reason: 'changed', alias}}
  if (observed.published === undefined) return desired.alias === undefined ? {needsLatestVersion: true} : {publish: {reason: 'unpublished', alias}}
  if (published && sameVersionContent(observed.current, published)) return {}
  return {publish: {reason: 'unpublished', alias}}
}

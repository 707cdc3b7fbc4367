/**
 * How sling marks the event sources and triggers it creates, so that `sling events detach`, the reconcile of
 * `sling deploy`, `sling remove` and `sling info` touch (or report as sling's) only what sling made, never
 * something someone else configured on the same function, queue or bucket.
 *
 * 1. THE LEDGER: one tag per event source on the (unqualified) function, read with a single GetFunction /
 *    ListTags. It is the record of ownership, and the only way to find an S3 bucket or an SNS subscription
 *    again from the function alone.
 *      key    `sling:ev:<id>`
 *      value  `<origin> <kind> <resource>[ <qualifier>]`, fields separated by one space
 *        id        an event source mapping's UUID (kind `esm`), or for a trigger the 12 lower-case hex digits
 *                  of sha256 over its identity (`triggerId` below): the same trigger always gets the same id
 *        origin    `cli` (made by `sling events attach` / `sling url`) or `config` (declared in
 *                  sling.config.json and reconciled by `sling deploy`, which removes only `config` entries
 *                  that the config no longer declares; `cli` entries are left to `sling events detach`)
 *        kind      `esm` | `s3` | `url` | `rule` | `schedule` | `sns`
 *        resource  esm: the event source ARN; s3: the bucket name; url: `-`; rule: the EventBridge rule name (`<bus>/<name>` on a bus other than the default);
 *                  schedule: the Scheduler schedule name (group "default"); sns: the subscription ARN
 *        qualifier the alias or version the source invokes; absent for the unqualified function ($LATEST:
 *                  `$` is not allowed in tag values)
 *    Tag values allow only letters, digits, spaces and `_ . : / = + - @` (Lambda's TagValue pattern), which
 *    every field above satisfies. `sling deploy` never removes `sling:` tags when it applies a config's `tags`.
 * 2. THE MARKS on the AWS side, derived from the id so each can be found without the ledger too:
 *      permission statement ids (AddPermission)   `sling-<id>` (a function URL with auth NONE: `sling-<id>`
 *                                                  for lambda:InvokeFunctionUrl and `sling-<id>-invoke` for
 *                                                  lambda:InvokeFunction with InvokedViaFunctionUrl)
 *      S3 notification configuration Ids           `sling-<function>-<id>`
 *      EventBridge rule / Scheduler schedule names  `sling-<function>-<id>` cut to 64 characters, rules tagged
 *                                                  `sling:managed=true`; the target Id is `sling-<id>`
 * A source is treated as sling's only when its ledger entry exists; detaching removes the marked pieces only
 * (its notification entry, its statement, its rule or schedule or subscription), and a marked piece with no
 * ledger entry is reported, never removed.
 *
 * Pure: no I/O. `parseLedger(tags)` is what `sling info` needs; `detachAll(functionInfo, deps)` in cleanup.ts
 * removes every recorded source (what `sling remove` should call before deleting a function).
 */
import {createHash} from 'node:crypto'

export const LEDGER_PREFIX = 'sling:ev:'
export const RULE_TAG = {key: 'sling:managed', value: 'true'} as const

export type SourceKind = 'esm' | 's3' | 'url' | 'rule' | 'schedule' | 'sns'
export type Origin = 'cli' | 'config'
const KINDS: ReadonlySet<string> = new Set<SourceKind>(['esm', 's3', 'url', 'rule', 'schedule', 'sns'])

/** One ledger entry: an event source sling created for the function. */
export interface LedgerEntry {
  readonly id: string
  readonly origin: Origin
  readonly kind: SourceKind
  readonly resource: string
  /** The alias or version the source invokes; undefined for the unqualified function. */
  readonly qualifier?: string | undefined
}

/** The ledger entries among a function's tags; tags that aren't well-formed entries are ignored. */
export function parseLedger(tags: Readonly<Record<string, string>> | undefined): LedgerEntry[] {
  const entries: LedgerEntry[] = []
  for (const [key, value] of Object.entries(tags ?? {})) {
    if (!key.startsWith(LEDGER_PREFIX)) continue
    const [origin, kind, resource, qualifier] = value.split(' ')
    if ((origin !== 'cli' && origin !== 'config') || !kind || !KINDS.has(kind) || !resource) continue
    entries.push({id: key.slice(LEDGER_PREFIX.length), origin, kind: kind as SourceKind, resource, qualifier: qualifier || undefined})
  }
  return entries.sort((a, b) => a.id.localeCompare(b.id))
}

/** The tag that records `entry` in the ledger. */
export function ledgerTag(entry: LedgerEntry): {readonly key: string; readonly value: string} {
  const qualifier = entry.qualifier && entry.qualifier !== '$LATEST' ? ` ${entry.qualifier}` : ''
  return {key: `${LEDGER_PREFIX}${entry.id}`, value: `${entry.origin} ${entry.kind} ${entry.resource}${qualifier}`}
}

/** A trigger's id: the same kind, target, qualifier and identifying settings always give the same 12 hex digits. */
export function triggerId(kind: SourceKind, functionName: string, qualifier: string | undefined, ...identity: readonly string[]): string {
  const text = [kind, functionName, qualifier && qualifier !== '$LATEST' ? qualifier : '', ...identity].join('\n')
  return createHash('sha256').update(text).digest('hex').slice(0, 12)
}

/** The permission statement id (AddPermission StatementId) of a trigger. */
export function statementId(id: string, suffix?: 'invoke'): string {
  return suffix ? `sling-${id}-${suffix}` : `sling-${id}`
}

/** The S3 notification configuration Id of a trigger. */
export function notificationId(functionName: string, id: string): string {
  return `sling-${functionName}-${id}`
}

/** An EventBridge rule or Scheduler schedule name (both at most 64 characters): the id always survives the cut. */
export function ruleName(functionName: string, id: string): string {
  const room = 64 - 'sling-'.length - 1 - id.length
  return `sling-${functionName.slice(0, room)}-${id}`
}

/** Whether a statement id, notification Id or rule name carries a sling mark (not proof of ownership: see the ledger). */
export function isSlingMark(name: string | undefined): boolean {
  return name !== undefined && name.startsWith('sling-')
}

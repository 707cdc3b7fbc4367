/**
 * How sling marks what it creates for a function's event sources, read here so `sling info` and `sling remove`
 * tell sling's from anyone else's. The scheme is the events library's (src/lib/events/marks.ts on its branch):
 * a ledger of one tag per source on the function, `sling:ev:<id>` = `<origin> <kind> <resource>[ <qualifier>]`,
 * where id is a mapping's UUID (kind esm) or a trigger's 12-hex-digit id; the AWS-side pieces carry the id:
 * permission statements `sling-<id>` (and `sling-<id>-invoke`), S3 notification Ids `sling-<function>-<id>`,
 * EventBridge rules and schedules `sling-<function>-<id>`. Only what the ledger names is sling's: a piece
 * that merely looks marked is reported, never removed. (Once that library is merged, use its parseLedger.)
 */
export const LEDGER_PREFIX = 'sling:ev:'

export type SourceKind = 'esm' | 's3' | 'url' | 'rule' | 'schedule' | 'sns'
const KINDS: ReadonlySet<string> = new Set<SourceKind>(['esm', 's3', 'url', 'rule', 'schedule', 'sns'])

/** One event source sling created for the function. */
export interface LedgerEntry {
  readonly id: string
  readonly kind: SourceKind
  readonly resource: string
  readonly qualifier?: string | undefined
}

/** The ledger entries among a function's tags; tags that aren't well-formed entries are ignored. */
export function parseLedger(tags: Readonly<Record<string, string>> | undefined): LedgerEntry[] {
  const entries: LedgerEntry[] = []
  for (const [key, value] of Object.entries(tags ?? {})) {
    if (!key.startsWith(LEDGER_PREFIX)) continue
    const [origin, kind, resource, qualifier] = value.split(' ')
    if ((origin !== 'cli' && origin !== 'config') || !kind || !KINDS.has(kind) || !resource) continue
    entries.push({id: key.slice(LEDGER_PREFIX.length), kind: kind as SourceKind, resource, qualifier: qualifier || undefined})
  }
  return entries.sort((a, b) => a.id.localeCompare(b.id))
}

/** The permission statement ids a ledger entry's trigger added. */
export function statementIds(id: string): string[] {
  return [`sling-${id}`, `sling-${id}-invoke`]
}

/** The S3 notification configuration Id of a trigger. */
export function notificationId(functionName: string, id: string): string {
  return `sling-${functionName}-${id}`
}

/** Reading and changing function documents in the store, always under the store-wide lock. */
import type {LocalContext} from '../contract.js'
import type {FunctionRecord, VersionRecord} from './records.js'
import {functionsCollection} from './records.js'
import type {FunctionRef, Scope} from './names.js'
import {functionArn, isVersionNumber} from './names.js'
import {notFound} from './protocol.js'

/** What every Lambda handler gets: the shared context and the caller's region. */
export interface LambdaScope extends Scope {
  readonly context: LocalContext
}

export function scopeOf(context: LocalContext, region: string): LambdaScope {
  return {context, region, accountId: context.accountId}
}

export function functionNotFound(scope: Scope, name: string, qualifier?: string): never {
  throw notFound(`Function not found: ${functionArn(scope, name, qualifier)}`)
}

export async function findFunction(scope: LambdaScope, name: string): Promise<FunctionRecord | undefined> {
  return scope.context.store.get<FunctionRecord>(functionsCollection(scope.region), name)
}

export async function loadFunction(scope: LambdaScope, name: string): Promise<FunctionRecord> {
  return (await findFunction(scope, name)) ?? functionNotFound(scope, name)
}

/** The version a qualifier names: $LATEST (default), a number, or an alias (its primary version). */
export function versionFor(scope: Scope, fn: FunctionRecord, ref: FunctionRef): {version: VersionRecord; versionId: string} {
  const qualifier = ref.qualifier ?? '$LATEST'
  let versionId = qualifier
  if (qualifier !== '$LATEST' && !isVersionNumber(qualifier)) {
    const alias = fn.aliases[qualifier]
    if (!alias) functionNotFound(scope, fn.name, qualifier)
    versionId = alias.FunctionVersion
  }
  const version = fn.versions[versionId]
  if (!version) functionNotFound(scope, fn.name, qualifier)
  return {version, versionId}
}

/**
 * Runs a read-modify-write of one function under the store lock. `work` returns the new record
 * (or null to delete it, undefined to leave it) and the result.
 */
export async function changeFunction<T>(
  scope: LambdaScope,
  name: string,
  work: (fn: FunctionRecord) => Promise<{record?: FunctionRecord | null; result: T}> | {record?: FunctionRecord | null; result: T},
): Promise<T> {
  const {store} = scope.context
  return store.transaction(async () => {
    const fn = await loadFunction(scope, name)
    const {record, result} = await work(fn)
    if (record) await keepNewBlobs(scope, fn, record)
    if (record === null) await store.delete(functionsCollection(scope.region), name)
    else if (record) await store.put(functionsCollection(scope.region), name, record)
    return result
  })
}

export async function putFunction(scope: LambdaScope, record: FunctionRecord): Promise<void> {
  await keepNewBlobs(scope, undefined, record)
  await scope.context.store.put(functionsCollection(scope.region), record.name, record)
}

export async function listFunctions(scope: LambdaScope): Promise<FunctionRecord[]> {
  return scope.context.store.list<FunctionRecord>(functionsCollection(scope.region))
}

function blobsOf(record: FunctionRecord | undefined): Set<string> {
  const blobs = new Set<string>()
  for (const version of Object.values(record?.versions ?? {})) {
    if (!version.image) blobs.add(version.code.sha256)
    for (const layer of version.layers) blobs.add(layer.sha256)
  }
  return blobs
}

/** Marks the blobs a record starts referencing (a layer's zip, say) as used, so a concurrent collection spares them. */
async function keepNewBlobs(scope: LambdaScope, before: FunctionRecord | undefined, after: FunctionRecord): Promise<void> {
  const old = blobsOf(before)
  await scope.context.store.keepBlobs([...blobsOf(after)].filter((sha256) => !old.has(sha256)))
}

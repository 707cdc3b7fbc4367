/** Which function version an invocation runs: $LATEST, a version, or an alias (with weighted routing). */
import {LOCAL_ACCOUNT_ID} from '../../aws/settings.js'
import type {Store} from '../store.js'
import type {FunctionRecord, VersionRecord} from './records.js'
import {functionsCollection} from './records.js'
import {isVersionNumber, parseFunctionRef} from './names.js'
import {functionNotFound} from './repo.js'
import {effectiveConfiguration} from './state.js'

/** What Invoke runs. `version.config` is the configuration as of now (State, LastUpdateStatus computed). */
export interface InvocationTarget {
  readonly fn: FunctionRecord
  readonly version: VersionRecord
  /** The version that runs ("$LATEST", "3"): X-Amz-Executed-Version. */
  readonly executedVersion: string
  /** Set when the caller named an alias. */
  readonly aliasName?: string
}

/**
 * Resolves FunctionName (name, partial ARN or ARN, optionally `:qualifier`) and Qualifier to the
 * version to run. An alias with AdditionalVersionWeights picks its additional version with that
 * probability (`random` is injectable for tests). Throws the Lambda protocol error for not found.
 */
export async function resolveInvocationTarget(
  store: Store,
  region: string,
  functionNameOrArn: string,
  qualifier?: string,
  accountId: string = LOCAL_ACCOUNT_ID,
  random: () => number = Math.random,
): Promise<InvocationTarget> {
  const scope = {region, accountId}
  const ref = parseFunctionRef(scope, functionNameOrArn, qualifier)
  const fn = await store.get<FunctionRecord>(functionsCollection(region), ref.name)
  if (!fn) functionNotFound(scope, ref.name, ref.qualifier)
  const q = ref.qualifier ?? '$LATEST'
  let executedVersion = q
  let aliasName: string | undefined
  if (q !== '$LATEST' && !isVersionNumber(q)) {
    const alias = fn.aliases[q]
    if (!alias) functionNotFound(scope, fn.name, q)
    aliasName = alias.Name
    executedVersion = pickAliasVersion(alias.FunctionVersion, alias.RoutingConfig?.AdditionalVersionWeights, random)
  }
  const version = fn.versions[executedVersion]
  if (!version) functionNotFound(scope, fn.name, q)
  const current: VersionRecord = {...version, config: effectiveConfiguration(version)}
  return aliasName === undefined ? {fn, version: current, executedVersion} : {fn, version: current, executedVersion, aliasName}
}

/** The alias's version, or its additional version with the probability of its weight. */
export function pickAliasVersion(primary: string, weights: Record<string, number> | undefined, random: () => number = Math.random): string {
  let roll = random()
  for (const [version, weight] of Object.entries(weights ?? {})) {
    if (roll < weight) return version
    roll -= weight
  }
  return primary
}

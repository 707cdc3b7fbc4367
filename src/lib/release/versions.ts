import type {LambdaApi} from '../aws/lambda.js'
import type {AliasInfo, VersionInfo} from '../aws/types.js'
import type {Target} from '../targets.js'
import {explainMissing} from '../targets.js'
import {aliasWeights, newestFirst} from './weights.js'

export interface ListVersionsOptions {
  readonly target: Target
}

export interface ListVersionsDeps {
  readonly lambda: Pick<LambdaApi, 'getFunction' | 'listAliases' | 'listVersions'>
  readonly signal?: AbortSignal | undefined
}

/** An alias's share of traffic going to one version. */
export interface AliasShare {
  readonly alias: string
  /** 0–100. */
  readonly percent: number
  /** True when the alias routes to the version (AdditionalVersionWeights) rather than pointing at it. */
  readonly routed: boolean
}

export interface VersionRow {
  /** A version number, or "$LATEST" (listed only when an alias points at it). */
  readonly version: string
  /** The version's description: for a version sling published, the commit it came from. */
  readonly description?: string | undefined
  readonly codeSha256: string
  /** The first 8 characters of the code hash, enough to tell builds apart at a glance. */
  readonly shortSha: string
  readonly lastModified?: string | undefined
  /** The aliases that send it traffic, with their share. */
  readonly aliases: readonly AliasShare[]
}

export interface VersionList {
  readonly functionName: string
  /** Newest first. */
  readonly versions: readonly VersionRow[]
}

/** The function's published versions, newest first, each with the aliases that send it traffic. */
export async function listVersions({target}: ListVersionsOptions, {lambda, signal}: ListVersionsDeps): Promise<VersionList> {
  const [versions, aliases] = await Promise.all([lambda.listVersions(target.functionName, {signal}), lambda.listAliases(target.functionName, {signal})]).catch((error: unknown) => {
    throw explainMissing(error, target)
  })
  const shares = sharesByVersion(aliases)
  const rows: VersionInfo[] = [...versions]
  if (shares.has('$LATEST')) {
    // An alias on $LATEST gets every new deploy at once: show it, with the code it runs now.
    const latest = await lambda.getFunction(target.functionName, {signal})
    if (latest) rows.push({version: '$LATEST', arn: latest.arn, codeSha256: latest.codeSha256, description: latest.description, lastModified: latest.lastModified})
  }
  return {
    functionName: target.name,
    versions: rows
      .map((v) => ({version: v.version, description: v.description, codeSha256: v.codeSha256, shortSha: v.codeSha256.slice(0, 8), lastModified: v.lastModified, aliases: shares.get(v.version) ?? []}))
      .sort((a, b) => newestFirst(a.version, b.version)),
  }
}

/** For each version, the aliases that send it traffic (by alias name). */
export function sharesByVersion(aliases: readonly AliasInfo[]): Map<string, AliasShare[]> {
  const shares = new Map<string, AliasShare[]>()
  for (const alias of [...aliases].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const {version, percent, routed} of aliasWeights(alias)) {
      shares.set(version, [...(shares.get(version) ?? []), {alias: alias.name, percent, routed}])
    }
  }
  return shares
}

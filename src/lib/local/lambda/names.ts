/** Function names, ARNs and qualifiers as Lambda accepts and builds them. */
import {LAMBDA_LIMITS} from '../../lambda/rules.js'
import {invalidParameter, validationError} from './protocol.js'

/** Where a Lambda resource lives: the account and region its ARNs carry. */
export interface Scope {
  readonly accountId: string
  readonly region: string
}

export function functionArn(scope: Scope, name: string, qualifier?: string): string {
  const base = `arn:aws:lambda:${scope.region}:${scope.accountId}:function:${name}`
  return qualifier ? `${base}:${qualifier}` : base
}

export function layerArn(scope: Scope, name: string): string {
  return `arn:aws:lambda:${scope.region}:${scope.accountId}:layer:${name}`
}

export function layerVersionArn(scope: Scope, name: string, version: number): string {
  return `${layerArn(scope, name)}:${version}`
}

const FUNCTION_REF =
  /^(?:arn:aws[a-zA-Z-]*:lambda:(?<region>[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):(?<account>\d{12}):function:|(?:(?<region2>[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?(?:(?<account2>\d{12}):)?(?:function:)?)(?<name>[a-zA-Z0-9_-]+)(?::(?<qualifier>\$LATEST|[a-zA-Z0-9_-]+))?$/

/** The FunctionName path parameter: a name, a partial ARN or an ARN, each optionally `:qualifier`. */
export interface FunctionRef {
  readonly name: string
  readonly qualifier?: string
}

/**
 * Parses the FunctionName parameter and merges it with an explicit Qualifier, refusing a mismatch
 * as Lambda does. ARNs for another account or region are refused too: they can't exist here.
 */
export function parseFunctionRef(scope: Scope, raw: string, qualifier?: string | null): FunctionRef {
  const match = FUNCTION_REF.exec(raw)
  const groups = match?.groups
  if (!groups?.name || raw.length > 256) {
    throw validationError([`Value '${raw}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`])
  }
  const region = groups.region ?? groups.region2
  const account = groups.account ?? groups.account2
  if (region && region !== scope.region) throw invalidParameter(`Region ${region} in the function ARN doesn't match the region of the request (${scope.region}).`)
  if (account && account !== scope.accountId) throw invalidParameter(`The account ${account} in the function ARN doesn't match the caller's account (${scope.accountId}).`)
  if (groups.name.length > LAMBDA_LIMITS.functionNameMax) {
    throw validationError([`Value '${groups.name}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to ${LAMBDA_LIMITS.functionNameMax}`])
  }
  const derived = groups.qualifier
  if (derived && qualifier && derived !== qualifier) {
    throw invalidParameter('The derived qualifier from the function name does not match the specified qualifier.')
  }
  const q = derived ?? (qualifier || undefined)
  return q === undefined ? {name: groups.name} : {name: groups.name, qualifier: q}
}

/** Splits a layer name or layer ARN into its name. */
export function parseLayerName(scope: Scope, raw: string): string {
  const match = /^(?:arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):layer:)?([a-zA-Z0-9_-]+)$/.exec(raw)
  if (!match?.[3] || raw.length > LAMBDA_LIMITS.layerNameMax) {
    throw validationError([`Value '${raw}' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+`])
  }
  if (match[1] && (match[1] !== scope.region || match[2] !== scope.accountId)) throw invalidParameter(`Layer ${raw} isn't in this account and region.`)
  return match[3]
}

/** A layer version ARN's parts, or undefined when it isn't one. */
export function parseLayerVersionArn(arn: string): {region: string; account: string; name: string; version: number} | undefined {
  const match = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):layer:([a-zA-Z0-9_-]+):([0-9]+)$/.exec(arn)
  if (!match) return undefined
  return {region: match[1] ?? '', account: match[2] ?? '', name: match[3] ?? '', version: Number(match[4])}
}

/** True for a published version number ("1", "42"), false for $LATEST and alias names. */
export function isVersionNumber(qualifier: string): boolean {
  return /^[0-9]+$/.test(qualifier)
}

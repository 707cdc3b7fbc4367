import type {LambdaApi} from '../aws/lambda.js'
import {ExitCode, UserError} from '../errors.js'
import type {Target} from '../targets.js'
import {newestFirst} from './weights.js'

/** Lambda's alias names (the model's Alias shape): 1–128 of [a-zA-Z0-9-_], not all digits. */
const ALIAS_NAME = /^[a-zA-Z0-9_-]{1,128}$/
/** How many of the newest versions a "no such version" message lists. */
const LISTED_VERSIONS = 5

/** The alias name, or a usage error saying what Lambda accepts. */
export function checkAliasName(alias: string): string {
  if (ALIAS_NAME.test(alias) && !/^[0-9]+$/.test(alias)) return alias
  const why = /^[0-9]+$/.test(alias) ? 'is all digits, which Lambda keeps for version numbers' : "isn't 1–128 letters, digits, hyphens or underscores"
  throw new UserError('InvalidAlias', `The alias name "${alias}" ${why}.`, {exitCode: ExitCode.Usage, hints: ['Use a name such as "live", "prod" or "beta".']})
}

/**
 * A version argument: a published version number ("7", or "v7" as sling prints it). $LATEST only when
 * allowed: an alias is meant to pin immutable code, and one on $LATEST takes every deploy at once and has
 * nothing to roll back to.
 */
export function parseVersion(raw: string, {allowLatest}: {readonly allowLatest: boolean}): string {
  const version = raw.trim().replace(/^v(?=[0-9]+$)/i, '')
  if (/^[0-9]+$/.test(version)) return version.replace(/^0+(?=[0-9])/, '') // Lambda's versions have no leading zeros
  if (version === '$LATEST') {
    if (allowLatest) return version
    throw new UserError('LatestRefused', 'An alias on $LATEST follows every deploy at once, and has no previous version to roll back to.', {
      exitCode: ExitCode.Usage,
      hints: ['Publish a version ("sling deploy --publish") and point the alias at it.', 'Pass --allow-latest if this alias should follow every deploy (a dev alias, say).'],
    })
  }
  const empty = version === '' ? ' (the shell turns an unquoted $LATEST into nothing: quote it, \'$LATEST\')' : ''
  throw new UserError('InvalidVersion', `"${raw}" isn't a version: expected a published version number such as 7${empty}.`, {exitCode: ExitCode.Usage, hints: ['List them with "sling versions list FUNCTION".']})
}

/** Resolves when the function has `version`; otherwise says which versions it has (or that the function is missing). */
export async function requireVersion(
  target: Target,
  version: string,
  {lambda, signal}: {readonly lambda: Pick<LambdaApi, 'getFunction' | 'listVersions'>; readonly signal?: AbortSignal | undefined},
): Promise<void> {
  const qualifier = version === '$LATEST' ? undefined : version
  if (await lambda.getFunction(target.functionName, {qualifier, signal})) return
  // Also how a missing function shows itself: listVersions then says so.
  const versions = (await lambda.listVersions(target.functionName, {signal})).map((v) => v.version).sort(newestFirst)
  if (version === '$LATEST') throw new UserError('FunctionNotFound', `Function "${target.name}" doesn't exist.`)
  const newest = versions.slice(0, LISTED_VERSIONS)
  const has = newest.length === 0 ? 'It has no published versions yet.' : `Its newest version${newest.length > 1 ? 's are' : ' is'} ${newest.join(', ')}${versions.length > newest.length ? ` (${versions.length} in all)` : ''}.`
  throw new UserError('VersionNotFound', `Function "${target.name}" has no version ${version}. ${has}`, {
    hints: [`Publish one with "sling deploy --publish", or see them all with "sling versions list ${target.name}".`],
  })
}

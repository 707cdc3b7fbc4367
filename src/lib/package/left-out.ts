import {displayPath} from '../paths.js'
import type {Output} from '../output.js'
import type {CollectedFiles} from './files.js'
import {isSensitiveTarget} from './sensitive.js'
import type {SkippedLink} from './walk.js'

/**
 * Tells what collecting `what`'s files left out: secret-looking files, and symlinks not followed.
 * A link out of the source may lead to credentials (cfg -> ~/.aws), so following it takes an
 * explicit `includeKey` pattern; layers have none, their content is their directory.
 */
export function reportLeftOut(what: string, dir: string, files: CollectedFiles, to: {readonly output: Output; readonly warn: (message: string) => void}, includeKey?: string): void {
  const title = what.charAt(0).toUpperCase() + what.slice(1)
  if (files.sensitive.length > 0) {
    const how = includeKey === undefined ? '' : `; name them in ${includeKey} to package them`
    to.output.info(`Left out of ${what}: ${list(files.sensitive)} (they look like secrets or local state${how}).`)
  }
  const outside = files.skippedLinks.filter((link) => link.reason === 'outside')
  const loops = files.skippedLinks.filter((link) => link.reason === 'loop')
  const dangling = files.skippedLinks.filter((link) => link.reason === 'dangling')
  if (outside.length > 0) to.warn(`${title}: left out symlinks that lead out of ${displayPath(dir)}: ${list(outside.map(describeLink))}; ${howToFollow(outside, includeKey)}.`)
  if (loops.length > 0) to.warn(`${title}: didn't follow symlinks to a folder that contains them (the files would be zipped twice, or forever): ${list(loops.map(describeLink))}.`)
  if (dangling.length > 0) to.output.debug(`${title}: skipped symlinks that point to nothing: ${list(dangling.map((link) => link.rel))}.`)
}

/** Never suggests following a link to a secret-looking target (a literal include would ship ~/.aws/credentials). */
function howToFollow(outside: readonly SkippedLink[], includeKey: string | undefined): string {
  if (includeKey === undefined) return 'copy what they point to into the layer to package it'
  const example = outside.find((link) => !isSensitiveTarget(link.target))
  if (example === undefined) return 'they lead to secret-looking files: copy what you need into the source instead'
  return `to package what one points to, name it in ${includeKey} (e.g. "${example.directory ? `${example.rel}/**` : example.rel}")`
}

function describeLink(link: SkippedLink): string {
  return `${link.rel} (→ ${displayPath(link.target)})`
}

/** The first five, and how many more. */
function list(items: readonly string[]): string {
  return items.slice(0, 5).join(', ') + (items.length > 5 ? `, and ${items.length - 5} more` : '')
}

import {LAMBDA_LIMITS} from '../lambda/rules.js'
import {displayPath} from '../paths.js'
import {formatBytes} from '../format.js'
import type {Output} from '../output.js'
import {renderBars} from './analyze.js'
import type {CollectedFiles} from './files.js'
import type {LimitUse} from './limits.js'
import type {PackageResult} from './package.js'
import {isSensitiveTarget} from './sensitive.js'
import type {SkippedLink} from './walk.js'

const ANALYZE_TOP = 15

/** The human report on stdout: a row per function and per layer, with the share of each Lambda limit used. */
export function reportPackage(result: PackageResult, output: Output, options: {readonly analyze: boolean}): void {
  if (result.functions.length > 0) {
    output.table(result.functions, [
      {header: 'Function', get: (f) => f.key},
      {header: 'Handler', get: (f) => f.handler},
      {header: 'Zipped', get: (f) => formatBytes(f.zippedSize), align: 'right'},
      {header: 'of 50 MB', get: (f) => percent(f.limits.zipped), align: 'right'},
      {header: 'Unzipped', get: (f) => formatBytes(f.unzippedSize), align: 'right'},
      {header: '+ layers', get: (f) => formatBytes(f.totalUnzippedSize), align: 'right'},
      {header: 'of 250 MB', get: (f) => percent(f.limits.unzipped), align: 'right'},
      {header: 'Env of 4 KB', get: (f) => percent(f.limits.environment), align: 'right'},
      {header: 'Layers', get: (f) => `${f.limits.layers.used}/${f.limits.layers.limit}`, align: 'right'},
    ])
  }
  if (result.layers.length > 0) {
    if (result.functions.length > 0) output.result('')
    output.table(result.layers, [
      {header: 'Layer', get: (l) => l.key},
      {header: 'From', get: (l) => l.source},
      {header: 'Zipped', get: (l) => formatBytes(l.zippedSize), align: 'right'},
      {header: 'Unzipped', get: (l) => formatBytes(l.unzippedSize), align: 'right'},
      {header: 'of 250 MB', get: (l) => formatShare(l.unzippedSize / LAMBDA_LIMITS.unzippedMax), align: 'right'},
    ])
  }
  if (options.analyze) {
    for (const fn of result.functions) {
      output.result(`\n${output.color.bold(`${fn.key}`)}: largest ${fn.bundled ? 'modules in the bundle' : 'packages and files'} (${formatBytes(fn.unzippedSize)} unzipped)`)
      output.result(renderBars(fn.largest.slice(0, ANALYZE_TOP), fn.unzippedSize, output.color))
    }
    for (const layer of result.layers) {
      output.result(`\n${output.color.bold(`layer ${layer.key}`)}: largest packages (${formatBytes(layer.unzippedSize)} unzipped)`)
      output.result(renderBars(layer.largest.slice(0, ANALYZE_TOP), layer.unzippedSize, output.color))
    }
  }
  const count = result.functions.length + result.layers.length
  output.success(`Packaged ${count} artifact${count === 1 ? '' : 's'} in ${displayPath(result.outDir)} (manifest: ${displayPath(result.manifest)}).`)
}

function percent(use: LimitUse): string {
  return formatShare(use.share)
}

/** "12.3%", or "<0.1%" so a small but non-zero use doesn't read as nothing. */
function formatShare(share: number): string {
  return share > 0 && share < 0.001 ? '<0.1%' : `${(share * 100).toFixed(1)}%`
}

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

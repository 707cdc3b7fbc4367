import {LAMBDA_LIMITS} from '../lambda/rules.js'
import {UserError} from '../errors.js'
import {formatBytes} from '../format.js'

/** Something that takes space: a package, a file, a layer. */
export interface Contributor {
  readonly name: string
  readonly bytes: number
}

/** How much of one Lambda limit an artifact uses. */
export interface LimitUse {
  readonly used: number
  readonly limit: number
  /** used / limit, e.g. 0.42. */
  readonly share: number
}

export interface LimitReport {
  /** Zipped size against the 50 MB direct-upload limit (over it, deploy goes through S3). */
  readonly zipped: LimitUse
  /** Unzipped function plus its layers against 250 MB. */
  readonly unzipped: LimitUse
  readonly layers: LimitUse
  /** Environment variables as Lambda measures them, against 4 KB. */
  readonly environment: LimitUse
}

const use = (used: number, limit: number): LimitUse => ({used, limit, share: used / limit})

/**
 * The size Lambda counts for environment variables: the UTF-8 length of the variables serialised
 * as a JSON object (Lambda's error names it "String measured: {"KEY":"value",…}"), so the quotes,
 * colons and commas count too.
 */
export function environmentSize(environment: Readonly<Record<string, string>>): number {
  return Object.keys(environment).length === 0 ? 0 : Buffer.byteLength(JSON.stringify(environment), 'utf8')
}

/** Checks made before anything is zipped: layer count and environment size. */
export function checkConfigLimits(where: string, layerCount: number, environment: Readonly<Record<string, string>>): void {
  if (layerCount > LAMBDA_LIMITS.layersMax) {
    throw new UserError('TooManyLayers', `${where} uses ${layerCount} layers; Lambda allows at most ${LAMBDA_LIMITS.layersMax}.`, {
      hints: ['Merge layers, or bundle the dependencies into the function instead.'],
    })
  }
  const size = environmentSize(environment)
  if (size > LAMBDA_LIMITS.environmentMax) {
    const largest = Object.entries(environment)
      .map(([key, value]) => ({name: key, bytes: Buffer.byteLength(key) + Buffer.byteLength(value)}))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 5)
    throw new UserError('EnvironmentTooLarge', `${where} has ${size.toLocaleString('en-US')} bytes of environment variables; Lambda allows at most ${LAMBDA_LIMITS.environmentMax.toLocaleString('en-US')} (4 KB) in total.\n${listContributors(largest)}`, {
      hints: ['Move large values to SSM Parameter Store or Secrets Manager and read them at start-up.'],
      details: {limit: LAMBDA_LIMITS.environmentMax, actual: size, largest},
    })
  }
}

/** The unzipped limit (function + layers); throws before the zip is written, naming what to cut. */
export function checkUnzipped(where: string, functionBytes: number, layers: readonly Contributor[], contributors: readonly Contributor[]): number {
  const total = functionBytes + layers.reduce((sum, layer) => sum + layer.bytes, 0)
  if (total > LAMBDA_LIMITS.unzippedMax) {
    const largest = [...layers.map((l) => ({name: `layer ${l.name}`, bytes: l.bytes})), ...contributors].sort((a, b) => b.bytes - a.bytes).slice(0, 10)
    throw new UserError('PackageTooLarge', `${where} is ${formatCount(total)} unzipped${layers.length > 0 ? ' with its layers' : ''}; Lambda allows at most ${formatCount(LAMBDA_LIMITS.unzippedMax)} (function plus all its layers). Largest contributors:\n${listContributors(largest)}`, {
      hints: ['Leave large packages out with "exclude" or "external", move them to a layer you trim, or use a container image.'],
      details: {limit: LAMBDA_LIMITS.unzippedMax, actual: total, largest},
    })
  }
  return total
}

export function limitReport(zipped: number, unzippedTotal: number, layerCount: number, environment: Readonly<Record<string, string>>): LimitReport {
  return {
    zipped: use(zipped, LAMBDA_LIMITS.zippedDirectMax),
    unzipped: use(unzippedTotal, LAMBDA_LIMITS.unzippedMax),
    layers: use(layerCount, LAMBDA_LIMITS.layersMax),
    environment: use(environmentSize(environment), LAMBDA_LIMITS.environmentMax),
  }
}

/** The warning for a zip too large to upload in the request itself (deploy uploads it to S3 first). */
export function zippedWarning(where: string, zipped: number, contributors: readonly Contributor[]): string | undefined {
  if (zipped <= LAMBDA_LIMITS.zippedDirectMax) return undefined
  const largest = [...contributors].sort((a, b) => b.bytes - a.bytes).slice(0, 5)
  return `${where} is ${formatCount(zipped)} zipped, over the ${formatCount(LAMBDA_LIMITS.zippedDirectMax)} Lambda accepts in a direct upload: deploy will upload it through S3. Largest contributors (unzipped):\n${listContributors(largest)}`
}

/** Groups files by package ("node_modules/@scope/pkg/…" → "@scope/pkg"), or keeps the file path. */
export function groupByPackage(files: readonly Contributor[]): Contributor[] {
  const totals = new Map<string, number>()
  for (const file of files) {
    const index = file.name.lastIndexOf('node_modules/')
    const rest = index === -1 ? [] : file.name.slice(index + 'node_modules/'.length).split('/')
    const key = rest.length === 0 ? file.name : rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? file.name)
    totals.set(key, (totals.get(key) ?? 0) + file.bytes)
  }
  return [...totals].map(([name, bytes]) => ({name, bytes})).sort((a, b) => b.bytes - a.bytes)
}

export function listContributors(items: readonly Contributor[]): string {
  return items.map((item) => `    ${formatBytes(item.bytes).padStart(9)}  ${item.name}`).join('\n')
}

function formatCount(bytes: number): string {
  return `${formatBytes(bytes)} (${bytes.toLocaleString('en-US')} bytes)`
}

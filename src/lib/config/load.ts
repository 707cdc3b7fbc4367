import {closest, distance as levenshtein} from 'fastest-levenshtein'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import type {z} from 'zod'

import {ExitCode, UserError} from '../errors.js'
import type {FunctionOverride, RawConfig, Runtime} from './schema.js'
import {ConfigSchema, DEFAULT_RUNTIME, FunctionOverrideSchema, LayerSchema, StageSchema} from './schema.js'

export const DEFAULT_CONFIG_FILE = 'sling.config.json'

/** One function with every default applied and paths made absolute. */
export interface FunctionConfig {
  /** The key under "functions". */
  readonly key: string
  /** The deployed function name. */
  readonly name: string
  readonly entry: string | undefined
  readonly handler: string
  readonly runtime: Runtime
  readonly memorySize: number
  readonly timeout: number
  readonly environment: Readonly<Record<string, string>>
  readonly role: string | undefined
  readonly architecture: 'x86_64' | 'arm64'
  /** Layer version ARNs and keys of layers declared in the config, in order. */
  readonly layers: readonly string[]
  readonly description: string | undefined
  readonly tags: Readonly<Record<string, string>>
  readonly bundle: boolean
  /** With bundle: false, the directory that is zipped. */
  readonly source: string
  readonly minify: boolean
  readonly sourcemap: boolean | 'inline' | 'external'
  readonly format: 'cjs' | 'esm'
  readonly external: readonly string[]
  readonly bundleAwsSdk: boolean
  readonly include: readonly string[]
  readonly exclude: readonly string[]
}

export interface LayerConfig {
  readonly key: string
  readonly name: string
  readonly packageJson: string | undefined
  readonly directory: string | undefined
  readonly compatibleRuntimes: readonly Runtime[]
  readonly compatibleArchitectures: readonly ('x86_64' | 'arm64')[]
  readonly description: string | undefined
  readonly exclude: readonly string[]
}

export interface ProjectConfig {
  /** Absolute path of the config file. */
  readonly file: string
  /** The directory relative paths are resolved against. */
  readonly dir: string
  readonly service: string
  readonly stage: string | undefined
  readonly region: string | undefined
  readonly functions: readonly FunctionConfig[]
  readonly layers: readonly LayerConfig[]
}

export interface LoadConfigOptions {
  /** Path of the config file. @default "sling.config.json" in the working directory */
  readonly file?: string
  /** The stage whose overrides apply. */
  readonly stage?: string
  readonly cwd?: string
}

/** Reads, validates and resolves the project config. Every problem is reported at once, with its key path. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ProjectConfig> {
  const cwd = options.cwd ?? process.cwd()
  const file = path.resolve(cwd, options.file ?? DEFAULT_CONFIG_FILE)
  const raw = parseJson(await readConfigFile(file), file)
  const parsed = ConfigSchema.safeParse(raw)
  if (!parsed.success) {
    throw new UserError('ConfigInvalid', `${displayPath(file)} is not valid:\n${formatIssues(parsed.error.issues, raw)}`, {
      exitCode: ExitCode.Usage,
      hints: ['See "Configuration reference" in the README, or point "$schema" at sling\'s schema for editor completion.'],
    })
  }
  return resolveConfig(parsed.data, file, options.stage)
}

async function readConfigFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UserError(
      code === 'ENOENT' ? 'ConfigNotFound' : 'ConfigUnreadable',
      code === 'ENOENT' ? `No config file at ${displayPath(file)}.` : `Can't read ${displayPath(file)} (${code ?? String(error)}).`,
      {exitCode: ExitCode.Usage, cause: error, hints: ['Pass --config PATH, or run sling in the directory that holds sling.config.json.']},
    )
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    const message = (error as Error).message
    const position = /position (\d+)/.exec(message)?.[1]
    let where = ''
    if (position !== undefined) {
      const before = text.slice(0, Number(position))
      const line = before.split('\n').length
      where = `:${line}:${Number(position) - before.lastIndexOf('\n')}`
    }
    throw new UserError('ConfigInvalid', `${displayPath(file)}${where} is not valid JSON: ${message}`, {exitCode: ExitCode.Usage, cause: error})
  }
}

function resolveConfig(config: RawConfig, file: string, stageName: string | undefined): ProjectConfig {
  const dir = path.dirname(file)
  const service = config.service ?? sanitizeName(path.basename(dir))
  const stage = stageName === undefined ? undefined : config.stages?.[stageName]
  if (stageName !== undefined && !stage) {
    const known = Object.keys(config.stages ?? {})
    throw new UserError('StageNotFound', `${displayPath(file)} has no stage "${stageName}".`, {
      exitCode: ExitCode.Usage,
      hints: known.length > 0 ? [`Known stages: ${known.join(', ')}.${suggest(stageName, known)}`] : ['Declare it under "stages", or leave out --stage.'],
    })
  }
  for (const key of Object.keys(stage?.functions ?? {})) {
    if (!config.functions[key]) {
      throw new UserError('ConfigInvalid', `${displayPath(file)}: stages.${stageName}.functions.${key} overrides a function that isn't declared.${suggest(key, Object.keys(config.functions))}`, {exitCode: ExitCode.Usage})
    }
  }
  const prefix = stageName === undefined ? service : `${service}-${stageName}`
  const functions = Object.entries(config.functions).map(([key, declared]) => {
    const merged: FunctionOverride & {entry?: string} = {...config.defaults, ...stage?.defaults, ...declared, ...stage?.functions?.[key]}
    const environment = {...config.defaults?.environment, ...stage?.defaults?.environment, ...declared.environment, ...stage?.functions?.[key]?.environment}
    const tags = {...config.defaults?.tags, ...stage?.defaults?.tags, ...declared.tags, ...stage?.functions?.[key]?.tags}
    return resolveFunction(key, merged, {dir, prefix, environment, tags, file})
  })
  const layers = Object.entries(config.layers ?? {}).map(([key, layer]): LayerConfig => ({
    key,
    name: layer.name ?? `${service}-${key}`,
    packageJson: layer.packageJson === undefined ? undefined : path.resolve(dir, layer.packageJson),
    directory: layer.directory === undefined ? undefined : path.resolve(dir, layer.directory),
    compatibleRuntimes: layer.compatibleRuntimes ?? [],
    compatibleArchitectures: layer.compatibleArchitectures ?? [],
    description: layer.description,
    exclude: layer.exclude ?? [],
  }))
  checkUniqueNames(file, 'functions', functions)
  checkUniqueNames(file, 'layers', layers)
  checkLayers(file, functions, layers)
  return {file, dir, service, stage: stageName, region: stage?.region ?? config.region, functions, layers}
}

interface ResolveContext {
  readonly dir: string
  readonly prefix: string
  readonly environment: Record<string, string>
  readonly tags: Record<string, string>
  readonly file: string
}

function resolveFunction(key: string, fn: FunctionOverride & {entry?: string}, context: ResolveContext): FunctionConfig {
  const bundle = fn.bundle ?? true
  if (bundle && fn.entry === undefined) {
    throw new UserError('ConfigInvalid', `${displayPath(context.file)}: functions.${key}.entry is missing (expected a .ts, .js or .mjs file).`, {
      exitCode: ExitCode.Usage,
      hints: [`Add "entry": "src/${key}.ts", or set "bundle": false and "source" to zip a directory as is.`],
    })
  }
  const name = fn.name ?? `${context.prefix}-${key}`
  if (name.length > 64) {
    throw new UserError('ConfigInvalid', `${displayPath(context.file)}: the derived function name "${name}" is ${name.length} characters; Lambda allows at most 64.`, {
      exitCode: ExitCode.Usage,
      hints: [`Set functions.${key}.name, or a shorter "service".`],
    })
  }
  return {
    key,
    name,
    entry: fn.entry === undefined ? undefined : path.resolve(context.dir, fn.entry),
    handler: fn.handler ?? 'handler',
    runtime: fn.runtime ?? DEFAULT_RUNTIME,
    memorySize: fn.memorySize ?? 128,
    timeout: fn.timeout ?? 3,
    environment: context.environment,
    role: fn.role,
    architecture: fn.architecture ?? 'x86_64',
    layers: fn.layers ?? [],
    description: fn.description,
    tags: context.tags,
    bundle,
    source: path.resolve(context.dir, fn.source ?? '.'),
    minify: fn.minify ?? true,
    sourcemap: fn.sourcemap ?? false,
    format: fn.format ?? 'esm',
    external: fn.external ?? [],
    bundleAwsSdk: fn.bundleAwsSdk ?? false,
    include: fn.include ?? [],
    exclude: fn.exclude ?? [],
  }
}

function checkLayers(file: string, functions: readonly FunctionConfig[], layers: readonly LayerConfig[]): void {
  const keys = layers.map((layer) => layer.key)
  for (const layer of layers) {
    if ((layer.packageJson === undefined) === (layer.directory === undefined)) {
      throw new UserError('ConfigInvalid', `${displayPath(file)}: layers.${layer.key} needs exactly one of "packageJson" or "directory".`, {exitCode: ExitCode.Usage})
    }
  }
  for (const fn of functions) {
    for (const ref of fn.layers) {
      if (!ref.startsWith('arn:') && !keys.includes(ref)) {
        throw new UserError('ConfigInvalid', `${displayPath(file)}: functions.${fn.key}.layers names "${ref}", which is neither a layer version ARN nor a key under "layers".${suggest(ref, keys)}`, {exitCode: ExitCode.Usage})
      }
    }
  }
}

/** Two keys deploying under one name would overwrite each other's code (e.g. "name" set in "defaults"). */
function checkUniqueNames(file: string, kind: 'functions' | 'layers', items: readonly {key: string; name: string}[]): void {
  const seen = new Map<string, string>()
  for (const {key, name} of items) {
    const other = seen.get(name)
    if (other !== undefined) {
      throw new UserError('ConfigInvalid', `${displayPath(file)}: ${kind}.${other} and ${kind}.${key} would both deploy as "${name}", each overwriting the other.`, {
        exitCode: ExitCode.Usage,
        hints: [`Give each its own "name" (not in "defaults"), or leave "name" out to get "<service>-<key>".`],
      })
    }
    seen.set(name, key)
  }
}

/** Formats zod issues as "key.path: what was expected (found …)", with a did-you-mean for unknown keys. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], raw: unknown): string {
  return issues.map((issue) => `  - ${formatIssue(issue, raw)}`).join('\n')
}

function formatIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)'
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(issue.path)
    return issue.keys
      .map((key) => `${issue.path.length > 0 ? `${where}.` : ''}${key}: unknown key.${suggest(key, allowed)}`)
      .join('\n  - ')
  }
  if (issue.code === 'invalid_key') {
    // A record key (an environment variable or tag name): name the key, never the value beside it.
    const parent = issue.path.slice(0, -1).join('.') || '(top level)'
    return `${parent}: the key ${JSON.stringify(issue.path.at(-1))} isn't valid: ${issue.issues.map(describeExpected).join('; ')}.`
  }
  const found = valueAt(raw, issue.path)
  // Environment variable values are often secrets: say what kind of value was found, not the value.
  const shown = found === undefined ? 'nothing' : issue.path.includes('environment') ? describeKind(found) : JSON.stringify(found)
  return `${where}: ${describeExpected(issue)}, found ${shown}.`
}

function describeKind(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  const kind = typeof value
  return kind === 'object' ? 'an object' : `a ${kind}`
}

function describeExpected(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
    case 'too_big':
      return issue.origin === 'array' ? `expected at most ${issue.maximum} items` : issue.origin === 'string' ? `expected at most ${issue.maximum} characters` : `expected at most ${issue.maximum}`
    case 'too_small':
      return issue.origin === 'string' ? `expected at least ${issue.minimum} character(s)` : issue.origin === 'array' ? `expected at least ${issue.minimum} items` : `expected at least ${issue.minimum}`
    case 'invalid_format':
      return `expected ${issue.message.startsWith('Invalid') ? `a string matching ${issue.format === 'regex' ? (issue as {pattern?: string}).pattern : issue.format}` : issue.message}`
    case 'invalid_union':
      return 'expected a layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION) or a layer key'
    default:
      return `expected ${issue.message}`
  }
}

/** The keys the schema allows at `at`, for did-you-mean suggestions. */
function allowedKeys(at: readonly PropertyKey[]): string[] {
  const top = Object.keys(ConfigSchema.shape)
  const fn = Object.keys(FunctionOverrideSchema.shape)
  if (at.length === 0) return top
  const [first, , third, , fifth] = at
  if (first === 'functions' || first === 'defaults') return fn
  if (first === 'layers') return Object.keys(LayerSchema.shape)
  if (first === 'stages') {
    if (at.length === 2) return Object.keys(StageSchema.shape)
    if (third === 'defaults' || (third === 'functions' && fifth === undefined && at.length === 4)) return fn
  }
  return fn
}

function suggest(word: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return ''
  const best = closest(word, [...candidates])
  return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? ` Did you mean "${best}"?` : ''
}

function distance(a: string, b: string): number {
  return levenshtein(a.toLowerCase(), b.toLowerCase())
}

function valueAt(raw: unknown, at: readonly PropertyKey[]): unknown {
  let value = raw
  for (const key of at) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  return value
}

function sanitizeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 40) || 'app'
}

/** A path as the user would type it: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file)
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file
}

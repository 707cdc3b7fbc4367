import path from 'node:path'

import {ExitCode, UserError} from '../errors.js'
import {LAMBDA_LIMITS} from '../lambda/rules.js'
import {displayPath} from '../paths.js'
import {checkDeploySettings, withoutZipFields} from './deploy-rules.js'
import {parseConfig, parseResolvedFunction, parseResolvedLayer} from './compiled.generated.js'
import {suggest} from './issues.js'
import type {FunctionConfig, FunctionField, LayerConfig, ProjectConfig} from './load.js'
import type {FunctionOverride, RawConfig, RawLayer, ResolvedFunction, ResolvedLayer} from './schema.js'

/**
 * What validates the config and applies its defaults: the zod schema (zod-parsers.ts), or the validator compiled
 * from it at build time (compiled.generated.ts), which gives the same answers without loading zod but may be
 * unsure, and then throws Unsure. Each throws UserError for a config that is not valid.
 */
export interface ConfigParsers {
  config(raw: unknown, file: string): RawConfig
  resolvedFunction(input: object): ResolvedFunction
  resolvedLayer(input: object): ResolvedLayer
}

/** The compiled validator can't vouch for the input: validate it with zod instead. */
class Unsure extends Error {}

function sure<T>(value: T | undefined): T {
  if (value === undefined) throw new Unsure('the compiled validator is unsure')
  return value
}

const compiledParsers: ConfigParsers = {
  config: (raw) => sure(parseConfig(raw)),
  resolvedFunction: (input) => sure(parseResolvedFunction(input)),
  resolvedLayer: (input) => sure(parseResolvedLayer(input)),
}

/**
 * Parses, validates and resolves the text of the config `file` with the compiled validator, without zod; undefined
 * when that can't vouch for the config (it isn't valid, or uses something only zod judges), and
 * `validateConfig` with zod's parsers must decide. Throws what validateConfig throws for what they agree on.
 */
export function validateConfigQuickly(text: string, file: string, stage: string | undefined): ProjectConfig | undefined {
  try {
    return validateConfig(text, file, stage, compiledParsers)
  } catch (error) {
    if (error instanceof Unsure) return undefined
    throw error
  }
}

/** Parses, validates and resolves the text of the config `file`. Every problem is reported at once, with its key path. */
export function validateConfig(text: string, file: string, stage: string | undefined, parsers: ConfigParsers): ProjectConfig {
  const raw = parseJson(text, file)
  return resolveConfig(parsers.config(raw, file), file, stage, parsers)
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

function resolveConfig(config: RawConfig, file: string, stageName: string | undefined, parsers: ConfigParsers): ProjectConfig {
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
  checkNotEmpty(config, file)
  const prefix = stageName === undefined ? service : `${service}-${stageName}`
  const functions = Object.entries(config.functions).map(([key, declared]) => {
    // Lowest precedence first; maps merge key by key. As written these carry no defaults, so none sets what it doesn't name.
    // Maps merge key by key; every other setting (objects and lists included) is replaced whole by a later level.
    const levels = [config.defaults, stage?.defaults, declared, stage?.functions?.[key]]
    const merged = Object.assign({}, ...levels) as FunctionOverride
    const environment = Object.assign({}, ...levels.map((level) => level?.environment)) as Record<string, string>
    const tags = Object.assign({}, ...levels.map((level) => level?.tags)) as Record<string, string>
    const own = [declared, stage?.functions?.[key]]
    return resolveFunction(key, {...merged, environment, tags}, {dir, prefix, file, parsers}, {all: fieldsOf(levels), own: fieldsOf(own)})
  })
  const layers = Object.entries(config.layers ?? {}).map(([key, layer]) => resolveLayer(key, layer, {dir, prefix: service, file, parsers}))
  checkUniqueNames(file, 'functions', functions)
  checkUniqueNames(file, 'layers', layers)
  checkLayers(file, functions, layers)
  const roleName = `${config.deployment?.rolePrefix ?? 'sling'}-${service}`
  checkNameLength(file, 'role', 'deployment.rolePrefix', roleName, LAMBDA_LIMITS.roleNameMax)
  const deployment = {bucket: config.deployment?.bucket, roleName}
  return {file, dir, service, stage: stageName, region: stage?.region ?? config.region, functions, layers, deployment}
}

/** The settings written in any of `levels`, sorted. */
function fieldsOf(levels: readonly (FunctionOverride | undefined)[]): FunctionField[] {
  return [...new Set(levels.flatMap((level) => Object.keys(level ?? {}) as FunctionField[]))].sort()
}

/** A config that declares nothing would package nothing ("Packaged 0 artifacts"), which is never what was meant. */
function checkNotEmpty(config: RawConfig, file: string): void {
  if (Object.keys(config.functions).length > 0 || Object.keys(config.layers ?? {}).length > 0) return
  throw new UserError('ConfigInvalid', `${displayPath(file)} declares no functions: "functions" is empty.`, {
    exitCode: ExitCode.Usage,
    hints: ['Declare one, e.g. "functions": {"api": {"entry": "src/api.ts"}}.'],
  })
}

interface ResolveContext {
  readonly dir: string
  /** What derived names start with: the service, and the stage for functions. */
  readonly prefix: string
  readonly file: string
  readonly parsers: ConfigParsers
}

function resolveFunction(key: string, fn: FunctionOverride, context: ResolveContext, written: {all: FunctionField[]; own: FunctionField[]}): FunctionConfig {
  const name = fn.name ?? `${context.prefix}-${key}`
  checkNameLength(context.file, 'function', key, name, LAMBDA_LIMITS.functionNameMax)
  const setFields = checkDeploySettings(key, fn, written, context.file)
  if (fn.image !== undefined) return {...context.parsers.resolvedFunction({...withoutZipFields(fn), key, name}), source: context.dir, setFields}
  const resolved = context.parsers.resolvedFunction({...fn, key, name})
  if (resolved.bundle && resolved.entry === undefined) {
    throw new UserError('ConfigInvalid', `${displayPath(context.file)}: functions.${key}.entry is missing (expected a .ts, .js or .mjs file).`, {
      exitCode: ExitCode.Usage,
      hints: [`Add "entry": "src/${key}.ts", or set "bundle": false and "source" to zip a directory as is.`],
    })
  }
  const entry = resolved.entry === undefined ? undefined : path.resolve(context.dir, resolved.entry)
  return {...resolved, entry, source: path.resolve(context.dir, resolved.source), setFields}
}

function resolveLayer(key: string, layer: RawLayer, context: ResolveContext): LayerConfig {
  const name = layer.name ?? `${context.prefix}-${key}`
  checkNameLength(context.file, 'layer', key, name, LAMBDA_LIMITS.layerNameMax)
  const resolved = context.parsers.resolvedLayer({...layer, key, name})
  const absolute = (file: string | undefined): string | undefined => (file === undefined ? undefined : path.resolve(context.dir, file))
  return {...resolved, packageJson: absolute(resolved.packageJson), directory: absolute(resolved.directory)}
}

function checkNameLength(file: string, kind: 'function' | 'layer' | 'role', key: string, name: string, max: number): void {
  if (name.length <= max) return
  const fix = {function: `Set functions.${key}.name`, layer: `Set layers.${key}.name`, role: 'Set a shorter deployment.rolePrefix'}[kind]
  throw new UserError('ConfigInvalid', `${displayPath(file)}: the derived ${kind} name "${name}" is ${name.length} characters; ${kind === 'role' ? 'IAM' : 'Lambda'} allows at most ${max}.`, {
    exitCode: ExitCode.Usage,
    hints: [`${fix}, or a shorter "service".`],
  })
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

function sanitizeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 40) || 'app'
}

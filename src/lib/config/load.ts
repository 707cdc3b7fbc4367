import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {ExitCode, UserError} from '../errors.js'
import {displayPath} from '../paths.js'
import {configMemo} from './memo.js'
import type {FunctionOverride, ResolvedFunction, ResolvedLayer} from './schema.js'

export const DEFAULT_CONFIG_FILE = 'sling.config.json'

/** A setting a user writes on a function (in `defaults`, a stage, or the function itself). */
export type FunctionField = keyof FunctionOverride

/**
 * One function with every default applied (the schema's) and its paths (`entry`, `source`) made absolute.
 * `setFields` are the settings some level of the config actually wrote: deploy manages only those on a
 * function that exists (a default is what a new function gets, not a reason to change an existing one).
 */
export type FunctionConfig = Readonly<ResolvedFunction> & {readonly setFields: readonly FunctionField[]}

/** One layer with every default applied and its paths (`packageJson`, `directory`) made absolute. */
export type LayerConfig = Readonly<ResolvedLayer>

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
  readonly deployment: DeploymentConfig
}

/** The top-level "deployment" section, resolved. */
export interface DeploymentConfig {
  /** S3 bucket for artifacts too large to upload in the request; undefined: the one sling creates. */
  readonly bucket: string | undefined
  /** The execution role sling creates (with the user's consent) for functions with no "role". */
  readonly roleName: string
}

export interface LoadConfigOptions {
  /** Path of the config file. @default "sling.config.json" in the working directory */
  readonly file?: string
  /** The stage whose overrides apply. */
  readonly stage?: string
  readonly cwd?: string
  /**
   * Reuse the result of the last validation of this very file (its text, path and stage) by this build of
   * sling, kept in .sling/ (memo.ts); false validates afresh, as --no-cache asks. @default true
   */
  readonly memo?: boolean
}

/** Reads, validates and resolves the project config. Every problem is reported at once, with its key path. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ProjectConfig> {
  const cwd = options.cwd ?? process.cwd()
  const file = path.resolve(cwd, options.file ?? DEFAULT_CONFIG_FILE)
  const text = await readConfigFile(file)
  const memo = options.memo === false ? undefined : await configMemo(file, options.stage, text)
  const remembered = await memo?.read()
  if (remembered) return remembered
  // A config this build of sling validated before needs no validation; a valid one, only the validator compiled
  // from the schema at build time. zod and the schema load only to decide what that can't, and to say what is wrong.
  const {validateConfig, validateConfigQuickly} = await import('./resolve.js')
  const config = validateConfigQuickly(text, file, options.stage) ?? validateConfig(text, file, options.stage, (await import('./zod-parsers.js')).zodParsers)
  await memo?.write(config)
  return config
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


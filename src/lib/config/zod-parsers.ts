/** The config's parsers backed by the zod schema: the reference the compiled validator agrees with, and what explains a config that is not valid. */
import {ExitCode, UserError} from '../errors.js'
import {displayPath} from '../paths.js'
import {formatIssues} from './issues.js'
import type {ConfigParsers} from './resolve.js'
import {ConfigSchema, ResolvedFunctionSchema, ResolvedLayerSchema} from './schema.js'

export const zodParsers: ConfigParsers = {
  config(raw, file) {
    const parsed = ConfigSchema.safeParse(raw)
    if (parsed.success) return parsed.data
    throw new UserError('ConfigInvalid', `${displayPath(file)} is not valid:\n${formatIssues(parsed.error.issues, raw, ConfigSchema)}`, {
      exitCode: ExitCode.Usage,
      hints: ['See "Configuration reference" in the README, or point "$schema" at sling\'s schema for editor completion.'],
    })
  },
  resolvedFunction: (input) => ResolvedFunctionSchema.parse(input),
  resolvedLayer: (input) => ResolvedLayerSchema.parse(input),
}

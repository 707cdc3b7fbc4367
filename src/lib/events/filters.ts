import {readFile} from 'node:fs/promises'

import {ExitCode, UserError} from '../errors.js'
import {FilterPatternError, parseFilterPattern} from '../lambda/event-filter.js'

/** Lambda accepts at most 5 filters per mapping (more on request). */
export const MAX_FILTERS = 5

/**
 * Checks filter patterns as Lambda would, before anything is sent: the reason for a malformed one names
 * which pattern and what is wrong. Returns the FilterCriteria to send.
 */
export function filterCriteria(patterns: readonly string[] | undefined): {Filters: {Pattern: string}[]} | undefined {
  if (patterns === undefined || patterns.length === 0) return undefined
  if (patterns.length > MAX_FILTERS) {
    throw new UserError('InvalidFilter', `${patterns.length} filter patterns given; Lambda accepts at most ${MAX_FILTERS} per event source mapping.`, {
      exitCode: ExitCode.Usage,
      hints: ['Combine alternatives into one pattern with "$or", or lists of values.'],
    })
  }
  patterns.forEach((pattern, index) => {
    try {
      parseFilterPattern(pattern)
    } catch (error) {
      if (!(error instanceof FilterPatternError)) throw error
      const which = patterns.length > 1 ? `Filter pattern ${index + 1}` : 'The filter pattern'
      throw new UserError('InvalidFilter', `${which} is malformed: ${error.message}.`, {
        exitCode: ExitCode.Usage,
        hints: ['A pattern is a JSON object whose leaves are lists, such as {"body": {"type": ["order"]}} or {"body": {"size": [{"numeric": [">", 10]}]}}.'],
      })
    }
  })
  return {Filters: patterns.map((pattern) => ({Pattern: pattern}))}
}

/** A --filter or --pattern value: JSON text, or @FILE to read it from a file. */
export async function readPatternArg(value: string): Promise<string> {
  if (!value.startsWith('@')) return value
  const file = value.slice(1)
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw new UserError('FileNotFound', `Can't read the pattern file "${file}": ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, {exitCode: ExitCode.Usage, cause: error})
  }
}

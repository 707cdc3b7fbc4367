/**
 * The zod side of checks.ts: `refinedBy(schema, name)` adds the named check to a schema, and remembers which
 * schema carries which check, so that the validator compiled from the schema (compile.ts) can call the same
 * function. A refinement written any other way has no name to compile, and the build refuses it.
 */
import type {z} from 'zod'

import type {CheckIssue, CheckName} from './checks.js'
import {CONFIG_CHECKS} from './checks.js'

const names = new WeakMap<z.ZodType, CheckName>()

export function refinedBy<T extends z.ZodType>(schema: T, name: CheckName): T {
  const refined = schema.superRefine((value, context) => {
    const issues: CheckIssue[] = CONFIG_CHECKS[name](value as never)
    for (const issue of issues) context.addIssue(issue.path ? {code: 'custom', message: issue.message, path: [...issue.path]} : {code: 'custom', message: issue.message})
  })
  names.set(refined, name)
  return refined
}

/** The check `refinedBy` gave `schema`, if any. */
export function checkNameOf(schema: z.core.$ZodType): CheckName | undefined {
  return names.get(schema as z.ZodType)
}

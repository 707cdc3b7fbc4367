/**
 * A function's resource-based policy, evaluated as Lambda evaluates it for callers that only a
 * resource policy can let in: AWS services (S3 notifications: the lambda.checkPermission hook) and the
 * public (function URLs with AuthType NONE). Only Allow statements exist (AddPermission writes no
 * Deny), so a call is allowed when one statement matches its principal, action and every condition.
 */
import type {LocalContext, PermissionCheck} from '../contract.js'
import type {PolicyStatement} from './records.js'
import {functionsCollection} from './records.js'
import type {FunctionRecord} from './records.js'
import {isVersionNumber} from './names.js'

/** One call as the policy sees it; condition keys lower-cased ("aws:sourcearn"). */
export interface PolicyRequest {
  readonly principal: string
  readonly action: string
  readonly context: Readonly<Record<string, string>>
}

const asList = (value: unknown): string[] => (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string')

/** IAM's wildcard match: `*` any run of characters, `?` one; case-sensitive unless `caseless`. */
function globMatches(pattern: string, value: string, caseless = false): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')
  return new RegExp(`^${source}$`, caseless ? 'is' : 's').test(value)
}

function principalMatches(principal: unknown, wanted: string): boolean {
  if (principal === '*') return true
  if (typeof principal !== 'object' || principal === null) return false
  const {Service, AWS} = principal as {Service?: unknown; AWS?: unknown}
  const values = [...asList(Service), ...asList(AWS)]
  return values.some((value) => value === '*' || value === wanted || value === `arn:aws:iam::${wanted}:root`)
}

/** One condition operator over one key; an operator Lambda's policies don't use never matches. */
function conditionHolds(operator: string, expected: unknown, actual: string | undefined): boolean {
  if (actual === undefined) return false
  const values = asList(expected)
  switch (operator) {
    case 'StringEquals':
    case 'ArnEquals':
      return values.includes(actual)
    case 'StringEqualsIgnoreCase':
      return values.some((value) => value.toLowerCase() === actual.toLowerCase())
    case 'StringLike':
    case 'ArnLike':
      return values.some((value) => globMatches(value, actual))
    case 'Bool':
      return values.some((value) => value.toLowerCase() === actual.toLowerCase())
    default:
      return false
  }
}

function statementAllows(statement: PolicyStatement, request: PolicyRequest): boolean {
  if (statement.Effect !== 'Allow') return false
  if (!asList(statement.Action).some((action) => globMatches(action, request.action, true))) return false
  if (!principalMatches(statement.Principal, request.principal)) return false
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => conditionHolds(operator, expected, request.context[key.toLowerCase()])),
  )
}

export function policyAllows(statements: readonly PolicyStatement[], request: PolicyRequest): boolean {
  return statements.some((statement) => statementAllows(statement, request))
}

const FUNCTION_ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9_-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/

/** The qualifier's policy statements of a function, or undefined when the function or qualifier doesn't exist. */
export function statementsFor(fn: FunctionRecord, qualifier: string | undefined): readonly PolicyStatement[] | undefined {
  if (qualifier && qualifier !== '$LATEST' && !(isVersionNumber(qualifier) ? fn.versions[qualifier] : fn.aliases[qualifier])) return undefined
  return fn.policies[qualifier ?? '']?.statements ?? []
}

/** The lambda.checkPermission hook: a function of this account whose policy allows the call. */
export async function checkPermission(context: LocalContext, check: PermissionCheck): Promise<boolean> {
  const match = FUNCTION_ARN.exec(check.functionArn)
  if (!match || match[2] !== context.accountId) return false
  const [, region = '', , name = '', qualifier] = match
  const fn = await context.store.get<FunctionRecord>(functionsCollection(region), name)
  const statements = fn ? statementsFor(fn, qualifier) : undefined
  if (!statements) return false
  const conditions: Record<string, string> = {}
  if (check.sourceArn !== undefined) conditions['aws:sourcearn'] = check.sourceArn
  if (check.sourceAccount !== undefined) conditions['aws:sourceaccount'] = check.sourceAccount
  return policyAllows(statements, {principal: check.principal, action: check.action ?? 'lambda:InvokeFunction', context: conditions})
}

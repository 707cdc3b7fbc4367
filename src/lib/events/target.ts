import type {LambdaApi} from '../aws/lambda.js'
import type {FunctionInfo} from '../aws/types.js'
import {UserError} from '../errors.js'
import type {Target} from '../targets.js'
import type {LedgerEntry} from './marks.js'
import {parseLedger} from './marks.js'

/** The function an event source is attached to, as the events workflows need it. */
export interface EventFunction {
  /** The deployed name. */
  readonly name: string
  /** The unqualified function ARN (tags and policies are the function's). */
  readonly arn: string
  readonly region: string
  readonly account: string
  /** The alias or version the sources invoke; undefined for the unqualified function. */
  readonly qualifier?: string | undefined
  /** What Lambda invokes: the ARN, qualified when a qualifier is given. */
  readonly invokedArn: string
  readonly info: FunctionInfo
  /** sling's record of the event sources it made for this function. */
  readonly ledger: readonly LedgerEntry[]
}

/** Reads the function (and checks the qualifier exists): one GetFunction, two with a qualifier. */
export async function loadEventFunction(target: Target, qualifier: string | undefined, {lambda, signal}: {readonly lambda: LambdaApi; readonly signal?: AbortSignal | undefined}): Promise<EventFunction> {
  const q = qualifier ?? target.qualifier
  const info = await lambda.getFunction(target.functionName, {signal})
  if (!info) {
    throw new UserError('FunctionNotFound', `Function "${target.name}" doesn't exist${target.region ? ` in ${target.region}` : ''}.${target.suggestion ?? ''}`, {
      hints: ['Check --region / AWS_REGION and --stage, or create it with "sling deploy".'],
    })
  }
  if (q && q !== '$LATEST' && !(await lambda.getFunction(target.functionName, {qualifier: q, signal}))) {
    throw new UserError('QualifierNotFound', `Function "${info.name}" has no alias or version "${q}".`, {hints: [`See its aliases with "sling alias list ${info.name}", or create one with "sling deploy --alias ${q}".`]})
  }
  return eventFunctionOf(info, q)
}

/** The function as the events workflows see it, from a GetFunction already made (`$LATEST` counts as no qualifier). */
export function eventFunctionOf(info: FunctionInfo, qualifier: string | undefined): EventFunction {
  const parts = info.arn.split(':')
  const arn = parts.slice(0, 7).join(':')
  const q = qualifier === '$LATEST' ? undefined : qualifier
  return {name: info.name, arn, region: parts[3] ?? '', account: parts[4] ?? '', qualifier: q, invokedArn: q ? `${arn}:${q}` : arn, info, ledger: parseLedger(info.tags)}
}

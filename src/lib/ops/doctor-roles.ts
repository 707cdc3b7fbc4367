import type {IamApi} from '../aws/iam.js'
import type {OpsApi} from '../aws/ops.js'
import type {CallerIdentity} from '../aws/types.js'
import type {FunctionConfig, ProjectConfig} from '../config/load.js'
import type {Check} from './check.js'
import {failure} from './check.js'
import {judgeRole, needsOf, trustsLambda} from './role-check.js'

/** The execution role of each group of functions: it exists, trusts Lambda, and allows what they use. */
export async function checkRoles(config: ProjectConfig, identity: CallerIdentity, deps: {readonly iam: IamApi; readonly ops: OpsApi}): Promise<Check[]> {
  const groups = new Map<string, FunctionConfig[]>()
  for (const fn of config.functions.filter((f) => f.image === undefined || f.role !== undefined)) {
    const key = fn.role ?? ''
    groups.set(key, [...(groups.get(key) ?? []), fn])
  }
  const checks: Check[] = []
  for (const [arn, functions] of groups) checks.push(await checkRole(arn, functions, config, identity, deps))
  return checks
}

async function checkRole(arn: string, functions: readonly FunctionConfig[], config: ProjectConfig, identity: CallerIdentity, deps: {readonly iam: IamApi; readonly ops: OpsApi}): Promise<Check> {
  const keys = functions.map((f) => f.key).join(', ')
  const name = arn === '' ? config.deployment.roleName : (arn.split('/').pop() ?? arn)
  const account = arn === '' ? identity.account : arn.split(':')[4]
  if (account !== identity.account) return {id: 'role', status: 'skip', message: `${name} (${keys}) is in account ${account}: only its own account can read it.`}
  try {
    const role = await deps.iam.getRole(name)
    if (!role) {
      if (arn === '') return {id: 'role', status: 'ok', message: `${keys}: no "role" set; "sling deploy" creates ${name} (basic logging only) when asked, or with --create-role.`}
      return {id: 'role', status: 'fail', message: `The role ${name} that ${keys} name${functions.length === 1 ? 's' : ''} doesn't exist.`, fix: `Create it, or correct "role" in ${config.file}.`}
    }
    if (!trustsLambda(role.trustPolicy)) {
      return {id: 'role', status: 'fail', message: `${name} (${keys}) doesn't let Lambda assume it: its trust policy has no Allow of sts:AssumeRole for lambda.amazonaws.com.`, fix: `aws iam update-assume-role-policy --role-name ${name} --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'`}
    }
    const policies = await deps.ops.rolePolicies(name)
    const verdict = judgeRole(policies ?? {attached: [], inline: []}, needsOf(functions))
    if (verdict.missing.length === 0) return {id: 'role', status: 'ok', message: `${name} (${keys}) trusts Lambda and allows what the config uses.`}
    const missing = verdict.missing.map((m) => `${m.action} (to ${m.what})`).join(', ')
    const fix = `Grant ${verdict.missing.map((m) => m.action).join(', ')} to ${name}: attach the AWS managed policy for it (e.g. AWSLambdaBasicExecutionRole for logs) or add an inline policy.`
    if (verdict.unread.length > 0) return {id: 'role', status: 'warn', message: `${name} (${keys}): no AWS managed or inline policy grants ${missing}; the customer managed ${verdict.unread.join(', ')} may.`, fix}
    return {id: 'role', status: 'fail', message: `${name} (${keys}) doesn't allow ${missing}.`, fix}
  } catch (error) {
    return failure('role', error, `Reading roles needs iam:GetRole, iam:ListAttachedRolePolicies, iam:ListRolePolicies and iam:GetRolePolicy.`)
  }
}

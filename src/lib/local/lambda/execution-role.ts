/**
 * How Lambda checks an execution role, on the local cloud: a role of the local account must exist in
 * the local IAM, trust lambda.amazonaws.com, and have propagated (SLING_LOCAL_ROLE_PROPAGATION_MS);
 * otherwise CreateFunction and UpdateFunctionConfiguration are refused as AWS refuses them. A role of
 * another account can't be looked at and is accepted. A VPC function's role must also be allowed to
 * manage network interfaces, or the change fails after it was accepted (State / LastUpdateStatus
 * Failed, InsufficientRolePermissions), as on Lambda.
 */
import type {LocalRole} from '../contract.js'
import type {Timing} from './records.js'
import {invalidParameter} from './protocol.js'
import type {LambdaScope} from './repo.js'

/** AWS's words, for a role Lambda can't assume (missing, not trusting Lambda, or not yet propagated). */
export const ROLE_NOT_ASSUMABLE = 'The role defined for the function cannot be assumed by Lambda.'

/** What Lambda reports when a VPC function's role can't create its network interfaces. */
export const NO_ENI_PERMISSIONS: NonNullable<Timing['outcome']> = {
  status: 'Failed',
  reason: 'The provided execution role does not have permissions to call CreateNetworkInterface on EC2',
  reasonCode: 'InsufficientRolePermissions',
}

/** The AWS managed policies that grant ec2:CreateNetworkInterface. */
const ENI_POLICIES = new Set(['arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole', 'arn:aws:iam::aws:policy/service-role/AWSLambdaENIManagementAccess'])

interface Statement {
  readonly Effect?: unknown
  readonly Action?: unknown
  readonly Principal?: unknown
}

function statementsOf(document: string): Statement[] {
  try {
    const parsed = JSON.parse(document) as {Statement?: unknown}
    const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement]
    return statements.filter((statement): statement is Statement => typeof statement === 'object' && statement !== null)
  } catch {
    return []
  }
}

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value])

/** Whether an IAM action pattern ("sts:AssumeRole", "ec2:Create*", "*") covers `action` (case-insensitive, as IAM matches). */
function actionMatches(pattern: unknown, action: string): boolean {
  if (typeof pattern !== 'string') return false
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`, 'i')
  return regex.test(action)
}

function allows(statement: Statement, action: string): boolean {
  return listOf(statement.Action).some((pattern) => actionMatches(pattern, action))
}

/** Whether the trust policy lets lambda.amazonaws.com assume the role (and no statement denies it). */
export function trustsLambda(trustPolicy: string): boolean {
  const forLambda = (statement: Statement): boolean => {
    const principal = statement.Principal
    if (principal === '*') return true
    const service = typeof principal === 'object' && principal !== null ? (principal as {Service?: unknown}).Service : undefined
    return listOf(service).includes('lambda.amazonaws.com')
  }
  const matching = statementsOf(trustPolicy).filter((statement) => forLambda(statement) && allows(statement, 'sts:AssumeRole'))
  return matching.some((statement) => statement.Effect === 'Allow') && !matching.some((statement) => statement.Effect === 'Deny')
}

/**
 * Whether the role may call ec2:CreateNetworkInterface: an AWS managed policy that grants it, an inline
 * policy allowing it, or a customer managed policy (the local IAM keeps no policy documents, so one is
 * given the benefit of the doubt).
 */
export function canCreateNetworkInterfaces(role: LocalRole): boolean {
  if (role.attachedPolicyArns.some((arn) => ENI_POLICIES.has(arn) || !arn.startsWith('arn:aws:iam::aws:'))) return true
  return Object.values(role.inlinePolicies).some((document) => {
    const statements = statementsOf(document).filter((statement) => allows(statement, 'ec2:CreateNetworkInterface'))
    return statements.some((statement) => statement.Effect === 'Allow') && !statements.some((statement) => statement.Effect === 'Deny')
  })
}

/**
 * The local role `arn` names, checked as Lambda checks an execution role; undefined for a role of
 * another account (accepted unchecked). Refused with InvalidParameterValueException otherwise.
 */
export async function checkExecutionRole(scope: LambdaScope, arn: string, now = Date.now()): Promise<LocalRole | undefined> {
  if (arn.split(':')[4] !== scope.accountId) return undefined
  const role = await scope.context.hooks.iam.role(arn)
  if (!role || !trustsLambda(role.trustPolicy)) throw invalidParameter(ROLE_NOT_ASSUMABLE)
  // IAM is eventually consistent: a role created a moment ago isn't assumable yet.
  if (now - role.createdAt < (scope.context.settings.rolePropagationMs ?? 0)) throw invalidParameter(ROLE_NOT_ASSUMABLE)
  return role
}

/** How a change to a function with `subnets` ends, given its role: Failed when the role can't create network interfaces. */
export function vpcOutcome(role: LocalRole | undefined, subnets: readonly string[] | undefined): Timing['outcome'] {
  if (!role || !subnets || subnets.length === 0) return undefined
  return canCreateNetworkInterfaces(role) ? undefined : NO_ENI_PERMISSIONS
}

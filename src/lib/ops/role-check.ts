/**
 * Whether an execution role lets Lambda assume it and allows what the functions using it need: their logs
 * always, network interfaces for a VPC, X-Ray for active tracing, the dead-letter target. Judged from the
 * AWS managed policies attached (by name) and inline policy documents (by action); a customer managed policy
 * isn't read, so a need it might cover is a warning, not a failure.
 */
import type {FunctionConfig} from '../config/load.js'
import type {RolePolicies} from '../aws/ops.js'

/** One permission a function needs, and the managed policies that grant it. */
interface Need {
  readonly what: string
  readonly action: string
  readonly managed: readonly string[]
}

const LOGS: Need = {what: 'write its logs', action: 'logs:PutLogEvents', managed: ['AWSLambdaBasicExecutionRole', 'AWSLambdaVPCAccessExecutionRole', 'AWSLambdaExecute', 'AdministratorAccess']}
const VPC: Need = {what: 'connect to its VPC', action: 'ec2:CreateNetworkInterface', managed: ['AWSLambdaVPCAccessExecutionRole', 'AWSLambdaENIManagementAccess', 'AdministratorAccess']}
const XRAY: Need = {what: 'send X-Ray traces', action: 'xray:PutTraceSegments', managed: ['AWSXRayDaemonWriteAccess', 'AWSXrayWriteOnlyAccess', 'AdministratorAccess']}
const SQS_DLQ: Need = {what: 'send failed events to its dead-letter queue', action: 'sqs:SendMessage', managed: ['AmazonSQSFullAccess', 'AdministratorAccess']}
const SNS_DLQ: Need = {what: 'send failed events to its dead-letter topic', action: 'sns:Publish', managed: ['AmazonSNSFullAccess', 'AdministratorAccess']}

/** What the functions sharing a role need from it. */
export function needsOf(functions: readonly FunctionConfig[]): Need[] {
  const needs = new Map<string, Need>([[LOGS.action, LOGS]])
  for (const fn of functions) {
    if ((fn.vpcConfig?.subnetIds.length ?? 0) > 0) needs.set(VPC.action, VPC)
    if (fn.tracing === 'Active') needs.set(XRAY.action, XRAY)
    if (fn.deadLetterTargetArn?.startsWith('arn:aws:sqs:') || fn.deadLetterTargetArn?.includes(':sqs:')) needs.set(SQS_DLQ.action, SQS_DLQ)
    if (fn.deadLetterTargetArn?.includes(':sns:')) needs.set(SNS_DLQ.action, SNS_DLQ)
  }
  return [...needs.values()]
}

/** True when the trust policy lets lambda.amazonaws.com call sts:AssumeRole. */
export function trustsLambda(trustPolicy: string): boolean {
  try {
    const document = JSON.parse(trustPolicy) as {Statement?: unknown}
    return statements(document.Statement).some((s) => s.Effect === 'Allow' && matches(s.Action, 'sts:AssumeRole') && principalServices(s.Principal).includes('lambda.amazonaws.com'))
  } catch {
    return false
  }
}

export interface RoleVerdict {
  /** Needs no policy visibly grants. */
  readonly missing: readonly {readonly what: string; readonly action: string}[]
  /** Customer managed policies that weren't read: a missing need may be granted there. */
  readonly unread: readonly string[]
}

export function judgeRole(policies: RolePolicies, needs: readonly Need[]): RoleVerdict {
  const attached = new Set(policies.attached.map((p) => p.name))
  const inlineActions = policies.inline.flatMap((p) => allowedActions(p.document))
  const missing = needs.filter((need) => !need.managed.some((name) => attached.has(name)) && !inlineActions.some((action) => matches(action, need.action)))
  const unread = policies.attached.filter((p) => !p.arn.includes(':iam::aws:policy/')).map((p) => p.name)
  return {missing: missing.map(({what, action}) => ({what, action})), unread}
}

interface Statement {
  readonly Effect?: unknown
  readonly Action?: unknown
  readonly Principal?: unknown
}

function statements(value: unknown): Statement[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]) as Statement[]
}

function allowedActions(document: string): string[] {
  try {
    const parsed = JSON.parse(document) as {Statement?: unknown}
    return statements(parsed.Statement).filter((s) => s.Effect === 'Allow').flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).filter((a): a is string => typeof a === 'string'))
  } catch {
    return []
  }
}

/** IAM's action matching: case-insensitive, `*` as a wildcard ("logs:*", "*"). */
function matches(pattern: unknown, action: string): boolean {
  const patterns = Array.isArray(pattern) ? pattern : [pattern]
  return patterns.some((p) => typeof p === 'string' && new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`, 'i').test(action))
}

function principalServices(principal: unknown): string[] {
  const service = (principal as {Service?: unknown} | undefined)?.Service
  return (Array.isArray(service) ? service : [service]).filter((s): s is string => typeof s === 'string')
}

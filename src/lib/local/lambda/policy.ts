/** AddPermission, RemovePermission, GetPolicy: the function's resource-based policy, per qualifier. */
import {randomUUID} from 'node:crypto'

import type {Handler} from './call.js'
import {param} from './call.js'
import type {FunctionRecord, PolicyStatement} from './records.js'
import type {Scope} from './names.js'
import {functionArn, parseFunctionRef} from './names.js'
import {conflict, notFound, validationError} from './protocol.js'
import {changeFunction, loadFunction, versionFor} from './repo.js'
import {checkRevision} from './validate.js'

const STATEMENT_ID = /^[a-zA-Z0-9_-]+$/
const ACTION = /^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/

/** How Lambda writes a principal into the policy document. */
function principalOf(principal: string): unknown {
  if (principal === '*') return '*'
  if (/^\d{12}$/.test(principal)) return {AWS: `arn:aws:iam::${principal}:root`}
  if (principal.endsWith('.amazonaws.com') || principal.endsWith('.amazonaws.com.cn')) return {Service: principal}
  return {AWS: principal}
}

function buildStatement(scope: Scope, fn: FunctionRecord, qualifier: string | undefined, input: Record<string, unknown>): PolicyStatement {
  const condition: Record<string, Record<string, string>> = {}
  if (typeof input.SourceAccount === 'string') condition.StringEquals = {'AWS:SourceAccount': input.SourceAccount}
  if (typeof input.PrincipalOrgID === 'string') condition.StringEquals = {...condition.StringEquals, 'aws:PrincipalOrgID': input.PrincipalOrgID}
  if (typeof input.FunctionUrlAuthType === 'string') condition.StringEquals = {...condition.StringEquals, 'lambda:FunctionUrlAuthType': input.FunctionUrlAuthType}
  if (typeof input.EventSourceToken === 'string') condition.StringEquals = {...condition.StringEquals, 'lambda:EventSourceToken': input.EventSourceToken}
  if (typeof input.SourceArn === 'string') condition.ArnLike = {'AWS:SourceArn': input.SourceArn}
  // The statement a function URL with AuthType NONE also needs since October 2025 (lambda:InvokeFunction through the URL).
  if (input.InvokedViaFunctionUrl === true) condition.Bool = {'lambda:InvokedViaFunctionUrl': 'true'}
  return {
    Sid: input.StatementId as string,
    Effect: 'Allow',
    Principal: principalOf(input.Principal as string),
    Action: input.Action as string,
    Resource: functionArn(scope, fn.name, qualifier),
    ...(Object.keys(condition).length > 0 ? {Condition: condition} : {}),
  }
}

export const addPermission: Handler = async (call) => {
  const input = await call.json()
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'), call.query.get('Qualifier'))
  const problems: string[] = []
  const {StatementId: sid, Action: action, Principal: principal} = input
  if (typeof sid !== 'string' || !STATEMENT_ID.test(sid) || sid.length > 100) problems.push(`Value '${String(sid)}' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)`)
  if (typeof action !== 'string' || !ACTION.test(action)) problems.push(`Value '${String(action)}' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])`)
  if (typeof principal !== 'string' || !/^[^\s]+$/.test(principal)) problems.push(`Value '${String(principal)}' at 'principal' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+`)
  if (problems.length > 0) throw validationError(problems)
  const statement = await changeFunction(call.scope, ref.name, (fn) => {
    if (ref.qualifier) versionFor(call.scope, fn, ref) // the qualifier must exist
    const key = ref.qualifier ?? ''
    const policy = fn.policies[key] ?? {statements: [], revisionId: randomUUID()}
    checkRevision(input.RevisionId, policy.revisionId)
    if (policy.statements.some((s) => s.Sid === sid)) {
      throw conflict('The statement id (sid) provided already exists. Please choose a new statement id, or remove the existing statement.')
    }
    const added = buildStatement(call.scope, fn, ref.qualifier, input)
    const policies = {...fn.policies, [key]: {statements: [...policy.statements, added], revisionId: randomUUID()}}
    return {record: {...fn, policies}, result: added}
  })
  return {status: 201, body: {Statement: JSON.stringify(statement)}}
}

export const getPolicy: Handler = async (call) => {
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'), call.query.get('Qualifier'))
  const fn = await loadFunction(call.scope, ref.name)
  if (ref.qualifier) versionFor(call.scope, fn, ref)
  const policy = fn.policies[ref.qualifier ?? '']
  if (!policy || policy.statements.length === 0) throw notFound('The resource you requested does not exist.')
  const document = {Version: '2012-10-17', Id: 'default', Statement: policy.statements}
  return {status: 200, body: {Policy: JSON.stringify(document), RevisionId: policy.revisionId}}
}

export const removePermission: Handler = async (call) => {
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'), call.query.get('Qualifier'))
  const sid = param(call, 'StatementId')
  await changeFunction(call.scope, ref.name, (fn) => {
    if (ref.qualifier) versionFor(call.scope, fn, ref)
    const key = ref.qualifier ?? ''
    const policy = fn.policies[key]
    if (!policy) throw notFound('No policy is associated with the given resource.')
    checkRevision(call.query.get('RevisionId'), policy.revisionId)
    if (!policy.statements.some((s) => s.Sid === sid)) throw notFound(`Statement ${sid} is not found in resource policy.`)
    const statements = policy.statements.filter((s) => s.Sid !== sid)
    const policies = {...fn.policies}
    if (statements.length > 0) policies[key] = {statements, revisionId: randomUUID()}
    else delete policies[key]
    return {record: {...fn, policies}, result: undefined}
  })
  return {status: 204}
}

import {randomBytes} from 'node:crypto'

import type {LocalContext, LocalRole} from '../contract.js'
import {IamError} from './errors.js'

/** An operation's input, decoded by the query codec as the model shapes it. */
type Input = Record<string, unknown>

export interface Tag {
  readonly Key: string
  readonly Value: string
}

export interface RoleDoc {
  readonly path: string
  readonly roleName: string
  readonly roleId: string
  readonly arn: string
  readonly createDate: string
  /** Creation in epoch milliseconds (CreateDate has whole seconds); missing in stores written before it. */
  readonly createdAtMs?: number
  readonly assumeRolePolicyDocument: string
  readonly description?: string
  readonly maxSessionDuration: number
  readonly tags: readonly Tag[]
  readonly attached: readonly {PolicyName: string; PolicyArn: string}[]
  readonly inline: Record<string, string>
}

const ROLES = 'iam-roles'
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/
const PATH = /^\/([\u0021-\u007e]*\/)?$/
const POLICY_ARN = /^arn:aws[\w-]*:iam::(aws|\d{12}):policy\/(?:[\u0021-\u007e]*\/)?([\w+=,.@-]+)$/

/** IAM names are unique regardless of case, so documents are keyed by the lower-cased name. */
const roleKey = (name: string): string => name.toLowerCase()

export function optional(input: Input, name: string): string | undefined {
  const value = input[name]
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined
}

export function required(input: Input, name: string): string {
  const value = optional(input, name)
  if (value === undefined || value === '') throw new IamError(400, 'ValidationError', `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`)
  return value
}

const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1)

function validateName(name: string, member = 'roleName'): string {
  if (!ROLE_NAME.test(name)) {
    throw new IamError(400, 'ValidationError', `1 validation error detected: Value '${name}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`)
  }
  return name
}

export function validatePolicyDocument(document: string): string {
  try {
    const parsed: unknown = JSON.parse(document)
    if (typeof parsed !== 'object' || parsed === null || !('Statement' in parsed)) throw new Error('no Statement')
  } catch {
    throw new IamError(400, 'MalformedPolicyDocument', 'This policy contains invalid Json')
  }
  return document
}

export async function requireRole(context: LocalContext, name: string): Promise<RoleDoc> {
  const role = await context.store.get<RoleDoc>(ROLES, roleKey(name))
  if (!role) throw new IamError(404, 'NoSuchEntity', `The role with name ${name} cannot be found.`)
  return role
}

export function tagsOf(input: Input): Tag[] {
  const tags = Array.isArray(input.Tags) ? (input.Tags as Partial<Tag>[]) : []
  return tags.map((tag) => ({Key: tag.Key ?? '', Value: tag.Value ?? ''}))
}

/** A role as IAM returns it (the model's Role shape); the trust policy is URL-encoded, as IAM sends policy documents. */
function roleShape(role: RoleDoc): Record<string, unknown> {
  return {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: role.createDate,
    AssumeRolePolicyDocument: encodeURIComponent(role.assumeRolePolicyDocument),
    ...(role.description ? {Description: role.description} : {}),
    MaxSessionDuration: role.maxSessionDuration,
    ...(role.tags.length ? {Tags: role.tags} : {}),
  }
}

export async function createRole(input: Input, context: LocalContext): Promise<Record<string, unknown>> {
  const name = validateName(required(input, 'RoleName'))
  const path = optional(input, 'Path') ?? '/'
  if (!PATH.test(path) || path.length > 512) throw new IamError(400, 'ValidationError', `The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.`)
  const document = validatePolicyDocument(required(input, 'AssumeRolePolicyDocument'))
  const maxSessionDuration = Number(optional(input, 'MaxSessionDuration') ?? 3600)
  if (!Number.isInteger(maxSessionDuration) || maxSessionDuration < 3600 || maxSessionDuration > 43_200) {
    throw new IamError(400, 'ValidationError', `1 validation error detected: Value '${maxSessionDuration}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200`)
  }
  const description = optional(input, 'Description')
  const now = Date.now()
  const role: RoleDoc = {
    path,
    roleName: name,
    roleId: `AROA${Array.from(randomBytes(17), (byte) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[byte % 32]).join('')}`,
    arn: `arn:aws:iam::${context.accountId}:role${path}${name}`,
    createDate: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    createdAtMs: now,
    assumeRolePolicyDocument: document,
    ...(description ? {description} : {}),
    maxSessionDuration,
    tags: tagsOf(input),
    attached: [],
    inline: {},
  }
  await context.store.transaction(async () => {
    if (await context.store.get(ROLES, roleKey(name))) throw new IamError(409, 'EntityAlreadyExists', `Role with name ${name} already exists.`)
    await context.store.put(ROLES, roleKey(name), role)
  })
  return {Role: roleShape(role)}
}

export async function getRole(input: Input, context: LocalContext): Promise<Record<string, unknown>> {
  return {Role: {...roleShape(await requireRole(context, required(input, 'RoleName'))), RoleLastUsed: {}}}
}

export async function listRoles(input: Input, context: LocalContext): Promise<Record<string, unknown>> {
  const prefix = optional(input, 'PathPrefix') ?? '/'
  const roles = (await context.store.list<RoleDoc>(ROLES)).filter((role) => role.path.startsWith(prefix))
  return {Roles: roles.map(roleShape), IsTruncated: false}
}

export async function deleteRole(input: Input, context: LocalContext): Promise<undefined> {
  const name = required(input, 'RoleName')
  await context.store.transaction(async () => {
    const role = await requireRole(context, name)
    if (role.attached.length > 0) throw new IamError(409, 'DeleteConflict', 'Cannot delete entity, must detach all policies first.')
    if (Object.keys(role.inline).length > 0) throw new IamError(409, 'DeleteConflict', 'Cannot delete entity, must delete policies first.')
    await context.store.delete(ROLES, roleKey(name))
  })
  return undefined
}

/** Read-modify-write of one role under the store lock. */
export async function updateRole(context: LocalContext, name: string, change: (role: RoleDoc) => RoleDoc): Promise<void> {
  await context.store.transaction(async () => {
    const role = await requireRole(context, name)
    await context.store.put(ROLES, roleKey(name), change(role))
  })
}

export async function attachRolePolicy(input: Input, context: LocalContext): Promise<undefined> {
  const name = required(input, 'RoleName')
  const arn = required(input, 'PolicyArn')
  const match = POLICY_ARN.exec(arn)
  if (!match) throw new IamError(400, 'InvalidInput', `ARN ${arn} is not valid.`)
  const policyName = match[2] ?? arn
  await updateRole(context, name, (role) => (role.attached.some((p) => p.PolicyArn === arn) ? role : {...role, attached: [...role.attached, {PolicyName: policyName, PolicyArn: arn}]}))
  return undefined
}

export async function detachRolePolicy(input: Input, context: LocalContext): Promise<undefined> {
  const arn = required(input, 'PolicyArn')
  await updateRole(context, required(input, 'RoleName'), (role) => {
    if (!role.attached.some((p) => p.PolicyArn === arn)) throw new IamError(404, 'NoSuchEntity', `Policy ${arn} was not found.`)
    return {...role, attached: role.attached.filter((p) => p.PolicyArn !== arn)}
  })
  return undefined
}

export async function listAttachedRolePolicies(input: Input, context: LocalContext): Promise<Record<string, unknown>> {
  const role = await requireRole(context, required(input, 'RoleName'))
  return {AttachedPolicies: role.attached, IsTruncated: false}
}

export async function putRolePolicy(input: Input, context: LocalContext): Promise<undefined> {
  const policyName = validateName(required(input, 'PolicyName'), 'policyName')
  const document = validatePolicyDocument(required(input, 'PolicyDocument'))
  await updateRole(context, required(input, 'RoleName'), (role) => ({...role, inline: {...role.inline, [policyName]: document}}))
  return undefined
}

export async function getRolePolicy(input: Input, context: LocalContext): Promise<Record<string, unknown>> {
  const role = await requireRole(context, required(input, 'RoleName'))
  const policyName = required(input, 'PolicyName')
  const document = role.inline[policyName]
  if (document === undefined) throw new IamError(404, 'NoSuchEntity', `The role policy with name ${policyName} cannot be found.`)
  return {RoleName: role.roleName, PolicyName: policyName, PolicyDocument: encodeURIComponent(document)}
}

export async function deleteRolePolicy(input: Input, context: LocalContext): Promise<undefined> {
  const policyName = required(input, 'PolicyName')
  await updateRole(context, required(input, 'RoleName'), (role) => {
    if (!(policyName in role.inline)) throw new IamError(404, 'NoSuchEntity', `The role policy with name ${policyName} cannot be found.`)
    const inline = {...role.inline}
    delete inline[policyName]
    return {...role, inline}
  })
  return undefined
}

export async function listRolePolicies(input: Input, context: LocalContext): Promise<Record<string, unknown>> {
  const role = await requireRole(context, required(input, 'RoleName'))
  return {PolicyNames: Object.keys(role.inline).sort(), IsTruncated: false}
}

/** The role an ARN names (`arn:aws:iam::<account>:role/<path><name>`), as the iam.role hook answers Lambda. */
export async function roleByArn(context: LocalContext, arn: string): Promise<LocalRole | undefined> {
  const name = arn.slice(arn.lastIndexOf('/') + 1)
  if (!ROLE_NAME.test(name)) return undefined
  const role = await context.store.get<RoleDoc>(ROLES, roleKey(name))
  if (role?.arn !== arn) return undefined
  return {
    arn: role.arn,
    createdAt: role.createdAtMs ?? Date.parse(role.createDate),
    trustPolicy: role.assumeRolePolicyDocument,
    attachedPolicyArns: role.attached.map((policy) => policy.PolicyArn),
    inlinePolicies: {...role.inline},
  }
}

/**
 * Changing a role after it was created: its trust policy, description and session duration, and its
 * tags — what a deploy keeping an execution role in step with its configuration calls.
 */
import type {LocalContext} from '../contract.js'
import {IamError} from './errors.js'
import type {Tag} from './roles.js'
import {optional, requireRole, required, tagsOf, updateRole, validatePolicyDocument} from './roles.js'

type Input = Record<string, unknown>

const MAX_TAGS = 50
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u

export async function updateAssumeRolePolicy(input: Input, context: LocalContext): Promise<undefined> {
  const document = validatePolicyDocument(required(input, 'PolicyDocument'))
  await updateRole(context, required(input, 'RoleName'), (role) => ({...role, assumeRolePolicyDocument: document}))
  return undefined
}

export async function updateRoleSettings(input: Input, context: LocalContext): Promise<Record<string, unknown>> {
  const description = optional(input, 'Description')
  const duration = optional(input, 'MaxSessionDuration')
  const maxSessionDuration = duration === undefined ? undefined : Number(duration)
  if (maxSessionDuration !== undefined && (!Number.isInteger(maxSessionDuration) || maxSessionDuration < 3600 || maxSessionDuration > 43_200)) {
    throw new IamError(400, 'ValidationError', `1 validation error detected: Value '${duration ?? ''}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200`)
  }
  await updateRole(context, required(input, 'RoleName'), (role) => ({
    ...role,
    ...(description === undefined ? {} : {description}),
    ...(maxSessionDuration === undefined ? {} : {maxSessionDuration}),
  }))
  return {}
}

/** Tags as IAM checks them: the model's key and value patterns, then at most 50 on a role. */
function checkTags(tags: readonly Tag[]): void {
  const bad = tags.find((tag) => !TAG_KEY.test(tag.Key) || !TAG_VALUE.test(tag.Value))
  if (bad) throw new IamError(400, 'ValidationError', `1 validation error detected: Value '${bad.Key}' at 'tags' failed to satisfy constraint: Member must satisfy the tag key and value patterns`)
  if (tags.some((tag) => tag.Key.toLowerCase().startsWith('aws:'))) throw new IamError(400, 'InvalidInput', 'User-provided tag keys cannot begin with the "aws:" prefix.')
}

export async function tagRole(input: Input, context: LocalContext): Promise<undefined> {
  const tags = tagsOf(input)
  checkTags(tags)
  await updateRole(context, required(input, 'RoleName'), (role) => {
    // A key already on the role takes the new value (IAM tag keys are case-insensitive).
    const kept = role.tags.filter((tag) => !tags.some((next) => next.Key.toLowerCase() === tag.Key.toLowerCase()))
    const merged = [...kept, ...tags]
    if (merged.length > MAX_TAGS) throw new IamError(409, 'LimitExceeded', `Cannot exceed quota for TagsPerRole: ${MAX_TAGS}.`)
    return {...role, tags: merged}
  })
  return undefined
}

export async function untagRole(input: Input, context: LocalContext): Promise<undefined> {
  const keys = Array.isArray(input.TagKeys) ? input.TagKeys.filter((key): key is string => typeof key === 'string').map((key) => key.toLowerCase()) : []
  await updateRole(context, required(input, 'RoleName'), (role) => ({...role, tags: role.tags.filter((tag) => !keys.includes(tag.Key.toLowerCase()))}))
  return undefined
}

export async function listRoleTags(input: Input, context: LocalContext): Promise<Record<string, unknown>> {
  const role = await requireRole(context, required(input, 'RoleName'))
  return {Tags: role.tags, IsTruncated: false}
}

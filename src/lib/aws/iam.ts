import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam'
import type {IAMClient, Role} from '@aws-sdk/client-iam'

import {UserError} from '../errors.js'
import type {CallOptions} from '../clock.js'
import {throwIfAborted} from '../clock.js'
import type {AwsErrorContext} from './errors.js'
import {errorName, toUserError} from './errors.js'
import type {PolicyDocument, RoleInfo} from './types.js'

/** The IAM operations sling uses: the execution role of a function. */
export interface IamApi {
  /** The role, or undefined when there is none by that name. */
  getRole(name: string, options?: CallOptions): Promise<RoleInfo | undefined>
  /** Creates a role that `trustPolicy` lets assume it (for Lambda: LAMBDA_TRUST_POLICY). */
  createRole(role: NewRole, options?: CallOptions): Promise<RoleInfo>
  attachRolePolicy(role: string, policyArn: string, options?: CallOptions): Promise<void>
  /** Adds or replaces an inline policy. */
  putRolePolicy(role: string, policyName: string, document: PolicyDocument, options?: CallOptions): Promise<void>
  /** Detaches its managed policies, deletes its inline ones, then the role (IAM refuses to delete a role that has any). */
  deleteRole(name: string, options?: CallOptions): Promise<'deleted' | 'absent'>
}

export interface NewRole {
  readonly name: string
  readonly trustPolicy: PolicyDocument
  readonly description?: string | undefined
  readonly tags?: Readonly<Record<string, string>> | undefined
}

// Pure facts, in a leaf module so that planning a role doesn't load the IAM client; re-exported for existing callers.
export {basicExecutionPolicyArn, LAMBDA_TRUST_POLICY} from './identity.js'

/** The IAM API over an SDK client. IAM is global: `context.region` is only where the client signs. */
export function createIamApi(client: IAMClient, context: AwsErrorContext = {}): IamApi {
  const send = async <T>(request: (abortSignal: AbortSignal | undefined) => Promise<T>, signal: AbortSignal | undefined): Promise<T> => {
    try {
      return await request(signal)
    } catch (error) {
      throwIfAborted(signal)
      throw error
    }
  }
  /** Runs `request` on the role named `role`, translating errors (NoSuchEntity names the role). */
  const onRole = async <T>(role: string, request: (abortSignal: AbortSignal | undefined) => Promise<T>, signal: AbortSignal | undefined): Promise<T> => {
    try {
      return await send(request, signal)
    } catch (error) {
      if (errorName(error) !== 'NoSuchEntityException') throw toUserError(error, {...context, region: undefined})
      throw new UserError('RoleNotFound', `The IAM role "${role}" (or the policy given for it) doesn't exist.`, {cause: error, hints: ['Check the role name and the policy ARN.']})
    }
  }
  const api: IamApi = {
    async getRole(name, {signal} = {}) {
      try {
        return toRoleInfo((await send((abortSignal) => client.send(new GetRoleCommand({RoleName: name}), {abortSignal}), signal)).Role)
      } catch (error) {
        if (errorName(error) === 'NoSuchEntityException') return undefined // absence is data
        throw toUserError(error, {...context, region: undefined})
      }
    },
    async createRole({name, trustPolicy, description, tags}, {signal} = {}) {
      const input = {
        RoleName: name, AssumeRolePolicyDocument: documentText(trustPolicy), Description: description,
        Tags: tags ? Object.entries(tags).map(([Key, Value]) => ({Key, Value})) : undefined,
      }
      try {
        return toRoleInfo((await send((abortSignal) => client.send(new CreateRoleCommand(input), {abortSignal}), signal)).Role)
      } catch (error) {
        if (errorName(error) !== 'EntityAlreadyExistsException') throw toUserError(error, {...context, region: undefined})
        throw new UserError('RoleExists', `The IAM role "${name}" already exists.`, {cause: error, hints: ['Use it by naming it as "role" in sling.config.json, or choose another name.']})
      }
    },
    async attachRolePolicy(role, policyArn, {signal} = {}) {
      await onRole(role, (abortSignal) => client.send(new AttachRolePolicyCommand({RoleName: role, PolicyArn: policyArn}), {abortSignal}), signal)
    },
    async putRolePolicy(role, policyName, document, {signal} = {}) {
      await onRole(role, (abortSignal) => client.send(new PutRolePolicyCommand({RoleName: role, PolicyName: policyName, PolicyDocument: documentText(document)}), {abortSignal}), signal)
    },
    async deleteRole(name, {signal} = {}) {
      if (!(await api.getRole(name, {signal}))) return 'absent'
      const attached = await onRole(name, (abortSignal) => client.send(new ListAttachedRolePoliciesCommand({RoleName: name}), {abortSignal}), signal)
      for (const policy of attached.AttachedPolicies ?? []) {
        await onRole(name, (abortSignal) => client.send(new DetachRolePolicyCommand({RoleName: name, PolicyArn: policy.PolicyArn}), {abortSignal}), signal)
      }
      const inline = await onRole(name, (abortSignal) => client.send(new ListRolePoliciesCommand({RoleName: name}), {abortSignal}), signal)
      for (const policyName of inline.PolicyNames ?? []) {
        await onRole(name, (abortSignal) => client.send(new DeleteRolePolicyCommand({RoleName: name, PolicyName: policyName}), {abortSignal}), signal)
      }
      await onRole(name, (abortSignal) => client.send(new DeleteRoleCommand({RoleName: name}), {abortSignal}), signal)
      return 'deleted'
    },
  }
  return api
}

function documentText(document: PolicyDocument): string {
  return typeof document === 'string' ? document : JSON.stringify(document)
}

function toRoleInfo(role: Role | undefined): RoleInfo {
  // IAM returns the trust policy URL-encoded (RFC 3986) in the Query protocol's XML.
  const encoded = role?.AssumeRolePolicyDocument ?? ''
  const tags = Object.fromEntries((role?.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']))
  return {name: role?.RoleName ?? '', arn: role?.Arn ?? '', roleId: role?.RoleId ?? '', trustPolicy: safeDecode(encoded), description: role?.Description || undefined, tags}
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

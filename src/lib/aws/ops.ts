/**
 * The reads and deletes of `sling list`, `info`, `remove` and `doctor` that no other workflow needs: every
 * function in the region, a role's policies. Kept apart from LambdaApi and IamApi so those stay as narrow
 * as the workflows that use them.
 */
import type {IAMClient} from '@aws-sdk/client-iam'
import {GetRolePolicyCommand, paginateListAttachedRolePolicies, paginateListRolePolicies} from '@aws-sdk/client-iam'
import type {LambdaClient} from '@aws-sdk/client-lambda'
import {paginateListFunctions} from '@aws-sdk/client-lambda'
import type {S3Client} from '@aws-sdk/client-s3'

import type {CallOptions} from '../clock.js'
import {throwIfAborted} from '../clock.js'
import type {AwsErrorContext} from './errors.js'
import {errorName, toUserError} from './errors.js'
import type {ResourceOps} from './ops-resources.js'
import {createResourceOps} from './ops-resources.js'

/** A function as ListFunctions lists it. */
export interface FunctionSummary {
  readonly name: string
  readonly arn: string
  readonly runtime?: string | undefined
  readonly packageType: 'Zip' | 'Image'
  readonly codeSize: number
  readonly lastModified?: string | undefined
  readonly memorySize?: number | undefined
  readonly timeout?: number | undefined
  readonly architecture: 'x86_64' | 'arm64'
  readonly role?: string | undefined
}

/** A role's permissions policies: managed ones attached, and inline ones with their documents. */
export interface RolePolicies {
  readonly attached: readonly {readonly name: string; readonly arn: string}[]
  readonly inline: readonly {readonly name: string; readonly document: string}[]
}

export interface OpsApi extends ResourceOps {
  /** Every function of the account in the region ($LATEST configurations; every page). */
  listFunctions(options?: CallOptions): Promise<FunctionSummary[]>
  /** The role's policies, or undefined when there is no such role. */
  rolePolicies(roleName: string, options?: CallOptions): Promise<RolePolicies | undefined>
}

export interface OpsClients {
  lambda(): Promise<LambdaClient>
  iam(): Promise<IAMClient>
  s3(): Promise<S3Client>
}

export function createOpsApi(clients: OpsClients, context: AwsErrorContext = {}): OpsApi {
  return {
    ...createResourceOps(clients, context),
    async listFunctions({signal} = {}) {
      const client = await clients.lambda()
      const functions: FunctionSummary[] = []
      try {
        for await (const page of paginateListFunctions({client}, {}, {abortSignal: signal})) {
          for (const f of page.Functions ?? []) {
            functions.push({
              name: f.FunctionName ?? '', arn: f.FunctionArn ?? '', runtime: f.Runtime, packageType: f.PackageType === 'Image' ? 'Image' : 'Zip',
              codeSize: f.CodeSize ?? 0, lastModified: f.LastModified, memorySize: f.MemorySize, timeout: f.Timeout,
              architecture: f.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64', role: f.Role,
            })
          }
        }
      } catch (error) {
        throwIfAborted(signal)
        throw toUserError(error, context)
      }
      return functions
    },
    async rolePolicies(roleName, {signal} = {}) {
      const client = await clients.iam()
      try {
        const attached: {name: string; arn: string}[] = []
        for await (const page of paginateListAttachedRolePolicies({client}, {RoleName: roleName}, {abortSignal: signal})) {
          for (const p of page.AttachedPolicies ?? []) attached.push({name: p.PolicyName ?? '', arn: p.PolicyArn ?? ''})
        }
        const names: string[] = []
        for await (const page of paginateListRolePolicies({client}, {RoleName: roleName}, {abortSignal: signal})) names.push(...(page.PolicyNames ?? []))
        const inline = await Promise.all(names.map(async (name) => {
          const policy = await client.send(new GetRolePolicyCommand({RoleName: roleName, PolicyName: name}), {abortSignal: signal})
          return {name, document: decode(policy.PolicyDocument ?? '')}
        }))
        return {attached, inline}
      } catch (error) {
        throwIfAborted(signal)
        if (errorName(error) === 'NoSuchEntityException') return undefined // absence is data
        throw toUserError(error, {...context, region: undefined})
      }
    },
  }
}

/** IAM answers policy documents URL-encoded (RFC 3986) in the Query protocol's XML. */
function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}


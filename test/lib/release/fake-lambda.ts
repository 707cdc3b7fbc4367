import type {Mock} from 'vitest'
import {vi} from 'vitest'

import type {LambdaApi} from '../../../src/lib/aws/lambda.js'
import type {AliasInfo, EventSourceMappingInfo, FunctionInfo, ProvisionedConcurrencyConfig, VersionInfo} from '../../../src/lib/aws/types.js'
import {UserError} from '../../../src/lib/errors.js'

export const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:hello'

/** The part of Lambda the release workflows use, over one function's versions, aliases, mappings and provisioned concurrency. */
export interface FakeFunction {
  exists: boolean
  versions: VersionInfo[]
  aliases: Map<string, AliasInfo>
  mappings: EventSourceMappingInfo[]
  provisioned: ProvisionedConcurrencyConfig[]
}

export type FakeLambda = {
  [K in keyof ReleaseLambda]: Mock<ReleaseLambda[K]>
} & {readonly fn: FakeFunction}

type ReleaseLambda = Pick<
  LambdaApi,
  'deleteAlias' | 'deleteVersion' | 'getAlias' | 'getFunction' | 'getProvisionedConcurrency' | 'listAliases' | 'listEventSourceMappings' | 'listProvisionedConcurrency' | 'listVersions' | 'pointAlias'
>

export function aVersion(version: string, overrides: Partial<VersionInfo> = {}): VersionInfo {
  return {version, arn: `${ARN}:${version}`, codeSha256: `sha-of-version-${version}=`, description: `commit c0ffee${version}`, lastModified: `2025-01-0${Number(version) % 9 || 1}T10:00:00.000+0000`, ...overrides}
}

export function anAlias(name: string, version: string, overrides: Partial<AliasInfo> = {}): AliasInfo {
  return {name, arn: `${ARN}:${name}`, version, routing: {}, revisionId: `${name}-r1`, ...overrides}
}

/** Every call yields once, as a real one would, so concurrent calls interleave. */
const tick = (): Promise<void> => Promise.resolve()

const notFound = (name: string): UserError => new UserError('FunctionNotFound', `Function "${name}" doesn't exist in eu-west-1.`)

/** A Lambda that keeps `fn` in memory and refuses what Lambda refuses (stale RevisionIds, deleting a version an alias uses). */
export function fakeLambda(fn: Partial<FakeFunction> = {}): FakeLambda {
  const state: FakeFunction = {exists: true, versions: [], aliases: new Map(), mappings: [], provisioned: [], ...fn}
  let revision = 1
  const need = (name: string): void => {
    if (!state.exists) throw notFound(name)
  }
  const api: ReleaseLambda = {
    async getFunction(name, {qualifier} = {}) {
      await tick()
      if (!state.exists) return undefined
      const v = state.versions.find((x) => x.version === qualifier)
      if (qualifier && qualifier !== '$LATEST' && !v) return undefined
      return {name, arn: v?.arn ?? ARN, version: qualifier ?? '$LATEST', codeSha256: v?.codeSha256 ?? 'latest-sha=', description: v?.description} as FunctionInfo
    },
    async listVersions(name) {
      await tick()
      need(name)
      return [...state.versions]
    },
    async deleteVersion(name, version) {
      await tick()
      need(name)
      const users = [...state.aliases.values()].filter((a) => a.version === version || version in a.routing).map((a) => a.name)
      if (users.length > 0) throw new UserError('VersionInUse', `Version ${version} of function "${name}" can't be deleted while something uses it: aliases [${users.join(', ')}]`)
      const before = state.versions.length
      state.versions = state.versions.filter((v) => v.version !== version)
      return state.versions.length < before ? 'deleted' : 'absent'
    },
    async getAlias(name, alias) {
      await tick()
      need(name)
      return state.aliases.get(alias)
    },
    async listAliases(name) {
      await tick()
      need(name)
      return [...state.aliases.values()]
    },
    async pointAlias(name, alias, target, {revisionId, expectAbsent} = {}) {
      await tick()
      need(name)
      const previous = state.aliases.get(alias)
      if ((revisionId !== undefined && previous?.revisionId !== revisionId) || (expectAbsent && previous)) {
        throw new UserError('ConcurrentChange', `Alias "${alias}" of function "${name}" was changed by someone else since sling read it.`)
      }
      const next: AliasInfo = {
        name: alias, arn: `${ARN}:${alias}`, version: target.version, routing: {...target.routing},
        description: target.description ?? previous?.description, revisionId: `${alias}-r${++revision}`,
      }
      state.aliases.set(alias, next)
      return {previous, alias: next}
    },
    async deleteAlias(name, alias) {
      await tick()
      need(name)
      return state.aliases.delete(alias) ? 'deleted' : 'absent'
    },
    async listEventSourceMappings(functionName) {
      await tick()
      // Like AWS, answers about exactly the (qualified) ARN asked.
      return state.mappings.filter((m) => m.functionArn === functionName)
    },
    async getProvisionedConcurrency(name, qualifier) {
      await tick()
      need(name)
      return state.provisioned.find((p) => p.qualifier === qualifier)
    },
    async listProvisionedConcurrency(name) {
      await tick()
      need(name)
      return [...state.provisioned]
    },
  }
  const spied = Object.fromEntries(Object.entries(api).map(([key, method]) => [key, vi.fn(method as (...args: unknown[]) => unknown)]))
  return {...spied, fn: state} as unknown as FakeLambda
}

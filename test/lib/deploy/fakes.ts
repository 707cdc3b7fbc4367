/* eslint-disable @typescript-eslint/require-await -- the fakes answer at once, but keep the async signatures of the interfaces they stand in for */
/**
 * In-memory fakes of the AWS interfaces deploy uses: plain objects that keep state like the real services
 * (so a second deploy sees what the first did) and record every call, so tests can assert the exact calls.
 */
import {createHash} from 'node:crypto'
import {stat} from 'node:fs/promises'

import type {IamApi} from '../../../src/lib/aws/iam.js'
import type {LambdaApi} from '../../../src/lib/aws/lambda.js'
import {concurrentChange} from '../../../src/lib/aws/lambda-core.js'
import type {S3Api} from '../../../src/lib/aws/s3.js'
import type {StsApi} from '../../../src/lib/aws/sts.js'
import type {AliasInfo, CodeSource, EventInvokeConfig, FunctionInfo, LayerVersionInfo, ProvisionedConcurrencyInfo, RoleInfo} from '../../../src/lib/aws/types.js'
import {UserError} from '../../../src/lib/errors.js'
import {fakeEventOps, fakeNotificationOps} from '../../helpers/fake-events.js'

export const ACCOUNT = '123456789012'
export const REGION = 'eu-west-1'

/** Calls that only read; every other call is a write. */
const READS = new Set(['getFunction', 'getEventInvokeConfig', 'getProvisionedConcurrency', 'getAlias', 'listAliases', 'listVersions', 'latestVersion', 'latestLayerVersion', 'getLayerVersion', 'getAccountSettings', 'getRole', 'headObject', 'getCallerIdentity'])

export interface Call {
  readonly op: string
  readonly name: string
  readonly args: readonly unknown[]
}

export interface CallLog {
  readonly calls: Call[]
  /** "op name" of every call, in order. */
  ops(): string[]
  writes(): string[]
  reads(): string[]
}

function callLog(): CallLog {
  const calls: Call[] = []
  const ops = (filter: (c: Call) => boolean): string[] => calls.filter(filter).map((c) => `${c.op} ${c.name}`)
  return {calls, ops: () => ops(() => true), writes: () => ops((c) => !READS.has(c.op)), reads: () => ops((c) => READS.has(c.op))}
}

export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('base64')
}

export type FakeLambda = LambdaApi & {
  readonly log: CallLog
  readonly functions: Map<string, FunctionInfo>
  readonly versions: Map<string, FunctionInfo[]>
  readonly aliases: Map<string, AliasInfo>
  readonly eventInvoke: Map<string, EventInvokeConfig>
  readonly provisioned: Map<string, ProvisionedConcurrencyInfo>
  readonly layers: Map<string, (LayerVersionInfo & {description?: string | undefined})[]>
}

/** The CodeSha256 Lambda computes for code: of the bytes, or of an S3 object named by its SHA-256 (as sling names them). */
function codeSha(code: CodeSource): {sha: string; size: number} {
  if ('zipFile' in code) return {sha: sha256(code.zipFile), size: code.zipFile.length}
  if ('imageUri' in code) return {sha: sha256(code.imageUri), size: 0}
  const hex = /([0-9a-f]{64})\.zip$/.exec(code.s3Key)?.[1] ?? ''
  return {sha: Buffer.from(hex, 'hex').toString('base64'), size: 60 * 1024 * 1024}
}

const arnOf = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`

/** A Lambda that keeps functions, versions, aliases and layers in memory. Every change settles at once. */
export function fakeLambda(initial: readonly FunctionInfo[] = []): FakeLambda {
  const log = callLog()
  const functions = new Map(initial.map((fn) => [fn.name, fn]))
  const versions = new Map<string, FunctionInfo[]>()
  const aliases = new Map<string, AliasInfo>()
  const eventInvoke = new Map<string, EventInvokeConfig>()
  const provisioned = new Map<string, ProvisionedConcurrencyInfo>()
  const layers = new Map<string, (LayerVersionInfo & {description?: string | undefined})[]>()
  let revision = 100
  const record = (op: string, name: string, ...args: unknown[]): void => void log.calls.push({op, name, args})
  const existing = (name: string): FunctionInfo => {
    const fn = functions.get(name)
    if (!fn) throw new UserError('FunctionNotFound', `Function "${name}" doesn't exist.`)
    return fn
  }
  const save = (fn: FunctionInfo): FunctionInfo => {
    const next = {...fn, revisionId: `r${++revision}`, state: 'Active', lastUpdateStatus: 'Successful'}
    functions.set(fn.name, next)
    return next
  }
  const api: FakeLambda = {
    ...fakeEventOps(),
    log, functions, versions, aliases, eventInvoke, provisioned, layers,
    async getFunction(name, {qualifier} = {}) {
      record('getFunction', name, qualifier)
      if (qualifier === undefined) return functions.get(name)
      const version = aliases.get(`${name}:${qualifier}`)?.version ?? qualifier
      return versions.get(name)?.find((v) => v.version === version)
    },
    async createFunction(spec, options) {
      record('createFunction', spec.name, spec, options)
      const {sha, size} = codeSha(spec.code)
      const {code, name, tags, architecture, ...settings} = spec
      return save({
        name, arn: arnOf(name), version: '$LATEST', packageType: 'imageUri' in code ? 'Image' : 'Zip', codeSha256: sha, codeSize: size, imageUri: 'imageUri' in code ? code.imageUri : undefined,
        ...settings, role: spec.role, environment: settings.environment ?? {}, layers: settings.layers ?? [], architecture: architecture ?? 'x86_64', tags: tags ?? {},
        description: settings.description || undefined, tracing: settings.tracing ?? 'PassThrough', ephemeralStorage: settings.ephemeralStorage ?? 512,
        loggingConfig: settings.loggingConfig ?? {logFormat: 'Text', logGroup: `/aws/lambda/${name}`},
      })
    },
    async update(name, change) {
      record('update', name, change)
      const fn = existing(name)
      if ('revisionId' in change && change.revisionId !== undefined && change.revisionId !== fn.revisionId) throw concurrentChange({functionName: name}, {region: REGION})
      switch (change.kind) {
        case 'configuration': {
          const s = change.settings
          return save({...fn, ...s, description: s.description === undefined ? fn.description : s.description || undefined, environment: s.environment ?? fn.environment, layers: s.layers ?? fn.layers})
        }
        case 'code': {
          const {sha, size} = codeSha(change.code)
          return save({...fn, codeSha256: sha, codeSize: size, architecture: change.architecture ?? fn.architecture, imageUri: 'imageUri' in change.code ? change.code.imageUri : fn.imageUri})
        }
        case 'tags': {
          const tags = {...fn.tags, ...change.set}
          for (const key of change.remove ?? []) delete tags[key]
          const next = {...fn, tags}
          functions.set(name, next)
          return next
        }
        case 'reservedConcurrency': {
          const next = {...fn, reservedConcurrency: change.count}
          functions.set(name, next)
          return next
        }
      }
    },
    async deleteFunction(name) {
      record('deleteFunction', name)
      return functions.delete(name) ? 'deleted' : 'absent'
    },
    async publishVersion(name, {codeSha256, revisionId, description}) {
      record('publishVersion', name, {codeSha256, revisionId, description})
      const fn = existing(name)
      if (fn.codeSha256 !== codeSha256) throw new UserError('PreconditionFailedException', 'CodeSha256 does not match')
      if (revisionId !== undefined && revisionId !== fn.revisionId) throw concurrentChange({functionName: name}, {region: REGION})
      const list = versions.get(name) ?? []
      const version = String(list.length + 1)
      const snapshot: FunctionInfo = {...fn, version, arn: `${fn.arn}:${version}`, description, revisionId: `v${version}`}
      versions.set(name, [...list, snapshot])
      return {version, arn: snapshot.arn, codeSha256, description, revisionId: snapshot.revisionId}
    },
    async latestVersion(name) {
      record('latestVersion', name)
      return versions.get(name)?.at(-1)
    },
    async listVersions(name) {
      record('listVersions', name)
      return (versions.get(name) ?? []).map((v) => ({version: v.version, arn: v.arn, codeSha256: v.codeSha256, description: v.description}))
    },
    async deleteVersion(name) {
      record('deleteVersion', name)
      return 'absent'
    },
    async getAlias(name, alias) {
      record('getAlias', name, alias)
      return aliases.get(`${name}:${alias}`)
    },
    async listAliases(name) {
      record('listAliases', name)
      return [...aliases.entries()].filter(([key]) => key.startsWith(`${name}:`)).map(([, a]) => a)
    },
    async pointAlias(name, alias, target, options = {}) {
      record('pointAlias', name, alias, target)
      const previous = aliases.get(`${name}:${alias}`)
      if ((options.revisionId !== undefined && previous?.revisionId !== options.revisionId) || (options.expectAbsent && previous)) throw concurrentChange({functionName: name, alias}, {})
      const next: AliasInfo = {name: alias, arn: `${arnOf(name)}:${alias}`, version: target.version, routing: target.routing ?? {}, description: target.description, revisionId: `a${++revision}`}
      aliases.set(`${name}:${alias}`, next)
      return {previous, alias: next}
    },
    async deleteAlias(name, alias) {
      record('deleteAlias', name, alias)
      return aliases.delete(`${name}:${alias}`) ? 'deleted' : 'absent'
    },
    async getProvisionedConcurrency(name, qualifier) {
      record('getProvisionedConcurrency', name, qualifier)
      return provisioned.get(`${name}:${qualifier}`)
    },
    async putProvisionedConcurrency(name, qualifier, count) {
      record('putProvisionedConcurrency', name, qualifier, count)
      const info = {requested: count, allocated: count, available: count, status: 'READY'}
      provisioned.set(`${name}:${qualifier}`, info)
      return info
    },
    async deleteProvisionedConcurrency(name, qualifier) {
      record('deleteProvisionedConcurrency', name, qualifier)
      return provisioned.delete(`${name}:${qualifier}`) ? 'deleted' : 'absent'
    },
    async getEventInvokeConfig(name) {
      record('getEventInvokeConfig', name)
      return eventInvoke.get(name)
    },
    async putEventInvokeConfig(name, config) {
      record('putEventInvokeConfig', name, config)
      const stored = {maximumRetryAttempts: config.maximumRetryAttempts ?? 2, maximumEventAgeSeconds: config.maximumEventAgeSeconds ?? 21_600, onSuccess: config.onSuccess, onFailure: config.onFailure}
      eventInvoke.set(name, stored)
      return stored
    },
    async deleteEventInvokeConfig(name) {
      record('deleteEventInvokeConfig', name)
      return eventInvoke.delete(name) ? 'deleted' : 'absent'
    },
    async getAccountSettings() {
      record('getAccountSettings', '')
      return {limits: {totalCodeSize: 80_530_636_800, codeSizeUnzipped: 262_144_000, codeSizeZipped: 52_428_800, concurrentExecutions: 1000, unreservedConcurrentExecutions: 1000}, usage: {totalCodeSize: 0, functionCount: functions.size}}
    },
    async invoke(name) {
      record('invoke', name)
      return {statusCode: 200, payload: new Uint8Array()}
    },
    async invokeStream(name) {
      record('invokeStream', name)
      return {statusCode: 200, events: (async function* () {})()}
    },
    async publishLayerVersion(layer) {
      record('publishLayerVersion', layer.name, layer)
      const list = layers.get(layer.name) ?? []
      const version = list.length + 1
      const content = 'zipFile' in layer.content ? layer.content : codeSha({s3Bucket: layer.content.s3Bucket, s3Key: layer.content.s3Key})
      const codeSha256 = 'zipFile' in content ? sha256(content.zipFile) : content.sha
      const layerArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${layer.name}`
      const info = {arn: `${layerArn}:${version}`, layerArn, version, codeSha256, codeSize: 1, description: layer.description}
      layers.set(layer.name, [...list, info])
      return {arn: info.arn, layerArn, version, codeSha256, codeSize: 1}
    },
    async latestLayerVersion(name) {
      record('latestLayerVersion', name)
      const latest = layers.get(name)?.at(-1)
      return latest && {arn: latest.arn, version: latest.version, description: latest.description}
    },
    async getLayerVersion(name, version) {
      record('getLayerVersion', name, version)
      const found = layers.get(name)?.find((l) => l.version === version)
      return found && {arn: found.arn, layerArn: found.layerArn, version: found.version, codeSha256: found.codeSha256, codeSize: found.codeSize}
    },
    async listProvisionedConcurrency(name) {
      record('listProvisionedConcurrency', name)
      return []
    },
    async listEventSourceMappings(functionName) {
      record('listEventSourceMappings', functionName)
      return []
    },
  }
  return api
}

export type FakeS3 = S3Api & {readonly log: CallLog; readonly objects: Map<string, number>; readonly buckets: Set<string>}

export function fakeS3(): FakeS3 {
  const log = callLog()
  const objects = new Map<string, number>()
  const buckets = new Set<string>()
  const record = (op: string, name: string, ...args: unknown[]): void => void log.calls.push({op, name, args})
  return {
    ...fakeNotificationOps(),
    log, objects, buckets,
    async ensureBucket(bucket) {
      record('ensureBucket', bucket)
      if (buckets.has(bucket)) return 'exists'
      buckets.add(bucket)
      return 'created'
    },
    async secureBucket(bucket) {
      record('secureBucket', bucket)
    },
    async headObject(bucket, key) {
      record('headObject', `${bucket}/${key}`)
      const size = objects.get(`${bucket}/${key}`)
      return size === undefined ? undefined : {bucket, key, etag: '"e"', size}
    },
    async putArtifact(bucket, key, file, options) {
      record('putArtifact', `${bucket}/${key}`, options?.metadata)
      const {size} = await stat(file)
      objects.set(`${bucket}/${key}`, size)
      return {bucket, key, etag: '"e"', size}
    },
  }
}

export function fakeSts(): StsApi & {readonly log: CallLog} {
  const log = callLog()
  return {
    log,
    async getCallerIdentity() {
      log.calls.push({op: 'getCallerIdentity', name: '', args: []})
      return {account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/dev`, userId: 'AIDA'}
    },
  }
}

export type FakeIam = IamApi & {readonly log: CallLog; readonly roles: Map<string, RoleInfo>; readonly attached: Map<string, string[]>}

export function fakeIam(initial: readonly RoleInfo[] = []): FakeIam {
  const log = callLog()
  const roles = new Map(initial.map((role) => [role.name, role]))
  const attached = new Map<string, string[]>()
  const record = (op: string, name: string, ...args: unknown[]): void => void log.calls.push({op, name, args})
  return {
    log, roles, attached,
    async getRole(name) {
      record('getRole', name)
      return roles.get(name)
    },
    async createRole(role) {
      record('createRole', role.name, role)
      const info = {name: role.name, arn: `arn:aws:iam::${ACCOUNT}:role/${role.name}`, roleId: 'AROA', trustPolicy: JSON.stringify(role.trustPolicy), tags: {...role.tags}}
      roles.set(role.name, info)
      return info
    },
    async attachRolePolicy(role, policy) {
      record('attachRolePolicy', role, policy)
      attached.set(role, [...new Set([...(attached.get(role) ?? []), policy])])
    },
    async putRolePolicy(role, policyName) {
      record('putRolePolicy', role, policyName)
    },
    async deleteRole(name) {
      record('deleteRole', name)
      return roles.delete(name) ? 'deleted' : 'absent'
    },
  }
}

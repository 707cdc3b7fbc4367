/** PublishLayerVersion, GetLayerVersion, GetLayerVersionByArn, ListLayerVersions, ListLayers, DeleteLayerVersion. */
import type {LayerVersionsListItem} from '@aws-sdk/client-lambda'

import type {Handler, LambdaCall} from './call.js'
import {paginate, param} from './call.js'
import {acceptCode, codeInput} from './code.js'
import type {LayerRecord, LayerVersionRecord} from './records.js'
import {layersCollection} from './records.js'
import {layerArn, layerVersionArn, parseLayerName, parseLayerVersionArn} from './names.js'
import {lambdaTimestamp, notFound, validationError} from './protocol.js'
import {zipUrl} from './serve-code.js'
import {RUNTIMES} from './validate.js'

function layerNotFound(): never {
  throw notFound('The resource you requested does not exist.')
}

/** The full GetLayerVersion answer: the stored item plus the layer ARN and content. */
function layerVersionOutput(call: LambdaCall, name: string, version: LayerVersionRecord): Record<string, unknown> {
  return {
    Content: {Location: zipUrl(call.scope.context, version.code.sha256), CodeSha256: version.codeSha256Base64, CodeSize: version.code.size},
    LayerArn: layerArn(call.scope, name),
    ...version.info,
  }
}

function checkLayerInput(input: Record<string, unknown>): void {
  const problems: string[] = []
  const {CompatibleRuntimes: runtimes, CompatibleArchitectures: architectures, Description, LicenseInfo} = input
  if (runtimes !== undefined && (!Array.isArray(runtimes) || runtimes.length > 15 || runtimes.some((r) => !(RUNTIMES as readonly unknown[]).includes(r)))) {
    problems.push(`Value '${JSON.stringify(runtimes)}' at 'compatibleRuntimes' failed to satisfy constraint: Member must have length less than or equal to 15, and each member must satisfy enum value set: [${RUNTIMES.join(', ')}]`)
  }
  if (architectures !== undefined && (!Array.isArray(architectures) || architectures.length > 2 || architectures.some((a) => a !== 'x86_64' && a !== 'arm64'))) {
    problems.push(`Value '${JSON.stringify(architectures)}' at 'compatibleArchitectures' failed to satisfy constraint: Member must have length less than or equal to 2, and each member must satisfy enum value set: [x86_64, arm64]`)
  }
  if (Description !== undefined && (typeof Description !== 'string' || Description.length > 256)) problems.push(`Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 256`)
  if (LicenseInfo !== undefined && (typeof LicenseInfo !== 'string' || LicenseInfo.length > 512)) problems.push(`Value at 'licenseInfo' failed to satisfy constraint: Member must have length less than or equal to 512`)
  if (problems.length > 0) throw validationError(problems)
}

export const publishLayerVersion: Handler = async (call) => {
  const input = await call.json()
  const name = parseLayerName(call.scope, param(call, 'LayerName'))
  checkLayerInput(input)
  if (input.Content === undefined) throw validationError([`Value null at 'content' failed to satisfy constraint: Member must not be null`])
  const code = await acceptCode(call.scope.context, codeInput(input.Content, 'Content'), 'PublishLayerVersion')
  const {store} = call.scope.context
  const collection = layersCollection(call.scope.region)
  const {version} = await store.transaction(async () => {
    const layer = (await store.get<LayerRecord>(collection, name)) ?? {name, lastVersion: 0, versions: {}}
    const number = layer.lastVersion + 1
    const record: LayerVersionRecord = {
      info: {
        LayerVersionArn: layerVersionArn(call.scope, name, number),
        Version: number,
        Description: typeof input.Description === 'string' ? input.Description : '',
        CreatedDate: lambdaTimestamp(),
        ...(Array.isArray(input.CompatibleRuntimes) ? {CompatibleRuntimes: input.CompatibleRuntimes as LayerVersionsListItem['CompatibleRuntimes']} : {}),
        ...(Array.isArray(input.CompatibleArchitectures) ? {CompatibleArchitectures: input.CompatibleArchitectures as LayerVersionsListItem['CompatibleArchitectures']} : {}),
        ...(typeof input.LicenseInfo === 'string' ? {LicenseInfo: input.LicenseInfo} : {}),
      },
      code: {sha256: code.sha256, size: code.size, unzippedSize: code.unzippedSize},
      codeSha256Base64: code.sha256Base64,
    }
    await store.put(collection, name, {...layer, lastVersion: number, versions: {...layer.versions, [String(number)]: record}})
    return {version: record}
  })
  return {status: 201, body: layerVersionOutput(call, name, version)}
}

async function findLayerVersion(call: LambdaCall, name: string, number: string): Promise<LayerVersionRecord> {
  const layer = await call.scope.context.store.get<LayerRecord>(layersCollection(call.scope.region), name)
  return layer?.versions[number] ?? layerNotFound()
}

export const getLayerVersion: Handler = async (call) => {
  const name = parseLayerName(call.scope, param(call, 'LayerName'))
  const version = await findLayerVersion(call, name, param(call, 'VersionNumber'))
  return {status: 200, body: layerVersionOutput(call, name, version)}
}

export const getLayerVersionByArn: Handler = async (call) => {
  const arn = call.query.get('Arn') ?? ''
  const parts = parseLayerVersionArn(arn)
  if (!parts) {
    throw validationError([`Value '${arn}' at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)`])
  }
  if (parts.region !== call.scope.region || parts.account !== call.scope.accountId) layerNotFound()
  const version = await findLayerVersion(call, parts.name, String(parts.version))
  return {status: 200, body: layerVersionOutput(call, parts.name, version)}
}

/** The versions matching CompatibleRuntime / CompatibleArchitecture, newest first. */
function matchingVersions(layer: LayerRecord, query: URLSearchParams): LayerVersionsListItem[] {
  const runtime = query.get('CompatibleRuntime')
  const architecture = query.get('CompatibleArchitecture')
  return Object.values(layer.versions)
    .map((version) => version.info)
    .filter((info) => !runtime || (info.CompatibleRuntimes ?? []).includes(runtime as never))
    .filter((info) => !architecture || (info.CompatibleArchitectures ?? []).includes(architecture as never))
    .sort((a, b) => b.Version - a.Version)
}

export const listLayerVersions: Handler = async (call) => {
  const name = parseLayerName(call.scope, param(call, 'LayerName'))
  const layer = await call.scope.context.store.get<LayerRecord>(layersCollection(call.scope.region), name)
  const {page, nextMarker} = paginate(layer ? matchingVersions(layer, call.query) : [], call.query)
  return {status: 200, body: {LayerVersions: page, ...(nextMarker ? {NextMarker: nextMarker} : {})}}
}

export const listLayers: Handler = async (call) => {
  const layers = await call.scope.context.store.list<LayerRecord>(layersCollection(call.scope.region))
  const items = layers.flatMap((layer) => {
    const [latest] = matchingVersions(layer, call.query)
    return latest ? [{LayerName: layer.name, LayerArn: layerArn(call.scope, layer.name), LatestMatchingVersion: latest}] : []
  })
  const {page, nextMarker} = paginate(items, call.query)
  return {status: 200, body: {Layers: page, ...(nextMarker ? {NextMarker: nextMarker} : {})}}
}

export const deleteLayerVersion: Handler = async (call) => {
  const name = parseLayerName(call.scope, param(call, 'LayerName'))
  const number = param(call, 'VersionNumber')
  const {store} = call.scope.context
  const collection = layersCollection(call.scope.region)
  // Functions keep using a deleted layer version (their layer refs hold the zip's hash), as on Lambda.
  await store.transaction(async () => {
    const layer = await store.get<LayerRecord>(collection, name)
    if (!layer?.versions[number]) return
    const versions = {...layer.versions}
    delete versions[number]
    await store.put(collection, name, {...layer, versions})
  })
  return {status: 204}
}

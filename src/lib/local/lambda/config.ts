/** Building a FunctionConfiguration from CreateFunction / UpdateFunctionConfiguration input, as Lambda fills it. */
import {randomUUID} from 'node:crypto'

import type {FunctionConfiguration} from '@aws-sdk/client-lambda'

import {LAMBDA_DEFAULTS, LAMBDA_LIMITS as LIMITS} from '../../lambda/rules.js'

import type {LayerRecord, LayerRef} from './records.js'
import {layersCollection} from './records.js'
import type {Scope} from './names.js'
import {functionArn, parseLayerVersionArn} from './names.js'
import {imageConfigResponse} from './image.js'
import {invalidParameter, lambdaTimestamp} from './protocol.js'
import type {LambdaScope} from './repo.js'
import {isObject} from './validate.js'

/** The VPC every local function's subnets are in: the local cloud has no EC2 to ask, so one stable id. */
export const LOCAL_VPC_ID = 'vpc-0a1b2c3d4e5f67890'

/** The layer versions `arns` name, which must exist in this account and region. */
export async function resolveLayers(scope: LambdaScope, arns: readonly string[]): Promise<LayerRef[]> {
  const seen = new Set<string>()
  const refs: LayerRef[] = []
  for (const arn of arns) {
    const parts = parseLayerVersionArn(arn)
    if (!parts) throw invalidParameter(`1 validation error detected: Value '[${arns.join(', ')}]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 2048, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)]`)
    if (seen.has(parts.name)) throw invalidParameter(`Two different versions of the same layer are not allowed to be referenced in the same function. ${arn}`)
    seen.add(parts.name)
    const layer = parts.region === scope.region && parts.account === scope.accountId ? await scope.context.store.get<LayerRecord>(layersCollection(scope.region), parts.name) : undefined
    const version = layer?.versions[String(parts.version)]
    if (!version) throw invalidParameter(`Layer version ${arn} does not exist.`)
    refs.push({arn, sha256: version.code.sha256, codeSize: version.code.size, unzippedSize: version.code.unzippedSize})
  }
  return refs
}

/** Refuses code plus layers over 250 MB unzipped, with Lambda's message. */
export function checkTotalSize(codeUnzipped: number, layers: readonly LayerRef[]): void {
  const total = codeUnzipped + layers.reduce((sum, layer) => sum + (layer.unzippedSize ?? 0), 0)
  if (total > LIMITS.unzippedMax) {
    throw invalidParameter(`Function code combined with layers exceeds the maximum allowed size of ${LIMITS.unzippedMax} bytes. The actual size is ${total} bytes.`)
  }
}

/** The configuration of a new function's $LATEST, with Lambda's defaults. */
export function newConfiguration(scope: Scope, name: string, input: Record<string, unknown>, code: {sha256Base64: string; size: number}): FunctionConfiguration {
  const config: FunctionConfiguration = {
    FunctionName: name,
    FunctionArn: functionArn(scope, name),
    Role: input.Role as string,
    CodeSize: code.size,
    Description: '',
    Timeout: LAMBDA_DEFAULTS.timeout,
    MemorySize: LAMBDA_DEFAULTS.memorySize,
    LastModified: lambdaTimestamp(),
    CodeSha256: code.sha256Base64,
    Version: '$LATEST',
    TracingConfig: {Mode: 'PassThrough'},
    RevisionId: randomUUID(),
    // Runtime and Handler come from the input (applySettings): an image function has neither.
    PackageType: input.PackageType === 'Image' ? 'Image' : 'Zip',
    Architectures: [LAMBDA_DEFAULTS.architecture],
    EphemeralStorage: {Size: LAMBDA_DEFAULTS.ephemeralStorage},
    SnapStart: {ApplyOn: 'None', OptimizationStatus: 'Off'},
    LoggingConfig: {LogFormat: 'Text', LogGroup: `/aws/lambda/${name}`},
  }
  return applySettings(config, input, [])
}

/** `config` with the settings present in `input` applied (UpdateFunctionConfiguration semantics). */
export function applySettings(config: FunctionConfiguration, input: Record<string, unknown>, layers: readonly LayerRef[] | undefined): FunctionConfiguration {
  const next: FunctionConfiguration = {...config}
  for (const key of ['Role', 'Handler', 'Description', 'Timeout', 'MemorySize', 'Runtime', 'KMSKeyArn'] as const) {
    if (input[key] !== undefined && input[key] !== null) (next as Record<string, unknown>)[key] = input[key]
  }
  if (Array.isArray(input.Architectures)) next.Architectures = input.Architectures as FunctionConfiguration['Architectures']
  if (isObject(input.Environment)) {
    const variables = (input.Environment.Variables ?? {}) as Record<string, string>
    if (Object.keys(variables).length > 0) next.Environment = {Variables: {...variables}}
    else delete next.Environment
  }
  if (isObject(input.DeadLetterConfig)) {
    const target = input.DeadLetterConfig.TargetArn
    if (typeof target === 'string' && target !== '') next.DeadLetterConfig = {TargetArn: target}
    else delete next.DeadLetterConfig
  }
  if (isObject(input.TracingConfig) && (input.TracingConfig.Mode === 'Active' || input.TracingConfig.Mode === 'PassThrough')) next.TracingConfig = {Mode: input.TracingConfig.Mode}
  if (isObject(input.EphemeralStorage) && typeof input.EphemeralStorage.Size === 'number') next.EphemeralStorage = {Size: input.EphemeralStorage.Size}
  if (isObject(input.LoggingConfig)) next.LoggingConfig = loggingConfig(next, input.LoggingConfig)
  if (isObject(input.VpcConfig)) {
    const subnets = (input.VpcConfig.SubnetIds ?? []) as string[]
    const groups = (input.VpcConfig.SecurityGroupIds ?? []) as string[]
    next.VpcConfig = {SubnetIds: subnets, SecurityGroupIds: groups, VpcId: subnets.length > 0 ? LOCAL_VPC_ID : '', Ipv6AllowedForDualStack: input.VpcConfig.Ipv6AllowedForDualStack === true}
  }
  if (input.ImageConfig !== undefined && input.ImageConfig !== null) next.ImageConfigResponse = imageConfigResponse(input.ImageConfig)
  if (layers !== undefined && input.Layers !== undefined) {
    if (layers.length > 0) next.Layers = layers.map((layer) => ({Arn: layer.arn, CodeSize: layer.codeSize}))
    else delete next.Layers
  }
  return next
}

type LoggingConfig = NonNullable<FunctionConfiguration['LoggingConfig']>

/**
 * LoggingConfig as Lambda keeps it: members not named keep their value, an empty LogGroup is the
 * default group, and log levels exist only with the JSON format (INFO unless set), as on Lambda.
 */
function loggingConfig(config: FunctionConfiguration, input: Record<string, unknown>): LoggingConfig {
  const merged = {...config.LoggingConfig, ...(input as LoggingConfig)}
  if (!merged.LogGroup) merged.LogGroup = `/aws/lambda/${config.FunctionName ?? ''}`
  if (merged.LogFormat === 'JSON') return {...merged, ApplicationLogLevel: merged.ApplicationLogLevel ?? 'INFO', SystemLogLevel: merged.SystemLogLevel ?? 'INFO'}
  if (input.ApplicationLogLevel !== undefined || input.SystemLogLevel !== undefined) {
    throw invalidParameter('ApplicationLogLevel and SystemLogLevel can only be set when LogFormat is JSON.')
  }
  const {ApplicationLogLevel: _application, SystemLogLevel: _system, ...text} = merged
  return text
}

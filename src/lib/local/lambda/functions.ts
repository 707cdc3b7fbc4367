/** CreateFunction, GetFunction, GetFunctionConfiguration, UpdateFunctionCode, UpdateFunctionConfiguration, DeleteFunction, ListFunctions. */
import {randomUUID} from 'node:crypto'

import type {FunctionConfiguration} from '@aws-sdk/client-lambda'

import type {Handler, LambdaCall} from './call.js'
import {paginate, param} from './call.js'
import type {StoredCode} from './code.js'
import {acceptCode, codeInput} from './code.js'
import {applySettings, checkTotalSize, newConfiguration, resolveLayers} from './config.js'
import {checkExecutionRole, vpcOutcome} from './execution-role.js'
import type {ImageRef} from './image.js'
import {acceptImage, checkImageSettings, imageCodeLocation, packageTypeOf} from './image.js'
import type {FunctionRecord, Timing, VersionRecord} from './records.js'
import {functionArn, isVersionNumber, parseFunctionRef} from './names.js'
import {conflict, invalidParameter, lambdaTimestamp, validationError} from './protocol.js'
import {changeFunction, findFunction, functionNotFound, listFunctions, loadFunction, putFunction, versionFor} from './repo.js'
import {assertNotBusy, currentRevisionId, effectiveConfiguration, startTiming} from './state.js'
import {zipUrl} from './serve-code.js'
import {checkRevision, validateSettings, validateTags} from './validate.js'
import {configAtStart, publishLatest} from './versions.js'

export const createFunction: Handler = async (call) => {
  const input = await call.json()
  const missing = (['FunctionName', 'Role', 'Code'] as const).filter((key) => input[key] === undefined || input[key] === null)
  if (missing.length > 0) throw validationError(missing.map((key) => `Value null at '${key.charAt(0).toLowerCase()}${key.slice(1)}' failed to satisfy constraint: Member must not be null`))
  const ref = parseFunctionRef(call.scope, String(input.FunctionName))
  if (ref.qualifier) throw invalidParameter('Unsupported function name: a qualifier is not allowed in CreateFunction.')
  const packageType = packageTypeOf(input)
  if (packageType === 'Zip' && (input.Runtime === undefined || input.Handler === undefined)) {
    throw invalidParameter('Runtime and Handler are mandatory parameters for functions created with deployment packages.')
  }
  validateSettings(input)
  const tags = input.Tags === undefined || input.Tags === null ? {} : validateTags(input.Tags)
  const role = await checkExecutionRole(call.scope, String(input.Role))
  const {code, image} = packageType === 'Image' ? acceptImage(codeInput(input.Code, 'Code').ImageUri) : {code: await acceptCode(call.scope.context, codeInput(input.Code, 'Code'), 'CreateFunction'), image: undefined}
  const layers = await resolveLayers(call.scope, (input.Layers ?? []) as string[])
  checkTotalSize(code.unzippedSize, layers)
  const config = applySettings(newConfiguration(call.scope, ref.name, input, code), input, layers)
  const outcome = vpcOutcome(role, config.VpcConfig?.SubnetIds)
  const latest: VersionRecord = {config, code, layers, timing: startTiming(call.scope.context.settings.stateDelayMs, false, outcome), ...(image ? {image} : {})}
  const result = await call.scope.context.store.transaction(async () => {
    if (await findFunction(call.scope, ref.name)) throw conflict(`Function already exist: ${ref.name}`)
    let record: FunctionRecord = {
      name: ref.name, versions: {$LATEST: latest}, lastVersion: 0, aliases: {}, policies: {}, urls: {}, provisioned: {}, eventInvokeConfigs: {},
      tags,
    }
    let shown = latest
    if (input.Publish === true) {
      const published = publishLatest(call.scope, record, undefined)
      record = published.record
      shown = published.version
    }
    await putFunction(call.scope, record)
    return shown
  })
  return {status: 201, body: configAtStart(result)}
}

export const getFunction: Handler = async (call) => {
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'), call.query.get('Qualifier'))
  const fn = await loadFunction(call.scope, ref.name)
  const {version} = versionFor(call.scope, fn, ref)
  const body: Record<string, unknown> = {
    Configuration: shownConfiguration(call, fn, version, ref.qualifier),
    Code: version.image ? imageCodeLocation({...version, image: version.image}) : {RepositoryType: 'S3', Location: zipUrl(call.scope.context, version.code.sha256)},
  }
  if (Object.keys(fn.tags).length > 0) body.Tags = fn.tags
  if (fn.reservedConcurrency !== undefined) body.Concurrency = {ReservedConcurrentExecutions: fn.reservedConcurrency}
  return {status: 200, body}
}

export const getFunctionConfiguration: Handler = async (call) => {
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'), call.query.get('Qualifier'))
  const fn = await loadFunction(call.scope, ref.name)
  const {version} = versionFor(call.scope, fn, ref)
  return {status: 200, body: shownConfiguration(call, fn, version, ref.qualifier)}
}

/** The configuration as read: an alias or $LATEST qualifier shows up in FunctionArn, as on Lambda. */
function shownConfiguration(call: LambdaCall, fn: FunctionRecord, version: VersionRecord, qualifier: string | undefined): FunctionConfiguration {
  const config = effectiveConfiguration(version)
  if (qualifier && !isVersionNumber(qualifier)) return {...config, FunctionArn: functionArn(call.scope, fn.name, qualifier)}
  return config
}

export const updateFunctionCode: Handler = async (call) => {
  const input = await call.json()
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'))
  if (ref.qualifier) throw invalidParameter('Unsupported function name: UpdateFunctionCode applies to $LATEST only.')
  const current = await loadFunction(call.scope, ref.name) // not found before a code problem, as Lambda answers
  const {code, image} = await newCode(call, input, current)
  const shown = await changeFunction(call.scope, ref.name, (fn) => {
    const latest = fn.versions.$LATEST as VersionRecord
    assertNotBusy(latest, functionArn(call.scope, fn.name))
    checkRevision(input.RevisionId, currentRevisionId(latest))
    checkTotalSize(code.unzippedSize, latest.layers)
    const config: FunctionConfiguration = {
      ...latest.config,
      CodeSha256: code.sha256Base64,
      CodeSize: code.size,
      LastModified: lambdaTimestamp(),
      RevisionId: randomUUID(),
      ...(Array.isArray(input.Architectures) ? {Architectures: input.Architectures as FunctionConfiguration['Architectures']} : {}),
    }
    const updated: VersionRecord = {config, code, layers: latest.layers, timing: startTiming(call.scope.context.settings.stateDelayMs, true), ...(image ? {image} : {})}
    if (input.DryRun === true) return {result: updated}
    const record: FunctionRecord = {...fn, versions: {...fn.versions, $LATEST: updated}}
    if (input.Publish === true) {
      const published = publishLatest(call.scope, record, undefined)
      return {record: published.record, result: published.version}
    }
    return {record, result: updated}
  })
  return {status: 200, body: configAtStart(shown)}
}

/** UpdateFunctionCode's new code: an image for an Image function, a zip (ZipFile or S3) for a Zip one, as Lambda insists. */
async function newCode(call: LambdaCall, input: Record<string, unknown>, fn: FunctionRecord): Promise<{code: StoredCode; image?: ImageRef | undefined}> {
  if (fn.versions.$LATEST?.config.PackageType === 'Image') {
    if (input.ImageUri === undefined || input.ZipFile !== undefined || input.S3Bucket !== undefined || input.S3Key !== undefined) {
      throw invalidParameter('Please provide ImageUri when updating a function with packageType Image.')
    }
    return acceptImage(input.ImageUri)
  }
  if (input.ImageUri !== undefined) throw invalidParameter("Please don't provide ImageUri when updating a function with packageType Zip.")
  return {code: await acceptCode(call.scope.context, input, 'UpdateFunctionCode')}
}

export const updateFunctionConfiguration: Handler = async (call) => {
  const input = await call.json()
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'))
  if (ref.qualifier) throw invalidParameter('Unsupported function name: UpdateFunctionConfiguration applies to $LATEST only.')
  validateSettings(input)
  const current = await loadFunction(call.scope, ref.name)
  if (current.versions.$LATEST?.config.PackageType === 'Image') checkImageSettings(input)
  else if (input.ImageConfig !== undefined) throw invalidParameter('ImageUri and ImageConfig are only supported for functions with package type Image.')
  const outcome = await updateOutcome(call, input, current)
  const layers = input.Layers === undefined ? undefined : await resolveLayers(call.scope, input.Layers as string[])
  const shown = await changeFunction(call.scope, ref.name, (fn) => {
    const latest = fn.versions.$LATEST as VersionRecord
    assertNotBusy(latest, functionArn(call.scope, fn.name))
    checkRevision(input.RevisionId, currentRevisionId(latest))
    if (layers) checkTotalSize(latest.code.unzippedSize, layers)
    const config = {...applySettings(latest.config, input, layers), LastModified: lambdaTimestamp(), RevisionId: randomUUID()}
    const updated: VersionRecord = {...latest, config, layers: layers ?? latest.layers, timing: startTiming(call.scope.context.settings.stateDelayMs, true, outcome(config))}
    return {record: {...fn, versions: {...fn.versions, $LATEST: updated}}, result: updated}
  })
  return {status: 200, body: configAtStart(shown)}
}

/**
 * Checks a new Role as CreateFunction does, and tells how the update will end: when it changes the
 * role or the VPC of a function in a VPC, Lambda creates network interfaces with the role, and the
 * update fails if the role may not.
 */
async function updateOutcome(call: LambdaCall, input: Record<string, unknown>, fn: FunctionRecord): Promise<(config: FunctionConfiguration) => Timing['outcome']> {
  const newRole = typeof input.Role === 'string' ? await checkExecutionRole(call.scope, input.Role) : undefined
  if (newRole === undefined && input.VpcConfig === undefined) return () => undefined
  const currentArn = fn.versions.$LATEST?.config.Role ?? ''
  const role = newRole ?? (typeof input.Role === 'string' || currentArn.split(':')[4] !== call.scope.accountId ? undefined : await call.scope.context.hooks.iam.role(currentArn))
  return (config) => vpcOutcome(role, config.VpcConfig?.SubnetIds)
}

export const deleteFunction: Handler = async (call) => {
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'), call.query.get('Qualifier'))
  await changeFunction(call.scope, ref.name, (fn) => {
    if (ref.qualifier === undefined) return {record: null, result: undefined}
    if (ref.qualifier === '$LATEST') throw invalidParameter('$LATEST version cannot be deleted without deleting the function.')
    if (!isVersionNumber(ref.qualifier)) throw invalidParameter('Deletion of aliases is not supported via this API; use DeleteAlias.')
    if (!fn.versions[ref.qualifier]) functionNotFound(call.scope, fn.name, ref.qualifier)
    const users = Object.values(fn.aliases)
      .filter((alias) => alias.FunctionVersion === ref.qualifier || Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).includes(ref.qualifier ?? ''))
      .map((alias) => alias.Name)
    if (users.length > 0) throw conflict(`Unable to delete version because the following aliases reference it: [${users.join(', ')}]`)
    const versions = {...fn.versions}
    delete versions[ref.qualifier]
    return {record: {...fn, versions}, result: undefined}
  })
  // The model binds DeleteFunction's StatusCode to the HTTP status and declares 200.
  return {status: 200}
}

export const listFunctionsHandler: Handler = async (call) => {
  const all = call.query.get('FunctionVersion') === 'ALL'
  const functions = await listFunctions(call.scope)
  const configs = functions.flatMap((fn) => {
    const ids = all ? Object.keys(fn.versions).sort((a, b) => (a === '$LATEST' ? -1 : b === '$LATEST' ? 1 : Number(a) - Number(b))) : ['$LATEST']
    return ids.map((id) => {
      const config = effectiveConfiguration(fn.versions[id] as VersionRecord)
      return all && id === '$LATEST' ? {...config, FunctionArn: functionArn(call.scope, fn.name, '$LATEST')} : config
    })
  })
  const {page, nextMarker} = paginate(configs, call.query)
  return {status: 200, body: {Functions: page, ...(nextMarker ? {NextMarker: nextMarker} : {})}}
}

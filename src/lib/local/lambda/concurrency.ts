/** Reserved and provisioned concurrency, and GetAccountSettings. */
import type {ProvisionedConcurrencyConfigListItem} from '@aws-sdk/client-lambda'

import type {Handler} from './call.js'
import {paginate, param} from './call.js'
import {functionArn, parseFunctionRef} from './names.js'
import {invalidParameter, LambdaError, lambdaTimestamp, validationError} from './protocol.js'
import {changeFunction, listFunctions, loadFunction, versionFor} from './repo.js'
import {LIMITS} from './validate.js'

/** Lambda's default account quota, and the share it keeps unreserved. */
export const ACCOUNT_CONCURRENCY = 1000
const MIN_UNRESERVED = 100

export const putFunctionConcurrency: Handler = async (call) => {
  const input = await call.json()
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'))
  const value = input.ReservedConcurrentExecutions
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw validationError([`Value '${String(value)}' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0`])
  }
  await call.scope.context.store.transaction(async () => {
    const others = (await listFunctions(call.scope)).filter((fn) => fn.name !== ref.name).reduce((sum, fn) => sum + (fn.reservedConcurrency ?? 0), 0)
    if (ACCOUNT_CONCURRENCY - others - value < MIN_UNRESERVED) {
      throw invalidParameter(`Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${MIN_UNRESERVED}].`)
    }
    const fn = await loadFunction(call.scope, ref.name)
    await call.scope.context.store.put(`lambda/${call.scope.region}/functions`, fn.name, {...fn, reservedConcurrency: value})
  })
  return {status: 200, body: {ReservedConcurrentExecutions: value}}
}

export const getFunctionConcurrency: Handler = async (call) => {
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'))
  const fn = await loadFunction(call.scope, ref.name)
  return {status: 200, body: fn.reservedConcurrency === undefined ? {} : {ReservedConcurrentExecutions: fn.reservedConcurrency}}
}

export const deleteFunctionConcurrency: Handler = async (call) => {
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'))
  await changeFunction(call.scope, ref.name, (fn) => {
    const {reservedConcurrency: _removed, ...rest} = fn
    return {record: rest, result: undefined}
  })
  return {status: 204}
}

function provisionedQualifier(call: Parameters<Handler>[0]): {name: string; qualifier: string} {
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'), call.query.get('Qualifier'))
  if (!ref.qualifier) throw validationError([`Value null at 'qualifier' failed to satisfy constraint: Member must not be null`])
  if (ref.qualifier === '$LATEST') throw invalidParameter('Provisioned Concurrency Configs cannot be applied to unpublished function versions.')
  return {name: ref.name, qualifier: ref.qualifier}
}

function configNotFound(): never {
  throw new LambdaError('ProvisionedConcurrencyConfigNotFoundException', 'No Provisioned Concurrency Config found for this function', undefined, 404)
}

export const putProvisionedConcurrencyConfig: Handler = async (call) => {
  const input = await call.json()
  const {name, qualifier} = provisionedQualifier(call)
  const value = input.ProvisionedConcurrentExecutions
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw validationError([`Value '${String(value)}' at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 1`])
  }
  const item = await changeFunction(call.scope, name, (fn) => {
    versionFor(call.scope, fn, {name, qualifier})
    // Allocation takes the state delay, as on Lambda (minutes there); no environments are actually pre-warmed.
    const config: StoredProvisioned = {
      FunctionArn: functionArn(call.scope, name, qualifier),
      RequestedProvisionedConcurrentExecutions: value,
      AllocatedProvisionedConcurrentExecutions: value,
      AvailableProvisionedConcurrentExecutions: value,
      Status: 'READY',
      LastModified: lambdaTimestamp(),
      readyAt: Date.now() + call.scope.context.settings.stateDelayMs,
    }
    return {record: {...fn, provisioned: {...fn.provisioned, [qualifier]: config}}, result: config}
  })
  const {FunctionArn: _arn, ...body} = provisionedNow(item)
  return {status: 202, body}
}

/** As stored: the allocation settles at `readyAt` (missing in stores written before: settled). */
type StoredProvisioned = ProvisionedConcurrencyConfigListItem & {readonly readyAt?: number}

/** The configuration as Lambda reports it now: IN_PROGRESS with nothing allocated until it is READY. */
function provisionedNow(item: StoredProvisioned, now = Date.now()): ProvisionedConcurrencyConfigListItem {
  const {readyAt, ...config} = item
  if (readyAt === undefined || now >= readyAt) return config
  return {...config, Status: 'IN_PROGRESS', AllocatedProvisionedConcurrentExecutions: 0, AvailableProvisionedConcurrentExecutions: 0}
}

export const getProvisionedConcurrencyConfig: Handler = async (call) => {
  const {name, qualifier} = provisionedQualifier(call)
  const fn = await loadFunction(call.scope, name)
  const {FunctionArn: _arn, ...body} = provisionedNow(fn.provisioned[qualifier] ?? configNotFound())
  return {status: 200, body}
}

export const deleteProvisionedConcurrencyConfig: Handler = async (call) => {
  const {name, qualifier} = provisionedQualifier(call)
  await changeFunction(call.scope, name, (fn) => {
    if (!fn.provisioned[qualifier]) configNotFound()
    const provisioned = {...fn.provisioned}
    delete provisioned[qualifier]
    return {record: {...fn, provisioned}, result: undefined}
  })
  return {status: 204}
}

export const listProvisionedConcurrencyConfigs: Handler = async (call) => {
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'))
  const fn = await loadFunction(call.scope, ref.name)
  const {page, nextMarker} = paginate(Object.values(fn.provisioned).map((item) => provisionedNow(item)), call.query)
  return {status: 200, body: {ProvisionedConcurrencyConfigs: page, ...(nextMarker ? {NextMarker: nextMarker} : {})}}
}

export const getAccountSettings: Handler = async (call) => {
  const functions = await listFunctions(call.scope)
  const reserved = functions.reduce((sum, fn) => sum + (fn.reservedConcurrency ?? 0), 0)
  const totalCodeSize = functions.reduce((sum, fn) => sum + Object.values(fn.versions).reduce((s, v) => s + v.code.size, 0), 0)
  return {
    status: 200,
    body: {
      AccountLimit: {
        TotalCodeSize: 80_530_636_800,
        CodeSizeUnzipped: LIMITS.unzippedMax,
        CodeSizeZipped: LIMITS.zippedDirectMax,
        ConcurrentExecutions: ACCOUNT_CONCURRENCY,
        UnreservedConcurrentExecutions: ACCOUNT_CONCURRENCY - reserved,
      },
      AccountUsage: {TotalCodeSize: totalCodeSize, FunctionCount: functions.length},
    },
  }
}

/**
 * Put/Update/Get/Delete/ListFunctionEventInvokeConfigs: how Lambda handles a function's Event
 * invocations (retries, maximum event age, destinations), per qualifier. The async queue honours
 * MaximumRetryAttempts; MaximumEventAgeInSeconds and the destinations are stored and answered but not
 * acted on yet (the README says so).
 */
import type {DestinationConfig, FunctionEventInvokeConfig} from '@aws-sdk/client-lambda'

import {loadModel} from '../model/models.js'
import {validateInput} from '../model/validate.js'
import type {Handler, LambdaCall} from './call.js'
import {paginate, param} from './call.js'
import type {FunctionRecord} from './records.js'
import {functionArn, parseFunctionRef} from './names.js'
import {invalidParameter, notFound, validationError} from './protocol.js'
import {changeFunction, loadFunction, versionFor} from './repo.js'
import {isObject} from './validate.js'

/** As stored: LastModified in epoch seconds (what the JSON protocol carries for a timestamp). */
export type StoredEventInvokeConfig = Omit<FunctionEventInvokeConfig, 'LastModified'> & {readonly LastModified: number}

/** The services a destination may be (S3 for failures only): SQS, SNS, Lambda, EventBridge. */
const DESTINATIONS = new Set(['sqs', 'sns', 'lambda', 'events'])

/** The function and qualifier a call names ($LATEST unless a Qualifier is given), checked to exist. */
function target(call: LambdaCall, fn: FunctionRecord): {qualifier: string; arn: string} {
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'), call.query.get('Qualifier'))
  const qualifier = ref.qualifier ?? '$LATEST'
  versionFor(call.scope, fn, {name: fn.name, qualifier})
  return {qualifier, arn: functionArn(call.scope, fn.name, qualifier)}
}

function missing(arn: string): never {
  throw notFound(`The function ${arn} doesn't have an EventInvokeConfig`)
}

/** The request's settings, checked against the model (ranges, destination pattern) and Lambda's destination rules. */
async function settingsOf(call: LambdaCall, operation: string): Promise<Partial<StoredEventInvokeConfig>> {
  const input = await call.json()
  const model = loadModel('lambda')
  const problems = validateInput(model, model.operations[operation]?.input?.shape, {...input, FunctionName: param(call, 'FunctionName')})
  if (problems.length > 0) throw validationError(problems)
  const settings: Partial<StoredEventInvokeConfig> = {}
  if (typeof input.MaximumRetryAttempts === 'number') settings.MaximumRetryAttempts = input.MaximumRetryAttempts
  if (typeof input.MaximumEventAgeInSeconds === 'number') settings.MaximumEventAgeInSeconds = input.MaximumEventAgeInSeconds
  if (isObject(input.DestinationConfig)) settings.DestinationConfig = destinations(input.DestinationConfig)
  return settings
}

function destinations(config: Record<string, unknown>): DestinationConfig {
  const one = (key: 'OnSuccess' | 'OnFailure'): {Destination?: string} => {
    const value = config[key]
    const arn = isObject(value) && typeof value.Destination === 'string' && value.Destination !== '' ? value.Destination : undefined
    if (arn === undefined) return {}
    const service = arn.split(':')[2] ?? ''
    if (!(DESTINATIONS.has(service) || (key === 'OnFailure' && service === 's3'))) throw invalidParameter(`The provided destination config DestinationArn ${arn} is invalid.`)
    return {Destination: arn}
  }
  return {OnSuccess: one('OnSuccess'), OnFailure: one('OnFailure')}
}

/** The configuration as Lambda answers it: FunctionArn qualified, both destinations present (empty when unset). */
function shown(config: StoredEventInvokeConfig): StoredEventInvokeConfig {
  return {...config, DestinationConfig: {OnSuccess: config.DestinationConfig?.OnSuccess ?? {}, OnFailure: config.DestinationConfig?.OnFailure ?? {}}}
}

/** Put replaces the whole configuration; Update changes only what it names and needs one to exist. */
function writer(operation: string, merge: boolean): Handler {
  return async (call) => {
    const settings = await settingsOf(call, operation)
    const fn = await loadFunction(call.scope, parseFunctionRef(call.scope, param(call, 'FunctionName')).name)
    const config = await changeFunction(call.scope, fn.name, (current) => {
      const {qualifier, arn} = target(call, current)
      const existing = current.eventInvokeConfigs[qualifier] as StoredEventInvokeConfig | undefined
      if (merge && !existing) missing(arn)
      const next: StoredEventInvokeConfig = {...(merge ? existing : {}), ...settings, FunctionArn: arn, LastModified: Date.now() / 1000}
      return {record: {...current, eventInvokeConfigs: {...current.eventInvokeConfigs, [qualifier]: next as unknown as FunctionEventInvokeConfig}}, result: next}
    })
    return {status: 200, body: shown(config)}
  }
}

export const putFunctionEventInvokeConfig = writer('PutFunctionEventInvokeConfig', false)
export const updateFunctionEventInvokeConfig = writer('UpdateFunctionEventInvokeConfig', true)

export const getFunctionEventInvokeConfig: Handler = async (call) => {
  const fn = await loadFunction(call.scope, parseFunctionRef(call.scope, param(call, 'FunctionName')).name)
  const {qualifier, arn} = target(call, fn)
  const config = (fn.eventInvokeConfigs[qualifier] as StoredEventInvokeConfig | undefined) ?? missing(arn)
  return {status: 200, body: shown(config)}
}

export const deleteFunctionEventInvokeConfig: Handler = async (call) => {
  const name = parseFunctionRef(call.scope, param(call, 'FunctionName')).name
  await changeFunction(call.scope, name, (fn) => {
    const {qualifier, arn} = target(call, fn)
    if (!fn.eventInvokeConfigs[qualifier]) missing(arn)
    const eventInvokeConfigs = {...fn.eventInvokeConfigs}
    delete eventInvokeConfigs[qualifier]
    return {record: {...fn, eventInvokeConfigs}, result: undefined}
  })
  return {status: 204}
}

export const listFunctionEventInvokeConfigs: Handler = async (call) => {
  const fn = await loadFunction(call.scope, parseFunctionRef(call.scope, param(call, 'FunctionName')).name)
  const configs = Object.values(fn.eventInvokeConfigs as Record<string, unknown> as Record<string, StoredEventInvokeConfig>)
    .sort((a, b) => (a.FunctionArn ?? '').localeCompare(b.FunctionArn ?? ''))
    .map(shown)
  const {page, nextMarker} = paginate(configs, call.query, 50, 50)
  return {status: 200, body: {FunctionEventInvokeConfigs: page, ...(nextMarker ? {NextMarker: nextMarker} : {})}}
}

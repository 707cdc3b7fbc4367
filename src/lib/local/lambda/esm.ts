/**
 * Event source mappings: stored and returned with Lambda's state transitions (Creating → Enabled,
 * Enabling/Disabling/Updating → Enabled/Disabled, Deleting). Delivering events is a later issue.
 */
import {randomUUID} from 'node:crypto'

import type {EventSourceMappingConfiguration} from '@aws-sdk/client-lambda'

import type {Handler, LambdaCall} from './call.js'
import {paginate, param} from './call.js'
import type {EventSourceMappingRecord} from './records.js'
import {mappingsCollection} from './records.js'
import {functionArn, parseFunctionRef} from './names.js'
import {conflict, invalidParameter, LambdaError, notFound, validationError} from './protocol.js'
import {loadFunction, versionFor} from './repo.js'

/** Settings the API copies from the request into the mapping. */
const COPIED = [
  'EventSourceArn', 'BatchSize', 'MaximumBatchingWindowInSeconds', 'ParallelizationFactor', 'StartingPosition', 'StartingPositionTimestamp',
  'FilterCriteria', 'DestinationConfig', 'MaximumRecordAgeInSeconds', 'BisectBatchOnFunctionError', 'MaximumRetryAttempts',
  'TumblingWindowInSeconds', 'Topics', 'Queues', 'SourceAccessConfigurations', 'SelfManagedEventSource', 'FunctionResponseTypes',
  'ScalingConfig', 'KMSKeyArn', 'MetricsConfig', 'LoggingConfig',
] as const

const UPDATABLE = new Set(['BatchSize', 'MaximumBatchingWindowInSeconds', 'ParallelizationFactor', 'FilterCriteria', 'DestinationConfig', 'MaximumRecordAgeInSeconds',
  'BisectBatchOnFunctionError', 'MaximumRetryAttempts', 'TumblingWindowInSeconds', 'SourceAccessConfigurations', 'FunctionResponseTypes', 'ScalingConfig', 'KMSKeyArn', 'MetricsConfig', 'LoggingConfig'])

function defaultBatchSize(source: string): number {
  return source.includes(':sqs:') ? 10 : 100
}

/** The mapping as read now: a transitional state settles once its time has come. */
function current(record: EventSourceMappingRecord, now = Date.now()): EventSourceMappingConfiguration {
  if (record.settle && now >= record.settle.at) return {...record.config, State: record.settle.state}
  return record.config
}

/** The answer: timestamps as epoch seconds (the model's Date type over JSON). */
function output(config: EventSourceMappingConfiguration): Record<string, unknown> {
  const body: Record<string, unknown> = {...config}
  for (const key of ['LastModified', 'StartingPositionTimestamp'] as const) {
    const value = config[key]
    if (value !== undefined) body[key] = typeof value === 'number' ? value : new Date(value).getTime() / 1000
  }
  return body
}

/** The function ARN a mapping targets (qualified when the caller named a version or alias). */
async function targetArn(call: LambdaCall, raw: unknown): Promise<string> {
  if (typeof raw !== 'string') throw validationError([`Value null at 'functionName' failed to satisfy constraint: Member must not be null`])
  const ref = parseFunctionRef(call.scope, raw)
  const fn = await loadFunction(call.scope, ref.name)
  if (ref.qualifier) versionFor(call.scope, fn, ref)
  return functionArn(call.scope, fn.name, ref.qualifier)
}

function mappingNotFound(uuid: string): never {
  throw notFound(`The resource you requested does not exist. (Service: Lambda, Status Code: 404, Request ID: ${uuid})`)
}

export const createEventSourceMapping: Handler = async (call) => {
  const input = await call.json()
  const source = input.EventSourceArn
  if (typeof source !== 'string' && input.SelfManagedEventSource === undefined) throw invalidParameter('Unrecognized event source, must be kinesis, dynamodb stream, sqs, msk, mq, documentdb or kafka.')
  const fnArn = await targetArn(call, input.FunctionName)
  const {store, settings} = call.scope.context
  const collection = mappingsCollection(call.scope.region)
  const record = await store.transaction(async () => {
    const existing = (await store.list<EventSourceMappingRecord>(collection)).find((m) => m.config.EventSourceArn === source && m.config.FunctionArn === fnArn)
    if (existing && typeof source === 'string') {
      throw conflict(`An event source mapping with event source ("${source}") and function ("${String(input.FunctionName)}") already exists. Please update or delete the existing mapping with UUID ${existing.config.UUID}`)
    }
    const uuid = randomUUID()
    const config: EventSourceMappingConfiguration & {UUID: string} = {UUID: uuid, FunctionArn: fnArn, State: 'Creating', StateTransitionReason: 'USER_INITIATED', LastModified: new Date(), LastProcessingResult: 'No records processed'}
    for (const key of COPIED) if (input[key] !== undefined) (config as unknown as Record<string, unknown>)[key] = input[key]
    config.BatchSize ??= defaultBatchSize(typeof source === 'string' ? source : '')
    config.EventSourceMappingArn = `arn:aws:lambda:${call.scope.region}:${call.scope.accountId}:event-source-mapping:${uuid}`
    const created: EventSourceMappingRecord = {config, settle: {at: Date.now() + settings.stateDelayMs, state: input.Enabled === false ? 'Disabled' : 'Enabled'}}
    await store.put(collection, uuid, created)
    return created
  })
  return {status: 202, body: output(record.config)}
}

export const getEventSourceMapping: Handler = async (call) => {
  const uuid = param(call, 'UUID')
  const record = await call.scope.context.store.get<EventSourceMappingRecord>(mappingsCollection(call.scope.region), uuid)
  return {status: 200, body: output(current(record ?? mappingNotFound(uuid)))}
}

export const updateEventSourceMapping: Handler = async (call) => {
  const input = await call.json()
  const uuid = param(call, 'UUID')
  const {store, settings} = call.scope.context
  const collection = mappingsCollection(call.scope.region)
  const fnArn = input.FunctionName === undefined ? undefined : await targetArn(call, input.FunctionName)
  const updated = await store.transaction(async () => {
    const record = (await store.get<EventSourceMappingRecord>(collection, uuid)) ?? mappingNotFound(uuid)
    const now = current(record)
    if (!['Enabled', 'Disabled'].includes(now.State ?? '')) {
      throw new LambdaError('ResourceInUseException', `Cannot update the event source mapping because it is in use. Current state: ${now.State ?? ''}`)
    }
    const config: EventSourceMappingConfiguration & {UUID: string} = {...now, UUID: uuid, LastModified: new Date(), StateTransitionReason: 'USER_INITIATED'}
    for (const [key, value] of Object.entries(input)) if (UPDATABLE.has(key)) (config as unknown as Record<string, unknown>)[key] = value
    if (fnArn) config.FunctionArn = fnArn
    const enabled = input.Enabled === undefined ? now.State === 'Enabled' : input.Enabled === true
    const target = enabled ? 'Enabled' : 'Disabled'
    config.State = target === now.State ? 'Updating' : enabled ? 'Enabling' : 'Disabling'
    const next: EventSourceMappingRecord = {config, settle: {at: Date.now() + settings.stateDelayMs, state: target}}
    await store.put(collection, uuid, next)
    return next
  })
  return {status: 202, body: output(updated.config)}
}

export const deleteEventSourceMapping: Handler = async (call) => {
  const uuid = param(call, 'UUID')
  const {store} = call.scope.context
  const collection = mappingsCollection(call.scope.region)
  const deleted = await store.transaction(async () => {
    const record = (await store.get<EventSourceMappingRecord>(collection, uuid)) ?? mappingNotFound(uuid)
    await store.delete(collection, uuid)
    return record
  })
  return {status: 202, body: output({...current(deleted), State: 'Deleting', StateTransitionReason: 'USER_INITIATED'})}
}

export const listEventSourceMappings: Handler = async (call) => {
  const source = call.query.get('EventSourceArn')
  const name = call.query.get('FunctionName')
  const fnArn = name ? functionArn(call.scope, parseFunctionRef(call.scope, name).name) : undefined
  const mappings = (await call.scope.context.store.list<EventSourceMappingRecord>(mappingsCollection(call.scope.region)))
    .map((record) => current(record))
    .filter((config) => !source || config.EventSourceArn === source)
    .filter((config) => !fnArn || config.FunctionArn === fnArn || config.FunctionArn?.startsWith(`${fnArn}:`))
  const {page, nextMarker} = paginate(mappings.map(output), call.query)
  return {status: 200, body: {EventSourceMappings: page, ...(nextMarker ? {NextMarker: nextMarker} : {})}}
}

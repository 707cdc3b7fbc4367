/**
 * Event source mappings: stored and returned with Lambda's state transitions (Creating → Enabled,
 * Enabling/Disabling/Updating → Enabled/Disabled, Deleting → gone, each after the state delay). SQS mappings
 * are checked against their queue (esm-sqs.ts) and delivered by the poller (esm-poller.ts).
 */
import {randomUUID} from 'node:crypto'

import type {EventSourceMappingConfiguration} from '@aws-sdk/client-lambda'

import {loadModel} from '../model/models.js'
import {validateInput} from '../model/validate.js'
import type {Handler, LambdaCall} from './call.js'
import {paginate, param} from './call.js'
import {checkSqsMapping, isSqsSource} from './esm-sqs.js'
import type {EventSourceMappingRecord} from './records.js'
import {ESM_REGIONS, mappingsCollection} from './records.js'
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

type MappingConfig = EventSourceMappingConfiguration & {UUID: string}

function defaultBatchSize(source: string): number {
  return isSqsSource(source) ? 10 : 100
}

/** The mapping as read now: a transitional state settles once its time has come; undefined once deleted. */
export function currentMapping(record: EventSourceMappingRecord, now = Date.now()): EventSourceMappingConfiguration | undefined {
  if (record.settle && now >= record.settle.at) return record.settle.state === 'Deleted' ? undefined : {...record.config, State: record.settle.state}
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

/** The function ARN a mapping targets (qualified when the caller named a version or alias), and that version's timeout. */
async function targetOf(call: LambdaCall, raw: unknown): Promise<{arn: string; timeout: number}> {
  if (typeof raw !== 'string') throw validationError([`Value null at 'functionName' failed to satisfy constraint: Member must not be null`])
  const ref = parseFunctionRef(call.scope, raw)
  const fn = await loadFunction(call.scope, ref.name)
  const {version} = versionFor(call.scope, fn, ref)
  return {arn: functionArn(call.scope, fn.name, ref.qualifier), timeout: version.config.Timeout ?? 3}
}

function mappingNotFound(uuid: string): never {
  throw notFound(`The resource you requested does not exist. (Service: Lambda, Status Code: 404, Request ID: ${uuid})`)
}

/** The input checked against the model's constraints (batch size 1–10000, window 0–300 s, MaximumConcurrency 2–1000…). */
function checkModel(operation: string, input: Record<string, unknown>, extra: Record<string, unknown>): void {
  const model = loadModel('lambda')
  const problems = validateInput(model, model.operations[operation]?.input?.shape, {...input, ...extra})
  if (problems.length > 0) throw validationError(problems)
}

function copySettings(config: MappingConfig, input: Record<string, unknown>, keys: Iterable<string>): void {
  for (const key of keys) if (input[key] !== undefined) (config as unknown as Record<string, unknown>)[key] = input[key]
}

export const createEventSourceMapping: Handler = async (call) => {
  const input = await call.json()
  const source = input.EventSourceArn
  if (typeof source !== 'string' && input.SelfManagedEventSource === undefined) throw invalidParameter('Unrecognized event source, must be kinesis, dynamodb stream, sqs, msk, mq, documentdb or kafka.')
  checkModel('CreateEventSourceMapping', input, {})
  const target = await targetOf(call, input.FunctionName)
  const {store, settings} = call.scope.context
  const uuid = randomUUID()
  const config: MappingConfig = {UUID: uuid, FunctionArn: target.arn, State: 'Creating', StateTransitionReason: 'USER_INITIATED', LastModified: new Date(), LastProcessingResult: 'No records processed'}
  copySettings(config, input, COPIED)
  config.BatchSize ??= defaultBatchSize(typeof source === 'string' ? source : '')
  config.EventSourceMappingArn = `arn:aws:lambda:${call.scope.region}:${call.scope.accountId}:event-source-mapping:${uuid}`
  if (isSqsSource(config.EventSourceArn)) {
    config.MaximumBatchingWindowInSeconds ??= 0
    await checkSqsMapping(call.scope.context, config, target.timeout)
  }
  const collection = mappingsCollection(call.scope.region)
  const record = await store.transaction(async () => {
    const existing = (await store.list<EventSourceMappingRecord>(collection)).find((m) => m.config.EventSourceArn === source && m.config.FunctionArn === target.arn && currentMapping(m))
    if (existing && typeof source === 'string') {
      throw conflict(`An event source mapping with event source ("${source}") and function ("${String(input.FunctionName)}") already exists. Please update or delete the existing mapping with UUID ${existing.config.UUID}`)
    }
    const created: EventSourceMappingRecord = {config, settle: {at: Date.now() + settings.stateDelayMs, state: input.Enabled === false ? 'Disabled' : 'Enabled'}}
    await store.put(collection, uuid, created)
    // The poller finds mappings by region: it reads this list, not every directory of the store.
    await store.put(ESM_REGIONS, call.scope.region, {region: call.scope.region})
    return created
  })
  return {status: 202, body: output(record.config)}
}

export const getEventSourceMapping: Handler = async (call) => {
  const uuid = param(call, 'UUID')
  const record = await call.scope.context.store.get<EventSourceMappingRecord>(mappingsCollection(call.scope.region), uuid)
  return {status: 200, body: output((record && currentMapping(record)) ?? mappingNotFound(uuid))}
}

export const updateEventSourceMapping: Handler = async (call) => {
  const input = await call.json()
  const uuid = param(call, 'UUID')
  checkModel('UpdateEventSourceMapping', input, {UUID: uuid})
  const {store, settings} = call.scope.context
  const collection = mappingsCollection(call.scope.region)
  const target = input.FunctionName === undefined ? undefined : await targetOf(call, input.FunctionName)
  const stored = await store.get<EventSourceMappingRecord>(collection, uuid)
  const before = (stored && currentMapping(stored)) ?? mappingNotFound(uuid)
  const changed: MappingConfig = {...before, UUID: uuid}
  copySettings(changed, input, [...UPDATABLE].filter((key) => key in input))
  if (isSqsSource(before.EventSourceArn)) {
    const timeout = target?.timeout ?? (await targetOf(call, before.FunctionArn)).timeout
    await checkSqsMapping(call.scope.context, changed, timeout)
  }
  const updated = await store.transaction(async () => {
    const record = await store.get<EventSourceMappingRecord>(collection, uuid)
    const now = (record && currentMapping(record)) ?? mappingNotFound(uuid)
    if (!['Enabled', 'Disabled'].includes(now.State ?? '')) {
      throw new LambdaError('ResourceInUseException', `Cannot update the event source mapping because it is in use. Current state: ${now.State ?? ''}`)
    }
    const config: MappingConfig = {...now, UUID: uuid, LastModified: new Date(), StateTransitionReason: 'USER_INITIATED'}
    copySettings(config, input, [...UPDATABLE].filter((key) => key in input))
    if (target) config.FunctionArn = target.arn
    const enabled = input.Enabled === undefined ? now.State === 'Enabled' : input.Enabled === true
    const state = enabled ? 'Enabled' : 'Disabled'
    config.State = state === now.State ? 'Updating' : enabled ? 'Enabling' : 'Disabling'
    const next: EventSourceMappingRecord = {config, settle: {at: Date.now() + settings.stateDelayMs, state}}
    await store.put(collection, uuid, next)
    return next
  })
  return {status: 202, body: output(updated.config)}
}

export const deleteEventSourceMapping: Handler = async (call) => {
  const uuid = param(call, 'UUID')
  const {store, settings} = call.scope.context
  const collection = mappingsCollection(call.scope.region)
  const deleting = await store.transaction(async () => {
    const record = await store.get<EventSourceMappingRecord>(collection, uuid)
    const now = (record && currentMapping(record)) ?? mappingNotFound(uuid)
    if (now.State === 'Deleting') throw new LambdaError('ResourceInUseException', `Cannot delete the event source mapping because it is in use. Current state: Deleting`)
    // It reads as Deleting until the state delay has passed, then it is gone (the poller removes the document).
    const config: MappingConfig = {...now, UUID: uuid, State: 'Deleting', StateTransitionReason: 'USER_INITIATED'}
    await store.put(collection, uuid, {config, settle: {at: Date.now() + settings.stateDelayMs, state: 'Deleted'}} satisfies EventSourceMappingRecord)
    return config
  })
  return {status: 202, body: output(deleting)}
}

export const listEventSourceMappings: Handler = async (call) => {
  const source = call.query.get('EventSourceArn')
  const name = call.query.get('FunctionName')
  const fnArn = name ? functionArn(call.scope, parseFunctionRef(call.scope, name).name) : undefined
  const mappings = (await call.scope.context.store.list<EventSourceMappingRecord>(mappingsCollection(call.scope.region)))
    .map((record) => currentMapping(record))
    .filter((config) => config !== undefined)
    .filter((config) => !source || config.EventSourceArn === source)
    .filter((config) => !fnArn || config.FunctionArn === fnArn || config.FunctionArn?.startsWith(`${fnArn}:`))
  const {page, nextMarker} = paginate(mappings.map(output), call.query)
  return {status: 200, body: {EventSourceMappings: page, ...(nextMarker ? {NextMarker: nextMarker} : {})}}
}

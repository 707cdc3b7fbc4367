/** CreateAlias, GetAlias, UpdateAlias, DeleteAlias, ListAliases, with weighted routing as Lambda validates it. */
import {randomUUID} from 'node:crypto'

import type {Handler} from './call.js'
import {paginate, param} from './call.js'
import type {AliasRecord, FunctionRecord} from './records.js'
import type {Scope} from './names.js'
import {functionArn, parseFunctionRef} from './names.js'
import {conflict, invalidParameter, notFound, validationError} from './protocol.js'
import {changeFunction, functionNotFound, loadFunction} from './repo.js'
import {checkRevision, isObject} from './validate.js'

const ALIAS_NAME = /^(?!^[0-9]+$)([a-zA-Z0-9_-]+)$/

function aliasNotFound(scope: Scope, fn: FunctionRecord, name: string): never {
  throw notFound(`Alias not found: ${functionArn(scope, fn.name, name)}`)
}

function validateAliasName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length < 1 || name.length > 128 || !ALIAS_NAME.test(name)) {
    throw validationError([`Value '${String(name)}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)`])
  }
}

/**
 * Checks FunctionVersion and RoutingConfig as Lambda does: the versions exist, at most one
 * additional version weighted 0..1, no $LATEST with routing, same role and dead-letter config.
 */
function checkTarget(scope: Scope, fn: FunctionRecord, version: string, routing: unknown): Record<string, number> | undefined {
  if (!/^(\$LATEST|[0-9]+)$/.test(version)) {
    throw validationError([`Value '${version}' at 'functionVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)`])
  }
  if (!fn.versions[version]) functionNotFound(scope, fn.name, version)
  if (routing === undefined || routing === null) return undefined
  const weights = isObject(routing) ? routing.AdditionalVersionWeights : undefined
  if (weights === undefined || weights === null) return undefined
  if (!isObject(weights)) throw invalidParameter('RoutingConfig.AdditionalVersionWeights must be a map of version to weight.')
  const entries = Object.entries(weights)
  if (entries.length === 0) return undefined
  const problems: string[] = []
  for (const [extra, weight] of entries) {
    if (!/^[0-9]+$/.test(extra)) problems.push(`Value '${extra}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [0-9]+]`)
    if (typeof weight !== 'number' || weight < 0 || weight > 1) problems.push(`Value '${String(weight)}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]`)
  }
  if (problems.length > 0) throw validationError(problems)
  if (entries.length > 1) throw invalidParameter('Number of items in AdditionalVersionWeights cannot be greater than 1')
  if (version === '$LATEST') throw invalidParameter('$LATEST is not supported for an alias pointing to more than 1 version')
  const [[extra]] = entries as [[string, number]]
  if (extra === version) throw invalidParameter(`Invalid function version ${extra}. Function version ${extra} is already included in routing configuration.`)
  const primary = fn.versions[version]
  const secondary = fn.versions[extra]
  if (!secondary) functionNotFound(scope, fn.name, extra)
  if (primary?.config.Role !== secondary.config.Role) {
    throw invalidParameter(`The execution role of function versions ${version} and ${extra} must be the same for weighted routing.`)
  }
  if ((primary.config.DeadLetterConfig?.TargetArn ?? '') !== (secondary.config.DeadLetterConfig?.TargetArn ?? '')) {
    throw invalidParameter(`The dead-letter queue configuration of function versions ${version} and ${extra} must be the same for weighted routing.`)
  }
  return weights as Record<string, number>
}

function makeAlias(scope: Scope, fn: FunctionRecord, name: string, version: string, description: string, weights: Record<string, number> | undefined): AliasRecord {
  return {
    AliasArn: functionArn(scope, fn.name, name),
    Name: name,
    FunctionVersion: version,
    Description: description,
    ...(weights ? {RoutingConfig: {AdditionalVersionWeights: weights}} : {}),
    RevisionId: randomUUID(),
  }
}

export const createAlias: Handler = async (call) => {
  const input = await call.json()
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'))
  validateAliasName(input.Name)
  const name = input.Name
  if (typeof input.FunctionVersion !== 'string') throw validationError([`Value null at 'functionVersion' failed to satisfy constraint: Member must not be null`])
  const version = input.FunctionVersion
  const alias = await changeFunction(call.scope, ref.name, (fn) => {
    if (fn.aliases[name]) throw conflict(`Alias already exists: ${functionArn(call.scope, fn.name, name)}`)
    const weights = checkTarget(call.scope, fn, version, input.RoutingConfig)
    const created = makeAlias(call.scope, fn, name, version, typeof input.Description === 'string' ? input.Description : '', weights)
    return {record: {...fn, aliases: {...fn.aliases, [name]: created}}, result: created}
  })
  return {status: 201, body: alias}
}

export const getAlias: Handler = async (call) => {
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'))
  const fn = await loadFunction(call.scope, ref.name)
  const alias = fn.aliases[param(call, 'Name')] ?? aliasNotFound(call.scope, fn, param(call, 'Name'))
  return {status: 200, body: alias}
}

export const updateAlias: Handler = async (call) => {
  const input = await call.json()
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'))
  const name = param(call, 'Name')
  const alias = await changeFunction(call.scope, ref.name, (fn) => {
    const current = fn.aliases[name] ?? aliasNotFound(call.scope, fn, name)
    checkRevision(input.RevisionId, current.RevisionId)
    const version = typeof input.FunctionVersion === 'string' ? input.FunctionVersion : current.FunctionVersion
    // RoutingConfig left out keeps the current routing; an empty map removes it.
    const routing = input.RoutingConfig === undefined ? current.RoutingConfig : input.RoutingConfig
    const weights = checkTarget(call.scope, fn, version, routing)
    const description = typeof input.Description === 'string' ? input.Description : (current.Description ?? '')
    const updated = makeAlias(call.scope, fn, name, version, description, weights)
    return {record: {...fn, aliases: {...fn.aliases, [name]: updated}}, result: updated}
  })
  return {status: 200, body: alias}
}

export const deleteAlias: Handler = async (call) => {
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'))
  const name = param(call, 'Name')
  await changeFunction(call.scope, ref.name, (fn) => {
    // Deleting an alias that doesn't exist succeeds, as on Lambda.
    if (!fn.aliases[name]) return {result: undefined}
    const aliases = {...fn.aliases}
    delete aliases[name]
    const urls = {...fn.urls}
    delete urls[name]
    return {record: {...fn, aliases, urls}, result: undefined}
  })
  return {status: 204}
}

export const listAliases: Handler = async (call) => {
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'))
  const fn = await loadFunction(call.scope, ref.name)
  const version = call.query.get('FunctionVersion')
  const aliases = Object.values(fn.aliases)
    .filter((alias) => !version || alias.FunctionVersion === version || Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).includes(version))
    .sort((a, b) => a.Name.localeCompare(b.Name))
  const {page, nextMarker} = paginate(aliases, call.query)
  return {status: 200, body: {Aliases: page, ...(nextMarker ? {NextMarker: nextMarker} : {})}}
}

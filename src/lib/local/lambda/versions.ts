/** PublishVersion and ListVersionsByFunction. */
import {randomUUID} from 'node:crypto'

import type {FunctionConfiguration} from '@aws-sdk/client-lambda'

import type {Handler} from './call.js'
import {paginate, param} from './call.js'
import type {FunctionRecord, VersionRecord} from './records.js'
import {functionArn, parseFunctionRef} from './names.js'
import {invalidParameter, lambdaTimestamp} from './protocol.js'
import type {LambdaScope} from './repo.js'
import {changeFunction, loadFunction} from './repo.js'
import {assertNotBusy, currentRevisionId, effectiveConfiguration, startTiming} from './state.js'
import {checkRevision} from './validate.js'

/** Fields that don't make a configuration different for publishing. */
const VOLATILE = new Set(['FunctionArn', 'Version', 'RevisionId', 'LastModified', 'Description', 'State', 'StateReason', 'StateReasonCode', 'LastUpdateStatus', 'LastUpdateStatusReason', 'LastUpdateStatusReasonCode', 'MasterArn'])

function fingerprint(config: FunctionConfiguration): string {
  const entries = Object.entries(config).filter(([key]) => !VOLATILE.has(key)).sort(([a], [b]) => a.localeCompare(b))
  return JSON.stringify(entries)
}

/** The configuration as a just-started change reports it (Pending / InProgress), as Lambda's write calls answer. */
export function configAtStart(version: VersionRecord): FunctionConfiguration {
  return effectiveConfiguration(version, Math.min(version.timing.createdAt, version.timing.readyAt - 1))
}

/**
 * Publishes $LATEST as a new version, or returns the latest published version when neither code nor
 * configuration changed since it (as Lambda does).
 */
export function publishLatest(scope: LambdaScope, fn: FunctionRecord, description: unknown): {record: FunctionRecord; version: VersionRecord; created: boolean} {
  const latest = fn.versions.$LATEST
  if (!latest) throw new Error(`Function ${fn.name} has no $LATEST`)
  const previous = fn.lastVersion > 0 ? newestPublished(fn) : undefined
  if (previous && fingerprint(previous.config) === fingerprint(latest.config)) return {record: fn, version: previous, created: false}
  const number = fn.lastVersion + 1
  const config: FunctionConfiguration = {
    ...latest.config,
    FunctionArn: functionArn(scope, fn.name, String(number)),
    Version: String(number),
    RevisionId: randomUUID(),
    LastModified: lambdaTimestamp(),
    Description: typeof description === 'string' ? description : (latest.config.Description ?? ''),
  }
  const version: VersionRecord = {...latest, config, timing: startTiming(scope.context.settings.stateDelayMs, false)}
  return {record: {...fn, lastVersion: number, versions: {...fn.versions, [String(number)]: version}}, version, created: true}
}

function newestPublished(fn: FunctionRecord): VersionRecord | undefined {
  const numbers = Object.keys(fn.versions).filter((v) => v !== '$LATEST').map(Number).sort((a, b) => b - a)
  return numbers.length > 0 ? fn.versions[String(numbers[0])] : undefined
}

export const publishVersion: Handler = async (call) => {
  const input = await call.json()
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'))
  const version = await changeFunction(call.scope, ref.name, (fn) => {
    const latest = fn.versions.$LATEST
    if (!latest) throw new Error(`Function ${fn.name} has no $LATEST`)
    assertNotBusy(latest, functionArn(call.scope, fn.name))
    const sha = latest.config.CodeSha256
    if (typeof input.CodeSha256 === 'string' && input.CodeSha256 !== sha) {
      throw invalidParameter(`CodeSHA256 (${input.CodeSha256}) is different from current CodeSHA256 in $LATEST (${sha}). Please try again with the current CodeSHA256.`)
    }
    checkRevision(input.RevisionId, currentRevisionId(latest))
    const published = publishLatest(call.scope, fn, input.Description)
    return {record: published.created ? published.record : undefined, result: published}
  })
  return {status: 201, body: version.created ? configAtStart(version.version) : effectiveConfiguration(version.version)}
}

export const listVersionsByFunction: Handler = async (call) => {
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'))
  const fn = await loadFunction(call.scope, ref.name)
  const ids = Object.keys(fn.versions).sort((a, b) => (a === '$LATEST' ? -1 : b === '$LATEST' ? 1 : Number(a) - Number(b)))
  const {page, nextMarker} = paginate(ids, call.query)
  const versions = page.map((id) => {
    const config = effectiveConfiguration(fn.versions[id] as VersionRecord)
    // Listed, $LATEST carries its qualified ARN.
    return id === '$LATEST' ? {...config, FunctionArn: functionArn(call.scope, fn.name, '$LATEST')} : config
  })
  return {status: 200, body: {Versions: versions, ...(nextMarker ? {NextMarker: nextMarker} : {})}}
}

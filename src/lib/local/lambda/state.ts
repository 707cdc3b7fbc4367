/**
 * Function states as Lambda moves them: State Pending → Active after creation, LastUpdateStatus
 * InProgress → Successful (or Failed) after an update. Computed from stored timestamps when read,
 * so no timers run and the state survives restarts.
 */
import {createHash} from 'node:crypto'

import type {FunctionConfiguration} from '@aws-sdk/client-lambda'

import type {Timing, VersionRecord} from './records.js'
import {conflict} from './protocol.js'

/** A new timing: the change settles `delayMs` from now. */
export function startTiming(delayMs: number, updating: boolean, outcome?: Timing['outcome'], now = Date.now()): Timing {
  return {createdAt: now, readyAt: now + delayMs, updating, ...(outcome ? {outcome} : {})}
}

/** The configuration as GetFunctionConfiguration answers it now. */
export function effectiveConfiguration(version: VersionRecord, now = Date.now()): FunctionConfiguration {
  const {timing} = version
  const config: FunctionConfiguration = {...version.config}
  delete config.StateReason
  delete config.StateReasonCode
  delete config.LastUpdateStatusReason
  delete config.LastUpdateStatusReasonCode
  if (now < timing.readyAt) {
    if (timing.updating) {
      config.State = 'Active'
      config.LastUpdateStatus = 'InProgress'
      config.LastUpdateStatusReason = 'The function is being created.'
    } else {
      config.State = 'Pending'
      config.StateReason = 'The function is being created.'
      config.StateReasonCode = 'Creating'
      config.LastUpdateStatus = 'InProgress'
      config.LastUpdateStatusReason = 'The function is being created.'
    }
    return config
  }
  // Lambda gives the function a new RevisionId when the state settles; derive it so every reader agrees.
  config.RevisionId = settledRevisionId(version.config.RevisionId ?? '')
  const failed = timing.outcome?.status === 'Failed'
  const reason = timing.outcome?.reason
  const reasonCode = timing.outcome?.reasonCode as FunctionConfiguration['LastUpdateStatusReasonCode']
  if (timing.updating) {
    config.State = 'Active'
    config.LastUpdateStatus = failed ? 'Failed' : 'Successful'
    if (failed) {
      config.LastUpdateStatusReason = reason
      config.LastUpdateStatusReasonCode = reasonCode
    }
  } else {
    config.State = failed ? 'Failed' : 'Active'
    config.LastUpdateStatus = failed ? 'Failed' : 'Successful'
    if (failed) {
      config.StateReason = reason
      config.StateReasonCode = reasonCode
      config.LastUpdateStatusReason = reason
      config.LastUpdateStatusReasonCode = reasonCode
    }
  }
  return config
}

/** The RevisionId a version has once its pending change settled: a UUID derived from the stored one. */
export function settledRevisionId(revisionId: string): string {
  const hex = createHash('sha256').update(`${revisionId}:settled`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** The RevisionId callers see now (what RevisionId preconditions compare against). */
export function currentRevisionId(version: VersionRecord, now = Date.now()): string {
  return effectiveConfiguration(version, now).RevisionId ?? ''
}

/**
 * Refuses a change while the function is being created or updated, as Lambda does with
 * ResourceConflictException (409).
 */
export function assertNotBusy(version: VersionRecord, arn: string, now = Date.now()): void {
  if (now >= version.timing.readyAt) return
  if (version.timing.updating) {
    throw conflict(`The operation cannot be performed at this time. An update is in progress for resource: ${arn}`)
  }
  throw conflict('The operation cannot be performed at this time. The function is currently in the following state: Pending')
}

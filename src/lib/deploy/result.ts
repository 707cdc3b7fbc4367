/** What deploy returns: per function what happened and why, in the shape `--json` prints (a public contract). */
import {ExitCode} from '../errors.js'
import type {EventChange} from '../events/reconcile.js'
import type {ApplyOutcome} from './apply.js'
import type {LayerPlan} from './layers.js'
import type {Prepared, PreparedDeploy} from './prepare.js'
import {describeError} from './prepare.js'

export interface FunctionResult {
  /** The function's key in the config. */
  readonly key: string
  readonly functionName: string
  readonly arn?: string | undefined
  /** "skipped": not started, because the deploy was interrupted. */
  readonly action: 'created' | 'updated' | 'unchanged' | 'failed' | 'skipped'
  /** done: every step ran; updated: some changes were made, not all (failed or interrupted); untouched: nothing was written. */
  readonly progress: 'done' | 'updated' | 'untouched'
  readonly changed: {readonly code: boolean; readonly configuration: boolean}
  readonly codeSha256?: string | undefined
  /** The version published by this deploy. */
  readonly version?: string | undefined
  readonly alias?: {readonly name: string; readonly from: string | undefined; readonly to: string} | undefined
  readonly error?: {readonly code: string; readonly message: string; readonly hints: readonly string[]} | undefined
  /** The declared event sources and URL deploy created, updated or deleted (or left alone: "blocked"). */
  readonly events?: readonly EventChange[] | undefined
}

export interface LayerResult {
  readonly key: string
  readonly name: string
  readonly action: 'published' | 'unchanged' | 'failed' | 'skipped'
  readonly arn?: string | undefined
  readonly error?: {readonly code: string; readonly message: string; readonly hints: readonly string[]} | undefined
}

export interface DeployResult {
  /** deployed: something changed and nothing failed; failed: at least one function failed (exit 1); interrupted: exit 130. */
  readonly status: 'deployed' | 'unchanged' | 'failed' | 'interrupted'
  readonly interrupted: boolean
  readonly functions: readonly FunctionResult[]
  readonly layers: readonly LayerResult[]
}

/** A function's result from its plan and what applying it did (undefined: not started). */
export function functionResult(p: Prepared, outcome: ApplyOutcome | undefined): FunctionResult {
  const base = {key: p.fn.key, functionName: p.fn.name, arn: p.plan?.current?.arn, codeSha256: p.plan?.current?.codeSha256}
  if (!outcome) return {...base, action: 'skipped', progress: 'untouched', changed: {code: false, configuration: false}}
  const {writes} = outcome
  const created = writes.includes('create')
  const changed = {code: created || writes.includes('code'), configuration: created || writes.includes('configuration')}
  const common = {...base, arn: outcome.arn ?? base.arn, codeSha256: outcome.codeSha256 ?? base.codeSha256, changed, version: outcome.version, alias: outcome.alias}
  const progress = outcome.error !== undefined || outcome.interrupted ? (writes.length > 0 ? 'updated' : 'untouched') : 'done'
  if (outcome.error !== undefined) return {...common, action: 'failed', progress, error: describeError(outcome.error)}
  if (outcome.interrupted && writes.length === 0) return {...common, action: 'skipped', progress}
  return {...common, action: created ? 'created' : writes.length > 0 ? 'updated' : 'unchanged', progress}
}

/** A function that failed before anything was written for it: a read, a layer or the role failed. */
export function failedResult(p: Prepared, error: unknown, because?: string): FunctionResult {
  const described = describeError(error)
  const message = because ? `Not deployed: ${because}: ${described.message}` : described.message
  return {key: p.fn.key, functionName: p.fn.name, arn: p.plan?.current?.arn, action: 'failed', progress: 'untouched', changed: {code: false, configuration: false}, error: {...described, message}}
}

export function layerResults(prepared: PreparedDeploy, arns: ReadonlyMap<string, string>, errors: ReadonlyMap<string, unknown>): LayerResult[] {
  return prepared.layers.map(({plan}: {plan: LayerPlan}): LayerResult => {
    const base = {key: plan.key, name: plan.name}
    const error = errors.get(plan.key)
    if (error !== undefined) return {...base, action: 'failed', error: describeError(error)}
    if (plan.action === 'unchanged') return {...base, action: 'unchanged', arn: plan.arn}
    const arn = arns.get(plan.key)
    return arn ? {...base, action: 'published', arn} : {...base, action: 'skipped'}
  })
}

export function summarize(functions: readonly FunctionResult[], layers: readonly LayerResult[], interrupted: boolean): DeployResult {
  const failed = functions.some((f) => f.action === 'failed') || layers.some((l) => l.action === 'failed')
  const changed = functions.some((f) => f.action !== 'unchanged') || layers.some((l) => l.action === 'published')
  const status = interrupted ? 'interrupted' : failed ? 'failed' : changed ? 'deployed' : 'unchanged'
  return {status, interrupted, functions, layers}
}

/** How `sling deploy` ends: 1 when anything failed, 130/143 (`signalled`) when interrupted, else 0. */
export function deployExitCode(result: DeployResult, signalled: number | undefined): number {
  if (result.status === 'interrupted') return signalled ?? ExitCode.Interrupted
  return result.status === 'failed' ? ExitCode.Failure : ExitCode.Ok
}

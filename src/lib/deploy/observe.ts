/**
 * The reads of a deploy: one GetFunction per function (configuration, code hash, tags and reserved
 * concurrency in one answer), plus one read per extra feature the config uses, and only for a function
 * that exists: its asynchronous-invocation settings, its provisioned concurrency, and its alias.
 */
import type {CallOptions} from '../aws/lambda.js'
import type {LambdaApi} from '../aws/lambda.js'
import type {DesiredFunction} from './desired.js'
import type {FunctionPlan, Observed} from './plan.js'
import {planFunction} from './plan.js'

/** Reads what is deployed of `desired`. */
export async function observe(desired: DesiredFunction, lambda: LambdaApi, options: CallOptions = {}): Promise<Observed> {
  // A function still being created or updated (by someone else, or a deploy that was interrupted) is planned
  // from its settled state: settling changes its RevisionId, which every change sends.
  const current = await lambda.getFunction(desired.name, {...options, settled: true})
  if (!current) return {current}
  const absent = <T>(value: T | undefined): T | 'absent' => value ?? 'absent'
  const [eventInvokeConfig, provisioned, published] = await Promise.all([
    desired.eventInvokeConfig ? lambda.getEventInvokeConfig(desired.name, options).then(absent) : undefined,
    desired.provisionedConcurrency ? lambda.getProvisionedConcurrency(desired.name, desired.provisionedConcurrency.alias, options).then(absent) : undefined,
    // The alias's version with its configuration: GetFunction on the alias, so a no-op can tell $LATEST is already published there.
    desired.alias === undefined ? undefined : lambda.getFunction(desired.name, {...options, qualifier: desired.alias}).then(absent),
  ])
  return {current, eventInvokeConfig, provisioned, published}
}

/**
 * Reads and plans one function. Publishing without an alias, on a function nothing else changes, needs the
 * newest version to know whether $LATEST is already published: that one extra read happens only then.
 */
export async function readAndPlan(desired: DesiredFunction, lambda: LambdaApi, options: CallOptions = {}): Promise<{readonly observed: Observed; readonly plan: FunctionPlan}> {
  const observed = await observe(desired, lambda, options)
  const plan = planFunction(desired, observed)
  if (!plan.needsLatestVersion) return {observed, plan}
  const withLatest: Observed = {...observed, published: (await lambda.latestVersion(desired.name, options)) ?? 'absent'}
  return {observed: withLatest, plan: planFunction(desired, withLatest)}
}

/**
 * Checks made after the reads and before any write, each naming the limit and the actual figure: runtimes
 * Lambda no longer accepts, and the account's own limits (GetAccountSettings) on code size, total code
 * storage and unreserved concurrency; and the 4 KB environment of image functions. Memory, timeout,
 * environment names, package sizes and zip functions' environments were checked when the config loaded and
 * the package was built.
 */
import type {CallOptions} from '../aws/lambda.js'
import type {LambdaApi} from '../aws/lambda.js'
import type {AccountSettings} from '../aws/types.js'
import {ExitCode, UserError} from '../errors.js'
import {formatBytes} from '../format.js'
import {isRuntime, LAMBDA_LIMITS, runtimeLifecycle, runtimeStatus} from '../lambda/rules.js'
import type {Output} from '../output.js'
import {checkConfigLimits} from '../package/limits.js'
import type {FunctionPlan} from './plan.js'

export interface CheckInputs {
  readonly plans: readonly FunctionPlan[]
  /** Unzipped size of each zip function with its layers (from the package), by function key. */
  readonly unzippedSizes: ReadonlyMap<string, number>
  /** Zipped bytes of the layer versions this deploy publishes. */
  readonly layerUploadBytes: number
  /** Today, YYYY-MM-DD (UTC): runtimes are judged on it. */
  readonly today: string
}

export async function checkBeforeWrites(inputs: CheckInputs, {lambda, output}: {readonly lambda: LambdaApi; readonly output: Output}, options: CallOptions = {}): Promise<void> {
  for (const plan of inputs.plans) checkRuntime(plan, inputs.today)
  // `sling package` measures a zip function's environment; nothing packages an image function. Lambda's own
  // refusal quotes every value ("String measured: {...}"), secrets included, so it must never be sent.
  for (const plan of inputs.plans) if (plan.desired.code.kind === 'image') checkConfigLimits(`Function ${plan.key}`, 0, plan.desired.settings.environment ?? {})
  const uploads = inputs.plans.filter((plan) => plan.code && 'codeSha256' in plan.code.to && (plan.code.from === undefined || !('codeSha256' in plan.code.from) || plan.code.from.codeSha256 !== plan.code.to.codeSha256))
  const reserving = inputs.plans.filter((plan) => plan.reservedConcurrency !== undefined)
  // Only a deploy that uploads code or reserves concurrency can run into these: a no-op doesn't pay the read.
  if (uploads.length === 0 && reserving.length === 0 && inputs.layerUploadBytes === 0) return
  let account: AccountSettings
  try {
    account = await lambda.getAccountSettings(options)
  } catch (error) {
    options.signal?.throwIfAborted() // an interrupt isn't a missing permission
    output.debug(`Skipped the account limit checks: GetAccountSettings failed (${(error as Error).message}).`)
    return
  }
  checkCodeSizes(uploads, inputs, account)
  checkConcurrency(reserving, account)
}

function checkRuntime(plan: FunctionPlan, today: string): void {
  const runtime = plan.desired.settings.runtime
  if (plan.desired.code.kind === 'image' || runtime === undefined || !isRuntime(runtime)) return
  const status = runtimeStatus(runtime, today)
  const life = runtimeLifecycle(runtime)
  if (plan.action === 'create' && (status === 'create-blocked' || status === 'blocked')) {
    throw new UserError('RuntimeNotAccepted', `Function ${plan.key} (${plan.name}) doesn't exist yet, and Lambda no longer creates functions with ${runtime}${life.blockCreate ?? life.deprecated ? ` (since ${life.blockCreate ?? life.deprecated})` : ''}.`, {
      exitCode: ExitCode.Usage,
      hints: [`Set functions.${plan.key}.runtime to a supported runtime${life.replacedBy ? ` such as ${life.replacedBy}` : ''} (see "runtime" in the README's configuration reference).`],
    })
  }
  if (plan.action === 'update' && status === 'blocked' && (plan.configuration.length > 0 || plan.code !== undefined)) {
    throw new UserError('RuntimeNotAccepted', `Lambda no longer updates functions with ${runtime}${life.blockUpdate ? ` (since ${life.blockUpdate})` : ''}, so function ${plan.key} (${plan.name}) can't be deployed with it.`, {
      exitCode: ExitCode.Usage,
      hints: [`Set functions.${plan.key}.runtime to a supported runtime.`],
    })
  }
}

function checkCodeSizes(uploads: readonly FunctionPlan[], inputs: CheckInputs, account: AccountSettings): void {
  const {limits, usage} = account
  for (const plan of uploads) {
    const unzipped = inputs.unzippedSizes.get(plan.key) ?? 0
    if (limits.codeSizeUnzipped > 0 && unzipped > limits.codeSizeUnzipped) {
      throw new UserError('PackageTooLarge', `Function ${plan.key} is ${describe(unzipped)} unzipped with its layers; this account allows at most ${describe(limits.codeSizeUnzipped)} (GetAccountSettings CodeSizeUnzipped).`, {
        hints: ['Leave large packages out with "exclude" or "external", or use a container image.'],
        details: {limit: limits.codeSizeUnzipped, actual: unzipped},
      })
    }
  }
  const adding = uploads.reduce((sum, plan) => sum + (plan.code && 'size' in plan.code.to ? plan.code.to.size : 0), 0) + inputs.layerUploadBytes
  if (limits.totalCodeSize > 0 && usage.totalCodeSize + adding > limits.totalCodeSize) {
    throw new UserError('CodeStorageFull', `This deploy adds ${describe(adding)} of code to the ${describe(usage.totalCodeSize)} the account stores; its limit is ${describe(limits.totalCodeSize)} (GetAccountSettings TotalCodeSize).`, {
      hints: ['Delete old versions ("sling versions prune FUNCTION --keep 5") and unused layer versions, or ask AWS for a higher quota.'],
      details: {limit: limits.totalCodeSize, actual: usage.totalCodeSize + adding},
    })
  }
}

function checkConcurrency(reserving: readonly FunctionPlan[], account: AccountSettings): void {
  const change = reserving.reduce((sum, plan) => sum + (plan.reservedConcurrency ? plan.reservedConcurrency.to - (plan.reservedConcurrency.from ?? 0) : 0), 0)
  const left = account.limits.unreservedConcurrentExecutions - change
  if (change > 0 && left < LAMBDA_LIMITS.unreservedConcurrencyMin) {
    const names = reserving.map((plan) => `${plan.key} (${plan.reservedConcurrency?.to ?? 0})`).join(', ')
    throw new UserError('ConcurrencyLimit', `Reserving concurrency for ${names} would leave ${left} of the account's ${account.limits.concurrentExecutions} concurrent executions unreserved; Lambda keeps at least ${LAMBDA_LIMITS.unreservedConcurrencyMin} unreserved.`, {
      hints: ['Lower reservedConcurrentExecutions, or ask AWS for a higher concurrency quota.'],
      details: {limit: LAMBDA_LIMITS.unreservedConcurrencyMin, actual: left},
    })
  }
}

function describe(bytes: number): string {
  return `${formatBytes(bytes)} (${bytes.toLocaleString('en-US')} bytes)`
}

import {GetFunctionCommand, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2, waitUntilPublishedVersionActive} from '@aws-sdk/client-lambda'
import type {FunctionConfiguration, GetFunctionCommandOutput, LambdaClient} from '@aws-sdk/client-lambda'

import {UserError} from '../errors.js'
import type {CallOptions, Clock} from '../clock.js'
import {throwIfAborted} from '../clock.js'
import type {AwsErrorContext} from './errors.js'
import {errorName, toUserError} from './errors.js'
import {toFunctionInfo} from './lambda-convert.js'
import type {ConflictRetryPolicy} from './retry.js'
import {isUpdateInProgress, retryConflicts} from './retry.js'
import type {FunctionInfo} from './types.js'

/** What a call is about: named in error messages. */
export interface Subject {
  readonly functionName: string
  readonly alias?: string | undefined
}

/**
 * What a wait waits for: `idle` before a change, `active` after a create, `updated` after an update,
 * `published` for a new version (with its number as the qualifier).
 */
export type SettleGoal = 'idle' | 'active' | 'updated' | 'published'

export interface LambdaCoreOptions {
  readonly clock: Clock
  readonly maxWaitSeconds: number
  /** The SDK waiters' first pause (minDelay), in seconds. */
  readonly pollSeconds: number
  /** The SDK waiters' longest pause (maxDelay), in seconds. */
  readonly maxPollSeconds: number
  readonly conflictRetry: ConflictRetryPolicy
}

/** The pieces every part of LambdaApi shares: sending with retries and translated errors, and waiting. */
export interface LambdaCore {
  readonly client: LambdaClient
  readonly context: AwsErrorContext
  readonly options: LambdaCoreOptions
  /** Sends one request about `subject`; with `busy`, "update in progress" is retried (only where it means busy). */
  send<T>(subject: Subject, request: (abortSignal: AbortSignal | undefined) => Promise<T>, options: CallOptions & {readonly busy: boolean}): Promise<T>
  /** The function (or a version or alias of it) with its tags and reserved concurrency; undefined when absent. */
  read(name: string, qualifier: string | undefined, options: CallOptions): Promise<FunctionInfo | undefined>
  /** Waits until no change is being applied; after a create, update or publish, a failed one is an error. */
  settle(name: string, goal: SettleGoal, options: CallOptions & {readonly qualifier?: string | undefined}): Promise<FunctionInfo>
}

export function createLambdaCore(client: LambdaClient, context: AwsErrorContext, options: LambdaCoreOptions): LambdaCore {
  const {clock} = options
  const core: LambdaCore = {
    client,
    context,
    options,
    async send(subject, request, {busy, signal}) {
      try {
        throwIfAborted(signal)
        return busy ? await retryConflicts(() => request(signal), options.conflictRetry, {clock, signal}) : await request(signal)
      } catch (error) {
        throwIfAborted(signal)
        throw translate(error, subject, context)
      }
    },
    async read(name, qualifier, {signal}) {
      try {
        const result = await client.send(new GetFunctionCommand({FunctionName: name, Qualifier: qualifier}), {abortSignal: signal})
        return toFunctionInfo(result.Configuration ?? {}, {code: result.Code, tags: result.Tags, reservedConcurrency: result.Concurrency?.ReservedConcurrentExecutions})
      } catch (error) {
        throwIfAborted(signal)
        if (errorName(error) === 'ResourceNotFoundException') return undefined // absence is data
        throw translate(error, {functionName: name}, context)
      }
    },
    async settle(name, goal, {qualifier, signal}) {
      const what = qualifier ? `${name}:${qualifier}` : name
      throwIfAborted(signal) // the waiter reads once before it looks at its signal
      try {
        const done = await waitWithSdk(client, goal, {FunctionName: name, Qualifier: qualifier}, options, signal)
        if (done) return done
      } catch (error) {
        throwIfAborted(signal)
        if (error instanceof ReadFailed) throw translate(error.cause, {functionName: name}, context)
        if (!['TimeoutError', 'Error'].includes(errorName(error) ?? '')) throw error
      }
      // The waiter gave up (time out) or saw a failure: read once more to say where it is stuck, and why.
      const last = await core.read(name, qualifier, {signal})
      if (!last) throw translate(Object.assign(new Error('Function not found'), {name: 'ResourceNotFoundException'}), {functionName: name}, context)
      const verdict = judge(last, goal)
      if (verdict === 'done') return last // e.g. a Failed earlier update, which doesn't stop the next change
      throw stuckError(what, goal, verdict === 'failed' ? 'failed' : 'timedOut', last, options.maxWaitSeconds)
    },
  }
  return core
}

/**
 * Lambda refuses a change while the function is Pending (just created) or an update is InProgress.
 * Before a change, a Failed earlier update is fine: this change may be the fix.
 */
function judge(fn: FunctionInfo, goal: SettleGoal): 'done' | 'failed' | 'pending' {
  if (fn.state === 'Pending' || fn.lastUpdateStatus === 'InProgress') return 'pending'
  if (goal !== 'idle' && (fn.state === 'Failed' || fn.lastUpdateStatus === 'Failed')) return 'failed'
  return 'done'
}

/** True when Lambda would accept a change now: nothing is being created or applied. */
export function isSettled(fn: FunctionInfo): boolean {
  return judge(fn, 'idle') === 'done'
}

/**
 * Functions from before Lambda reported states, and endpoints that don't report them, have no State or
 * LastUpdateStatus: the waiters would wait for them to the deadline. Nothing in progress is reported, so they
 * are settled.
 */
function withStates(output: unknown): unknown {
  const settle = (c: FunctionConfiguration): FunctionConfiguration => ({...c, State: c.State ?? 'Active', LastUpdateStatus: c.LastUpdateStatus ?? (c.State === 'Pending' ? 'InProgress' : 'Successful')})
  const read = output as GetFunctionCommandOutput & FunctionConfiguration
  if (read.Configuration) return {...read, Configuration: settle(read.Configuration)}
  return 'FunctionName' in read || 'Version' in read ? settle(read) : output
}

/** A read inside a waiter that failed for good (access denied, not found): waiting longer wouldn't help. */
class ReadFailed extends Error {
  constructor(readonly cause: unknown) {
    super('read failed')
  }
}

/**
 * Waits with the SDK's waiters: `idle` and `updated` on LastUpdateStatus (waitUntilFunctionUpdatedV2), `active`
 * on State (waitUntilFunctionActiveV2), `published` on the version's State (waitUntilPublishedVersionActive).
 * Returns the function as the waiter's last read saw it. The waiters treat any failed read as "try again",
 * so reads go through a client that stops the wait at the first error the SDK itself didn't retry away.
 */
async function waitWithSdk(client: LambdaClient, goal: SettleGoal, input: {FunctionName: string; Qualifier?: string | undefined}, options: LambdaCoreOptions, signal: AbortSignal | undefined): Promise<FunctionInfo | undefined> {
  const stop = new AbortController()
  let failure: unknown
  const watched = new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown
      return async (command: Parameters<LambdaClient['send']>[0]) => {
        try {
          return withStates(await target.send(command, {abortSignal: signal}))
        } catch (error) {
          failure = error
          stop.abort()
          throw error
        }
      }
    },
  })
  const params = {
    client: watched, maxWaitTime: options.maxWaitSeconds, minDelay: options.pollSeconds, maxDelay: Math.max(options.pollSeconds, options.maxPollSeconds),
    abortSignal: signal ? AbortSignal.any([signal, stop.signal]) : stop.signal,
  }
  try {
    if (goal === 'published') {
      const result = await waitUntilPublishedVersionActive(params, input)
      return toFunctionInfo(result.reason as FunctionConfiguration)
    }
    const wait = goal === 'active' ? waitUntilFunctionActiveV2 : waitUntilFunctionUpdatedV2
    const result = await wait(params, input)
    const read = result.reason as GetFunctionCommandOutput
    return toFunctionInfo(read.Configuration ?? {}, {code: read.Code, tags: read.Tags, reservedConcurrency: read.Concurrency?.ReservedConcurrentExecutions})
  } catch (error) {
    if (failure !== undefined && !signal?.aborted) throw new ReadFailed(failure)
    throw error
  }
}

/** Says which state the function is stuck in and AWS's reason, instead of "timed out". */
function stuckError(name: string, goal: SettleGoal, outcome: 'failed' | 'timedOut', fn: FunctionInfo, maxWaitSeconds: number): UserError {
  const byState = fn.state === 'Pending' || fn.state === 'Failed'
  const stuck = byState ? `state ${fn.state ?? 'unknown'}` : `update status ${fn.lastUpdateStatus ?? 'unknown'}`
  const why = (byState ? fn.stateReason : fn.lastUpdateStatusReason) ?? 'AWS gave no reason'
  const aim = {idle: 'finish its previous update', active: 'become Active', updated: 'finish updating', published: 'become Active'}[goal]
  if (outcome === 'failed') {
    return new UserError('FunctionFailed', `Function "${name}" failed to ${aim} (${stuck}): ${why}.`, {
      hints: ['Fix the cause above (role, layers, subnets, image) and deploy again.'],
    })
  }
  return new UserError('WaitTimedOut', `Function "${name}" didn't ${aim} within ${maxWaitSeconds}s; it is still in ${stuck} (${why}).`, {
    hints: ['Run the command again later; AWS may still be applying the change.'],
  })
}

/** toUserError, plus the Lambda errors only this module can explain. */
export function translate(error: unknown, subject: Subject, context: AwsErrorContext): UserError {
  const fn = subject.functionName
  const where = context.region ? ` in ${context.region}` : ''
  // RevisionId mismatch: never retried, since repeating would overwrite the other change.
  if (errorName(error) === 'PreconditionFailedException') return concurrentChange(subject, context, error)
  if (isUpdateInProgress(error)) {
    return new UserError('FunctionBusy', `Function "${fn}" is still applying an earlier change${where}; sling retried and gave up.`, {
      cause: error,
      hints: ['Wait a minute and run the command again; it is safe to repeat.'],
    })
  }
  if (errorName(error) === 'ResourceNotFoundException' && subject.alias) {
    return new UserError('AliasNotFound', `Function "${fn}" or its alias "${subject.alias}" doesn't exist${where}.`, {
      cause: error,
      hints: ['Check --region / AWS_REGION and --stage, and the alias name.'],
    })
  }
  return toUserError(error, {...context, functionName: fn})
}

/** Someone else changed the function or alias since sling read it: say so, and how to start again. */
export function concurrentChange(subject: Subject, context: AwsErrorContext, cause?: unknown): UserError {
  const {functionName: fn, alias} = subject
  const regionFlag = context.region ? ` --region ${context.region}` : ''
  const what = alias ? `Alias "${alias}" of function "${fn}"` : `Function "${fn}"`
  const look = alias ? `aws lambda get-alias --function-name ${fn} --name ${alias}${regionFlag}` : `aws lambda get-function --function-name ${fn}${regionFlag}`
  return new UserError('ConcurrentChange', `${what} was changed by someone else since sling read it (its RevisionId no longer matches), so sling left that change in place.`, {
    cause,
    hints: [`See what changed with "${look}", then run the same sling command again: it starts from the current state.`],
  })
}

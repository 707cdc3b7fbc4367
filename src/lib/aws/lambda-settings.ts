import {
  DeleteFunctionEventInvokeConfigCommand,
  DeleteProvisionedConcurrencyConfigCommand,
  GetAccountSettingsCommand,
  GetFunctionEventInvokeConfigCommand,
  GetProvisionedConcurrencyConfigCommand,
  PutFunctionEventInvokeConfigCommand,
  PutProvisionedConcurrencyConfigCommand,
} from '@aws-sdk/client-lambda'

import {UserError} from '../errors.js'
import {throwIfAborted} from '../clock.js'
import {errorName, toUserError} from './errors.js'
import {eventInvokeConfigInput, toAccountSettings, toEventInvokeConfig, toProvisionedInfo} from './lambda-convert.js'
import type {LambdaCore} from './lambda-core.js'
import {translate} from './lambda-core.js'
import type {LambdaApi} from './lambda.js'
import type {ProvisionedConcurrencyInfo} from './types.js'
import type {PollVerdict} from './wait.js'
import {pollUntil} from './wait.js'

type SettingOps = Pick<
  LambdaApi,
  'deleteEventInvokeConfig' | 'deleteProvisionedConcurrency' | 'getAccountSettings' | 'getEventInvokeConfig' | 'getProvisionedConcurrency' | 'putEventInvokeConfig' | 'putProvisionedConcurrency'
>

// Absence is data: these say "no such configuration" (a missing function is ResourceNotFoundException too).
const ABSENT = new Set(['ResourceNotFoundException', 'ProvisionedConcurrencyConfigNotFoundException'])

/** Concurrency, asynchronous-invocation settings and account limits: the per-version settings around a function. */
export function createSettingOps(core: LambdaCore): SettingOps {
  const {client, context, options} = core
  /** Runs `request`; "absent" when AWS says there is no such configuration. */
  const orAbsent = async <T>(name: string, request: (abortSignal: AbortSignal | undefined) => Promise<T>, signal: AbortSignal | undefined, busy: boolean): Promise<T | 'absent'> => {
    try {
      return await (busy ? core.send({functionName: name}, request, {busy, signal}) : request(signal))
    } catch (error) {
      throwIfAborted(signal)
      const raw = error instanceof UserError ? error.cause : error
      if (ABSENT.has(errorName(raw) ?? '')) return 'absent'
      throw error instanceof UserError ? error : translate(error, {functionName: name}, context)
    }
  }
  const ops: SettingOps = {
    async getProvisionedConcurrency(name, qualifier, {signal} = {}) {
      const result = await orAbsent(name, (abortSignal) => client.send(new GetProvisionedConcurrencyConfigCommand({FunctionName: name, Qualifier: qualifier}), {abortSignal}), signal, false)
      return result === 'absent' ? undefined : toProvisionedInfo(result)
    },
    async putProvisionedConcurrency(name, qualifier, count, {signal} = {}) {
      const input = {FunctionName: name, Qualifier: qualifier, ProvisionedConcurrentExecutions: count}
      await core.send({functionName: name}, (abortSignal) => client.send(new PutProvisionedConcurrencyConfigCommand(input), {abortSignal}), {busy: true, signal})
      // Environments are prepared in the background: READY can take minutes, and FAILED says why.
      const read = async (): Promise<ProvisionedConcurrencyInfo> =>
        (await ops.getProvisionedConcurrency(name, qualifier, {signal})) ?? {requested: count, allocated: 0, available: 0, status: 'FAILED', statusReason: 'the configuration was deleted while sling waited'}
      const plan = {maxWaitMs: options.maxWaitSeconds * 1000, minDelayMs: options.pollSeconds * 1000, maxDelayMs: Math.max(options.pollSeconds, options.maxPollSeconds) * 1000}
      const verdict = (p: ProvisionedConcurrencyInfo): PollVerdict => (p.status === 'READY' ? 'done' : p.status === 'FAILED' ? 'failed' : 'pending')
      const {outcome, last} = await pollUntil(read, verdict, plan, {clock: options.clock, signal})
      if (outcome === 'done') return last
      const what = `Provisioned concurrency (${count}) on "${name}:${qualifier}"`
      if (outcome === 'failed') {
        throw new UserError('ProvisionedConcurrencyFailed', `${what} failed: ${last.statusReason ?? 'AWS gave no reason'}.`, {
          hints: ['Check the function initialises without errors, and that the account has enough unreserved concurrency ("aws lambda get-account-settings").'],
        })
      }
      throw new UserError('WaitTimedOut', `${what} isn't READY after ${options.maxWaitSeconds}s; it is still ${last.status} (${last.available} of ${last.requested} available).`, {
        hints: ['Run the command again later; AWS may still be preparing execution environments.'],
      })
    },
    async deleteProvisionedConcurrency(name, qualifier, {signal} = {}) {
      const result = await orAbsent(name, (abortSignal) => client.send(new DeleteProvisionedConcurrencyConfigCommand({FunctionName: name, Qualifier: qualifier}), {abortSignal}), signal, true)
      return result === 'absent' ? 'absent' : 'deleted'
    },
    async getEventInvokeConfig(name, {qualifier, signal} = {}) {
      const result = await orAbsent(name, (abortSignal) => client.send(new GetFunctionEventInvokeConfigCommand({FunctionName: name, Qualifier: qualifier}), {abortSignal}), signal, false)
      return result === 'absent' ? undefined : toEventInvokeConfig(result)
    },
    async putEventInvokeConfig(name, config, {qualifier, signal} = {}) {
      const input = {FunctionName: name, Qualifier: qualifier, ...eventInvokeConfigInput(config)}
      return toEventInvokeConfig(await core.send({functionName: name}, (abortSignal) => client.send(new PutFunctionEventInvokeConfigCommand(input), {abortSignal}), {busy: true, signal}))
    },
    async deleteEventInvokeConfig(name, {qualifier, signal} = {}) {
      const result = await orAbsent(name, (abortSignal) => client.send(new DeleteFunctionEventInvokeConfigCommand({FunctionName: name, Qualifier: qualifier}), {abortSignal}), signal, true)
      return result === 'absent' ? 'absent' : 'deleted'
    },
    async getAccountSettings({signal} = {}) {
      try {
        return toAccountSettings(await client.send(new GetAccountSettingsCommand({}), {abortSignal: signal}))
      } catch (error) {
        throwIfAborted(signal)
        throw toUserError(error, context)
      }
    },
  }
  return ops
}

/**
 * EventBridge (rules), EventBridge Scheduler and SNS: the calls behind schedule, event-pattern and topic
 * triggers. None is emulated by the local cloud; their exact requests are pinned by mock tests.
 */
import {DeleteRuleCommand, DescribeRuleCommand, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand} from '@aws-sdk/client-eventbridge'
import type {EventBridgeClient} from '@aws-sdk/client-eventbridge'
import {CreateScheduleCommand, DeleteScheduleCommand} from '@aws-sdk/client-scheduler'
import type {SchedulerClient} from '@aws-sdk/client-scheduler'
import {SubscribeCommand, UnsubscribeCommand} from '@aws-sdk/client-sns'
import type {SNSClient} from '@aws-sdk/client-sns'

import type {CallOptions} from '../clock.js'
import {throwIfAborted} from '../clock.js'
import type {AwsErrorContext} from './errors.js'
import {errorName, toUserError} from './errors.js'

export interface NewRule {
  readonly name: string
  readonly scheduleExpression?: string | undefined
  /** JSON text. */
  readonly eventPattern?: string | undefined
  readonly eventBusName?: string | undefined
  readonly description?: string | undefined
  readonly tags: Readonly<Record<string, string>>
}

export interface EventBridgeApi {
  /** Creates or updates the rule; returns its ARN. */
  putRule(rule: NewRule, options?: CallOptions): Promise<string>
  putTarget(rule: string, target: {readonly id: string; readonly arn: string}, options?: CallOptions & {readonly eventBusName?: string | undefined}): Promise<void>
  /** Whether the rule runs on a schedule or matches an event pattern; undefined when it doesn't exist. */
  describeRule(rule: string, options?: CallOptions & {readonly eventBusName?: string | undefined}): Promise<{readonly scheduleExpression?: string | undefined; readonly eventPattern?: string | undefined} | undefined>
  /** Removes the target, then the rule (EventBridge refuses to delete a rule that has targets). */
  deleteRule(rule: string, targetId: string, options?: CallOptions & {readonly eventBusName?: string | undefined}): Promise<'deleted' | 'absent'>
}

export interface NewSchedule {
  readonly name: string
  readonly scheduleExpression: string
  readonly targetArn: string
  /** The role EventBridge Scheduler assumes to invoke the function (lambda:InvokeFunction on it). */
  readonly roleArn: string
  readonly timezone?: string | undefined
  readonly description?: string | undefined
}

export interface SchedulerApi {
  /** Creates the schedule in the default group; returns its ARN. */
  createSchedule(schedule: NewSchedule, options?: CallOptions): Promise<string>
  deleteSchedule(name: string, options?: CallOptions): Promise<'deleted' | 'absent'>
}

export interface SnsApi {
  /** Subscribes the function to the topic (protocol lambda); returns the subscription ARN. */
  subscribe(topicArn: string, functionArn: string, options?: CallOptions & {readonly filterPolicy?: string | undefined}): Promise<string>
  unsubscribe(subscriptionArn: string, options?: CallOptions): Promise<'deleted' | 'absent'>
}

type Send = <T>(request: (abortSignal: AbortSignal | undefined) => Promise<T>, signal: AbortSignal | undefined) => Promise<T>

function sender(context: AwsErrorContext): Send {
  return async (request, signal) => {
    throwIfAborted(signal)
    try {
      return await request(signal)
    } catch (error) {
      throwIfAborted(signal)
      throw toUserError(error, context)
    }
  }
}

const NOT_FOUND = new Set(['ResourceNotFoundException', 'NotFoundException', 'NotFound'])
async function absentIfMissing(run: () => Promise<unknown>): Promise<'deleted' | 'absent'> {
  try {
    await run()
    return 'deleted'
  } catch (error) {
    if (isNotFound(error)) return 'absent'
    throw error
  }
}

function isNotFound(error: unknown): boolean {
  return NOT_FOUND.has(errorName((error as {cause?: unknown}).cause) ?? errorName(error) ?? '')
}

export function createEventBridgeApi(client: EventBridgeClient, context: AwsErrorContext = {}): EventBridgeApi {
  const send = sender(context)
  return {
    async putRule(rule, {signal} = {}) {
      const input = {
        Name: rule.name, ScheduleExpression: rule.scheduleExpression, EventPattern: rule.eventPattern, EventBusName: rule.eventBusName,
        State: 'ENABLED' as const, Description: rule.description, Tags: Object.entries(rule.tags).map(([Key, Value]) => ({Key, Value})),
      }
      return (await send((abortSignal) => client.send(new PutRuleCommand(input), {abortSignal}), signal)).RuleArn ?? ''
    },
    async putTarget(rule, target, {signal, eventBusName} = {}) {
      const out = await send((abortSignal) => client.send(new PutTargetsCommand({Rule: rule, EventBusName: eventBusName, Targets: [{Id: target.id, Arn: target.arn}]}), {abortSignal}), signal)
      const failed = out.FailedEntries?.[0]
      if (failed) throw toUserError(Object.assign(new Error(failed.ErrorMessage ?? 'PutTargets failed'), {name: failed.ErrorCode ?? 'PutTargetsFailed', $metadata: {}}), context)
    },
    async describeRule(rule, {signal, eventBusName} = {}) {
      try {
        const out = await send((abortSignal) => client.send(new DescribeRuleCommand({Name: rule, EventBusName: eventBusName}), {abortSignal}), signal)
        return {scheduleExpression: out.ScheduleExpression, eventPattern: out.EventPattern}
      } catch (error) {
        if (isNotFound(error)) return undefined
        throw error
      }
    },
    deleteRule: (rule, targetId, {signal, eventBusName} = {}) =>
      absentIfMissing(async () => {
        await send((abortSignal) => client.send(new RemoveTargetsCommand({Rule: rule, EventBusName: eventBusName, Ids: [targetId]}), {abortSignal}), signal)
        await send((abortSignal) => client.send(new DeleteRuleCommand({Name: rule, EventBusName: eventBusName}), {abortSignal}), signal)
      }),
  }
}

export function createSchedulerApi(client: SchedulerClient, context: AwsErrorContext = {}): SchedulerApi {
  const send = sender(context)
  return {
    async createSchedule(schedule, {signal} = {}) {
      const input = {
        Name: schedule.name, ScheduleExpression: schedule.scheduleExpression, ScheduleExpressionTimezone: schedule.timezone, Description: schedule.description,
        FlexibleTimeWindow: {Mode: 'OFF' as const}, State: 'ENABLED' as const, Target: {Arn: schedule.targetArn, RoleArn: schedule.roleArn},
      }
      return (await send((abortSignal) => client.send(new CreateScheduleCommand(input), {abortSignal}), signal)).ScheduleArn ?? ''
    },
    deleteSchedule: (name, {signal} = {}) => absentIfMissing(() => send((abortSignal) => client.send(new DeleteScheduleCommand({Name: name}), {abortSignal}), signal)),
  }
}

export function createSnsApi(client: SNSClient, context: AwsErrorContext = {}): SnsApi {
  const send = sender(context)
  return {
    async subscribe(topicArn, functionArn, {signal, filterPolicy} = {}) {
      const input = {TopicArn: topicArn, Protocol: 'lambda', Endpoint: functionArn, ReturnSubscriptionArn: true, Attributes: filterPolicy ? {FilterPolicy: filterPolicy} : undefined}
      return (await send((abortSignal) => client.send(new SubscribeCommand(input), {abortSignal}), signal)).SubscriptionArn ?? ''
    },
    unsubscribe: (subscriptionArn, {signal} = {}) => absentIfMissing(() => send((abortSignal) => client.send(new UnsubscribeCommand({SubscriptionArn: subscriptionArn}), {abortSignal}), signal)),
  }
}

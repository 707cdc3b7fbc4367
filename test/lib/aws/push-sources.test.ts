import {DeleteRuleCommand, DescribeRuleCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand, ResourceNotFoundException as RuleNotFound} from '@aws-sdk/client-eventbridge'
import {CreateScheduleCommand, DeleteScheduleCommand, ResourceNotFoundException, SchedulerClient} from '@aws-sdk/client-scheduler'
import {SNSClient, SubscribeCommand, UnsubscribeCommand} from '@aws-sdk/client-sns'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, expect, test} from 'vitest'

import {createEventBridgeApi, createSchedulerApi, createSnsApi} from '../../../src/lib/aws/push-sources.js'
import type {FunctionInfo} from '../../../src/lib/aws/types.js'
import {parseLedger} from '../../../src/lib/events/marks.js'
import type {PushDeps} from '../../../src/lib/events/push.js'
import {attachRule, attachSchedule, attachSns, detachPush} from '../../../src/lib/events/push.js'
import {eventFunctionOf} from '../../../src/lib/events/target.js'
import {silentOutput} from '../../../src/lib/output.js'
import {fakeEventOps, fakeEventState} from '../../helpers/fake-events.js'

const events = mockClient(EventBridgeClient)
const scheduler = mockClient(SchedulerClient)
const sns = mockClient(SNSClient)
afterEach(() => {
  events.reset()
  scheduler.reset()
  sns.reset()
})

const FN_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:report'
const info = (tags: Record<string, string> = {}): FunctionInfo => ({name: 'report', arn: FN_ARN, version: '$LATEST', packageType: 'Zip', role: 'arn:aws:iam::123456789012:role/r', codeSha256: '', codeSize: 0, environment: {}, architecture: 'x86_64', layers: [], tags})

function deps(state = fakeEventState()): PushDeps & {state: typeof state} {
  const region = {region: 'eu-west-1'}
  return {
    state, lambda: fakeEventOps(state) as unknown as PushDeps['lambda'], output: silentOutput(),
    eventBridge: createEventBridgeApi(new EventBridgeClient(region)), scheduler: createSchedulerApi(new SchedulerClient(region)), sns: createSnsApi(new SNSClient(region)),
  }
}

test('a schedule is an EventBridge rule tagged sling:managed, the permission for events.amazonaws.com from that rule, and a target named after the same id', async () => {
  events.on(PutRuleCommand).resolves({RuleArn: 'arn:aws:events:eu-west-1:123456789012:rule/sling-report-x'}).on(PutTargetsCommand).resolves({FailedEntryCount: 0, FailedEntries: []})
  const d = deps()
  const result = await attachSchedule(eventFunctionOf(info(), 'live'), {expression: 'rate(5 minutes)', origin: 'cli'}, d)
  const {id, resource: name} = result.trigger
  expect(name).toBe(`sling-report-${id}`)
  expect(events).toHaveReceivedCommandWith(PutRuleCommand, {Name: name, ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED', Description: 'sling: invokes report', Tags: [{Key: 'sling:managed', Value: 'true'}]})
  expect(events).toHaveReceivedCommandWith(PutTargetsCommand, {Rule: name, Targets: [{Id: `sling-${id}`, Arn: `${FN_ARN}:live`}]})
  expect(d.state.calls).toContain(`addPermission report sling-${id}`)
  expect(parseLedger(d.state.tags.get('report'))).toEqual([{id, origin: 'cli', kind: 'rule', resource: name, qualifier: 'live'}])
})

test('an event pattern rule sends the pattern on the named bus; a malformed pattern is refused before any call', async () => {
  events.on(PutRuleCommand).resolves({RuleArn: 'arn:aws:events:eu-west-1:123456789012:rule/orders/sling-report-x'}).on(PutTargetsCommand).resolves({})
  const pattern = '{"source": ["shop.orders"]}'
  const {trigger} = await attachRule(eventFunctionOf(info(), undefined), {eventPattern: pattern, eventBusName: 'orders', origin: 'cli'}, deps())
  expect(events).toHaveReceivedCommandWith(PutRuleCommand, {Name: trigger.resource, EventPattern: pattern, EventBusName: 'orders', ScheduleExpression: undefined})
  expect(events).toHaveReceivedCommandWith(PutTargetsCommand, {Rule: trigger.resource, EventBusName: 'orders', Targets: [{Id: `sling-${trigger.id}`, Arn: FN_ARN}]})
  events.reset()
  await expect(attachRule(eventFunctionOf(info(), undefined), {eventPattern: '{"source": ', origin: 'cli'}, deps())).rejects.toMatchObject({code: 'InvalidOption'})
  expect(events).toHaveReceivedCommandTimes(PutRuleCommand, 0)
})

test('with --scheduler-role a schedule is an EventBridge Scheduler schedule that assumes the role; detaching deletes exactly it', async () => {
  scheduler.on(CreateScheduleCommand).resolves({ScheduleArn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/default/x'}).on(DeleteScheduleCommand).resolves({})
  const d = deps()
  const {trigger} = await attachSchedule(eventFunctionOf(info(), undefined), {expression: 'cron(0 9 * * ? *)', schedulerRole: 'arn:aws:iam::123456789012:role/invoker', timezone: 'Europe/Paris', origin: 'config'}, d)
  expect(scheduler).toHaveReceivedCommandWith(CreateScheduleCommand, {
    Name: trigger.resource, ScheduleExpression: 'cron(0 9 * * ? *)', ScheduleExpressionTimezone: 'Europe/Paris', FlexibleTimeWindow: {Mode: 'OFF'}, State: 'ENABLED',
    Target: {Arn: FN_ARN, RoleArn: 'arn:aws:iam::123456789012:role/invoker'},
  })
  expect(d.state.calls.filter((c) => c.startsWith('addPermission'))).toEqual([])
  const [entry] = parseLedger(d.state.tags.get('report'))
  await detachPush(eventFunctionOf(info(d.state.tags.get('report')), undefined), entry ?? expect.fail('no ledger entry'), d)
  expect(scheduler).toHaveReceivedCommandWith(DeleteScheduleCommand, {Name: trigger.resource})
  expect(parseLedger(d.state.tags.get('report'))).toEqual([])
})

test('SNS: the permission for sns.amazonaws.com from the topic, then a lambda subscription with the filter policy; detach unsubscribes that subscription only', async () => {
  const subscription = 'arn:aws:sns:eu-west-1:123456789012:alerts:0b7c2f8e-1111-2222-3333-444455556666'
  sns.on(SubscribeCommand).resolves({SubscriptionArn: subscription}).on(UnsubscribeCommand).resolves({})
  const d = deps()
  const topic = 'arn:aws:sns:eu-west-1:123456789012:alerts'
  const {trigger} = await attachSns(eventFunctionOf(info(), undefined), topic, {filterPolicy: '{"severity": ["high"]}', origin: 'cli'}, d)
  expect(sns).toHaveReceivedCommandWith(SubscribeCommand, {TopicArn: topic, Protocol: 'lambda', Endpoint: FN_ARN, ReturnSubscriptionArn: true, Attributes: {FilterPolicy: '{"severity": ["high"]}'}})
  expect(d.state.calls.indexOf(`addPermission report sling-${trigger.id}`)).toBeGreaterThanOrEqual(0)
  const [entry] = parseLedger(d.state.tags.get('report'))
  expect(entry).toMatchObject({kind: 'sns', resource: subscription})
  await detachPush(eventFunctionOf(info(d.state.tags.get('report')), undefined), entry ?? expect.fail('no ledger entry'), d)
  expect(sns).toHaveReceivedCommandWith(UnsubscribeCommand, {SubscriptionArn: subscription})
  expect(d.state.calls).toContain(`removePermission report sling-${trigger.id}`)
})

test('detaching a rule removes its target before the rule (EventBridge refuses a rule with targets); a rule already gone is no error', async () => {
  events.on(RemoveTargetsCommand).resolves({}).on(DeleteRuleCommand).resolves({})
  const api = createEventBridgeApi(new EventBridgeClient({region: 'eu-west-1'}))
  expect(await api.deleteRule('sling-report-abc', 'sling-abc')).toBe('deleted')
  expect(events.calls().map((call) => [call.args[0].constructor.name, call.args[0].input])).toEqual([
    ['RemoveTargetsCommand', {Rule: 'sling-report-abc', Ids: ['sling-abc']}],
    ['DeleteRuleCommand', {Name: 'sling-report-abc'}],
  ])
  scheduler.on(DeleteScheduleCommand).rejects(new ResourceNotFoundException({Message: 'Schedule not found', message: 'Schedule not found', $metadata: {httpStatusCode: 404}}))
  expect(await createSchedulerApi(new SchedulerClient({region: 'eu-west-1'})).deleteSchedule('gone')).toBe('absent')
})

test('describeRule asks the rule\'s bus whether it is a schedule or a pattern; a missing rule is undefined', async () => {
  events.on(DescribeRuleCommand, {Name: 'sling-report-a', EventBusName: 'orders'}).resolves({Name: 'sling-report-a', EventPattern: '{"source":["shop"]}'})
  events.on(DescribeRuleCommand, {Name: 'sling-report-b'}).rejects(new RuleNotFound({message: 'Rule sling-report-b does not exist on EventBus default.', $metadata: {httpStatusCode: 400}}))
  const api = deps().eventBridge
  expect(await api.describeRule('sling-report-a', {eventBusName: 'orders'})).toEqual({scheduleExpression: undefined, eventPattern: '{"source":["shop"]}'})
  expect(await api.describeRule('sling-report-b')).toBeUndefined()
  expect(events).toHaveReceivedCommandWith(DescribeRuleCommand, {Name: 'sling-report-a', EventBusName: 'orders'})
})

/**
 * Sample events for `sling invoke --event TYPE`: the shapes AWS documents for each trigger, with the
 * function's region and account, fresh ids and the current time in each format the service uses (epoch
 * ms, epoch seconds, ISO 8601, the access-log date of API Gateway's requestTime).
 */
import {randomInt, randomUUID} from 'node:crypto'

import {ExitCode, UserError} from '../errors.js'
import {suggest} from '../config/issues.js'
import type {SampleEvent, SampleEventContext} from './event-formats.js'
import {hex, isoSeconds} from './event-formats.js'
import {alb, apigw, apigwRest} from './events-http.js'
import {dynamodb, kinesis, s3, sns, sqs} from './events-records.js'
import {applySets} from './set-path.js'

const schedule: SampleEvent = {
  name: 'schedule',
  description: 'EventBridge scheduled event (a rule with a schedule expression)',
  build: (context) => ({
    version: '0',
    id: context.uuid(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: context.accountId,
    time: isoSeconds(context.now),
    region: context.region,
    resources: [`arn:aws:events:${context.region}:${context.accountId}:rule/my-schedule`],
    detail: {},
  }),
}

const eventbridge: SampleEvent = {
  name: 'eventbridge',
  description: 'EventBridge event from a custom application (source com.example.orders)',
  build: (context) => ({
    version: '0',
    id: context.uuid(),
    'detail-type': 'Order Placed',
    source: 'com.example.orders',
    account: context.accountId,
    time: isoSeconds(context.now),
    region: context.region,
    resources: [],
    detail: {orderId: String(randomInt(1000, 9999)), amount: 42.5, currency: 'EUR'},
  }),
}

const cognitoPreSignup: SampleEvent = {
  name: 'cognito-pre-signup',
  description: 'Cognito user pool pre sign-up trigger (PreSignUp_SignUp)',
  build: (context) => ({
    version: '1',
    triggerSource: 'PreSignUp_SignUp',
    region: context.region,
    userPoolId: `${context.region}_${hex(5).toUpperCase().slice(0, 9)}`,
    userName: context.uuid(),
    callerContext: {awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: hex(13).slice(0, 26)},
    request: {userAttributes: {email: 'jane@example.com', name: 'Jane Doe'}, validationData: null, clientMetadata: {}},
    response: {autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false},
  }),
}

export type {SampleEvent, SampleEventContext} from './event-formats.js'

/** Every sample event, in the order --list-events shows them. */
export const SAMPLE_EVENTS: readonly SampleEvent[] = [apigw, apigwRest, alb, sqs, sns, s3, schedule, eventbridge, dynamodb, kinesis, cognitoPreSignup]

/** Builds the event `name` and applies `--set` edits to it. */
export function generateEvent(name: string, context: Omit<SampleEventContext, 'uuid' | 'now'> & Partial<SampleEventContext>, sets: readonly string[] = []): Record<string, unknown> {
  const sample = SAMPLE_EVENTS.find((event) => event.name === name)
  if (!sample) {
    throw new UserError('UnknownEvent', `There is no sample event "${name}".${suggest(name, SAMPLE_EVENTS.map((event) => event.name))}`, {
      exitCode: ExitCode.Usage,
      hints: [`Pick one of: ${SAMPLE_EVENTS.map((event) => event.name).join(', ')} ("sling invoke --list-events" describes them).`],
    })
  }
  const event = sample.build({now: new Date(), uuid: randomUUID, ...context})
  const paths = applySets(event, sets)
  if (paths.length > 0) sample.fix?.(event, paths)
  return event
}

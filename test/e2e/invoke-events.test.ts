import {afterAll, beforeAll, expect, test} from 'vitest'

import type {InvokeWorld} from './invoke-helper.js'
import {invokeWorld} from './invoke-helper.js'

let world: InvokeWorld

beforeAll(async () => {
  world = await invokeWorld()
})

afterAll(async () => {
  await world.close()
})

/**
 * A handler that checks each event's shape as the service documents it: the type comes in the client
 * context; every problem is collected and thrown, so a malformed event is a function error (exit 3).
 */
const CHECKER = String.raw`
const problems = []
const is = (what, ok) => { if (!ok) problems.push(what) }
const str = (v) => typeof v === 'string' && v.length > 0
const fresh = (ms) => typeof ms === 'number' && Math.abs(Date.now() - ms) < 120000
const iso = (t) => str(t) && fresh(Date.parse(t))
const uuid = (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v)
const clf = (t) => /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/.test(t)
const checks = {
  apigw: (e, r, a) => { is('version', e.version === '2.0'); is('rawPath', e.rawPath === '/orders'); is('headers', e.headers['content-type'] === 'application/json');
    const c = e.requestContext; is('accountId', c.accountId === a); is('http.method', str(c.http.method)); is('http.path', c.http.path === '/orders');
    is('domainName', c.domainName.endsWith('.execute-api.' + r + '.amazonaws.com')); is('time', clf(c.time)); is('timeEpoch', fresh(c.timeEpoch));
    is('body', typeof e.body === 'string' && JSON.parse(e.body).id === 1); is('isBase64Encoded', e.isBase64Encoded === false) },
  'apigw-rest': (e, r, a) => { is('httpMethod', str(e.httpMethod)); is('resource', str(e.resource)); is('path', str(e.path)); is('multiValueHeaders', Array.isArray(e.multiValueHeaders.Host));
    const c = e.requestContext; is('accountId', c.accountId === a); is('requestId', uuid(c.requestId)); is('requestTime', clf(c.requestTime)); is('requestTimeEpoch', fresh(c.requestTimeEpoch));
    is('stage', str(c.stage)); is('identity.sourceIp', str(c.identity.sourceIp)); is('body', typeof e.body === 'string') },
  alb: (e, r, a) => { is('targetGroupArn', e.requestContext.elb.targetGroupArn.startsWith('arn:aws:elasticloadbalancing:' + r + ':' + a + ':targetgroup/'));
    is('httpMethod', str(e.httpMethod)); is('path', str(e.path)); is('headers', str(e.headers.host)); is('isBase64Encoded', e.isBase64Encoded === false) },
  sqs: (e, r, a) => { const m = e.Records[0]; is('messageId', uuid(m.messageId)); is('eventSource', m.eventSource === 'aws:sqs'); is('body', m.body === 'edited');
    is('md5OfBody', m.md5OfBody === require('crypto').createHash('md5').update(m.body).digest('hex')); is('SentTimestamp', fresh(Number(m.attributes.SentTimestamp)));
    is('eventSourceARN', m.eventSourceARN === 'arn:aws:sqs:' + r + ':' + a + ':my-queue'); is('awsRegion', m.awsRegion === r) },
  sns: (e, r, a) => { const s = e.Records[0].Sns; is('EventSource', e.Records[0].EventSource === 'aws:sns'); is('Type', s.Type === 'Notification'); is('MessageId', uuid(s.MessageId));
    is('TopicArn', s.TopicArn.startsWith('arn:aws:sns:' + r + ':' + a + ':')); is('Timestamp', iso(s.Timestamp)); is('Message', str(s.Message)) },
  s3: (e, r) => { const x = e.Records[0]; is('eventVersion', x.eventVersion === '2.1'); is('eventSource', x.eventSource === 'aws:s3'); is('eventName', x.eventName === 'ObjectCreated:Put');
    is('eventTime', iso(x.eventTime)); is('awsRegion', x.awsRegion === r); is('bucket', x.s3.bucket.name === 'uploads' && x.s3.bucket.arn === 'arn:aws:s3:::uploads');
    is('key', str(x.s3.object.key)); is('size', typeof x.s3.object.size === 'number') },
  schedule: (e, r, a) => { is('detail-type', e['detail-type'] === 'Scheduled Event'); is('source', e.source === 'aws.events'); is('account', e.account === a); is('region', e.region === r);
    is('id', uuid(e.id)); is('time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(e.time) && iso(e.time)); is('resources', e.resources[0].startsWith('arn:aws:events:' + r + ':' + a + ':rule/')) },
  eventbridge: (e, r, a) => { is('detail-type', str(e['detail-type'])); is('source', str(e.source)); is('account', e.account === a); is('region', e.region === r); is('time', iso(e.time)); is('detail', typeof e.detail === 'object') },
  dynamodb: (e, r, a) => { const x = e.Records[0]; is('eventName', x.eventName === 'MODIFY'); is('eventSource', x.eventSource === 'aws:dynamodb'); is('awsRegion', x.awsRegion === r);
    is('Keys', typeof x.dynamodb.Keys.Id.N === 'string'); is('ApproximateCreationDateTime', fresh(x.dynamodb.ApproximateCreationDateTime * 1000)); is('SequenceNumber', /^\d+$/.test(x.dynamodb.SequenceNumber));
    is('eventSourceARN', x.eventSourceARN.startsWith('arn:aws:dynamodb:' + r + ':' + a + ':table/')) },
  kinesis: (e, r, a) => { const x = e.Records[0]; is('data', JSON.parse(Buffer.from(x.kinesis.data, 'base64').toString()).status === 'created'); is('eventID', x.eventID.endsWith(':' + x.kinesis.sequenceNumber));
    is('arrival', fresh(x.kinesis.approximateArrivalTimestamp * 1000)); is('eventSourceARN', x.eventSourceARN === 'arn:aws:kinesis:' + r + ':' + a + ':stream/my-stream') },
  'cognito-pre-signup': (e, r) => { is('triggerSource', e.triggerSource === 'PreSignUp_SignUp'); is('region', e.region === r); is('userPoolId', e.userPoolId.startsWith(r + '_'));
    is('email', str(e.request.userAttributes.email)); is('response', e.response.autoConfirmUser === false) },
}
exports.handler = async (event, context) => {
  const type = context.clientContext.custom.type
  const [, , , region, account] = context.invokedFunctionArn.split(':')
  checks[type](event, region, account)
  if (problems.length > 0) throw new Error(type + ': ' + problems.join(', '))
  return {checked: type}
}
`

const SETS: Record<string, string[]> = {
  apigw: ['rawPath=/orders', 'body={"id":1}'],
  sqs: ['Records[0].body=edited'],
  s3: ['Records[0].s3.bucket.name=uploads'],
  dynamodb: ['Records[0].eventName=MODIFY'],
}

test('every sample event is accepted by a handler that checks its shape, with the function\'s region and account and fresh ids and times', async () => {
  await world.fn('checker', CHECKER)
  const list = JSON.parse((await world.sling(['invoke', '--list-events', '--json'])).stdout) as {events: {name: string}[]}
  expect(list.events.map((e) => e.name)).toEqual(['apigw', 'apigw-rest', 'alb', 'sqs', 'sns', 's3', 'schedule', 'eventbridge', 'dynamodb', 'kinesis', 'cognito-pre-signup'])

  const results = await Promise.all(
    list.events.map(({name}) => world.sling(['invoke', 'checker', '--event', name, ...(SETS[name] ?? []).flatMap((set) => ['--set', set]), '--client-context', JSON.stringify({custom: {type: name}})])),
  )

  for (const [i, result] of results.entries()) expect({event: list.events[i]?.name, code: result.code, stderr: result.code === 0 ? '' : result.stderr}).toEqual({event: list.events[i]?.name, code: 0, stderr: ''})
})

test('--set names the path it could not apply, and an unknown event gets a did-you-mean (exit 2)', async () => {
  const bad = await world.sling(['invoke', '--event', 'sqs', '--print-event', '--set', 'Records[0].body.x=1'])
  const gap = await world.sling(['invoke', '--event', 'sqs', '--print-event', '--set', 'Records[3].body=1'])
  const typo = await world.sling(['invoke', '--event', 'sqss', '--print-event'])

  expect(bad.code).toBe(2)
  expect(bad.stderr).toContain('--set Records[0].body.x=1: "Records[0].body" is text, not an object, so it has no field "x".')
  expect(gap.code).toBe(2)
  expect(gap.stderr).toContain('"Records[3]" is past the end of a list of 1; the next index is 1.')
  expect(typo.code).toBe(2)
  expect(typo.stderr).toContain('There is no sample event "sqss". Did you mean "sqs"?')
})

import {expect, test} from 'vitest'

import {parseFilterPattern} from '../../../../src/lib/lambda/event-filter.js'
import {passesFilters, reportedFailures, sqsRecord} from '../../../../src/lib/local/lambda/esm-batch.js'

const QUEUE = 'arn:aws:sqs:eu-west-1:000000000000:jobs'
const record = (body: string) =>
  sqsRecord({messageId: 'm1', receiptHandle: 'h1', body, md5OfBody: 'x', attributes: {ApproximateReceiveCount: '1'}, messageAttributes: {k: {DataType: 'String', StringValue: 'v'}}}, QUEUE)

test("Lambda's SQS record: message attributes in its camel case, source and region from the queue", () => {
  expect(record('hi')).toEqual({
    messageId: 'm1',
    receiptHandle: 'h1',
    body: 'hi',
    attributes: {ApproximateReceiveCount: '1'},
    messageAttributes: {k: {stringValue: 'v', stringListValues: [], binaryListValues: [], dataType: 'String'}},
    md5OfBody: 'x',
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE,
    awsRegion: 'eu-west-1',
  })
})

test('filters match a JSON body as an object and a plain body as text; a pattern of the other kind filters on the other fields only', () => {
  const json = [parseFilterPattern('{"body": {"type": ["order"]}}')]
  expect(passesFilters(json, record('{"type": "order"}'))).toBe(true)
  expect(passesFilters(json, record('{"type": "refund"}'))).toBe(false)
  const text = [parseFilterPattern('{"body": [{"prefix": "urgent"}]}')]
  expect(passesFilters(text, record('urgent: call'))).toBe(true)
  expect(passesFilters(text, record('later'))).toBe(false)
  // JSON pattern, text body: only the other fields count (none here), so the record passes.
  expect(passesFilters(json, record('plain text'))).toBe(true)
  expect(passesFilters([parseFilterPattern('{"body": {"type": ["order"]}, "awsRegion": ["us-east-1"]}')], record('plain text'))).toBe(false)
  expect(passesFilters([], record('anything'))).toBe(true)
})

test('ReportBatchItemFailures: the reported ids; an empty or null answer is success; a malformed one fails the whole batch', () => {
  const ids = new Set(['a', 'b'])
  expect(reportedFailures('{"batchItemFailures": [{"itemIdentifier": "b"}]}', ids)).toEqual(new Set(['b']))
  for (const success of ['', 'null', '{}', '{"batchItemFailures": []}', '{"batchItemFailures": null}']) expect(reportedFailures(success, ids)).toEqual(new Set())
  for (const failure of ['not json', '"text"', '{"batchItemFailures": "b"}', '{"batchItemFailures": [{"itemIdentifier": ""}]}', '{"batchItemFailures": [{"id": "b"}]}', '{"batchItemFailures": [{"itemIdentifier": "zzz"}]}']) {
    expect(reportedFailures(failure, ids)).toBe('all')
  }
})

import assert from 'node:assert/strict'
import {test} from 'node:test'

import {handler} from '../src/__FUNCTION__.js'

function message(messageId, body) {
  return {messageId, body, receiptHandle: `handle-${messageId}`, eventSource: 'aws:sqs', awsRegion: 'us-east-1'}
}

test('a batch that succeeds reports no failures', async () => {
  const event = {Records: [message('1', '{"orderId": 1}'), message('2', '{"orderId": 2}')]}
  assert.deepEqual(await handler(event), {batchItemFailures: []})
})

test('only the messages that failed are reported, so only they are retried', async () => {
  const event = {Records: [message('1', '{"orderId": 1}'), message('2', 'not json'), message('3', '{"orderId": 3}')]}
  assert.deepEqual(await handler(event), {batchItemFailures: [{itemIdentifier: '2'}]})
})

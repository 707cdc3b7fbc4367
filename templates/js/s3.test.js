import assert from 'node:assert/strict'
import {test} from 'node:test'

import {handler} from '../src/__FUNCTION__.js'

function created(key) {
  return {eventName: 'ObjectCreated:Put', s3: {bucket: {name: 'uploads', arn: 'arn:aws:s3:::uploads'}, object: {key, size: 10}}}
}

test('keys are decoded as S3 encodes them in events', async () => {
  const event = {Records: [created('photos/My+summer%282026%29.jpg')]}
  assert.deepEqual(await handler(event), {processed: ['photos/My summer(2026).jpg'], skipped: []})
})

test('folder placeholders are skipped', async () => {
  const event = {Records: [created('photos/'), created('photos/a.jpg')]}
  assert.deepEqual(await handler(event), {processed: ['photos/a.jpg'], skipped: ['photos/']})
})

import assert from 'node:assert/strict'
import {test} from 'node:test'

import type {S3Event, S3EventRecord} from 'aws-lambda'

import {handler} from '../src/__FUNCTION__.js'

function created(key: string): S3EventRecord {
  return {
    eventName: 'ObjectCreated:Put',
    s3: {bucket: {name: 'uploads', arn: 'arn:aws:s3:::uploads'}, object: {key, size: 10}},
  } as S3EventRecord
}

test('keys are decoded as S3 encodes them in events', async () => {
  const event: S3Event = {Records: [created('photos/My+summer%282026%29.jpg')]}
  assert.deepEqual(await handler(event), {processed: ['photos/My summer(2026).jpg'], skipped: []})
})

test('folder placeholders are skipped', async () => {
  const event: S3Event = {Records: [created('photos/'), created('photos/a.jpg')]}
  assert.deepEqual(await handler(event), {processed: ['photos/a.jpg'], skipped: ['photos/']})
})

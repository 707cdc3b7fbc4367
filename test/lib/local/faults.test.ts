import {CreateBucketCommand, GetObjectCommand, PutObjectCommand} from '@aws-sdk/client-s3'
import {GetRoleCommand, IAMClient} from '@aws-sdk/client-iam'
import {expect, test} from 'vitest'

import {createFaultInjector} from '../../../src/lib/local/faults.js'
import type {LocalRequest} from '../../../src/lib/local/server.js'
import {faultOptionsFromEnv, readLocalSettings} from '../../../src/lib/local/settings.js'
import {rejectionOf, startS3} from './s3/harness.js'

const request = (service: string, headers: Record<string, string> = {}): LocalRequest =>
  ({method: 'GET', url: new URL('http://127.0.0.1/'), headers, service, region: 'us-east-1'}) as unknown as LocalRequest

async function codes(injector: ReturnType<typeof createFaultInjector>, service: string, n: number, operation?: string): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < n; i++) out.push((await injector.pick(request(service), operation))?.code ?? 'ok')
  return out
}

test('reads SLING_LOCAL_FAULT_* settings, ignoring values that are not numbers', () => {
  expect(faultOptionsFromEnv({SLING_LOCAL_FAULT_THROTTLE: '0.3', SLING_LOCAL_FAULT_5XX: '0.1', SLING_LOCAL_FAULT_LATENCY_MS: '200', SLING_LOCAL_FAULT_SEED: '42', SLING_LOCAL_FAULT_OPS: 's3, lambda:Invoke'})).toEqual({
    throttle: 0.3,
    serverError: 0.1,
    latencyMs: 200,
    seed: 42,
    ops: ['s3', 'lambda:Invoke'],
  })
  expect(faultOptionsFromEnv({SLING_LOCAL_FAULT_THROTTLE: 'lots'}).throttle).toBeUndefined()
  expect(readLocalSettings({SLING_LOCAL_STATE_DELAY_MS: '50'}).stateDelayMs).toBe(50)
  expect(readLocalSettings({SLING_LOCAL_STATE_DELAY_MS: '-1'}).stateDelayMs).toBe(200)
})

test('a seed makes the sequence of faults reproducible, in each protocol\'s own words', async () => {
  const options = {throttle: 0.3, serverError: 0.2, seed: 7}
  const first = await codes(createFaultInjector(options), 'lambda', 200)
  expect(await codes(createFaultInjector(options), 'lambda', 200)).toEqual(first)
  expect(new Set(first)).toEqual(new Set(['ok', 'TooManyRequestsException', 'ServiceException']))
  const throttled = first.filter((code) => code === 'TooManyRequestsException').length
  expect(throttled).toBeGreaterThan(30)
  expect(throttled).toBeLessThan(90)

  expect(new Set(await codes(createFaultInjector(options), 's3', 50))).toEqual(new Set(['ok', 'SlowDown', 'InternalError']))
  expect(new Set(await codes(createFaultInjector(options), 'logs', 50))).toEqual(new Set(['ok', 'ThrottlingException', 'ServiceUnavailableException']))
  const lambdaThrottle = await createFaultInjector({throttle: 1}).pick(request('lambda'))
  expect(lambdaThrottle).toMatchObject({status: 429, code: 'TooManyRequestsException', fields: {Reason: 'CallerRateLimitExceeded'}})
})

test('SLING_LOCAL_FAULT_OPS restricts faults to services and operations', async () => {
  const injector = createFaultInjector({throttle: 1, ops: ['s3', 'lambda:Invoke', 'GetLogEvents']})
  expect(await codes(injector, 's3', 1, 'PutObject')).toEqual(['SlowDown'])
  expect(await codes(injector, 'lambda', 1, 'Invoke')).toEqual(['TooManyRequestsException'])
  expect(await codes(injector, 'lambda', 1, 'GetFunction')).toEqual(['ok'])
  expect(await codes(injector, 'iam', 1)).toEqual(['ok'])
  // JSON 1.1 services name the operation in X-Amz-Target.
  expect(await injector.pick(request('logs', {'x-amz-target': 'Logs_20140328.GetLogEvents'}))).toMatchObject({code: 'ThrottlingException'})
  expect(await injector.pick(request('logs', {'x-amz-target': 'Logs_20140328.PutLogEvents'}))).toBeUndefined()
})

test('the SDK with adaptive retries (as sling configures it) rides over 30% throttling and 5xx', async () => {
  const inner = createFaultInjector({throttle: 0.3, serverError: 0.1, seed: 2, ops: ['PutObject', 'GetObject']})
  const injected: string[] = []
  const faults = {
    pick: async (req: LocalRequest, operation?: string) => {
      const fault = await inner.pick(req, operation)
      if (fault) injected.push(fault.code)
      return fault
    },
  }
  const h = await startS3({faults})
  try {
    const s3 = h.s3({maxAttempts: 5, retryMode: 'adaptive'})
    await s3.send(new CreateBucketCommand({Bucket: 'faulty'}))
    for (let i = 0; i < 4; i++) {
      await s3.send(new PutObjectCommand({Bucket: 'faulty', Key: `k${i}`, Body: `body ${i}`}))
      const got = await s3.send(new GetObjectCommand({Bucket: 'faulty', Key: `k${i}`}))
      expect(await got.Body?.transformToString()).toBe(`body ${i}`)
    }
    expect(injected).toContain('SlowDown')
    expect(injected).toContain('InternalError')
  } finally {
    await h.close()
  }
})

test('without retries the caller sees the protocol\'s exception: S3 SlowDown / InternalError, IAM Throttling', async () => {
  const throttled = await startS3({faults: createFaultInjector({throttle: 1})})
  const broken = await startS3({faults: createFaultInjector({serverError: 1})})
  try {
    const slowDown = await rejectionOf(throttled.s3().send(new PutObjectCommand({Bucket: 'b', Key: 'k', Body: 'x'})))
    expect(slowDown.name).toBe('SlowDown')
    expect(slowDown.$metadata?.httpStatusCode).toBe(503)
    const internal = await rejectionOf(broken.s3().send(new GetObjectCommand({Bucket: 'b', Key: 'k'})))
    expect(internal.name).toBe('InternalError')
    expect(internal.$metadata?.httpStatusCode).toBe(500)
    const iam = new IAMClient({region: 'us-east-1', endpoint: throttled.cloud.endpoint, credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, maxAttempts: 1})
    const iamError = await rejectionOf(iam.send(new GetRoleCommand({RoleName: 'r'})))
    iam.destroy()
    expect(iamError.name).toBe('Throttling')
    expect(iamError.$metadata?.httpStatusCode).toBe(400)
  } finally {
    await throttled.close()
    await broken.close()
  }
})

import {AssumeRoleCommand, GetAccessKeyInfoCommand, GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import {afterAll, beforeAll, expect, test} from 'vitest'

import type {LocalCloud} from '../../../../src/lib/local/server.js'
import {startLocalCloud} from '../../../../src/lib/local/server.js'
import {rejectionOf} from '../../../helpers/aws.js'
import {tempDir} from '../../../helpers/cli.js'
import {expectModeledError, expectOutputMatchesModel} from '../../../helpers/model.js'

let cloud: LocalCloud
let cleanup: () => Promise<void>
const clients: STSClient[] = []
const sts = (region = 'us-east-1'): STSClient => {
  const client = new STSClient({region, endpoint: cloud.endpoint, credentials: {accessKeyId: 'sling-local', secretAccessKey: 'sling-local'}, maxAttempts: 1})
  clients.push(client)
  return client
}

beforeAll(async () => {
  const tmp = await tempDir('sling-sts-')
  cleanup = tmp.cleanup
  cloud = await startLocalCloud({storeDir: tmp.dir})
})
afterAll(async () => {
  for (const client of clients) client.destroy()
  await cloud.close()
  await cleanup()
})

test('GetCallerIdentity names the local account and the sling-local IAM user, the same in every region', async () => {
  const identity = await sts().send(new GetCallerIdentityCommand({}))
  expectOutputMatchesModel('sts', 'GetCallerIdentity', identity)
  expect(identity.Account).toBe('000000000000')
  expect(identity.Arn).toBe('arn:aws:iam::000000000000:user/sling-local')
  expect(identity.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/)
  const elsewhere = await sts('eu-west-1').send(new GetCallerIdentityCommand({}))
  expect(elsewhere).toMatchObject({Account: identity.Account, Arn: identity.Arn, UserId: identity.UserId})
})

test('GetAccessKeyInfo answers the local account; a key the model refuses is a ValidationError', async () => {
  const info = await sts().send(new GetAccessKeyInfoCommand({AccessKeyId: 'AKIAIOSFODNN7EXAMPLE'}))
  expectOutputMatchesModel('sts', 'GetAccessKeyInfo', info)
  expect(info.Account).toBe('000000000000')

  const bad = await rejectionOf(sts().send(new GetAccessKeyInfoCommand({AccessKeyId: 'short'})))
  expectModeledError('sts', 'GetAccessKeyInfo', bad)
  expect(bad.name).toBe('ValidationError')
  expect(bad.$metadata?.httpStatusCode).toBe(400)
  expect(bad.message).toBe("1 validation error detected: Value 'short' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16")
})

test('an STS operation the local cloud lacks is InvalidAction, in query XML', async () => {
  const error = await rejectionOf(sts().send(new AssumeRoleCommand({RoleArn: 'arn:aws:iam::000000000000:role/r', RoleSessionName: 's'})))
  expect(error.name).toBe('InvalidAction')
  expect(error.$metadata?.httpStatusCode).toBe(400)
  expect(error.message).toContain('Could not find operation AssumeRole for version 2011-06-15')
})

test('the raw answer is the query protocol STS sends (what botocore and the AWS CLI parse)', async () => {
  const auth = 'AWS4-HMAC-SHA256 Credential=sling-local/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x'
  const response = await fetch(cloud.endpoint, {method: 'POST', headers: {authorization: auth, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8'}, body: 'Action=GetCallerIdentity&Version=2011-06-15'})
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe('text/xml')
  const xml = await response.text()
  expect(xml).toContain('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>')
  expect(xml).toContain('<Arn>arn:aws:iam::000000000000:user/sling-local</Arn>')
  expect(xml).toMatch(/<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata>/)
})

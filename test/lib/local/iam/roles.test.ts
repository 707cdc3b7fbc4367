import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  LimitExceededException,
  ListRoleTagsCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  ListAttachedRolePoliciesCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  PutRolePolicyCommand,
  DeleteConflictException,
} from '@aws-sdk/client-iam'
import {afterEach, beforeEach, expect, test} from 'vitest'

import type {LocalCloud} from '../../../../src/lib/local/server.js'
import {startLocalCloud} from '../../../../src/lib/local/server.js'
import {tempDir} from '../../../helpers/cli.js'
import {expectModeledError, expectOutputMatchesModel} from '../../../helpers/model.js'
import {rejectionOf} from '../s3/harness.js'

const TRUST = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'lambda.amazonaws.com'}, Action: 'sts:AssumeRole'}]})
const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'

let cloud: LocalCloud
let iam: IAMClient
let cleanup: () => Promise<void>
beforeEach(async () => {
  const tmp = await tempDir('sling-iam-')
  cleanup = tmp.cleanup
  cloud = await startLocalCloud({storeDir: tmp.dir})
  // IAM is global: the SDK signs for us-east-1 whatever region it is given.
  iam = new IAMClient({region: 'eu-west-1', endpoint: cloud.endpoint, credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, maxAttempts: 1})
})
afterEach(async () => {
  iam.destroy()
  await cloud.close()
  await cleanup()
})

test('creates a Lambda execution role and reads it back as IAM does', async () => {
  const created = await iam.send(new CreateRoleCommand({RoleName: 'hello-fn-role', Path: '/service-role/', AssumeRolePolicyDocument: TRUST, Description: 'sling', Tags: [{Key: 'app', Value: 'hello'}]}))
  expect(created.Role).toMatchObject({RoleName: 'hello-fn-role', Path: '/service-role/', Arn: 'arn:aws:iam::000000000000:role/service-role/hello-fn-role', MaxSessionDuration: 3600, Description: 'sling', Tags: [{Key: 'app', Value: 'hello'}]})
  expect(created.Role?.RoleId).toMatch(/^AROA[A-Z0-9]{17}$/)
  expect(created.Role?.CreateDate).toBeInstanceOf(Date)

  const got = await iam.send(new GetRoleCommand({RoleName: 'hello-fn-role'}))
  expect(got.Role?.Arn).toBe(created.Role?.Arn)
  // IAM returns policy documents URL-encoded.
  expect(JSON.parse(decodeURIComponent(got.Role?.AssumeRolePolicyDocument ?? ''))).toEqual(JSON.parse(TRUST))
})

test('attaches managed policies and inline policies; DeleteRole needs them gone first', async () => {
  await iam.send(new CreateRoleCommand({RoleName: 'r', AssumeRolePolicyDocument: TRUST}))
  await iam.send(new AttachRolePolicyCommand({RoleName: 'r', PolicyArn: BASIC}))
  await iam.send(new AttachRolePolicyCommand({RoleName: 'r', PolicyArn: BASIC})) // idempotent, as on IAM
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({RoleName: 'r'}))
  expect(attached.AttachedPolicies).toEqual([{PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: BASIC}])
  expect(attached.IsTruncated).toBe(false)

  const policy = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 's3:GetObject', Resource: '*'}]})
  await iam.send(new PutRolePolicyCommand({RoleName: 'r', PolicyName: 'read', PolicyDocument: policy}))
  const inline = await iam.send(new GetRolePolicyCommand({RoleName: 'r', PolicyName: 'read'}))
  expect(decodeURIComponent(inline.PolicyDocument ?? '')).toBe(policy)

  await expect(iam.send(new DeleteRoleCommand({RoleName: 'r'}))).rejects.toBeInstanceOf(DeleteConflictException)
  await iam.send(new DetachRolePolicyCommand({RoleName: 'r', PolicyArn: BASIC}))
  await iam.send(new DeleteRolePolicyCommand({RoleName: 'r', PolicyName: 'read'}))
  await iam.send(new DeleteRoleCommand({RoleName: 'r'}))
  await expect(iam.send(new GetRoleCommand({RoleName: 'r'}))).rejects.toBeInstanceOf(NoSuchEntityException)
})

test('errors come back as the IAM SDK classes with their status codes', async () => {
  await iam.send(new CreateRoleCommand({RoleName: 'dup', AssumeRolePolicyDocument: TRUST}))
  const dup = await rejectionOf(iam.send(new CreateRoleCommand({RoleName: 'DUP', AssumeRolePolicyDocument: TRUST})))
  expect(dup).toBeInstanceOf(EntityAlreadyExistsException)
  expect(dup.$metadata?.httpStatusCode).toBe(409)
  expect(dup.message).toBe('Role with name DUP already exists.')

  const missing = await rejectionOf(iam.send(new GetRoleCommand({RoleName: 'ghost'})))
  expect(missing).toBeInstanceOf(NoSuchEntityException)
  expect(missing.$metadata?.httpStatusCode).toBe(404)

  const malformed = await rejectionOf(iam.send(new CreateRoleCommand({RoleName: 'bad', AssumeRolePolicyDocument: '{not json'})))
  expect(malformed).toBeInstanceOf(MalformedPolicyDocumentException)

  const badArn = await rejectionOf(iam.send(new AttachRolePolicyCommand({RoleName: 'dup', PolicyArn: 'not-an-arn'})))
  expect(badArn.name).toBe('InvalidInputException')
})

test('a role is changed after creation: trust policy, description, session duration and tags', async () => {
  await iam.send(new CreateRoleCommand({RoleName: 'r', AssumeRolePolicyDocument: TRUST, Tags: [{Key: 'app', Value: 'a'}]}))
  const trust = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: ['lambda.amazonaws.com', 'edgelambda.amazonaws.com']}, Action: 'sts:AssumeRole'}]})
  await iam.send(new UpdateAssumeRolePolicyCommand({RoleName: 'r', PolicyDocument: trust}))
  const updated = await iam.send(new UpdateRoleCommand({RoleName: 'r', Description: 'orders', MaxSessionDuration: 7200}))
  expectOutputMatchesModel('iam', 'UpdateRole', updated)
  const got = (await iam.send(new GetRoleCommand({RoleName: 'r'}))).Role
  expect(JSON.parse(decodeURIComponent(got?.AssumeRolePolicyDocument ?? ''))).toEqual(JSON.parse(trust))
  expect(got).toMatchObject({Description: 'orders', MaxSessionDuration: 7200})

  await iam.send(new TagRoleCommand({RoleName: 'r', Tags: [{Key: 'APP', Value: 'b'}, {Key: 'team', Value: 'core'}]}))
  const tags = await iam.send(new ListRoleTagsCommand({RoleName: 'r'}))
  expectOutputMatchesModel('iam', 'ListRoleTags', tags)
  expect(tags.Tags).toEqual([{Key: 'APP', Value: 'b'}, {Key: 'team', Value: 'core'}])
  await iam.send(new UntagRoleCommand({RoleName: 'r', TagKeys: ['app']}))
  expect((await iam.send(new ListRoleTagsCommand({RoleName: 'r'}))).Tags).toEqual([{Key: 'team', Value: 'core'}])

  const many = Array.from({length: 50}, (_, i) => ({Key: `k${i}`, Value: 'v'}))
  const tooMany = await rejectionOf(iam.send(new TagRoleCommand({RoleName: 'r', Tags: many})))
  expectModeledError('iam', 'TagRole', tooMany)
  expect(tooMany).toBeInstanceOf(LimitExceededException)
  const malformed = await rejectionOf(iam.send(new UpdateAssumeRolePolicyCommand({RoleName: 'r', PolicyDocument: '{nope'})))
  expectModeledError('iam', 'UpdateAssumeRolePolicy', malformed)
  expect(malformed).toBeInstanceOf(MalformedPolicyDocumentException)
  const missing = await rejectionOf(iam.send(new UpdateRoleCommand({RoleName: 'ghost', Description: 'x'})))
  expect(missing).toBeInstanceOf(NoSuchEntityException)
})

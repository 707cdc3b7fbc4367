import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam'
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, expect, test} from 'vitest'

import {basicExecutionPolicyArn, createIamApi, LAMBDA_TRUST_POLICY} from '../../../src/lib/aws/iam.js'
import {createStsApi, partitionOf} from '../../../src/lib/aws/sts.js'
import {rejectionOf} from '../../helpers/aws.js'

const iamMock = mockClient(IAMClient)
const stsMock = mockClient(STSClient)
afterEach(() => {
  iamMock.reset()
  stsMock.reset()
})

const iam = () => createIamApi(new IAMClient({region: 'us-east-1'}))
const noSuchRole = () => new NoSuchEntityException({message: 'The role with name r cannot be found.', $metadata: {httpStatusCode: 404}})
const role = {RoleName: 'r', Arn: 'arn:aws:iam::123456789012:role/r', RoleId: 'AROA1', Path: '/', CreateDate: new Date(0), AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(LAMBDA_TRUST_POLICY))}

test('createRole sends the trust policy as JSON and returns the role with its trust policy decoded', async () => {
  iamMock.on(CreateRoleCommand).resolves({Role: role})
  const created = await iam().createRole({name: 'r', trustPolicy: LAMBDA_TRUST_POLICY, description: 'sling', tags: {app: 'hello'}})
  expect(iamMock).toHaveReceivedCommandWith(CreateRoleCommand, {RoleName: 'r', AssumeRolePolicyDocument: JSON.stringify(LAMBDA_TRUST_POLICY), Description: 'sling', Tags: [{Key: 'app', Value: 'hello'}]})
  expect(created).toMatchObject({name: 'r', arn: role.Arn, roleId: 'AROA1'})
  expect(JSON.parse(created.trustPolicy)).toEqual(LAMBDA_TRUST_POLICY)
})

test('createRole of an existing role says so; getRole of a missing one is undefined', async () => {
  iamMock.on(CreateRoleCommand).rejects(new EntityAlreadyExistsException({message: 'Role with name r already exists.', $metadata: {httpStatusCode: 409}}))
  expect(await rejectionOf(iam().createRole({name: 'r', trustPolicy: '{}'}))).toMatchObject({code: 'RoleExists', message: 'The IAM role "r" already exists.'})
  iamMock.on(GetRoleCommand).rejects(noSuchRole())
  expect(await iam().getRole('r')).toBeUndefined()
})

test('attachRolePolicy and putRolePolicy send the role, the policy and the document', async () => {
  iamMock.on(AttachRolePolicyCommand).resolves({}).on(PutRolePolicyCommand).resolves({})
  await iam().attachRolePolicy('r', basicExecutionPolicyArn())
  await iam().putRolePolicy('r', 'logs', {Version: '2012-10-17', Statement: []})
  expect(iamMock).toHaveReceivedCommandWith(AttachRolePolicyCommand, {RoleName: 'r', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'})
  expect(iamMock).toHaveReceivedCommandWith(PutRolePolicyCommand, {RoleName: 'r', PolicyName: 'logs', PolicyDocument: '{"Version":"2012-10-17","Statement":[]}'})
  iamMock.on(AttachRolePolicyCommand).rejects(noSuchRole())
  expect(await rejectionOf(iam().attachRolePolicy('r', 'arn:p'))).toMatchObject({code: 'RoleNotFound'})
})

test('deleteRole detaches and deletes its policies first, and says when there was no role', async () => {
  iamMock.on(GetRoleCommand).resolves({Role: role})
  iamMock.on(ListAttachedRolePoliciesCommand).resolves({AttachedPolicies: [{PolicyArn: 'arn:p1'}]}).on(ListRolePoliciesCommand).resolves({PolicyNames: ['inline']})
  iamMock.on(DetachRolePolicyCommand).resolves({}).on(DeleteRolePolicyCommand).resolves({}).on(DeleteRoleCommand).resolves({})
  expect(await iam().deleteRole('r')).toBe('deleted')
  expect(iamMock.calls().map((call) => (call.args[0] as object).constructor.name)).toEqual([
    'GetRoleCommand', 'ListAttachedRolePoliciesCommand', 'DetachRolePolicyCommand', 'ListRolePoliciesCommand', 'DeleteRolePolicyCommand', 'DeleteRoleCommand',
  ])
  iamMock.reset()
  iamMock.on(GetRoleCommand).rejects(noSuchRole())
  expect(await iam().deleteRole('r')).toBe('absent')
  expect(iamMock).not.toHaveReceivedCommand(DeleteRoleCommand)
})

test('getCallerIdentity returns the account, and the partition comes from the ARN', async () => {
  stsMock.on(GetCallerIdentityCommand).resolves({Account: '123456789012', Arn: 'arn:aws-cn:iam::123456789012:user/dev', UserId: 'AIDA1'})
  const identity = await createStsApi(new STSClient({region: 'cn-north-1'})).getCallerIdentity()
  expect(identity).toEqual({account: '123456789012', arn: 'arn:aws-cn:iam::123456789012:user/dev', userId: 'AIDA1'})
  expect(partitionOf(identity.arn)).toBe('aws-cn')
  expect(basicExecutionPolicyArn(partitionOf(identity.arn))).toBe('arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole')
})

test('getCallerIdentity without credentials says how to configure them', async () => {
  stsMock.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), {name: 'CredentialsProviderError'}))
  expect(await rejectionOf(createStsApi(new STSClient({region: 'us-east-1'})).getCallerIdentity())).toMatchObject({code: 'NoCredentials'})
})

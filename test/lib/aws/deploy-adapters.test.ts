/** The AWS calls deploy added to the core: settings under their Lambda names, layer version reads, a private bucket, role tags. */
import {GetRoleCommand, IAMClient} from '@aws-sdk/client-iam'
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  GetLayerVersionCommand,
  LambdaClient,
  ListLayerVersionsCommand,
  ResourceNotFoundException,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda'
import {PutBucketEncryptionCommand, PutBucketOwnershipControlsCommand, PutPublicAccessBlockCommand, S3Client} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, expect, test} from 'vitest'

import {createIamApi} from '../../../src/lib/aws/iam.js'
import {createLambdaApi} from '../../../src/lib/aws/lambda.js'
import {createS3Api} from '../../../src/lib/aws/s3.js'
import {fakeClock} from '../../helpers/clock.js'

const lambdaMock = mockClient(LambdaClient)
const s3Mock = mockClient(S3Client)
const iamMock = mockClient(IAMClient)
afterEach(() => {
  lambdaMock.reset()
  s3Mock.reset()
  iamMock.reset()
})

const api = () => createLambdaApi(new LambdaClient({region: 'eu-west-1'}), {region: 'eu-west-1'}, {clock: fakeClock(), pollSeconds: 0.001, maxPollSeconds: 0.002})
const settled = {FunctionName: 'hello', FunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:hello', State: 'Active' as const, LastUpdateStatus: 'Successful' as const, RevisionId: 'r1'}

const SETTINGS = {
  ephemeralStorage: 2048, tracing: 'Active' as const, deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:123456789012:dlq',
  vpcConfig: {subnetIds: ['subnet-1', 'subnet-2'], securityGroupIds: ['sg-1'], ipv6AllowedForDualStack: true},
  loggingConfig: {logFormat: 'JSON' as const, applicationLogLevel: 'WARN', systemLogLevel: 'DEBUG', logGroup: '/shop/api'},
}
const LAMBDA_SETTINGS = {
  EphemeralStorage: {Size: 2048}, TracingConfig: {Mode: 'Active' as const}, DeadLetterConfig: {TargetArn: 'arn:aws:sqs:eu-west-1:123456789012:dlq'},
  VpcConfig: {SubnetIds: ['subnet-1', 'subnet-2'], SecurityGroupIds: ['sg-1'], Ipv6AllowedForDualStack: true},
  LoggingConfig: {LogFormat: 'JSON' as const, ApplicationLogLevel: 'WARN' as const, SystemLogLevel: 'DEBUG' as const, LogGroup: '/shop/api'},
}

test('getFunction reads every deploy setting from the one GetFunction answer', async () => {
  lambdaMock.on(GetFunctionCommand).resolves({
    Configuration: {...settled, PackageType: 'Image', ...LAMBDA_SETTINGS, VpcConfig: {...LAMBDA_SETTINGS.VpcConfig, VpcId: 'vpc-1'} as never, ImageConfigResponse: {ImageConfig: {Command: ['app.handler'], EntryPoint: ['/entry'], WorkingDirectory: '/app'}}} as never,
    Code: {ImageUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1'},
    Tags: {team: 'shop'},
    Concurrency: {ReservedConcurrentExecutions: 0},
  })
  const fn = await api().getFunction('hello')
  expect(fn).toMatchObject({
    ...SETTINGS, packageType: 'Image', imageUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1', tags: {team: 'shop'}, reservedConcurrency: 0,
    imageConfig: {command: ['app.handler'], entryPoint: ['/entry'], workingDirectory: '/app'},
  })
  expect(lambdaMock).toHaveReceivedCommandTimes(GetFunctionCommand, 1)
})

test('createFunction and a configuration update send the deploy settings under their Lambda names', async () => {
  lambdaMock.on(CreateFunctionCommand).resolves({}).on(UpdateFunctionConfigurationCommand).resolves({}).on(GetFunctionCommand).resolves({Configuration: settled})
  await api().createFunction({name: 'hello', role: 'arn:aws:iam::123456789012:role/r', code: {imageUri: 'i'}, ...SETTINGS, imageConfig: {command: ['a.b']}})
  expect(lambdaMock).toHaveReceivedCommandWith(CreateFunctionCommand, {PackageType: 'Image', Code: {ImageUri: 'i'}, ...LAMBDA_SETTINGS, ImageConfig: {Command: ['a.b']}})
  await api().update('hello', {kind: 'configuration', settings: SETTINGS, revisionId: 'r1'})
  expect(lambdaMock).toHaveReceivedCommandWith(UpdateFunctionConfigurationCommand, {FunctionName: 'hello', RevisionId: 'r1', ...LAMBDA_SETTINGS})
})

test("latestLayerVersion asks for one item (Lambda lists newest first); getLayerVersion has the content's CodeSha256", async () => {
  lambdaMock.on(ListLayerVersionsCommand).resolves({LayerVersions: [{LayerVersionArn: 'arn:aws:lambda:eu-west-1:123456789012:layer:deps:7', Version: 7, Description: 'sling-sha256:abc='}], NextMarker: 'more'})
  expect(await api().latestLayerVersion('deps')).toEqual({arn: 'arn:aws:lambda:eu-west-1:123456789012:layer:deps:7', version: 7, description: 'sling-sha256:abc=', createdDate: undefined})
  expect(lambdaMock).toHaveReceivedCommandWith(ListLayerVersionsCommand, {LayerName: 'deps', MaxItems: 1})
  expect(lambdaMock).toHaveReceivedCommandTimes(ListLayerVersionsCommand, 1)

  lambdaMock.on(GetLayerVersionCommand).resolves({LayerVersionArn: 'arn:l:7', LayerArn: 'arn:l', Version: 7, Content: {CodeSha256: 'xyz=', CodeSize: 10}})
  expect(await api().getLayerVersion('deps', 7)).toEqual({arn: 'arn:l:7', layerArn: 'arn:l', version: 7, codeSha256: 'xyz=', codeSize: 10})
  expect(lambdaMock).toHaveReceivedCommandWith(GetLayerVersionCommand, {LayerName: 'deps', VersionNumber: 7})

  lambdaMock.reset()
  lambdaMock.on(ListLayerVersionsCommand).resolves({LayerVersions: []}).on(GetLayerVersionCommand).rejects(new ResourceNotFoundException({message: 'not found', $metadata: {httpStatusCode: 404}}))
  expect(await api().latestLayerVersion('new')).toBeUndefined()
  expect(await api().getLayerVersion('new', 1)).toBeUndefined()
})

test('secureBucket blocks public access, enforces bucket-owner ownership and turns on SSE-S3', async () => {
  s3Mock.onAnyCommand().resolves({})
  await createS3Api(new S3Client({region: 'eu-west-1'})).secureBucket('sling-artifacts-123456789012-eu-west-1')
  const Bucket = 'sling-artifacts-123456789012-eu-west-1'
  expect(s3Mock).toHaveReceivedCommandWith(PutPublicAccessBlockCommand, {Bucket, PublicAccessBlockConfiguration: {BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}})
  expect(s3Mock).toHaveReceivedCommandWith(PutBucketOwnershipControlsCommand, {Bucket, OwnershipControls: {Rules: [{ObjectOwnership: 'BucketOwnerEnforced'}]}})
  expect(s3Mock).toHaveReceivedCommandWith(PutBucketEncryptionCommand, {Bucket, ServerSideEncryptionConfiguration: {Rules: [{ApplyServerSideEncryptionByDefault: {SSEAlgorithm: 'AES256'}}]}})
})

test("getRole returns the role's tags, so deploy can tell a role it created", async () => {
  iamMock.on(GetRoleCommand).resolves({Role: {RoleName: 'sling-shop', Arn: 'arn:aws:iam::123456789012:role/sling-shop', RoleId: 'AROA', Path: '/', CreateDate: new Date(), Tags: [{Key: 'sling:managed', Value: 'execution-role'}]}})
  expect((await createIamApi(new IAMClient({region: 'us-east-1'})).getRole('sling-shop'))?.tags).toEqual({'sling:managed': 'execution-role'})
})

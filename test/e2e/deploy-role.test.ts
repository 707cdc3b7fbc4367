import {GetRoleCommand, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand} from '@aws-sdk/client-iam'
import {GetFunctionCommand} from '@aws-sdk/client-lambda'
import {afterAll, beforeAll, expect, test} from 'vitest'

import {rejectionOf} from '../helpers/aws.js'
import type {Cloud} from './deploy-helpers.js'
import {byOperation, parseDeploy, startCloud} from './deploy-helpers.js'

// As on AWS, Lambda can't assume a new role for a few seconds: here 3 s after CreateRole. A deploy that
// creates its role reaches CreateFunction well within that, so it must ride out the refusal.
let cloud: Cloud
beforeAll(async () => {
  cloud = await startCloud([], {SLING_LOCAL_ROLE_PROPAGATION_MS: '3000'})
})
afterAll(async () => {
  await cloud.stop()
})

test('with no role, CI needs --create-role; with it sling creates a logs-only execution role and CreateFunction rides out IAM propagation', {timeout: 120_000}, async () => {
  const project = await cloud.project({service: 'e2e-newrole', functions: {api: {bundle: false, source: 'api', runtime: 'nodejs22.x'}}}, {
    'api/index.js': 'exports.handler = async () => "hi"\n',
  })

  const refused = await cloud.cli(['deploy', '--config', project.config])
  expect(refused.code).toBe(2)
  expect(refused.stderr).toContain('api has no "role", and sling may create the IAM role "sling-e2e-newrole" only with your consent; there is no terminal to ask. Nothing was changed.')
  expect(refused.stderr).toContain('Pass --create-role in CI or scripts')
  expect((await rejectionOf(cloud.iam.send(new GetRoleCommand({RoleName: 'sling-e2e-newrole'})))).name).toBe('NoSuchEntityException')
  expect((await rejectionOf(cloud.lambda.send(new GetFunctionCommand({FunctionName: 'e2e-newrole-api'})))).name).toBe('ResourceNotFoundException')

  await cloud.calls({reset: true})
  const run = await cloud.cli(['deploy', '--config', project.config, '--create-role', '--json'])

  expect(run.code, run.stderr).toBe(0)
  const deployed = parseDeploy(run)
  expect(deployed.functions[0]).toMatchObject({action: 'created', functionName: 'e2e-newrole-api'})
  expect(deployed.calls.byOperation).toMatchObject({'IAM.GetRole': 1, 'IAM.CreateRole': 1, 'IAM.AttachRolePolicy': 1})
  // The first CreateFunction came too early for the new role and was refused; sling tried again until Lambda took it.
  const served = await cloud.calls()
  const creates = served.calls.filter((call) => call.operation === 'CreateFunction')
  expect(creates.find((call) => call.status === 400)?.count).toBeGreaterThanOrEqual(1)
  expect(creates.find((call) => call.status === 201)?.count).toBe(1)
  expect(deployed.calls.byOperation['Lambda.CreateFunction']).toBe(byOperation(served)['Lambda.CreateFunction'])

  // The role: trust for lambda.amazonaws.com only, AWSLambdaBasicExecutionRole and nothing else.
  const {Role: role} = await cloud.iam.send(new GetRoleCommand({RoleName: 'sling-e2e-newrole'}))
  expect(JSON.parse(decodeURIComponent(role?.AssumeRolePolicyDocument ?? ''))).toEqual({
    Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'lambda.amazonaws.com'}, Action: 'sts:AssumeRole'}],
  })
  const attached = await cloud.iam.send(new ListAttachedRolePoliciesCommand({RoleName: 'sling-e2e-newrole'}))
  expect(attached.AttachedPolicies?.map((p) => p.PolicyArn)).toEqual(['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'])
  expect((await cloud.iam.send(new ListRolePoliciesCommand({RoleName: 'sling-e2e-newrole'}))).PolicyNames).toEqual([])
  const fn = await cloud.lambda.send(new GetFunctionCommand({FunctionName: 'e2e-newrole-api'}))
  expect(fn.Configuration).toMatchObject({Role: role?.Arn, State: 'Active'})
})

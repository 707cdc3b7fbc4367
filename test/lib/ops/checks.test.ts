import {expect, test} from 'vitest'

import {checkNode} from '../../../src/lib/ops/doctor-runtimes.js'
import {judgeRole, needsOf, trustsLambda} from '../../../src/lib/ops/role-check.js'
import {looksSecret, maskEnvironment} from '../../../src/lib/ops/secrets.js'
import type {FunctionConfig} from '../../../src/lib/config/load.js'

const fn = (overrides: Partial<FunctionConfig>): FunctionConfig => ({key: 'api', ...overrides}) as FunctionConfig

test('a role trusts Lambda only through an Allow of sts:AssumeRole for lambda.amazonaws.com', () => {
  const trust = (statement: Record<string, unknown>): string => JSON.stringify({Version: '2012-10-17', Statement: [statement]})
  expect(trustsLambda(trust({Effect: 'Allow', Principal: {Service: 'lambda.amazonaws.com'}, Action: 'sts:AssumeRole'}))).toBe(true)
  expect(trustsLambda(trust({Effect: 'Allow', Principal: {Service: ['edgelambda.amazonaws.com', 'lambda.amazonaws.com']}, Action: ['sts:AssumeRole', 'sts:TagSession']}))).toBe(true)
  expect(trustsLambda(trust({Effect: 'Allow', Principal: {Service: 'ec2.amazonaws.com'}, Action: 'sts:AssumeRole'}))).toBe(false)
  expect(trustsLambda(trust({Effect: 'Deny', Principal: {Service: 'lambda.amazonaws.com'}, Action: 'sts:AssumeRole'}))).toBe(false)
  expect(trustsLambda('not json')).toBe(false)
})

test('what a role must allow follows what the config uses, granted by a managed policy or an inline wildcard', () => {
  const needs = needsOf([fn({tracing: 'Active'}), fn({vpcConfig: {subnetIds: ['subnet-1'], securityGroupIds: ['sg-1']}})])
  expect(needs.map((n) => n.action)).toEqual(['logs:PutLogEvents', 'xray:PutTraceSegments', 'ec2:CreateNetworkInterface'])

  const inline = {name: 'mine', document: JSON.stringify({Statement: [{Effect: 'Allow', Action: ['logs:*', 'xray:Put*'], Resource: '*'}]})}
  expect(judgeRole({attached: [{name: 'AWSLambdaVPCAccessExecutionRole', arn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'}], inline: [inline]}, needs)).toEqual({missing: [], unread: []})
  expect(judgeRole({attached: [{name: 'team-policy', arn: 'arn:aws:iam::123456789012:policy/team-policy'}], inline: []}, needs)).toEqual({
    missing: [{what: 'write its logs', action: 'logs:PutLogEvents'}, {what: 'send X-Ray traces', action: 'xray:PutTraceSegments'}, {what: 'connect to its VPC', action: 'ec2:CreateNetworkInterface'}],
    unread: ['team-policy'],
  })
})

test('Node.js below 20 fails; a release line past its end of life warns', () => {
  expect(checkNode('18.20.0', '2026-01-01').status).toBe('fail')
  expect(checkNode('20.20.2', '2026-12-05')).toMatchObject({status: 'warn', message: expect.stringContaining('end of life on 2026-04-30') as string})
  expect(checkNode('24.1.0', '2026-12-05').status).toBe('ok')
})

test('secret-looking environment values are masked by name or by shape, and shown when asked', () => {
  expect(looksSecret('DB_PASSWORD', 'x')).toBe(true)
  expect(looksSecret('STRIPE', 'sk_live_abc123')).toBe(true)
  expect(looksSecret('UPSTREAM', 'postgres://app:s3cret@db:5432/app')).toBe(true)
  expect(looksSecret('ACCESS', 'AKIAIOSFODNN7EXAMPLE')).toBe(true)
  expect(looksSecret('LOG_LEVEL', 'debug')).toBe(false)
  expect(looksSecret('API_URL', 'https://api.example.com/v1')).toBe(false)
  expect(maskEnvironment({TOKEN: 't', MODE: 'fast'}, false)).toEqual({environment: {TOKEN: '********', MODE: 'fast'}, masked: ['TOKEN']})
  expect(maskEnvironment({TOKEN: 't'}, true)).toEqual({environment: {TOKEN: 't'}, masked: []})
})

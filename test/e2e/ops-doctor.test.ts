/** `sling doctor` end to end, against `sling local serve` (and its store with --local): checks passing and failing. */
import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {AttachRolePolicyCommand, CreateRoleCommand} from '@aws-sdk/client-iam'
import {afterAll, beforeAll, expect, test} from 'vitest'

import {runCli} from '../helpers/cli.js'
import type {Cloud} from './deploy-helpers.js'
import {startCloud} from './deploy-helpers.js'

let cloud: Cloud

beforeAll(async () => {
  cloud = await startCloud()
})

afterAll(async () => {
  await cloud.stop()
})

interface DoctorJson {
  status: string
  exitCode: number
  checks: {id: string; status: string; message: string; fix?: string}[]
}

async function doctor(config: Record<string, unknown>, options: {via?: 'endpoint' | 'local'} = {}): Promise<{code: number; json: DoctorJson; stderr: string}> {
  const project = await cloud.project(config, {'src/index.ts': 'export const handler = async () => ({ok: true})\n'})
  const result = await cloud.cli(['doctor', '--json'], {cwd: project.dir, via: options.via ?? 'endpoint'})
  return {code: result.code, json: JSON.parse(result.stdout) as DoctorJson, stderr: result.stderr}
}

function statuses(json: DoctorJson): Record<string, string> {
  return Object.fromEntries(json.checks.map((c) => [c.id, c.status]))
}

const TRUST_LAMBDA = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'lambda.amazonaws.com'}, Action: 'sts:AssumeRole'}]})

async function role(name: string, options: {trust?: string; policies?: string[]} = {}): Promise<string> {
  const created = await cloud.iam.send(new CreateRoleCommand({RoleName: name, AssumeRolePolicyDocument: options.trust ?? TRUST_LAMBDA}))
  for (const arn of options.policies ?? []) await cloud.iam.send(new AttachRolePolicyCommand({RoleName: name, PolicyArn: arn}))
  return created.Role!.Arn!
}

const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'

test('every check passes for a project whose role trusts Lambda and may write logs (exit 0)', async () => {
  const arn = await role('doctor-good', {policies: [BASIC]})
  const {code, json} = await doctor({service: 'good', functions: {api: {entry: 'src/index.ts', role: arn}}})

  expect(code).toBe(0)
  expect(json.exitCode).toBe(0)
  expect(statuses(json)).toMatchObject({config: 'ok', region: 'ok', endpoint: 'ok', credentials: 'ok', role: 'ok', runtimes: 'ok'})
  expect(json.checks.find((c) => c.id === 'credentials')?.message).toContain('arn:aws:iam::000000000000:user/sling-local')
  expect(['ok', 'warn']).toContain(statuses(json).node) // Node.js 20 works, past its end of life
})

test('a role that Lambda cannot assume, or that may not write logs, fails with the fix (exit 1)', async () => {
  const ec2 = await role('doctor-ec2', {trust: TRUST_LAMBDA.replace('lambda.amazonaws.com', 'ec2.amazonaws.com'), policies: [BASIC]})
  const bare = await role('doctor-bare')
  const {code, json} = await doctor({service: 'bad', functions: {api: {entry: 'src/index.ts', role: ec2}, worker: {entry: 'src/index.ts', role: bare, tracing: 'Active'}}})

  expect(code).toBe(1)
  const roles = json.checks.filter((c) => c.id === 'role')
  expect(roles).toEqual([
    expect.objectContaining({status: 'fail', message: expect.stringContaining("doesn't let Lambda assume it") as string, fix: expect.stringContaining('update-assume-role-policy') as string}),
    expect.objectContaining({status: 'fail', message: expect.stringMatching(/doesn't allow logs:PutLogEvents .*xray:PutTraceSegments/) as string}),
  ])
  expect(json.status).toBe('failed')
})

test('a role the config names that does not exist fails; a function without one is fine (deploy creates it)', async () => {
  const {json} = await doctor({service: 'norole', functions: {api: {entry: 'src/index.ts', role: 'arn:aws:iam::000000000000:role/nope'}, worker: {entry: 'src/index.ts'}}})
  const roles = json.checks.filter((c) => c.id === 'role')
  expect(roles).toContainEqual(expect.objectContaining({status: 'fail', message: expect.stringContaining("The role nope that api names doesn't exist") as string}))
  expect(roles).toContainEqual(expect.objectContaining({status: 'ok', message: expect.stringContaining('"sling deploy" creates sling-norole') as string}))
})

test('a runtime deprecated within six months is a warning naming the date (exit 0)', async () => {
  const arn = await role('doctor-old', {policies: [BASIC]})
  const {code, json} = await doctor({service: 'old', functions: {api: {entry: 'src/index.ts', role: arn, runtime: 'nodejs22.x'}}})
  expect(code).toBe(0)
  expect(json.checks.find((c) => c.id === 'runtimes')).toMatchObject({status: 'warn', message: expect.stringContaining('nodejs22.x is deprecated on 2027-04-30') as string})
})

test('an invalid config fails its check and the others still run', async () => {
  const {code, json} = await doctor({service: 'broken', functions: {api: {entry: 'src/index.ts', memmory: 256}}})
  expect(code).toBe(1)
  expect(json.checks.find((c) => c.id === 'config')).toMatchObject({status: 'fail', message: expect.stringContaining('Did you mean "memorySize"?') as string})
  expect(statuses(json)).toMatchObject({credentials: 'ok'})
})

test('an endpoint that does not answer fails, and the credentials are not tried', async () => {
  const project = await cloud.project({service: 'offline', functions: {api: {entry: 'src/index.ts'}}}, {'src/index.ts': ''})
  const result = await runCli(['doctor', '--json', '--endpoint-url', 'http://127.0.0.1:9'], {cwd: project.dir, env: {AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1'}})
  expect(result.code).toBe(1)
  const json = JSON.parse(result.stdout) as DoctorJson
  expect(statuses(json)).toMatchObject({endpoint: 'fail', credentials: 'skip', role: 'skip'})
})

test('without credentials the credentials check fails with how to configure them', async () => {
  const project = await cloud.project({service: 'nocreds', functions: {api: {entry: 'src/index.ts'}}}, {'src/index.ts': ''})
  const result = await runCli(['doctor', '--json', '--endpoint-url', cloud.served.info.endpoint, '--region', 'us-east-1'], {cwd: project.dir, env: {AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent'}})
  expect(result.code).toBe(1)
  const json = JSON.parse(result.stdout) as DoctorJson
  expect(json.checks.find((c) => c.id === 'credentials')).toMatchObject({status: 'fail', fix: expect.stringContaining('aws configure') as string})
})

test('--local checks the store: a state document that is not JSON fails the check', async () => {
  const project = await cloud.project({service: 'store', functions: {api: {entry: 'src/index.ts'}}}, {'src/index.ts': ''})
  const store = path.join(project.dir, 'store')
  const env = {SLING_LOCAL_STORE: store, SLING_LOCAL_ROLE_PROPAGATION_MS: '0'}
  const healthy = await runCli(['doctor', '--json', '--local'], {cwd: project.dir, env})
  expect(healthy.code, healthy.stderr).toBe(0)
  expect((JSON.parse(healthy.stdout) as DoctorJson).checks.find((c) => c.id === 'local-store')).toMatchObject({status: 'ok'})

  await mkdir(path.join(store, 'state', 'us-east-1'), {recursive: true})
  await writeFile(path.join(store, 'state', 'us-east-1', 'torn.json'), '{"half')
  const broken = await runCli(['doctor', '--json', '--local'], {cwd: project.dir, env})
  expect(broken.code).toBe(1)
  expect((JSON.parse(broken.stdout) as DoctorJson).checks.find((c) => c.id === 'local-store')).toMatchObject({status: 'fail', message: expect.stringContaining('torn.json') as string})
})

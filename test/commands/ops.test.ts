import {writeFile} from 'node:fs/promises'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import path from 'node:path'

import {afterEach, expect, test, vi} from 'vitest'

import Doctor from '../../src/commands/doctor.js'
import Init from '../../src/commands/init.js'
import type {AwsSettings} from '../../src/lib/aws/settings.js'
import type {AwsFlags} from '../../src/lib/base-command.js'
import type {CommandDeps} from '../../src/lib/deps.js'
import {createAwsDeps} from '../../src/lib/deps.js'
import {tempDir} from '../helpers/cli.js'
import {fakeClients, runIn} from './helpers.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  vi.unstubAllEnvs()
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

const TRUST = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'lambda.amazonaws.com'}, Action: 'sts:AssumeRole'}]})

/** doctor with STS, IAM and the ops reads faked: `policies` are the role's attached managed policy names. */
function doctorWith(policies: string[]): typeof Doctor {
  return class extends Doctor {
    protected override createDeps(asked: AwsSettings, flags: AwsFlags): CommandDeps {
      const deps = createAwsDeps({settings: asked, output: this.output(flags), interrupts: this.interrupts, connect: fakeClients().connect})
      return {
        ...deps,
        sts: {getCallerIdentity: () => Promise.resolve({account: '123456789012', arn: 'arn:aws:iam::123456789012:user/dev', userId: 'AID'})},
        iam: {...deps.iam, getRole: (name: string) => Promise.resolve({name, arn: `arn:aws:iam::123456789012:role/${name}`, roleId: 'r', trustPolicy: TRUST, tags: {}})},
        ops: {...deps.ops, rolePolicies: () => Promise.resolve({attached: policies.map((name) => ({name, arn: `arn:aws:iam::aws:policy/${name}`})), inline: []})},
      }
    }
  }
}

async function project(config: Record<string, unknown>): Promise<string> {
  const {dir, cleanup} = await tempDir('sling-cmd-ops-')
  cleanups.push(cleanup)
  const file = path.join(dir, 'sling.config.json')
  await writeFile(file, JSON.stringify(config))
  return file
}

const CONFIG = {service: 'shop', functions: {api: {entry: 'src/api.ts', role: 'arn:aws:iam::123456789012:role/app'}}}

test('doctor: each check on stdout with its fix under it; an endpoint that does not answer fails (exit 1) and the credentials are skipped', async () => {
  const config = await project(CONFIG)
  const run = await runIn(doctorWith(['AWSLambdaBasicExecutionRole']), ['--config', config, '--region', 'eu-west-1', '--endpoint-url', 'http://127.0.0.1:1'])
  // The endpoint (nothing listens on port 1) fails: that alone makes it exit 1, with its fix under it.
  expect(run.code).toBe(1)
  expect(run.stdout).toMatch(/✖ endpoint +Can't reach http:\/\/127\.0\.0\.1:1\.\n +→ Is the endpoint running\?/)
  expect(run.stdout).toMatch(/- credentials +The credentials can't be checked/)
})

test('doctor --json: one document; a role that may not write logs fails it (exit 1)', async () => {
  const server = createServer((_request, response) => response.end('{}'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())))
  const config = await project(CONFIG)
  const run = await runIn(doctorWith([]), ['--config', config, '--region', 'eu-west-1', '--json', '--endpoint-url', `http://127.0.0.1:${(server.address() as AddressInfo).port}`])
  expect(run.code).toBe(1)
  const json = JSON.parse(run.stdout) as {status: string; checks: {id: string; status: string; message: string}[]}
  expect(json.status).toBe('failed')
  expect(json.checks.find((c) => c.id === 'role')).toMatchObject({status: 'fail', message: expect.stringContaining("app (api) doesn't allow logs:PutLogEvents") as string})
})

test('init without a terminal and without --yes or --template: exit 2 with the hint', async () => {
  const {dir, cleanup} = await tempDir('sling-cmd-init-')
  cleanups.push(cleanup)
  const run = await runIn(Init, [path.join(dir, 'p')])
  expect(run.code).toBe(2)
  expect(run.stderr).toContain('Pass --yes in CI or scripts')
})

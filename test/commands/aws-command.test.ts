import {expect, test, vi} from 'vitest'

import type {AwsClients} from '../../src/lib/aws/clients.js'
import {createAwsClients} from '../../src/lib/aws/clients.js'
import type {AwsSettings} from '../../src/lib/aws/settings.js'
import {ExitCode} from '../../src/lib/errors.js'
import {tempDir} from '../helpers/cli.js'
import {fakeClients, probe, runIn} from './helpers.js'

test('the AWS flags reach the clients; --region wins over AWS_REGION, which wins over the config', async () => {
  const clients = fakeClients()
  const {command} = probe({connect: clients.connect, configRegion: 'ap-south-1', run: ({deps}) => deps.sts.getCallerIdentity().catch(() => ({}))})
  vi.stubEnv('AWS_REGION', 'eu-central-1')
  vi.stubEnv('AWS_DEFAULT_REGION', undefined)
  try {
    await runIn(command, ['--region', 'eu-west-3', '--profile', 'work', '--endpoint-url', 'http://127.0.0.1:9', '--local'])
    await runIn(command, [])
    vi.stubEnv('AWS_REGION', undefined)
    await runIn(command, [])
  } finally {
    vi.unstubAllEnvs()
  }
  expect(clients.settings.map(({region, profile, endpointUrl, local}) => ({region, profile, endpointUrl, local: Boolean(local)}))).toEqual([
    {region: 'eu-west-3', profile: 'work', endpointUrl: 'http://127.0.0.1:9', local: true},
    {region: 'eu-central-1', profile: undefined, endpointUrl: undefined, local: false},
    {region: 'ap-south-1', profile: undefined, endpointUrl: undefined, local: false},
  ])
})

test('a command that makes no AWS call builds no clients', async () => {
  const clients = fakeClients()
  const {command} = probe({connect: clients.connect, run: () => Promise.resolve({status: 'unchanged'})})
  expect((await runIn(command, ['--region', 'eu-west-1'])).code).toBe(0)
  expect(clients.settings).toEqual([])
})

test('the deps are closed when the command ends, also when it fails', async () => {
  const clients = fakeClients()
  const ok = probe({connect: clients.connect, run: ({deps}) => deps.lambda.getFunction('api').catch(() => ({}))})
  const failing = probe({connect: clients.connect, run: ({deps}) => deps.lambda.getFunction('api')})

  expect((await runIn(ok.command, [])).code).toBe(ExitCode.Ok)
  expect(clients.close).toHaveBeenCalledTimes(1)
  expect((await runIn(failing.command, [])).code).toBe(ExitCode.Failure)
  expect(clients.close).toHaveBeenCalledTimes(2)
})

test('--local starts the local cloud in-process for the command, and stops it when the command ends', async () => {
  const {dir, cleanup} = await tempDir('sling-cmd-local-')
  const endpoints: (string | undefined)[] = []
  const connect = async (settings: AwsSettings): Promise<AwsClients> => {
    const clients = await createAwsClients({...settings, localStore: dir})
    endpoints.push(clients.endpoint)
    return clients
  }
  const {command} = probe({connect, run: ({deps}) => deps.s3.ensureBucket('artifacts').then((status) => ({status}))})
  try {
    const {code, stdout} = await runIn(command, ['--local', '--json'])
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual({status: 'created'})
    expect(endpoints).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/)])
    await expect(fetch(`${endpoints[0]}/_sling/health`)).rejects.toThrow() // stopped with the command
  } finally {
    await cleanup()
  }
})

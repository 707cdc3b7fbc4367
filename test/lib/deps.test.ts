import {CloudWatchLogsClient, FilterLogEventsCommand} from '@aws-sdk/client-cloudwatch-logs'
import {LambdaClient, ListVersionsByFunctionCommand} from '@aws-sdk/client-lambda'
import {mockClient} from 'aws-sdk-client-mock'
import {afterEach, expect, test, vi} from 'vitest'

import {createAwsDeps} from '../../src/lib/deps.js'
import {createInterrupts} from '../../src/lib/interrupt.js'
import {silentOutput} from '../../src/lib/output.js'
import {fakeClients} from '../commands/helpers.js'
import {fakeClock} from '../helpers/clock.js'

const lambdaMock = mockClient(LambdaClient)
const logsMock = mockClient(CloudWatchLogsClient)
afterEach(() => {
  lambdaMock.reset()
  logsMock.reset()
})

function depsWith(clients: ReturnType<typeof fakeClients>) {
  return createAwsDeps({settings: {region: 'eu-west-1'}, output: silentOutput(), interrupts: createInterrupts({mode: 'exit', report: vi.fn(), exit: vi.fn()}), clock: fakeClock(), connect: clients.connect})
}

test('building deps touches nothing; closing deps that were never used closes nothing', async () => {
  const clients = fakeClients()
  const deps = depsWith(clients)
  await deps.close()
  expect(clients.settings).toEqual([])
  expect(clients.close).not.toHaveBeenCalled()
})

test('the clients are built on the first call, once for every API, and closed once', async () => {
  const lambda = new LambdaClient({region: 'eu-west-1', credentials: {accessKeyId: 'a', secretAccessKey: 'b'}})
  lambdaMock.on(ListVersionsByFunctionCommand).resolves({Versions: [{Version: '$LATEST'}, {Version: '1'}]})
  const clients = fakeClients({lambda: () => Promise.resolve(lambda)})
  const deps = depsWith(clients)

  const [versions] = await Promise.all([deps.lambda.listVersions('api'), deps.lambda.listVersions('api')])
  await deps.s3.headObject('bucket', 'key').catch(() => undefined)

  expect(versions.map((v) => v.version)).toEqual(['1'])
  expect(clients.settings).toEqual([{region: 'eu-west-1'}])
  await Promise.all([deps.close(), deps.close()])
  expect(clients.close).toHaveBeenCalledTimes(1)
})

test('a method that streams (logs.filterEvents) stays an async iterable', async () => {
  const logs = new CloudWatchLogsClient({region: 'eu-west-1', credentials: {accessKeyId: 'a', secretAccessKey: 'b'}})
  logsMock
    .on(FilterLogEventsCommand)
    .resolvesOnce({events: [{timestamp: 1, message: 'START'}], nextToken: 'n'})
    .resolvesOnce({events: [{timestamp: 2, message: 'END'}]})
  const deps = depsWith(fakeClients({logs: () => Promise.resolve(logs)}))

  const messages: string[] = []
  for await (const event of deps.logs.filterEvents('/aws/lambda/api')) messages.push(event.message)

  expect(messages).toEqual(['START', 'END'])
})

test('an API is not thenable: awaiting it loads nothing', async () => {
  const clients = fakeClients()
  const deps = depsWith(clients)
  expect(await Promise.resolve(deps.lambda)).toBe(deps.lambda)
  expect(clients.settings).toEqual([])
})

test('calls() is the clients\' tally (zero before any call, without connecting); region() is the clients\' region', async () => {
  const tally = {reads: 1, writes: 0, byOperation: {'Lambda.GetFunction': 1}}
  const clients = fakeClients({calls: () => tally})
  const deps = depsWith(clients)

  expect(deps.calls()).toEqual({reads: 0, writes: 0, byOperation: {}})
  expect(clients.settings).toEqual([])
  expect(await deps.region()).toBe('eu-west-1')
  expect(deps.calls()).toBe(tally)
})

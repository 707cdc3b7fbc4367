/**
 * Event sources declared in sling.config.json, reconciled by `sling deploy` against `sling local serve`:
 * added, changed and removed with the config, shown by `sling diff`, and a mapping made outside sling is
 * never touched.
 */
import {CreateEventSourceMappingCommand, GetFunctionUrlConfigCommand, ListEventSourceMappingsCommand} from '@aws-sdk/client-lambda'
import {CreateQueueCommand, SQSClient} from '@aws-sdk/client-sqs'
import {afterAll, beforeAll, expect, test} from 'vitest'

import {rejectionOf} from '../helpers/aws.js'
import type {Cloud} from './deploy-helpers.js'
import {parseDeploy, startCloud} from './deploy-helpers.js'

let cloud: Cloud
let sqs: SQSClient
beforeAll(async () => {
  cloud = await startCloud()
  sqs = new SQSClient({endpoint: cloud.served.info.endpoint, region: cloud.served.info.region, credentials: {accessKeyId: 'x', secretAccessKey: 'x'}})
})
afterAll(async () => {
  sqs.destroy()
  await cloud.stop()
})

const QUEUE = (name: string): string => `arn:aws:sqs:us-east-1:000000000000:${name}`

async function mappingsOf(queue: string): Promise<{uuid: string; batchSize: number | undefined; fn: string}[]> {
  const {EventSourceMappings = []} = await cloud.lambda.send(new ListEventSourceMappingsCommand({EventSourceArn: QUEUE(queue)}))
  return EventSourceMappings.map((m) => ({uuid: m.UUID ?? '', batchSize: m.BatchSize, fn: (m.FunctionArn ?? '').split(':').slice(6).join(':')}))
}

test('declared sources are created, changed and removed by deploy, shown by diff, and a mapping made outside sling is left alone', async () => {
  for (const name of ['jobs', 'extra', 'theirs']) await sqs.send(new CreateQueueCommand({QueueName: name}))
  const role = await cloud.role('e2e-events-role')
  const worker = (settings: Record<string, unknown>) => ({bundle: false, source: 'worker', runtime: 'nodejs22.x', role, ...settings})
  const project = await cloud.project({service: 'e2e-ev', functions: {worker: worker({events: [{source: 'sqs:jobs', batchSize: 5}], url: {authType: 'AWS_IAM'}})}}, {'worker/index.js': 'exports.handler = async () => ({})\n'})

  const planned = await cloud.cli(['diff', '--config', project.config])
  expect(planned.stdout).toContain('+ event source sqs:jobs')
  expect(planned.stdout).toContain('+ url function URL: auth AWS_IAM')

  const first = await cloud.cli(['deploy', '--config', project.config, '--json'])
  expect(first.code).toBe(0)
  expect(parseDeploy(first).functions[0]).toMatchObject({action: 'created', events: [{action: 'create', kind: 'mapping', source: 'sqs:jobs'}, {action: 'create', kind: 'url'}]})
  const [jobs] = await mappingsOf('jobs')
  expect(jobs).toMatchObject({batchSize: 5, fn: 'e2e-ev-worker'})
  const url = await cloud.lambda.send(new GetFunctionUrlConfigCommand({FunctionName: 'e2e-ev-worker'}))
  expect(url.AuthType).toBe('AWS_IAM')

  // Someone maps another queue to the function by hand.
  const theirs = await cloud.lambda.send(new CreateEventSourceMappingCommand({FunctionName: 'e2e-ev-worker', EventSourceArn: QUEUE('theirs'), BatchSize: 7}))

  const same = await cloud.cli(['diff', '--config', project.config, '--exit-code'])
  expect(same.code).toBe(0)

  await project.write({}, {service: 'e2e-ev', functions: {worker: worker({events: [{source: 'sqs:jobs', batchSize: 2}, {source: 'sqs:extra'}], url: {authType: 'AWS_IAM'}})}})
  const changing = await cloud.cli(['diff', '--config', project.config])
  expect(changing.stdout).toContain('~ event source sqs:jobs updated')
  expect(changing.stdout).toContain('+ event source sqs:extra')
  const second = await cloud.cli(['deploy', '--config', project.config, '--json'])
  expect(second.code).toBe(0)
  expect(parseDeploy(second).functions[0]).toMatchObject({action: 'updated', events: [{action: 'update', source: 'sqs:jobs'}, {action: 'create', source: 'sqs:extra'}]})
  expect(await mappingsOf('jobs')).toEqual([{uuid: jobs?.uuid, batchSize: 2, fn: 'e2e-ev-worker'}])
  expect(await mappingsOf('extra')).toHaveLength(1)

  await project.write({}, {service: 'e2e-ev', functions: {worker: worker({})}})
  const third = await cloud.cli(['deploy', '--config', project.config, '--json'])
  expect(third.code).toBe(0)
  expect(parseDeploy(third).functions[0]).toMatchObject({events: expect.arrayContaining([{action: 'delete', kind: 'mapping', source: 'sqs:jobs'}, {action: 'delete', kind: 'mapping', source: 'sqs:extra'}, {action: 'delete', kind: 'url', source: 'function URL'}])})
  expect(await mappingsOf('jobs')).toEqual([])
  expect(await mappingsOf('extra')).toEqual([])
  expect(await mappingsOf('theirs')).toEqual([{uuid: theirs.UUID, batchSize: 7, fn: 'e2e-ev-worker'}])
  expect((await rejectionOf(cloud.lambda.send(new GetFunctionUrlConfigCommand({FunctionName: 'e2e-ev-worker'})))).name).toBe('ResourceNotFoundException')

  // Declaring the queue someone else mapped: deploy reports it and leaves it alone.
  await project.write({}, {service: 'e2e-ev', functions: {worker: worker({events: [{source: 'sqs:theirs', batchSize: 1}]})}})
  const blocked = await cloud.cli(['diff', '--config', project.config])
  expect(blocked.stdout).toContain(`~ event source sqs:theirs left alone: mapping ${theirs.UUID} was made by something other than sling`)
  expect((await cloud.cli(['deploy', '--config', project.config])).code).toBe(0)
  expect(await mappingsOf('theirs')).toEqual([{uuid: theirs.UUID, batchSize: 7, fn: 'e2e-ev-worker'}])
}, 180_000)

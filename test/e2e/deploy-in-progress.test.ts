import {GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand} from '@aws-sdk/client-lambda'
import {afterAll, beforeAll, expect, test} from 'vitest'

import type {Cloud} from './deploy-helpers.js'
import {parseDeploy, startCloud} from './deploy-helpers.js'

// Every create and update stays in progress for 2 s, as Lambda's often do.
let cloud: Cloud
beforeAll(async () => {
  cloud = await startCloud(['--state-delay', '2000'])
})
afterAll(async () => {
  await cloud.stop()
})

test('a deploy that finds an update still in progress waits for it, then plans from the settled function (no false ConcurrentChange)', async () => {
  const role = await cloud.role('e2e-in-progress')
  const config = (memorySize: number) => ({service: 'e2e-busy', functions: {api: {bundle: false, source: 'api', runtime: 'nodejs22.x', role, memorySize}}})
  const project = await cloud.project(config(128), {'api/index.js': 'exports.handler = async () => 0\n'})
  expect((await cloud.cli(['deploy', '--config', project.config, '--json'])).code).toBe(0)

  // Someone else's update, still being applied when sling reads the function.
  const theirs = await cloud.lambda.send(new UpdateFunctionConfigurationCommand({FunctionName: 'e2e-busy-api', Description: 'set by someone else'}))
  expect(theirs.LastUpdateStatus).toBe('InProgress')
  await project.write({}, config(256))
  const result = await cloud.cli(['deploy', '--config', project.config, '--json'])

  expect(result.code, result.stderr).toBe(0)
  expect(parseDeploy(result).functions[0]).toMatchObject({action: 'updated', changed: {configuration: true}})
  const after = await cloud.lambda.send(new GetFunctionConfigurationCommand({FunctionName: 'e2e-busy-api'}))
  // sling's change landed, and theirs (a field the config does not set) is kept.
  expect(after).toMatchObject({MemorySize: 256, Description: 'set by someone else', LastUpdateStatus: 'Successful'})
})

import {GetFunctionCommand} from '@aws-sdk/client-lambda'
import {afterAll, beforeAll, expect, test} from 'vitest'

import type {Cloud} from './deploy-helpers.js'
import {parseDeploy, startCloud, writesOf} from './deploy-helpers.js'

// Every CreateFunction is held 1.5 s before the server handles it: time to press Ctrl-C mid-create.
let cloud: Cloud
beforeAll(async () => {
  cloud = await startCloud(['--fault-latency', '1500', '--fault-ops', 'lambda:CreateFunction'])
  ROLE = await cloud.role('e2e-interrupt')
})
afterAll(async () => {
  await cloud.stop()
})

let ROLE = ''

async function exists(name: string): Promise<boolean> {
  return cloud.lambda.send(new GetFunctionCommand({FunctionName: name})).then(
    () => true,
    (error: Error) => (error.name === 'ResourceNotFoundException' ? false : Promise.reject(error)),
  )
}

test('Ctrl-C during a deploy: the create in flight finishes, nothing else starts, exit 130; running it again converges', async () => {
  const fn = (n: number) => ({bundle: false, source: 'src', runtime: 'nodejs22.x', role: ROLE, description: `function ${n}`})
  const project = await cloud.project({service: 'e2e-int', functions: {a: fn(1), b: fn(2), c: fn(3)}}, {'src/index.js': 'exports.handler = async () => 1\n'})
  const args = ['deploy', '--config', project.config, '--concurrency', '1', '--json']

  const run = cloud.start(args)
  await run.waitFor('a: creating function e2e-int-a')
  run.signal('SIGINT')
  const interrupted = await run.done

  expect(interrupted.code).toBe(130)
  const result = parseDeploy(interrupted)
  expect(result.status).toBe('interrupted')
  expect(result.functions.map(({key, action, progress}) => ({key, action, progress}))).toEqual([
    {key: 'a', action: 'created', progress: 'done'},
    {key: 'b', action: 'skipped', progress: 'untouched'},
    {key: 'c', action: 'skipped', progress: 'untouched'},
  ])
  expect(writesOf(result)).toEqual({'Lambda.CreateFunction': 1})
  expect(await Promise.all(['e2e-int-a', 'e2e-int-b', 'e2e-int-c'].map(exists))).toEqual([true, false, false])

  // Run again: the remaining work, and only that.
  const rerun = parseDeploy(await cloud.cli(args))
  expect(rerun.status).toBe('deployed')
  expect(rerun.functions.map(({key, action}) => ({key, action}))).toEqual([
    {key: 'a', action: 'unchanged'},
    {key: 'b', action: 'created'},
    {key: 'c', action: 'created'},
  ])
  expect(writesOf(rerun)).toEqual({'Lambda.CreateFunction': 2})

  const settled = parseDeploy(await cloud.cli(args))
  expect(settled).toMatchObject({status: 'unchanged', calls: {writes: 0}})
})

import {GetFunctionCommand} from '@aws-sdk/client-lambda'
import {afterAll, beforeAll, expect, test} from 'vitest'

import type {Cloud, DeployJson} from './deploy-helpers.js'
import {parseDeploy, startCloud} from './deploy-helpers.js'

// Every UpdateFunctionCode is held 3 s before the server handles it, so two deploys started together
// have both read the function (GetFunction, with its RevisionId) before either update lands.
let cloud: Cloud
beforeAll(async () => {
  cloud = await startCloud(['--fault-latency', '3000', '--fault-ops', 'lambda:UpdateFunctionCode'])
  ROLE = await cloud.role('e2e-race')
})
afterAll(async () => {
  await cloud.stop()
})

let ROLE = ''
const ATTEMPTS = 3

/** Two developers' projects deploying different code to the same function. */
async function twoProjects(name: string) {
  const config = {service: 'e2e-race', functions: {api: {name, bundle: false, source: 'api', runtime: 'nodejs22.x', role: ROLE}}}
  const base = await cloud.project(config, {'api/index.js': 'exports.handler = async () => 0\n'})
  const one = await cloud.project(config, {'api/index.js': 'exports.handler = async () => 1\n'})
  const two = await cloud.project(config, {'api/index.js': 'exports.handler = async () => 2\n'})
  return {base, one, two}
}

test('two deploys of one function racing: exactly one wins; the other fails with ConcurrentChange naming the function', async () => {
  let outcome: {winner: DeployJson; loser: DeployJson; name: string} | undefined
  for (let attempt = 1; attempt <= ATTEMPTS && !outcome; attempt++) {
    const name = `e2e-race-${attempt}`
    const {base, one, two} = await twoProjects(name)
    expect((await cloud.cli(['deploy', '--config', base.config, '--json'])).code).toBe(0)

    const runs = await Promise.all([one, two].map((project) => cloud.cli(['deploy', '--config', project.config, '--json'])))

    const results = runs.map(parseDeploy)
    // Both succeeding means one started after the other had finished (no race happened): try again.
    // Any other outcome must be exactly one winner and one loser.
    if (runs.every((run) => run.code === 0)) continue
    expect(runs.map((run) => run.code).sort()).toEqual([0, 1])
    const winner = results[runs.findIndex((run) => run.code === 0)]!
    const loser = results[runs.findIndex((run) => run.code === 1)]!
    outcome = {winner, loser, name}
  }

  expect(outcome, `no two of ${ATTEMPTS} attempts overlapped`).toBeDefined()
  const {winner, loser, name} = outcome!
  expect(winner.functions[0]).toMatchObject({action: 'updated', changed: {code: true}})
  expect(loser.status).toBe('failed')
  expect(loser.functions[0]).toMatchObject({action: 'failed', progress: 'untouched', error: {code: 'ConcurrentChange'}})
  expect(loser.functions[0]?.error?.message).toContain(name)
  // The winner's code is what Lambda has: the loser overwrote nothing.
  const deployed = await cloud.lambda.send(new GetFunctionCommand({FunctionName: name}))
  expect(deployed.Configuration?.CodeSha256).toBe(winner.functions[0]?.codeSha256)
})

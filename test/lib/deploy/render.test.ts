import ansis from 'ansis'
import {expect, test} from 'vitest'

import type {DeployResult, DiffResult} from '../../../src/lib/deploy/deploy.js'
import {renderDeploy} from '../../../src/lib/deploy/render.js'
import {renderDiff} from '../../../src/lib/deploy/render-diff.js'
import {createOutput} from '../../../src/lib/output.js'

/** An Output on a pretend terminal: stderr and stdout are TTYs, colour on. */
function terminal(): {output: ReturnType<typeof createOutput>; stdout: () => string; stderr: () => string} {
  let out = ''
  let err = ''
  const stream = (write: (text: string) => void): NodeJS.WriteStream => ({isTTY: true, write: (text: string) => (write(text), true)}) as unknown as NodeJS.WriteStream
  const output = createOutput({stdout: stream((t) => (out += t)), stderr: stream((t) => (err += t)), env: {TERM: 'xterm'}})
  return {output, stdout: () => out, stderr: () => err}
}

const CREATED = {key: 'api', functionName: 'shop-api', arn: 'arn:aws:lambda:eu-west-1:1:function:shop-api', action: 'created', progress: 'done', changed: {code: true, configuration: true}, version: '1', alias: {name: 'live', from: undefined, to: '1'}} as const
const SKIPPED = {key: 'worker', functionName: 'shop-worker', action: 'skipped', progress: 'untouched', changed: {code: false, configuration: false}} as const

test('on a terminal the deploy summary is a table; an interrupted one adds each function\'s progress', () => {
  const done = terminal()
  renderDeploy({status: 'deployed', interrupted: false, functions: [CREATED], layers: []}, done.output)
  expect(ansis.strip(done.stdout()).split('\n')).toEqual([
    'Function  Name      Result   Changed  Version  Alias',
    'api       shop-api  created           1        live (new) → 1',
    '',
  ])

  const stopped = terminal()
  const interrupted: DeployResult = {status: 'interrupted', interrupted: true, functions: [CREATED, SKIPPED], layers: []}
  renderDeploy(interrupted, stopped.output)
  expect(ansis.strip(stopped.stdout())).toMatch(/^Function\s+Name\s+Result\s+Progress\s+Changed/)
  expect(ansis.strip(stopped.stdout())).toMatch(/worker\s+shop-worker\s+skipped\s+untouched/)
  expect(ansis.strip(stopped.stderr())).toContain('Interrupted: 1 done, 0 updated, 1 untouched.')
})

test('on a terminal the diff is coloured like a unified diff: removed red, added green, masked yellow', () => {
  // Tests run with NO_COLOR (ansis then colours nothing): mark each colour instead, to see which is used where.
  const base = terminal()
  const mark = (name: string) => (text: string): string => `<${name}>${text}</${name}>`
  const output = {...base.output, color: {bold: mark('bold'), dim: mark('dim'), red: mark('red'), green: mark('green'), yellow: mark('yellow'), cyan: mark('cyan'), magenta: mark('magenta'), blue: mark('blue')}}
  const stdout = base.stdout
  const result: DiffResult = {
    status: 'different', layers: [],
    functions: [{key: 'api', functionName: 'shop-api', action: 'update', configuration: [{field: 'timeout', from: 3, to: 10}, {field: 'environment', added: [], removed: [], changed: ['TOKEN']}]}],
  }
  renderDiff(result, output)
  expect(stdout().split('\n')).toEqual([
    '<bold>api → shop-api: update</bold>',
    '<red>  - timeout: 3</red>',
    '<green>  + timeout: 10</green>',
    '<yellow>  ~ environment.TOKEN (value changed; --show-values shows it)</yellow>',
    '',
  ])
})

test("a failed update's retry says why it is sent again, and shows no setting whose value is the same on both sides", () => {
  const {output, stdout} = terminal()
  const reason = 'The provided execution role does not have permissions to call CreateNetworkInterface on EC2'
  const vpc = {subnetIds: ['subnet-a'], securityGroupIds: ['sg-1']}
  const result: DiffResult = {
    status: 'different', layers: [],
    functions: [{key: 'api', functionName: 'shop-api', action: 'update', failedUpdate: {reason}, configuration: [{field: 'timeout', from: 30, to: 30}, {field: 'vpcConfig', from: vpc, to: vpc}]}],
  }
  renderDiff(result, output)
  expect(ansis.strip(stdout()).split('\n')).toEqual([
    'api → shop-api: update',
    `  ~ last update failed (${reason}): its settings and code are sent again`,
    '',
  ])
})

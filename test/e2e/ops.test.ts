/** `sling list`, `info` and `remove` end to end against `sling local serve`. */
import {CreateFunctionCommand} from '@aws-sdk/client-lambda'
import {afterAll, beforeAll, expect, test} from 'vitest'

import {rawZip} from '../helpers/raw-zip.js'
import type {Cloud} from './deploy-helpers.js'
import {startCloud} from './deploy-helpers.js'

let cloud: Cloud
let role: string

beforeAll(async () => {
  cloud = await startCloud()
  role = await cloud.role('ops-role')
})

afterAll(async () => {
  await cloud.stop()
})

const ZIP_HELLO = rawZip([{name: 'index.js', data: 'exports.handler = async () => ({ok: true})\n'}])
const HANDLER = (answer: string): string => `export const handler = async () => ({answer: ${JSON.stringify(answer)}})\n`

interface ListJson {
  functions: {key?: string; name: string; deployed: boolean; inConfig: boolean; version?: string; aliases: {name: string; weights: {version: string; percent: number}[]}[]; codeSize?: number; codeSizeLimit: number; runtime?: {name: string; status: string; deprecatedOn?: string}}[]
}

test('list shows each function of the config with its deployed state, and --all the others in the region', async () => {
  const project = await cloud.project({service: 'listing', functions: {api: {entry: 'src/api.ts', role}, later: {entry: 'src/api.ts', role}}}, {'src/api.ts': HANDLER('one')})
  const deploy = (args: string[]): Promise<void> => cloud.cli(['deploy', 'api', ...args], {cwd: project.dir}).then((r) => expect(r.code, r.stderr).toBe(0))
  await deploy(['--alias', 'live'])
  await project.write({'src/api.ts': HANDLER('two')})
  await deploy(['--publish'])
  const shifted = await cloud.cli(['shift', 'api', 'live', '--to', '2', '--weight', '25'], {cwd: project.dir})
  expect(shifted.code, shifted.stderr).toBe(0)
  await cloud.lambda.send(new CreateFunctionCommand({FunctionName: 'legacy-report', Runtime: 'dotnet8', Handler: 'Report::Report.Function::Handler', Role: role, Code: {ZipFile: ZIP_HELLO}}))

  const listed = await cloud.cli(['list', '--json'], {cwd: project.dir})
  expect(listed.code, listed.stderr).toBe(0)
  const json = JSON.parse(listed.stdout) as ListJson
  expect(json.functions).toEqual([
    expect.objectContaining({key: 'api', name: 'listing-api', deployed: true, version: '2', aliases: [{name: 'live', weights: [{version: '1', percent: 75, routed: false}, {version: '2', percent: 25, routed: true}]}], runtime: expect.objectContaining({name: 'nodejs24.x', status: 'supported'}) as unknown}),
    expect.objectContaining({key: 'later', name: 'listing-later', deployed: false}),
  ])
  expect(json.functions[0]?.codeSize).toBeGreaterThan(0)

  const all = await cloud.cli(['ls', '--all'], {cwd: project.dir})
  expect(all.code, all.stderr).toBe(0)
  const lines = all.stdout.trim().split('\n').map((line) => line.split('\t'))
  expect(lines.map((l) => [l[0], l[1], l[2], l[3]])).toContainEqual(['api', 'listing-api', 'v2', 'live v1 75% v2 25%'])
  expect(lines.map((l) => [l[0], l[1], l[2]])).toContainEqual(['later', 'listing-later', 'not deployed'])
  const legacy = lines.find((l) => l[1] === 'legacy-report')
  expect(legacy?.[0]).toBe('-')
  expect(legacy?.[6]).toMatch(/^dotnet8 \(deprecated 2026-11-10/)
})

test('list without a config and without --all says what to do (exit 2)', async () => {
  const project = await cloud.project({service: 'x', functions: {a: {entry: 'a.ts'}}}, {'a.ts': ''})
  const result = await cloud.cli(['list', '--config', 'missing.json'], {cwd: project.dir})
  expect(result.code).toBe(2)
})

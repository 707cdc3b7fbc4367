import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {describe, expect, test} from 'vitest'

import {loadConfig} from '../../../src/lib/config/load.js'
import {resolveGates, resolveStrategy} from '../../../src/lib/rollout/settings.js'
import {rejectionOf} from '../../helpers/aws.js'
import {tempDir} from '../../helpers/cli.js'

async function project(rollout: unknown, files: Record<string, string> = {}): Promise<{dir: string; cleanup: () => Promise<void>; file: string}> {
  const {dir, cleanup} = await tempDir('sling-rollout-config-')
  const file = path.join(dir, 'sling.config.json')
  await writeFile(file, JSON.stringify({service: 'shop', functions: {api: {entry: 'src/api.ts', rollout}}}))
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), {recursive: true})
    await writeFile(path.join(dir, name), text)
  }
  return {dir, cleanup, file}
}

describe('the rollout config section', () => {
  test('strategy, gates and smoke payloads (inline or from a file next to the config)', async () => {
    const {dir, cleanup, file} = await project(
      {strategy: 'Linear10PercentEvery2Minutes', alarms: ['api-errors'], maxErrorRate: '0.5%', minInvocations: 50, metricDelay: '2m', smoke: [{payload: {path: '/health'}, expect: {statusCode: 200}}, {file: 'events/order.json'}]},
      {'events/order.json': '{"orderId": 1}'},
    )
    try {
      const config = await loadConfig({file})
      const section = {rollout: config.functions[0]?.rollout, dir}
      expect(resolveStrategy({}, section).short).toBe('linear:10%:2m')
      const gates = await resolveGates({}, section, '/elsewhere')
      expect(gates).toEqual({
        alarms: ['api-errors'], ignoreAlarmsAtStart: [], errorRate: {maxPercent: 0.5, minInvocations: 50, metricDelayMs: 120_000},
        smoke: [
          {label: 'smoke 1', payload: '{"path":"/health"}', expect: {statusCode: 200}},
          {label: expect.stringContaining(path.join('events', 'order.json')) as string, payload: '{"orderId": 1}'},
        ],
      })
    } finally {
      await cleanup()
    }
  })

  test('flags win: --strategy or --steps over the config\'s, --alarm and --smoke replace its lists', async () => {
    const {dir, cleanup} = await project({}, {'health.json': '{"ping": true}'})
    try {
      const section = {rollout: {strategy: 'AllAtOnce', alarms: ['a', 'b'], smoke: [{payload: {}}]}, dir}
      expect(resolveStrategy({strategy: 'canary:20%:1m'}, section).short).toBe('canary:20%:1m')
      expect(resolveStrategy({steps: '10,50', interval: '30s'}, section).short).toBe('steps:10,50,100@30s')
      expect(resolveStrategy({}, {rollout: {steps: [25, '75%'], interval: '1m'}, dir}).short).toBe('steps:25,75,100@1m')
      expect(resolveStrategy({}, undefined).short).toBe('canary:10%:5m')
      const gates = await resolveGates({alarms: ['c'], smoke: ['@health.json', '{"inline": 1}'], smokeExpect: '{"ok": true}'}, section, dir)
      expect(gates.alarms).toEqual(['c'])
      expect(gates.smoke).toEqual([
        {label: expect.stringContaining('health.json') as string, payload: '{"ping": true}', expect: {ok: true}},
        {label: 'smoke 2', payload: '{"inline": 1}', expect: {ok: true}},
      ])
      expect(gates.errorRate).toBeUndefined()
    } finally {
      await cleanup()
    }
  })

  test('a smoke payload that isn\'t JSON, or a file that isn\'t there, is a usage error', async () => {
    expect(await rejectionOf(resolveGates({smoke: ['{not json']}, undefined, '/'))).toMatchObject({code: 'InvalidSmoke', exitCode: 2})
    expect(await rejectionOf(resolveGates({smoke: ['@/no/such/event.json']}, undefined, '/'))).toMatchObject({code: 'SmokeFileUnreadable', exitCode: 2})
  })

  test('the schema refuses steps with a strategy, steps without an interval, and a smoke entry with both payload and file', async () => {
    const {cleanup, file} = await project({strategy: 'AllAtOnce', steps: [10], smoke: [{payload: {}, file: 'x.json'}]})
    try {
      const error = await rejectionOf(loadConfig({file}))
      expect(error).toMatchObject({code: 'ConfigInvalid'})
      expect(error.message).toContain('functions.api.rollout.steps: expected no "steps" beside "strategy" (one or the other), found [10].')
      expect(error.message).toContain('functions.api.rollout.interval: expected "interval" with "steps" (how long each step bakes), found nothing.')
      expect(error.message).toContain('exactly one of "payload" or "file"')
    } finally {
      await cleanup()
    }
  })
})

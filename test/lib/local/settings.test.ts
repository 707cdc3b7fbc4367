import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {expect, test} from 'vitest'

import {readLocalSettings, resolveStoreDir} from '../../../src/lib/local/settings.js'
import {ROOT} from '../../helpers/cli.js'

test('the runtime tuning is read from SLING_LOCAL_* in settings.ts; invalid values leave the defaults', () => {
  const settings = readLocalSettings({SLING_LOCAL_IDLE_TIMEOUT_MS: '250', SLING_LOCAL_MAX_ENVIRONMENTS: '3', SLING_LOCAL_ASYNC_RETRY_MS: '0', SLING_LOCAL_STATE_DELAY_MS: '5'})
  expect(settings).toMatchObject({idleTimeoutMs: 250, maxEnvironments: 3, asyncRetryMs: 0, stateDelayMs: 5})
  expect(readLocalSettings({SLING_LOCAL_IDLE_TIMEOUT_MS: 'soon', SLING_LOCAL_MAX_ENVIRONMENTS: '-1'})).toMatchObject({idleTimeoutMs: undefined, maxEnvironments: undefined, stateDelayMs: 200})
})

test('the store directory: the one given, else SLING_LOCAL_STORE, else .sling/local', () => {
  expect(resolveStoreDir('/tmp/given', {SLING_LOCAL_STORE: '/tmp/env'})).toBe('/tmp/given')
  expect(resolveStoreDir(undefined, {SLING_LOCAL_STORE: '/tmp/env'})).toBe('/tmp/env')
  expect(resolveStoreDir(undefined, {})).toBe(path.resolve('.sling/local'))
})

test('no module but settings.ts reads a SLING_LOCAL_* variable', () => {
  const readers: string[] = []
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
      const file = path.join(dir, entry.name)
      if (entry.isDirectory()) visit(file)
      else if (/process\.env(\.SLING_LOCAL_|\[)|env\.SLING_LOCAL_/.test(readFileSync(file, 'utf8'))) readers.push(path.relative(ROOT, file))
    }
  }
  visit(path.join(ROOT, 'src/lib/local'))
  expect(readers).toEqual(['src/lib/local/settings.ts'])
})

test('SLING_LOCAL_ROLE_PROPAGATION_MS: 3000 ms unless set; SLING_LOCAL_CALL_LOG resolves to an absolute file', () => {
  expect(readLocalSettings({}).rolePropagationMs).toBe(3000)
  expect(readLocalSettings({SLING_LOCAL_ROLE_PROPAGATION_MS: '0'}).rolePropagationMs).toBe(0)
  expect(readLocalSettings({SLING_LOCAL_ROLE_PROPAGATION_MS: 'soon'}).rolePropagationMs).toBe(3000)
  expect(readLocalSettings({}).callLogFile).toBeUndefined()
  expect(readLocalSettings({SLING_LOCAL_CALL_LOG: 'calls.jsonl'}).callLogFile).toBe(path.resolve('calls.jsonl'))
})

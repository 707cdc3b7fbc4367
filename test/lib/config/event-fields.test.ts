import {writeFile} from 'node:fs/promises'
import path from 'node:path'

import {afterEach, beforeEach, expect, test} from 'vitest'

import {loadConfig} from '../../../src/lib/config/load.js'
import {UserError} from '../../../src/lib/errors.js'
import {tempDir} from '../../helpers/cli.js'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => {
  ;({dir, cleanup} = await tempDir('sling-config-events-'))
})
afterEach(() => cleanup())

async function load(fn: Record<string, unknown>): Promise<Awaited<ReturnType<typeof loadConfig>> | UserError> {
  const file = path.join(dir, 'sling.config.json')
  await writeFile(file, JSON.stringify({service: 'shop', functions: {worker: {entry: 'src/w.ts', ...fn}}}))
  return loadConfig({file}).catch((error: unknown) => error as UserError)
}

test('declared events and url load as written, filters as JSON objects', async () => {
  const config = await load({events: [{source: 'sqs:jobs', qualifier: 'live', batchSize: 5, filters: [{body: {type: ['order']}}]}, {source: 's3:uploads', prefix: 'in/'}], url: {qualifier: 'live'}})
  if (config instanceof UserError) throw config
  expect(config.functions[0]?.events).toEqual([{source: 'sqs:jobs', qualifier: 'live', batchSize: 5, filters: [{body: {type: ['order']}}]}, {source: 's3:uploads', prefix: 'in/'}])
  expect(config.functions[0]?.url).toEqual({authType: 'AWS_IAM', qualifier: 'live'})
})

test('a malformed filter, an unknown source and a schedule without its expression are config errors at load, with their paths', async () => {
  const error = await load({events: [{source: 'sqs:jobs', filters: [{body: {type: 'order'}}]}, {source: 'ftp:files'}, {source: 'schedule'}]})
  expect(error).toBeInstanceOf(UserError)
  const message = (error as UserError).message
  expect(message).toContain('functions.worker.events.0.filters.0: expected a filter pattern Lambda accepts (body.type must be a list of values to match (such as ["order"]) or a nested pattern), found {"body":{"type":"order"}}.')
  expect(message).toContain('functions.worker.events.1.source: expected sqs:QUEUE, kinesis:STREAM')
  expect(message).toContain('functions.worker.events.2.schedule: expected a schedule expression such as "rate(5 minutes)" (a "schedule" source needs one), found nothing.')
})

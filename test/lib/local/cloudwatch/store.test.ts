import {appendFile, readdir, readFile, utimes} from 'node:fs/promises'
import path from 'node:path'

import {afterEach, beforeEach, expect, test} from 'vitest'

import {ofValue} from '../../../../src/lib/local/cloudwatch/aggregate.js'
import {MetricStore, RETENTION_MS} from '../../../../src/lib/local/cloudwatch/metric-store.js'
import {createRecorder} from '../../../../src/lib/local/cloudwatch/recorder.js'
import {HOUR_MS, metricId, MINUTE_MS} from '../../../../src/lib/local/cloudwatch/series.js'
import {readLocalSettings} from '../../../../src/lib/local/settings.js'
import {Store} from '../../../../src/lib/local/store.js'
import {tempDir} from '../../../helpers/cli.js'

let temp: {dir: string; cleanup: () => Promise<void>}
let store: Store
beforeEach(async () => {
  temp = await tempDir('sling-cw-store-')
  store = new Store(temp.dir)
})
afterEach(async () => temp.cleanup())

const id = metricId('App', 'Hits', {Host: 'a'})
const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 3 * HOUR_MS

async function filesOf(): Promise<string[]> {
  const region = path.join(temp.dir, 'metrics', 'us-east-1')
  const [series] = await readdir(region)
  return (await readdir(path.join(region, series!))).map((name) => path.join(region, series!, name))
}

test('points recorded together are written in one batch, one line per minute and unit; a finished hour is compacted to one line per minute', async () => {
  const recorder = createRecorder(store)
  await Promise.all(Array.from({length: 30}, (_, i) => recorder.record([{region: 'us-east-1', id, timestamp: hour + (i % 3) * MINUTE_MS + i, unit: 'Count', aggregate: ofValue(i)}])))
  await recorder.record([{region: 'us-east-1', id, timestamp: hour + 5, unit: 'Count', aggregate: ofValue(100)}])
  const [file] = await filesOf()
  expect((await readFile(file!, 'utf8')).trim().split('\n')).toHaveLength(4)

  const metrics = new MetricStore(store, 'us-east-1')
  const before = await metrics.read(id, hour, hour + HOUR_MS, Date.now())
  await store.transaction(() => metrics.compact(Date.now(), 0, 2 * MINUTE_MS))
  expect((await readFile(file!, 'utf8')).trim().split('\n')).toHaveLength(3)
  const after = await metrics.read(id, hour, hour + HOUR_MS, Date.now())
  expect(after.map((b) => [b.t, b.a.n, b.a.s])).toEqual(before.map((b) => [b.t, b.a.n, b.a.s]))
  expect(after.map((b) => [b.t - hour, b.a.n])).toEqual([[0, 11], [MINUTE_MS, 10], [2 * MINUTE_MS, 10]])
})

test('hours older than the 15-day retention are deleted; a torn last line is skipped when read', async () => {
  const metrics = new MetricStore(store, 'us-east-1')
  const old = Math.floor((Date.now() - RETENTION_MS) / HOUR_MS) * HOUR_MS - 2 * HOUR_MS
  await store.transaction(() => metrics.append(id, [{t: old, r: old, u: 'None', a: ofValue(1)}, {t: hour, r: hour, u: 'None', a: ofValue(2)}]))
  const files = await filesOf()
  expect(files).toHaveLength(2)
  await store.transaction(() => metrics.compact(Date.now(), Date.now(), 0))
  expect(await filesOf()).toHaveLength(1)
  const [kept] = await filesOf()
  await utimes(kept!, new Date(), new Date())
  await appendFile(kept!, '{"t":12')
  expect((await metrics.read(id, hour, hour + HOUR_MS, Date.now())).map((b) => b.a.s)).toEqual([2])
})

test('SLING_LOCAL_ALARM_TICK_MS and SLING_LOCAL_METRIC_DELAY_MS are read in settings.ts; invalid values leave the defaults', () => {
  expect(readLocalSettings({SLING_LOCAL_ALARM_TICK_MS: '250', SLING_LOCAL_METRIC_DELAY_MS: '60000'})).toMatchObject({alarmTickMs: 250, metricDelayMs: 60000})
  expect(readLocalSettings({SLING_LOCAL_ALARM_TICK_MS: 'often', SLING_LOCAL_METRIC_DELAY_MS: '-1'})).toMatchObject({alarmTickMs: undefined, metricDelayMs: undefined})
})

import {mkdir, mkdtemp, readdir, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {afterEach, expect, test} from 'vitest'

import {loadConfig} from '../../../src/lib/config/load.js'
import {silentOutput} from '../../../src/lib/output.js'
import {watchFromSource} from '../../../src/lib/invoke/watch.js'

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, {recursive: true, force: true})
})

test('--watch that fails to start (a layer directory gone) leaves no working directory behind in .sling/source', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sling-watch-'))
  dirs.push(dir)
  await mkdir(path.join(dir, 'api'))
  await writeFile(path.join(dir, 'api', 'index.js'), 'exports.handler = async () => 1\n')
  await mkdir(path.join(dir, 'shared', 'nodejs'), {recursive: true})
  await writeFile(path.join(dir, 'sling.config.json'), JSON.stringify({
    service: 'shop', layers: {shared: {directory: 'shared'}},
    functions: {api: {bundle: false, source: 'api', runtime: 'nodejs22.x', layers: ['shared']}},
  }))
  const config = await loadConfig({cwd: dir})
  const fn = config.functions.find((f) => f.key === 'api')!
  await rm(path.join(dir, 'shared'), {recursive: true}) // deleted between the config load and the first run

  const run = watchFromSource({config, fn, payload: '{}', region: 'eu-west-1', accountId: '123456789012'}, {output: silentOutput(), signal: new AbortController().signal})

  await expect(run).rejects.toThrow(/ENOENT/)
  expect(await readdir(path.join(dir, '.sling', 'source'))).toEqual([])
})

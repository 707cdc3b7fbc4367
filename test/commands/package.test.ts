import path from 'node:path'

import {expect, test, vi} from 'vitest'

import Package from '../../src/commands/package.js'
import {loadConfig} from '../../src/lib/config/load.js'
import {silentOutput} from '../../src/lib/output.js'
import {packageFunctions} from '../../src/lib/package/package.js'
import {ROOT, tempDir} from '../helpers/cli.js'
import {runIn} from './helpers.js'

const EXAMPLE = path.join(ROOT, 'examples', 'hello-api', 'sling.config.json')

test('sling package renders the size table on stdout; with --json only the document', async () => {
  const {dir, cleanup} = await tempDir('sling-cmd-package-')
  try {
    const human = await runIn(Package, ['api', '--config', EXAMPLE, '--out-dir', path.join(dir, 'a')])
    const json = await runIn(Package, ['api', '--json', '--config', EXAMPLE, '--out-dir', path.join(dir, 'b')])

    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/^Function\s+Handler\s+Zipped/)
    expect(human.stderr).toContain('Packaged 1 artifact in')
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({status: 'packaged', functions: [{key: 'api'}]})
    expect(json.stderr).not.toContain('Packaged 1 artifact')
  } finally {
    await cleanup()
  }
})

test('the package workflow renders nothing: the command does', async () => {
  const {dir, cleanup} = await tempDir('sling-cmd-package-')
  try {
    const rendered = vi.fn()
    const output = silentOutput({result: rendered, table: rendered, success: rendered})
    const result = await packageFunctions({config: await loadConfig({file: EXAMPLE}), functions: ['api'], outDir: dir}, {output})
    expect(result.status).toBe('packaged')
    expect(rendered).not.toHaveBeenCalled()
  } finally {
    await cleanup()
  }
})

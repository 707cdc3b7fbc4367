import {execFile} from 'node:child_process'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {promisify} from 'node:util'

import {expect, test} from 'vitest'

import {ROOT} from '../helpers/cli.js'

interface ManifestCommand {
  readonly summary?: string
  readonly relativePath: string[]
}

/**
 * The build bundles each command into dist/bundle/ and leaves dist/commands/<id>.js re-exporting it
 * (scripts/bundle-commands.js); oclif imports the file oclif.manifest.json names. Every command must still load
 * from there as the class the manifest describes (a command that fails to load only fails when someone runs it).
 */
test('every command in the manifest loads from the file it names, as the command class the manifest describes', async () => {
  const manifest = JSON.parse(await readFile(path.join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, ManifestCommand>}
  const files = Object.fromEntries(Object.entries(manifest.commands).map(([id, command]) => [id, path.join(ROOT, ...command.relativePath)]))
  const script = `
    import {pathToFileURL} from 'node:url'
    const loaded = {}
    for (const [id, file] of Object.entries(${JSON.stringify(files)})) {
      const {default: command} = await import(pathToFileURL(file).href)
      loaded[id] = {summary: command?.summary, runs: typeof command?.prototype?.run === 'function'}
    }
    process.stdout.write(JSON.stringify(loaded))`
  const {stdout} = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {cwd: ROOT})
  const expected = Object.fromEntries(Object.entries(manifest.commands).map(([id, command]) => [id, {summary: command.summary, runs: true}]))
  expect(Object.keys(expected).length).toBeGreaterThan(20)
  expect(JSON.parse(stdout)).toEqual(expected)
})

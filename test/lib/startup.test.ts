import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {afterEach, expect, test} from 'vitest'

import {answerWithoutOclif, COMMAND_IDS_FILE, mistypedCommand, ownCommandLoadOptions, ROOT_HELP_FILE, USER_AGENT_PLACEHOLDER} from '../../src/lib/startup.js'
import {tempDir} from '../helpers/cli.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** A package root with a package.json and, unless `help` is undefined, a built root help. */
async function packageRoot(help?: string): Promise<URL> {
  const {dir, cleanup} = await tempDir('sling-startup-')
  cleanups.push(cleanup)
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({version: '9.8.7', oclif: {bin: 'sling'}}))
  if (help !== undefined) {
    await mkdir(path.join(dir, 'dist'))
    await writeFile(path.join(dir, ROOT_HELP_FILE), help)
  }
  return pathToFileURL(`${dir}/`)
}

function run(root: URL, argv: string[], options: {isTTY?: boolean; env?: NodeJS.ProcessEnv} = {}): {answered: boolean; out: string} {
  let out = ''
  const stdout = {isTTY: options.isTTY ?? false, write: (text: string) => (out += text)}
  return {answered: answerWithoutOclif({root, argv, stdout, env: options.env ?? {}}), out}
}

test('--version first answers with the user agent; anywhere else it is left to oclif', async () => {
  const root = await packageRoot()
  expect(run(root, ['--version']).answered).toBe(true)
  expect(run(root, ['--version']).out).toMatch(new RegExp(`^sling/9\\.8\\.7 \\w+-\\w+ node-${process.version.replaceAll('.', '\\.')}\\n$`))
  expect(run(root, ['deploy', '--version']).answered).toBe(false)
})

test('the root --help into a pipe is the built text with this machine\'s user agent; a terminal, OCLIF_COLUMNS, or a command\'s help go to oclif', async () => {
  const root = await packageRoot(`Intro\n\nVERSION\n  ${USER_AGENT_PLACEHOLDER}\n`)
  const piped = run(root, ['--help'])
  expect(piped.answered).toBe(true)
  expect(piped.out).toMatch(/^Intro\n\nVERSION\n {2}sling\/9\.8\.7 \S+ node-v\S+\n$/)
  expect(run(root, ['--help'], {isTTY: true})).toEqual({answered: false, out: ''})
  expect(run(root, ['--help'], {env: {OCLIF_COLUMNS: '120'}})).toEqual({answered: false, out: ''})
  expect(run(root, ['deploy', '--help'])).toEqual({answered: false, out: ''})
  expect(run(root, [])).toEqual({answered: false, out: ''})
})

test('without a built help (bin/dev.js, a half-done build) oclif renders it', async () => {
  expect(run(await packageRoot(), ['--help'])).toEqual({answered: false, out: ''})
})

test('a mistyped command, with no terminal to ask on, is named with the nearest command in its topic; commands, topics and flags are left to oclif', async () => {
  const root = await packageRoot('')
  await writeFile(new URL(COMMAND_IDS_FILE, root), JSON.stringify({
    commands: ['autocomplete', 'deploy', 'diff', 'events:attach', 'events:list', 'help', 'ls', 'list', 'versions:list', 'versions:prune'],
    all: ['autocomplete', 'autocomplete:script', 'deploy', 'diff', 'events:attach', 'events:list', 'help', 'ls', 'list', 'versions:list', 'versions:prune'],
    own: ['deploy', 'diff', 'events:attach', 'events:list', 'ls', 'list', 'versions:list', 'versions:prune'],
    topics: ['autocomplete', 'deploy', 'events', 'events:attach', 'versions'],
  }))
  const says = (argv: string[], interactive = false) => mistypedCommand({root, argv, interactive})

  expect(await says(['deplyo', 'api'])).toBe(' ›   Warning: deplyo is not a sling command.\n ›   Error: Did you mean "sling deploy"? Run sling help for a list of available commands.\n')
  expect(await says(['events', 'atach', 'sqs:jobs', '--json'])).toContain('events atach is not a sling command.\n ›   Error: Did you mean "sling events attach"? Run sling help events for')
  expect(await says(['events:atach'])).toContain('Did you mean "sling events attach"? Run sling help events for')
  expect(await says(['event', 'attach', 'api'])).toContain('event attach is not a sling command.\n ›   Error: Did you mean "sling events attach"? Run sling help for')
  expect(await says(['version'])).toContain('Did you mean "sling versions"?')
  expect(await says(['deplyo'], true)).toBeUndefined() // oclif's not-found plugin asks on a terminal
  for (const argv of [['deploy', 'api'], ['events'], ['events', 'list'], ['ls'], ['help', 'nothing'], ['--json', 'deplyo'], [], ['autocomplete:script', 'bash'], ['autocomplete', 'script', 'bash']]) expect(await says(argv)).toBeUndefined()
})

test('without the built command list, a mistyped command is left to oclif', async () => {
  const root = await packageRoot()
  expect(await mistypedCommand({root, argv: ['deplyo'], interactive: false})).toBeUndefined()
})

test('one of sling\'s own commands runs without oclif\'s plugins; help, a plugin\'s command or an unknown word loads them all', async () => {
  const root = await packageRoot('')
  await writeFile(new URL('package.json', root), JSON.stringify({name: 'sling', version: '9.8.7', oclif: {bin: 'sling', plugins: ['@oclif/plugin-help', '@oclif/plugin-not-found']}}))
  await writeFile(new URL(COMMAND_IDS_FILE, root), JSON.stringify({commands: ['autocomplete', 'deploy', 'events:attach', 'help'], all: ['autocomplete', 'deploy', 'events:attach', 'help'], own: ['deploy', 'events:attach'], topics: ['events']}))

  expect(ownCommandLoadOptions({root, argv: ['events', 'attach', 'api', 'sqs:jobs', '--json']})).toMatchObject({
    root: fileURLToPath(root),
    pjson: {name: 'sling', oclif: {bin: 'sling', plugins: []}},
    userPlugins: false,
  })
  for (const argv of [['deploy', '--help'], ['deploy', '-h'], ['help', 'deploy'], ['autocomplete'], ['deplyo'], ['events'], ['--version'], []]) {
    expect(ownCommandLoadOptions({root, argv})).toBeUndefined()
  }
})

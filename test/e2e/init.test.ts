/**
 * `sling init` end to end: every template, in both languages, scaffolded by the built CLI, tested with the
 * project's own `npm test`, packaged, deployed to the local cloud and invoked with the sample event `sling
 * invoke --event` makes for it; existing files kept; and the questions answered in a pseudo-terminal.
 */
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {readFile, symlink, writeFile, mkdir} from 'node:fs/promises'
import path from 'node:path'
import {promisify} from 'node:util'

import pty from '@lydell/node-pty'
import {afterEach, expect, test} from 'vitest'

import {BIN, ROOT, runCli, tempDir} from '../helpers/cli.js'

const run = promisify(execFile)
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function workspace(): Promise<string> {
  const {dir, cleanup} = await tempDir('sling-e2e-init-')
  cleanups.push(cleanup)
  return dir
}

const TEMPLATES = [
  {template: 'api', key: 'api', event: 'apigw', expect: (payload: unknown) => expect(payload).toMatchObject({statusCode: 201})},
  {template: 'sqs', key: 'worker', event: 'sqs', expect: (payload: unknown) => expect(payload).toEqual({batchItemFailures: []})},
  {template: 'schedule', key: 'job', event: 'schedule', expect: (payload: unknown) => expect(payload).toMatchObject({status: 'done'})},
  {template: 's3', key: 'processor', event: 's3', expect: (payload: unknown) => expect(payload).toEqual({processed: ['uploads/photo.jpg'], skipped: []})},
] as const

test.each(['ts', 'js'] as const)('every template in %s: scaffold, its own tests pass, package, deploy to the local cloud, invoke with its sample event', async (language) => {
  const root = await workspace()
  const dir = path.join(root, 'shop')
  const store = path.join(root, 'store')
  // The first init creates the project; the others add their function to its config.
  for (const {template} of TEMPLATES) {
    const created = await runCli(['init', dir, '--template', template, '--language', language, '--yes'])
    expect(created.code, created.stderr).toBe(0)
  }
  const config = JSON.parse(await readFile(path.join(dir, 'sling.config.json'), 'utf8')) as {functions: Record<string, unknown>}
  expect(Object.keys(config.functions)).toEqual(TEMPLATES.map((t) => t.key))

  if (language === 'ts') {
    // The devDependencies (tsx, typescript, @types/*) as npm install would bring them: sling's own copies, offline.
    await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
    await run('npm', ['run', 'typecheck', '--silent'], {cwd: dir})
  }
  const tested = await run('npm', ['test', '--silent'], {cwd: dir})
  expect(tested.stdout).toMatch(/# pass 9\b/)
  expect(tested.stdout).toMatch(/# fail 0\b/)

  const env = {SLING_LOCAL_STORE: store, SLING_LOCAL_ROLE_PROPAGATION_MS: '0'}
  const packaged = await runCli(['package'], {cwd: dir})
  expect(packaged.code, packaged.stderr).toBe(0)
  const deployed = await runCli(['deploy', '--local', '--create-role', '--json'], {cwd: dir, env, timeoutMs: 90_000})
  expect(deployed.code, deployed.stderr).toBe(0)
  expect((JSON.parse(deployed.stdout) as {functions: {action: string}[]}).functions.map((f) => f.action)).toEqual(['created', 'created', 'created', 'created'])

  for (const fn of TEMPLATES) {
    const invoked = await runCli(['invoke', fn.key, '--event', fn.event, '--local', '--json'], {cwd: dir, env})
    expect(invoked.code, `${fn.key}: ${invoked.stdout}${invoked.stderr}`).toBe(0)
    const result = JSON.parse(invoked.stdout) as {status: string; payload: unknown}
    expect(result.status).toBe('succeeded')
    fn.expect(result.payload)
  }
}, 240_000)

// Opt-in (it downloads from the npm registry): the generated devDependencies install, and then test and typecheck.
test.runIf(process.env.SLING_TEST_NPM_INSTALL === '1')('a TypeScript project installs its devDependencies from the registry, then its tests and typecheck pass', async () => {
  const dir = path.join(await workspace(), 'shop')
  expect((await runCli(['init', dir, '--template', 'api', '--yes'])).code).toBe(0)
  await run('npm', ['install', '--no-audit', '--no-fund'], {cwd: dir})
  await run('npm', ['run', 'typecheck', '--silent'], {cwd: dir})
  expect((await run('npm', ['test', '--silent'], {cwd: dir})).stdout).toMatch(/# fail 0\b/)
}, 180_000)

test('init never overwrites an existing file: without a terminal it keeps it and says so', async () => {
  const dir = path.join(await workspace(), 'shop')
  await mkdir(path.join(dir, 'src'), {recursive: true})
  await writeFile(path.join(dir, 'src/api.ts'), 'export const handler = async () => "mine"\n')
  await writeFile(path.join(dir, '.gitignore'), 'dist/\n')

  const result = await runCli(['init', dir, '--template', 'api', '--yes', '--json'])

  expect(result.code, result.stderr).toBe(0)
  expect(await readFile(path.join(dir, 'src/api.ts'), 'utf8')).toBe('export const handler = async () => "mine"\n')
  expect(await readFile(path.join(dir, '.gitignore'), 'utf8')).toBe('dist/\n')
  expect(result.stderr).toContain('src/api.ts exists: kept as it is')
  expect(result.stderr).toContain('.gitignore exists: kept as it is')
  const json = JSON.parse(result.stdout) as {files: {path: string; action: string}[]}
  expect(json.files).toContainEqual({path: 'src/api.ts', action: 'skipped'})
  expect(json.files).toContainEqual({path: 'sling.config.json', action: 'written'})
})

test('init without a terminal and without --yes or --template asks for them (exit 2) and writes nothing', async () => {
  const dir = path.join(await workspace(), 'shop')
  const result = await runCli(['init', dir])
  expect(result.code).toBe(2)
  expect(result.stderr).toContain('Pass --yes in CI or scripts')
  expect(existsSync(dir)).toBe(false)
})

/** Runs the built CLI in a pseudo-terminal; `answer` waits for a prompt's text, then types. */
function inTerminal(args: readonly string[], cwd: string): {answer(prompt: string, keys: string): Promise<void>; exit: Promise<number>; output(): string} {
  const child = pty.spawn(process.execPath, [BIN, ...args], {
    cols: 120, rows: 40, cwd,
    env: {PATH: process.env.PATH ?? '', HOME: cwd, TERM: 'xterm-256color', NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true'},
  })
  let output = ''
  let seen = 0
  child.onData((data) => (output += data))
  const exit = new Promise<number>((resolve) => child.onExit(({exitCode}) => resolve(exitCode)))
  cleanups.push(async () => {
    child.kill()
    await Promise.race([exit, new Promise((resolve) => setTimeout(resolve, 1000))])
  })
  return {
    exit,
    output: () => output,
    async answer(prompt, keys) {
      const deadline = Date.now() + 20_000
      while (!output.slice(seen).includes(prompt)) {
        if (Date.now() > deadline) throw new Error(`no prompt "${prompt}" in:\n${output}`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      seen = output.length
      for (const key of keys) child.write(key)
    },
  }
}

const DOWN = '\u001B[B'
const ENTER = '\r'

test('init asks its questions in a terminal and writes what was answered', async () => {
  const root = await workspace()
  const session = inTerminal(['init', 'orders'], root)
  await session.answer('Project name', ENTER) // the directory's name
  await session.answer('Language', `${DOWN}${ENTER}`) // JavaScript
  await session.answer('Template', `${DOWN}${ENTER}`) // sqs
  await session.answer('Function name', `consumer${ENTER}`)
  await session.answer('Runtime', ENTER)
  await session.answer('Architecture', `${DOWN}${ENTER}`) // x86_64
  await session.answer('Memory (MB)', ENTER)
  await session.answer('Timeout (seconds)', `20${ENTER}`)
  expect(await session.exit, session.output()).toBe(0)

  const dir = path.join(root, 'orders')
  const config = JSON.parse(await readFile(path.join(dir, 'sling.config.json'), 'utf8')) as {service: string; functions: Record<string, Record<string, unknown>>}
  expect(config.service).toBe('orders')
  expect(config.functions).toEqual({consumer: expect.objectContaining({entry: 'src/consumer.js', architecture: 'x86_64', memorySize: 256, timeout: 20})})
  expect(await readFile(path.join(dir, 'src/consumer.js'), 'utf8')).toContain('batchItemFailures')
  const tested = await run('npm', ['test', '--silent'], {cwd: dir})
  expect(tested.stdout).toMatch(/# fail 0\b/)
}, 60_000)

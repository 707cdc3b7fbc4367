import {spawn} from 'node:child_process'
import {mkdir, readdir, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {afterEach, expect, test} from 'vitest'

import {BIN, runCli, tempDir} from '../helpers/cli.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A project with one TypeScript function, `api`, and the config given. */
async function project(source: string, settings: Record<string, unknown> = {}): Promise<string> {
  const {dir, cleanup} = await tempDir('sling-e2e-source-')
  cleanups.push(cleanup)
  await mkdir(path.join(dir, 'src'))
  await writeFile(path.join(dir, 'src', 'api.ts'), source)
  await writeFile(path.join(dir, 'sling.config.json'), JSON.stringify({service: 'shop', region: 'eu-west-1', functions: {api: {entry: 'src/api.ts', ...settings}}}))
  return dir
}

const HANDLER = `
export const handler = async (event: {name?: string}, context: {functionName: string; getRemainingTimeInMillis(): number}) => {
  console.log('hello from source', event.name)
  return {
    greeting: \`hi \${event.name ?? 'nobody'}\`,
    functionName: context.functionName,
    memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    region: process.env.AWS_REGION,
    stage: process.env.STAGE,
    remainingUnder: context.getRemainingTimeInMillis() <= 7000,
  }
}
`

test('--from-source bundles and runs the handler with its configured environment, memory and timeout, no deploy and no server', async () => {
  const dir = await project(HANDLER, {memorySize: 256, timeout: 7, environment: {STAGE: 'dev'}})

  const result = await runCli(['invoke', 'api', '--from-source', '--payload', '{"name":"ada"}'], {cwd: dir})
  const json = await runCli(['invoke', 'api', '--from-source', '--json'], {cwd: dir})

  expect(result.code).toBe(0)
  expect(JSON.parse(result.stdout)).toEqual({greeting: 'hi ada', functionName: 'shop-api', memory: '256', region: 'eu-west-1', stage: 'dev', remainingUnder: true})
  expect(result.stderr).toMatch(/START RequestId: [0-9a-f-]{36} Version: \$LATEST/)
  expect(result.stderr).toMatch(/\tINFO\thello from source ada/)
  expect(result.stderr).toMatch(/REPORT RequestId: .*Memory Size: 256 MB.*Init Duration/)
  const summary = JSON.parse(json.stdout) as {status: string; payload: {greeting: string}; fromSource: {memorySizeMb: number; buildMs: number}}
  expect(summary).toMatchObject({status: 'succeeded', payload: {greeting: 'hi nobody'}, fromSource: {memorySizeMb: 256}})
  // Nothing is left behind in the project.
  expect(await readdir(path.join(dir, '.sling', 'source'))).toEqual([])
})

test('--from-source puts the files "include" names beside the bundle, and a directory layer in /opt', async () => {
  const {dir, cleanup} = await tempDir('sling-e2e-source-')
  cleanups.push(cleanup)
  await mkdir(path.join(dir, 'src'))
  await mkdir(path.join(dir, 'templates'))
  await mkdir(path.join(dir, 'layer', 'nodejs', 'node_modules', 'greeter'), {recursive: true})
  await writeFile(path.join(dir, 'templates', 'hello.txt'), 'Hello, {name}!')
  await writeFile(path.join(dir, 'layer', 'nodejs', 'node_modules', 'greeter', 'index.js'), 'exports.shout = (text) => text.toUpperCase()')
  await writeFile(path.join(dir, 'src', 'api.ts'), `
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
export const handler = async () => {
  const template = readFileSync(process.env.LAMBDA_TASK_ROOT + '/templates/hello.txt', 'utf8')
  const {shout} = createRequire(process.env.LAMBDA_TASK_ROOT + '/index.mjs')('greeter') // from the layer, through NODE_PATH
  return shout(template.replace('{name}', 'ada'))
}`)
  await writeFile(path.join(dir, 'sling.config.json'), JSON.stringify({service: 'shop', functions: {api: {entry: 'src/api.ts', include: ['templates/**'], external: ['greeter'], layers: ['shared']}}, layers: {shared: {directory: 'layer'}}}))

  const result = await runCli(['invoke', 'api', '--from-source'], {cwd: dir})

  expect({code: result.code, stdout: result.stdout, stderr: result.code === 0 ? '' : result.stderr}).toEqual({code: 0, stdout: '"HELLO, ADA!"', stderr: ''})
})

test('--from-source enforces the configured timeout: it says so, and exits 3', async () => {
  const dir = await project('export const handler = () => new Promise((resolve) => setTimeout(resolve, 10_000))', {timeout: 1})

  const result = await runCli(['invoke', 'api', '--from-source'], {cwd: dir})

  expect(result.code).toBe(3)
  expect(result.stderr).toContain('Timed out: the function timed out after 1 s')
})

test('--from-source with a handler the entry does not export reports the runtime\'s error, says what to export, and exits 3', async () => {
  const dir = await project(HANDLER, {handler: 'main'})

  const result = await runCli(['invoke', 'api', '--from-source'], {cwd: dir})

  expect(result.code).toBe(3)
  expect(result.stderr).toContain('Function error (Unhandled): Runtime.HandlerNotFound: index.main is undefined or not exported')
  expect(result.stderr).toContain('src/api.ts must export "main" (functions.api.handler in sling.config.json)')
})

test('--from-source needs a config key, and refuses flags that only make sense for a deployed function', async () => {
  const dir = await project(HANDLER)

  const unknown = await runCli(['invoke', 'shop-orders', '--from-source'], {cwd: dir})
  const qualified = await runCli(['invoke', 'api', '--from-source', '--qualifier', 'live'], {cwd: dir})

  expect(unknown.code).toBe(2)
  expect(unknown.stderr).toContain('--from-source needs a function of the project')
  expect(qualified.code).toBe(2)
  expect(qualified.stderr).toContain("--from-source and --qualifier don't go together.")
})

test('--watch runs the handler again when its source changes, and Ctrl-C exits 0', async () => {
  const dir = await project('export const handler = async () => "first"')
  const child = spawn(process.execPath, [BIN, 'invoke', 'api', '--from-source', '--watch'], {cwd: dir, env: {PATH: process.env.PATH, HOME: dir, CI: 'true', NO_COLOR: '1'}})
  child.stdin.end() // no payload on stdin: the event is {}
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL')
    await exited
  })
  let stdout = ''
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const printed = (text: string): Promise<void> => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`never printed ${text}; stdout: ${stdout}; stderr: ${stderr}`)), 30_000)
    const check = (): void => {
      if (!stdout.includes(text)) return
      clearTimeout(timer)
      resolve()
    }
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      check()
    })
    check()
  })

  await printed('"first"')
  await new Promise((resolve) => setTimeout(resolve, 300)) // esbuild's watcher is armed once the first build ran
  await writeFile(path.join(dir, 'src', 'api.ts'), 'export const handler = async () => "second"')
  await printed('"second"')
  child.kill('SIGINT')

  expect(await exited).toBe(0)
  expect(stderr).toContain('Source changed: rebuilt in')
  expect(await readdir(path.join(dir, '.sling', 'source'))).toEqual([])
})

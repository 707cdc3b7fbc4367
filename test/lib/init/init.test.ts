import {existsSync} from 'node:fs'
import {readFile, writeFile, mkdir} from 'node:fs/promises'
import path from 'node:path'

import {afterEach, expect, test, vi} from 'vitest'

import {loadConfig} from '../../../src/lib/config/load.js'
import {UserError} from '../../../src/lib/errors.js'
import {init} from '../../../src/lib/init/init.js'
import {nodeRuntimes} from '../../../src/lib/init/templates.js'
import type {Output} from '../../../src/lib/output.js'
import {silentOutput} from '../../../src/lib/output.js'
import {tempDir} from '../../helpers/cli.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function project(): Promise<string> {
  const {dir, cleanup} = await tempDir('sling-init-')
  cleanups.push(cleanup)
  return path.join(dir, 'shop')
}

/** An output on a terminal whose questions are answered from `answers` (by question), and confirms from `confirms`. */
function terminal(answers: Record<string, string>, confirms: boolean[] = []): Output & {asked: string[]; warnings: string[]} {
  const asked: string[] = []
  const warnings: string[] = []
  const answer = (message: string, initial?: string): string => {
    asked.push(message)
    return answers[message] ?? initial ?? ''
  }
  return Object.assign(silentOutput({
    canPrompt: true,
    input: vi.fn((message: string, options?: {default?: string; validate?: (value: string) => string | true}) => {
      const value = answer(message, options?.default)
      const verdict = options?.validate?.(value) ?? true
      if (verdict !== true) return Promise.reject(new Error(`invalid answer to ${message}: ${verdict}`))
      return Promise.resolve(value)
    }),
    select: vi.fn((message: string, choices: readonly {value: string}[], options?: {default?: string}) => Promise.resolve(answer(message, options?.default ?? choices[0]?.value))) as Output['select'],
    confirm: vi.fn((message: string) => {
      asked.push(message)
      return Promise.resolve(confirms.shift() ?? false)
    }),
    warn: (message: string) => void warnings.push(message),
  }), {asked, warnings})
}

test('--yes creates a whole project whose config is valid, with the template defaults', async () => {
  const dir = await project()
  const result = await init({dir, given: {template: 'sqs'}, yes: true}, {output: silentOutput()})

  expect(result.status).toBe('created')
  expect(result.files.map((f) => [f.path, f.action])).toEqual([
    ['src/worker.ts', 'written'], ['test/worker.test.ts', 'written'], ['sling.config.json', 'written'], ['package.json', 'written'],
    ['.gitignore', 'written'], ['README.md', 'written'], ['tsconfig.json', 'written'],
  ])
  const config = await loadConfig({file: path.join(dir, 'sling.config.json')})
  expect(config.service).toBe('shop')
  expect(config.functions[0]).toMatchObject({key: 'worker', runtime: nodeRuntimes()[0], architecture: 'arm64', memorySize: 256, timeout: 30})
  const raw = JSON.parse(await readFile(path.join(dir, 'sling.config.json'), 'utf8')) as {$schema: string}
  expect(existsSync(path.resolve(dir, raw.$schema))).toBe(true)
  const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as {scripts: Record<string, string>; devDependencies: Record<string, string>}
  expect(pkg.scripts).toMatchObject({test: 'tsx --test test/*.test.ts', deploy: 'sling deploy', invoke: 'sling invoke worker --event sqs', logs: 'sling logs worker'})
  expect(Object.keys(pkg.devDependencies)).toEqual(expect.arrayContaining(['@types/aws-lambda', 'tsx']))
  expect(await readFile(path.join(dir, '.gitignore'), 'utf8')).toContain('.sling/')
  expect(await readFile(path.join(dir, 'test/worker.test.ts'), 'utf8')).toContain("from '../src/worker.js'")
  expect(await readFile(path.join(dir, 'README.md'), 'utf8')).toContain('sling invoke worker --event sqs')
})

test('JavaScript projects test with node --test and need no install', async () => {
  const dir = await project()
  await init({dir, given: {template: 'api', language: 'js', key: 'web', architecture: 'x86_64', memorySize: 512, timeout: 20}, yes: true}, {output: silentOutput()})

  const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as {scripts: Record<string, string>; devDependencies: Record<string, string>}
  expect(pkg.scripts.test).toBe('node --test test/*.test.js')
  expect(pkg.devDependencies).not.toHaveProperty('tsx')
  expect(existsSync(path.join(dir, 'tsconfig.json'))).toBe(false)
  const config = await loadConfig({file: path.join(dir, 'sling.config.json')})
  expect(config.functions[0]).toMatchObject({key: 'web', entry: path.join(dir, 'src/web.js'), architecture: 'x86_64', memorySize: 512, timeout: 20})
})

test('without a terminal, --yes or --template is required (exit 2), and nothing is written', async () => {
  const dir = await project()
  const error = await init({dir, given: {}}, {output: silentOutput()}).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(UserError)
  expect(error).toMatchObject({code: 'AnswersRequired', exitCode: 2})
  expect(existsSync(dir)).toBe(false)
})

test('an existing file is kept without a terminal, and the skip is said', async () => {
  const dir = await project()
  await mkdir(dir, {recursive: true})
  await writeFile(path.join(dir, 'README.md'), 'mine\n')
  const warnings: string[] = []
  const result = await init({dir, given: {template: 'api'}, yes: true}, {output: silentOutput({warn: (m) => void warnings.push(m)})})

  expect(await readFile(path.join(dir, 'README.md'), 'utf8')).toBe('mine\n')
  expect(result.files).toContainEqual({path: 'README.md', action: 'skipped'})
  expect(warnings).toEqual([expect.stringContaining('README.md exists: kept as it is')])
})

test('on a terminal an existing file is overwritten only when the answer is yes', async () => {
  const dir = await project()
  await mkdir(path.join(dir, 'src'), {recursive: true})
  await writeFile(path.join(dir, 'README.md'), 'mine\n')
  await writeFile(path.join(dir, 'src/api.ts'), 'old\n')
  const output = terminal({}, [false, true]) // src/api.ts: no; README.md: yes
  const result = await init({dir, given: {template: 'api'}}, {output})

  expect(await readFile(path.join(dir, 'src/api.ts'), 'utf8')).toBe('old\n')
  expect(await readFile(path.join(dir, 'README.md'), 'utf8')).not.toBe('mine\n')
  expect(result.files).toContainEqual({path: 'src/api.ts', action: 'skipped'})
  expect(result.files).toContainEqual({path: 'README.md', action: 'overwritten'})
})

test('on a terminal every question flags leave out is asked, and the answers are used', async () => {
  const dir = await project()
  const output = terminal({'Project name': 'orders', Language: 'js', Template: 'schedule', 'Function name': 'nightly', 'Memory (MB)': '1024'})
  const result = await init({dir, given: {timeout: 120}}, {output})

  expect(output.asked).toEqual(['Project name', 'Language', 'Template', 'Function name', 'Runtime', 'Architecture', 'Memory (MB)'])
  expect(result.function).toMatchObject({project: 'orders', key: 'nightly', language: 'js', template: 'schedule', memorySize: 1024, timeout: 120})
  expect(existsSync(path.join(dir, 'src/nightly.js'))).toBe(true)
})

test('in a directory with a config, the function is added to it and everything else is kept', async () => {
  const dir = await project()
  await init({dir, given: {template: 'api', language: 'js'}, yes: true}, {output: silentOutput()})
  const configFile = path.join(dir, 'sling.config.json')
  const before = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>
  await writeFile(configFile, JSON.stringify({...before, region: 'eu-west-1'}))
  const readmeBefore = await readFile(path.join(dir, 'README.md'), 'utf8')

  const result = await init({dir, given: {template: 's3'}, yes: true}, {output: silentOutput()})

  expect(result.status).toBe('added')
  expect(result.function.language).toBe('js') // the project's language, not the default
  expect(result.files.map((f) => [f.path, f.action])).toEqual([['src/processor.js', 'written'], ['test/processor.test.js', 'written'], ['sling.config.json', 'updated']])
  const config = await loadConfig({file: configFile})
  expect(config.functions.map((f) => f.key)).toEqual(['api', 'processor'])
  expect(config.region).toBe('eu-west-1')
  expect(await readFile(path.join(dir, 'README.md'), 'utf8')).toBe(readmeBefore)
})

test('adding a function whose name the config already has is refused (exit 2)', async () => {
  const dir = await project()
  await init({dir, given: {template: 'api'}, yes: true}, {output: silentOutput()})
  const error = await init({dir, given: {template: 'sqs', key: 'api'}, yes: true}, {output: silentOutput()}).catch((e: unknown) => e)
  expect(error).toMatchObject({code: 'FunctionExists', exitCode: 2})
})

test('a name Lambda would refuse is refused before anything is written', async () => {
  const dir = await project()
  const error = await init({dir, given: {template: 'api', key: 'my api'}, yes: true}, {output: silentOutput()}).catch((e: unknown) => e)
  expect(error).toMatchObject({code: 'InvalidAnswer', exitCode: 2})
  expect(existsSync(dir)).toBe(false)
})

test('a package.json that exists is kept, and the scripts to add are named', async () => {
  const dir = await project()
  await mkdir(dir, {recursive: true})
  await writeFile(path.join(dir, 'package.json'), '{"name": "mine"}\n')
  const lines: string[] = []
  await init({dir, given: {template: 'sqs', language: 'js'}, yes: true}, {output: silentOutput({info: (m) => void lines.push(m), warn: (m) => void lines.push(m)})})
  expect(await readFile(path.join(dir, 'package.json'), 'utf8')).toBe('{"name": "mine"}\n')
  expect(lines).toContainEqual(expect.stringContaining('"test": "node --test test/*.test.js", "deploy": "sling deploy", "invoke": "sling invoke worker --event sqs"'))
})

test('a runtime a new Node.js function cannot use is refused, naming those it can', async () => {
  const dir = await project()
  const error = await init({dir, given: {template: 'api', runtime: 'nodejs20.x'}, yes: true}, {output: silentOutput()}).catch((e: unknown) => e)
  expect(error).toMatchObject({code: 'InvalidAnswer', exitCode: 2, message: expect.stringContaining('pick one of nodejs24.x') as string})
})

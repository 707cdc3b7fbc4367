import {mkdir, readFile, symlink} from 'node:fs/promises'
import path from 'node:path'
import {expect, test} from 'vitest'

import {UserError} from '../../../src/lib/errors.js'
import {silentOutput} from '../../../src/lib/output.js'
import {packageFunctions} from '../../../src/lib/package/package.js'
import {HELLO_HANDLER, readZip, tempProjects} from './helpers.js'

const {project} = tempProjects()

const pkg = (name: string, extra: Record<string, unknown> = {}) => JSON.stringify({name, version: '1.0.0', ...extra})

test('a directory layer is zipped as is, under its own layout', async () => {
  const {load} = await project({'shared/nodejs/node_modules/greet/index.js': 'exports.greet = () => 1\n', 'shared/nodejs/node_modules/greet/package.json': pkg('greet'), 'shared/.env': 'X=1'}, {
    functions: {},
    layers: {shared: {directory: 'shared'}},
  })

  const result = await packageFunctions({config: await load(), layers: ['shared']}, {output: silentOutput()})

  const layer = result.layers[0]!
  expect(layer).toMatchObject({key: 'shared', name: 'demo-shared', source: 'directory', excludedSensitive: ['.env']})
  expect(layer.artifact).toMatch(/\.sling\/build\/layers\/shared-[\da-f]{16}\.zip$/)
  expect((await readZip(layer.artifact)).map((e) => e.name)).toEqual(['nodejs/node_modules/greet/index.js', 'nodejs/node_modules/greet/package.json'])
  expect(result.functions).toEqual([])
})

test('an --out-dir inside a directory layer is never zipped into the layer', async () => {
  const {dir, load} = await project({'shared/nodejs/node_modules/greet/index.js': 'exports.greet = () => 1\n'}, {functions: {}, layers: {shared: {directory: 'shared'}}})
  const config = await load()
  const outDir = path.join(dir, 'shared', 'build')

  await packageFunctions({config, outDir}, {output: silentOutput()})
  const second = await packageFunctions({config, outDir}, {output: silentOutput()})

  expect((await readZip(second.layers[0]!.artifact)).map((e) => e.name)).toEqual(['nodejs/node_modules/greet/index.js'])
})

test('a package.json layer takes only production dependencies from node_modules, in nodejs/node_modules', async () => {
  const {load} = await project({
    'deps/package.json': pkg('deps', {dependencies: {a: '1.0.0', '@scope/b': '1.0.0'}, devDependencies: {dev: '1.0.0'}}),
    'deps/node_modules/a/package.json': pkg('a', {dependencies: {c: '1.0.0'}}),
    'deps/node_modules/a/index.js': 'module.exports = 1\n',
    'deps/node_modules/a/node_modules/c/package.json': pkg('c'),
    'deps/node_modules/a/node_modules/c/index.js': 'module.exports = 3\n',
    'deps/node_modules/@scope/b/package.json': pkg('@scope/b', {dependencies: {c: '2.0.0'}}),
    'deps/node_modules/c/package.json': pkg('c', {version: '2.0.0'}),
    'deps/node_modules/dev/package.json': pkg('dev'),
    'deps/node_modules/dev/index.js': 'module.exports = "dev only"\n',
  }, {functions: {}, layers: {deps: {packageJson: 'deps/package.json'}}})

  const result = await packageFunctions({config: await load(), layers: ['deps']}, {output: silentOutput()})

  expect(result.layers[0]?.source).toBe('node_modules')
  expect((await readZip(result.layers[0]!.artifact)).map((e) => e.name)).toEqual([
    'nodejs/node_modules/@scope/b/package.json',
    'nodejs/node_modules/a/index.js',
    'nodejs/node_modules/a/node_modules/c/index.js',
    'nodejs/node_modules/a/node_modules/c/package.json',
    'nodejs/node_modules/a/package.json',
    'nodejs/node_modules/c/package.json',
  ])
})

test('a production dependency missing from node_modules is a clear error', async () => {
  const {load} = await project({'deps/package.json': pkg('deps', {dependencies: {gone: '1.0.0'}}), 'deps/node_modules/.keep': ''}, {functions: {}, layers: {deps: {packageJson: 'deps/package.json'}}})
  const error = await packageFunctions({config: await load(), layers: ['deps']}, {output: silentOutput()}).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(UserError)
  expect((error as UserError).message).toContain('"gone"')
})

test('without node_modules, npm installs the production dependencies (file: packages, no network)', async () => {
  const {load} = await project({
    'local/greet/package.json': pkg('greet', {main: 'index.js'}),
    'local/greet/index.js': 'exports.greet = () => "hi"\n',
    'deps/package.json': pkg('deps', {dependencies: {greet: 'file:../local/greet'}}),
  }, {functions: {}, layers: {deps: {packageJson: 'deps/package.json'}}})

  const result = await packageFunctions({config: await load(), layers: ['deps']}, {output: silentOutput()})

  expect(result.layers[0]?.source).toBe('npm-install')
  const entries = await readZip(result.layers[0]!.artifact)
  expect(entries.map((e) => e.name)).toEqual(['nodejs/node_modules/greet/index.js', 'nodejs/node_modules/greet/package.json'])
}, 120_000)

test('packaging a function builds the layers it uses and counts them in its size', async () => {
  const {dir, load} = await project({'src/api.ts': HELLO_HANDLER, 'shared/nodejs/node_modules/x/index.js': 'x'.repeat(1000)}, {
    functions: {api: {entry: 'src/api.ts', layers: ['shared', 'arn:aws:lambda:us-east-1:123456789012:layer:other:3']}, other: {entry: 'src/api.ts'}},
    layers: {shared: {directory: 'shared'}, unused: {directory: 'shared'}},
  })

  const result = await packageFunctions({config: await load(), functions: ['api']}, {output: silentOutput()})

  expect(result.layers.map((l) => l.key)).toEqual(['shared'])
  const fn = result.functions[0]!
  expect(fn.totalUnzippedSize).toBe(fn.unzippedSize + 1000)
  expect(fn.limits.layers).toEqual({used: 2, limit: 5, share: 0.4})
  const manifest = JSON.parse(await readFile(path.join(dir, '.sling/build/manifest.json'), 'utf8'))
  expect(Object.keys(manifest.layers)).toEqual(['shared'])
  expect(manifest.functions.api.layers).toEqual(['shared', 'arn:aws:lambda:us-east-1:123456789012:layer:other:3'])
})

test('a workspace package linked into node_modules is judged where it really is: its .env and keys stay out of the layer', async () => {
  const {dir, load} = await project({
    'deps/package.json': pkg('deps', {dependencies: {'@me/shared': '1.0.0', certs: '1.0.0'}}),
    'packages/shared/package.json': pkg('@me/shared'),
    'packages/shared/index.js': 'module.exports = 1\n',
    'packages/shared/.env': 'SECRET=1\n',
    'packages/shared/deploy.pem': 'KEY\n',
    'deps/node_modules/certs/package.json': pkg('certs'),
    'deps/node_modules/certs/ca.pem': 'CA\n',
  }, {functions: {}, layers: {deps: {packageJson: 'deps/package.json'}}})
  await mkdir(path.join(dir, 'deps/node_modules/@me'), {recursive: true})
  await symlink('../../../packages/shared', path.join(dir, 'deps/node_modules/@me/shared'))
  const info: string[] = []

  const result = await packageFunctions({config: await load(), layers: ['deps']}, {output: silentOutput({info: (line) => void info.push(line)})})

  expect((await readZip(result.layers[0]!.artifact)).map((e) => e.name)).toEqual([
    'nodejs/node_modules/@me/shared/index.js',
    'nodejs/node_modules/@me/shared/package.json',
    'nodejs/node_modules/certs/ca.pem', // an installed package keeps its CA bundle
    'nodejs/node_modules/certs/package.json',
  ])
  expect(result.layers[0]?.excludedSensitive).toEqual(['node_modules/@me/shared/.env', 'node_modules/@me/shared/deploy.pem'])
  expect(info.join('\n')).toContain('Left out of layer deps: node_modules/@me/shared/.env, node_modules/@me/shared/deploy.pem')
})

import {createHash} from 'node:crypto'
import {readdir, readFile, stat, truncate, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {expect, test} from 'vitest'

import {UserError} from '../../../src/lib/errors.js'
import {silentOutput} from '../../../src/lib/output.js'
import {packageFunctions} from '../../../src/lib/package/package.js'
import {HELLO_HANDLER, readZip, tempProjects} from './helpers.js'

const {project} = tempProjects()

const deps = () => ({output: silentOutput()})

async function failure(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(UserError)
  return error as UserError
}

test('bundles an ESM function to index.mjs with the handler string index.handler, and writes the manifest', async () => {
  const {dir, load} = await project({'src/api.ts': "import {greet} from './greet.js'\nexport const handler = async () => greet('x')\n", 'src/greet.ts': 'export const greet = (n: string) => `hi ${n}`\nexport const unused = () => "TREE_SHAKEN_AWAY"\n'}, {functions: {api: {entry: 'src/api.ts'}}})

  const result = await packageFunctions({config: await load()}, deps())

  const [fn] = result.functions
  expect(fn).toMatchObject({key: 'api', name: 'demo-api', handler: 'index.handler', runtime: 'nodejs24.x', bundled: true})
  // Named by content: a new build never overwrites a zip the current manifest refers to.
  expect(fn?.artifact).toBe(path.join(dir, '.sling', 'build', 'functions', `api-${createHash('sha256').update(await readFile(fn!.artifact)).digest('hex').slice(0, 16)}.zip`))
  const entries = await readZip(fn!.artifact)
  expect(entries.map((e) => e.name)).toEqual(['index.mjs'])
  const code = entries[0]!.data.toString()
  expect(code).toContain('hi ')
  expect(code).not.toContain('TREE_SHAKEN_AWAY')
  expect(code).toContain('createRequire') // bundled CommonJS deps can require() builtins
  const manifest = JSON.parse(await readFile(path.join(dir, '.sling', 'build', 'manifest.json'), 'utf8'))
  expect(manifest.functions.api).toEqual({
    key: 'api', name: 'demo-api', artifact: `functions/${path.basename(fn!.artifact)}`, handler: 'index.handler', runtime: 'nodejs24.x', architecture: 'x86_64', layers: [],
    codeSha256: createHash('sha256').update(await readFile(fn!.artifact)).digest('base64'), zippedSize: fn!.zippedSize, unzippedSize: fn!.unzippedSize,
  })
})

test('packaging twice gives byte-identical zips with the same CodeSha256', async () => {
  const {dir, load} = await project({'src/api.ts': HELLO_HANDLER, 'assets/a.txt': 'A'}, {functions: {api: {entry: 'src/api.ts', include: ['assets/**'], sourcemap: 'external'}}})
  const config = await load()

  const first = await packageFunctions({config, outDir: path.join(dir, 'one')}, deps())
  const second = await packageFunctions({config, outDir: path.join(dir, 'two')}, deps())

  expect(second.functions[0]?.codeSha256).toBe(first.functions[0]?.codeSha256)
  expect(await readFile(second.functions[0]!.artifact)).toEqual(await readFile(first.functions[0]!.artifact))
  expect((await readZip(first.functions[0]!.artifact)).map((e) => e.name)).toEqual(['assets/a.txt', 'index.mjs', 'index.mjs.map'])
})

test('keeps @aws-sdk/* external by default and bundles it with bundleAwsSdk', async () => {
  const files = {'src/api.ts': "import {S3Client} from '@aws-sdk/client-s3'\nexport const handler = async () => String(new S3Client({}))\n"}
  const {load} = await project(files, {functions: {api: {entry: 'src/api.ts', minify: false}}})
  const result = await packageFunctions({config: await load()}, deps())
  const code = (await readZip(result.functions[0]!.artifact))[0]!.data.toString()
  expect(code).toMatch(/from\s*"@aws-sdk\/client-s3"/)

  // With bundleAwsSdk, esbuild must resolve it, and this project hasn't installed it.
  const other = await project(files, {functions: {api: {entry: 'src/api.ts', bundleAwsSdk: true}}})
  const error = await failure(packageFunctions({config: await other.load()}, deps()))
  expect(error.code).toBe('BundleFailed')
  expect(error.message).toContain('@aws-sdk/client-s3')
})

test('format cjs gives index.js, and the handler is still checked', async () => {
  const {load} = await project({'src/ok.ts': HELLO_HANDLER, 'src/bad.ts': 'export const main = async () => 1\n'}, {
    functions: {ok: {entry: 'src/ok.ts', format: 'cjs'}, bad: {entry: 'src/bad.ts', format: 'cjs'}},
  })
  const config = await load()
  const ok = await packageFunctions({config, functions: ['ok']}, deps())
  expect((await readZip(ok.functions[0]!.artifact)).map((e) => e.name)).toEqual(['index.js'])
  expect(ok.functions[0]?.handler).toBe('index.handler')

  const error = await failure(packageFunctions({config, functions: ['bad']}, deps()))
  expect(error.code).toBe('HandlerNotExported')
  expect(error.message).toContain('It exports: main')
})

test('a bundle that does not export the handler is an error, and leaves no artifact', async () => {
  const {dir, load} = await project({'src/api.ts': 'export const main = async () => 1\nexport default main\n'}, {functions: {api: {entry: 'src/api.ts'}}})

  const error = await failure(packageFunctions({config: await load()}, deps()))

  expect(error.code).toBe('HandlerNotExported')
  expect(error.message).toMatch(/doesn't export "handler".*index\.handler.*It exports: (default, main|main, default)/s)
  expect(await readdir(path.join(dir, '.sling', 'build', 'functions')).catch(() => [])).toEqual([])
})

test('a syntax error shows esbuild\'s message with file:line:column and leaves no artifact', async () => {
  const {dir, load} = await project({'src/api.ts': 'export const handler = async () => {\n  return {a: }\n}\n'}, {functions: {api: {entry: 'src/api.ts'}}})

  const error = await failure(packageFunctions({config: await load()}, deps()))

  expect(error.code).toBe('BundleFailed')
  expect(error.exitCode).toBe(1)
  expect(error.message).toContain('src/api.ts:2:13: Unexpected "}"')
  expect(await readdir(path.join(dir, '.sling', 'build', 'functions')).catch(() => [])).toEqual([])
})

test('a missing entry file is a clear error', async () => {
  const {load} = await project({}, {functions: {api: {entry: 'src/nope.ts'}}})
  const error = await failure(packageFunctions({config: await load()}, deps()))
  expect(error.code).toBe('EntryNotFound')
  expect(error.message).toContain('src/nope.ts')
})

test('a failed run removes the earlier artifact of that function and its manifest entry', async () => {
  const {dir, load} = await project({'src/api.ts': HELLO_HANDLER}, {functions: {api: {entry: 'src/api.ts'}}})
  const earlier = await packageFunctions({config: await load()}, deps())
  await writeFile(path.join(dir, 'src/api.ts'), 'export const handler = (\n')

  await failure(packageFunctions({config: await load()}, deps()))

  await expect(stat(earlier.functions[0]!.artifact)).rejects.toThrow()
  expect(await readdir(path.join(dir, '.sling/build/functions'))).toEqual([])
  expect(JSON.parse(await readFile(path.join(dir, '.sling/build/manifest.json'), 'utf8')).functions).toEqual({})
})

test('bundle: false zips the source directory as is, honouring include/exclude and leaving secrets out', async () => {
  const {load} = await project({
    'app/index.mjs': HELLO_HANDLER,
    'app/lib/util.mjs': 'export const x = 1\n',
    'app/test/util.test.mjs': 'test\n',
    'app/.env': 'SECRET=1\n',
    'app/.env.production': 'SECRET=2\n',
    'app/deploy.pem': 'KEY\n',
    'app/.git/config': '[core]\n',
  }, {functions: {raw: {bundle: false, source: 'app', exclude: ['test/**']}}})

  const result = await packageFunctions({config: await load()}, deps())

  const fn = result.functions[0]!
  expect(fn.handler).toBe('index.handler')
  expect(fn.bundled).toBe(false)
  expect((await readZip(fn.artifact)).map((e) => e.name)).toEqual(['index.mjs', 'lib/util.mjs'])
  expect(fn.excludedSensitive).toEqual(['.env', '.env.production', '.git/config', 'deploy.pem'])
})

test('an --out-dir that is the directory being zipped is refused, rather than zipping earlier artifacts', async () => {
  const {dir, load} = await project({'app/index.mjs': HELLO_HANDLER}, {functions: {raw: {bundle: false, source: 'app'}}})
  const error = await failure(packageFunctions({config: await load(), outDir: path.join(dir, 'app')}, deps()))
  expect(error.code).toBe('OutDirInSource')
  expect(error.message).toContain(path.join(dir, 'app'))
  expect(error.hints.join(' ')).toContain('--out-dir')
})

test('include/exclude globs written with Windows backslashes match as with slashes', async () => {
  const {load} = await project({'src/api.ts': HELLO_HANDLER, 'assets/a.txt': 'A', 'assets/sub/b.txt': 'B'}, {
    functions: {api: {entry: 'src/api.ts', include: ['assets\\**\\*.txt'], exclude: ['assets\\sub\\**']}},
  })
  const result = await packageFunctions({config: await load()}, deps())
  expect((await readZip(result.functions[0]!.artifact)).map((e) => e.name)).toEqual(['assets/a.txt', 'index.mjs'])
})

test('an "include" pattern that matches no file is a warning naming the pattern', async () => {
  const {load} = await project({'src/api.ts': HELLO_HANDLER, 'assets/a.txt': 'A'}, {functions: {api: {entry: 'src/api.ts', include: ['assets/**', 'asset/*.txt']}}})
  const result = await packageFunctions({config: await load()}, deps())
  expect(result.warnings).toEqual([expect.stringContaining('the "include" pattern "asset/*.txt" matches no file')])
  expect((await readZip(result.functions[0]!.artifact)).map((e) => e.name)).toEqual(['assets/a.txt', 'index.mjs'])
})

test('bundle: false packages a secret-looking file when "include" names it explicitly', async () => {
  const {load} = await project({'app/index.mjs': HELLO_HANDLER, 'app/.env.production': 'A=1\n', 'app/.env': 'B=1\n'}, {
    functions: {raw: {bundle: false, source: 'app', include: ['**', '.env.production']}},
  })
  const result = await packageFunctions({config: await load()}, deps())
  expect((await readZip(result.functions[0]!.artifact)).map((e) => e.name)).toEqual(['.env.production', 'index.mjs'])
  expect(result.functions[0]?.excludedSensitive).toEqual(['.env'])
})

test('bundle: false checks the entry exports the handler', async () => {
  const {load} = await project({'app/main.mjs': 'export const run = () => 1\n'}, {functions: {raw: {bundle: false, source: 'app', entry: 'app/main.mjs'}}})
  const error = await failure(packageFunctions({config: await load()}, deps()))
  expect(error.code).toBe('HandlerNotExported')
  expect(error.message).toContain('main.handler')
})

test('environment variables over 4 KB are an error with the limit and the actual size', async () => {
  const {dir, load} = await project({'src/api.ts': HELLO_HANDLER}, {functions: {api: {entry: 'src/api.ts', environment: {BIG: 'x'.repeat(4000), SMALL: 'y'.repeat(100)}}}})

  const error = await failure(packageFunctions({config: await load()}, deps()))

  expect(error.code).toBe('EnvironmentTooLarge')
  const measured = JSON.stringify({BIG: 'x'.repeat(4000), SMALL: 'y'.repeat(100)}).length
  expect(error.message).toContain(`${measured.toLocaleString('en-US')} bytes`)
  expect(error.message).toContain('4,096')
  expect(error.message).toMatch(/BIG[\s\S]*SMALL/)
  await expect(stat(path.join(dir, '.sling/build/functions/api.zip'))).rejects.toThrow()
})

test('over 250 MB unzipped is an error naming the largest contributors, and nothing is written', async () => {
  const {dir, load} = await project({'app/index.mjs': HELLO_HANDLER, 'app/node_modules/huge/package.json': '{}', 'app/node_modules/huge/blob.bin': '', 'app/small.txt': 'x'}, {
    functions: {raw: {bundle: false, source: 'app'}},
  })
  await truncate(path.join(dir, 'app/node_modules/huge/blob.bin'), 300 * 1024 * 1024) // sparse: no real disk use

  const error = await failure(packageFunctions({config: await load()}, deps()))

  expect(error.code).toBe('PackageTooLarge')
  expect(error.message).toContain('262,144,000 bytes')
  expect(error.message).toContain('314,572,')
  expect(error.message).toMatch(/Largest contributors:\n\s+300\.0 MB\s+huge/)
  expect(await readdir(path.join(dir, '.sling/build')).catch(() => [])).not.toContain('functions')
})

test('the unzipped limit counts the layers a function uses', async () => {
  const {dir, load} = await project({'src/api.ts': HELLO_HANDLER, 'data/model.bin': '', 'layer/nodejs/node_modules/big/index.js': ''}, {
    functions: {api: {entry: 'src/api.ts', layers: ['deps'], include: ['data/**']}},
    layers: {deps: {directory: 'layer'}},
  })
  await truncate(path.join(dir, 'layer/nodejs/node_modules/big/index.js'), 150 * 1024 * 1024) // fits alone
  await truncate(path.join(dir, 'data/model.bin'), 110 * 1024 * 1024)

  const error = await failure(packageFunctions({config: await load()}, deps()))

  expect(error.code).toBe('PackageTooLarge')
  expect(error.message).toContain('with its layers')
  expect(error.message).toMatch(/150\.0 MB\s+layer deps\n\s+110\.0 MB\s+data\/model\.bin/)
  await expect(stat(path.join(dir, '.sling/build/functions/api.zip'))).rejects.toThrow()
}, 120_000)

test('unknown function and layer keys are usage errors', async () => {
  const {load} = await project({'src/api.ts': HELLO_HANDLER}, {functions: {api: {entry: 'src/api.ts'}}})
  const config = await load()
  expect((await failure(packageFunctions({config, functions: ['apx']}, deps()))).exitCode).toBe(2)
  expect((await failure(packageFunctions({config, layers: ['nope']}, deps()))).code).toBe('LayerNotInConfig')
})

test('many functions are packaged in parallel, each with its own artifact', async () => {
  const files: Record<string, string> = {}
  const functions: Record<string, unknown> = {}
  for (let i = 0; i < 12; i++) {
    files[`src/f${i}.ts`] = `export const handler = async () => ${i}\n`
    functions[`f${i}`] = {entry: `src/f${i}.ts`}
  }
  const {load} = await project(files, {functions})

  const result = await packageFunctions({config: await load(), concurrency: 4}, deps())

  expect(result.functions.map((f) => f.key)).toEqual(Object.keys(functions))
  expect(new Set(result.functions.map((f) => f.codeSha256)).size).toBe(12)
})

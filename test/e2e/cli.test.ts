import {cpSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {expect, test} from 'vitest'

import {ROOT, runCli, tempDir} from '../helpers/cli.js'

/** The module specifiers a sling invocation resolved, via test/helpers/trace-imports.mjs. */
async function importsOf(args: string[] | ((dir: string) => string[]), env: (dir: string) => Record<string, string> = () => ({})): Promise<string[]> {
  const {dir, cleanup} = await tempDir()
  try {
    const trace = path.join(dir, 'imports.txt')
    const argv = typeof args === 'function' ? args(dir) : args
    const result = await runCli(argv, {env: {...env(dir), NODE_OPTIONS: `--import ${path.join(ROOT, 'test/helpers/trace-imports.mjs')}`, SLING_TRACE_IMPORTS: trace}})
    expect(result.code).toBe(0)
    return (await readFile(trace, 'utf8')).split('\n')
  } finally {
    await cleanup()
  }
}

/**
 * The specifiers that load AWS SDK code: the packages themselves, or the build's bundles of them, which
 * scripts/bundle-vendor.js names dist/vendor/aws-sdk-*.js (entries and shared chunks alike).
 */
const sdkLoads = (imports: string[]): string[] => imports.filter((s) => s.includes('aws-sdk') || s.includes('@smithy/'))

test('a command that calls AWS is seen loading the SDK (so the checks below would catch it), and only the clients it calls', async () => {
  const project = (dir: string): string => {
    cpSync(path.join(ROOT, 'examples/hello-api'), path.join(dir, 'project'), {recursive: true, filter: (source) => path.basename(source) !== '.sling'})
    return path.join(dir, 'project', 'sling.config.json')
  }
  const imports = await importsOf((dir) => ['deploy', '--dry-run', '--local', '--json', '--config', project(dir)], (dir) => ({SLING_LOCAL_STORE: path.join(dir, 'store')}))
  expect(sdkLoads(imports)).toContainEqual(expect.stringMatching(/aws-sdk-client-lambda\.js$/))
  expect(sdkLoads(imports)).not.toContainEqual(expect.stringMatching(/aws-sdk-client-s3\.js$/)) // a deploy without S3 code never builds an S3 client
})

test.each([[['--help']], [['package', '--help']], [['local', 'serve', '--help']]])('sling %j starts without loading the AWS SDK or esbuild', async (args) => {
  const imports = await importsOf(args)
  expect(imports.length).toBeGreaterThan(3) // the trace works
  expect(sdkLoads(imports)).toEqual([])
  expect(imports.filter((s) => s === 'esbuild' || s.includes('yazl') || s.includes('zip-writer'))).toEqual([])
})

test('sling package builds without loading the AWS SDK', async () => {
  const imports = await importsOf((dir) => ['package', 'api', '--config', path.join(ROOT, 'examples/hello-api/sling.config.json'), '--out-dir', path.join(dir, 'build')])
  expect(imports).toContain('esbuild') // the trace saw the build
  expect(sdkLoads(imports)).toEqual([])
})

test('help lists the commands and the global flags; commands that make no AWS call take no AWS flags', async () => {
  const root = await runCli(['--help'])
  expect(root.stdout).toContain('package')
  expect(root.stdout).toContain('local')
  const listed = (flag: string): RegExp => new RegExp(`^ +${flag}\\b`, 'm') // a line of the flags list
  const pkg = await runCli(['package', '--help'])
  for (const flag of ['--stage', '--config', '--json', '--verbose']) expect(pkg.stdout).toMatch(listed(flag))
  for (const flag of ['--region', '--profile', '--endpoint-url', '--local']) expect(pkg.stdout).not.toMatch(listed(flag))
  const serve = await runCli(['local', 'serve', '--help'])
  expect(serve.stdout).toMatch(listed('--region')) // the region it tells clients to use
  for (const flag of ['--profile', '--endpoint-url', '--local']) expect(serve.stdout).not.toMatch(listed(flag))
})

test.each([['--region', 'eu-west-1'], ['--profile', 'work'], ['--endpoint-url', 'http://127.0.0.1:9'], ['--local']])('sling package %s is a usage error, not silently ignored', async (...flag) => {
  const result = await runCli(['package', ...flag])
  expect(result.code).toBe(2)
  expect(result.stderr).toContain(flag[0])
})

test('an unknown flag is a usage error: exit 2, the flag named, nothing on stdout', async () => {
  const result = await runCli(['package', '--no-such-flag'])
  expect(result.code).toBe(2)
  expect(result.stdout).toBe('')
  expect(result.stderr).toContain('--no-such-flag')
})

test('an unknown flag under --json is one JSON error document on stdout', async () => {
  const result = await runCli(['package', '--json', '--no-such-flag'])
  expect(result.code).toBe(2)
  const parsed = JSON.parse(result.stdout)
  expect(parsed.error.code).toBe('Usage')
  expect(parsed.error.message).toContain('--no-such-flag')
})

test('an unknown command exits 127, says so, names the nearest command (no terminal to ask on) and where the list of commands is', async () => {
  const result = await runCli(['deploi'])
  expect(result.code).toBe(127)
  expect(result.stdout).toBe('')
  expect(result.stderr).toContain('deploi is not a sling command.')
  expect(result.stderr).toContain('Did you mean "sling deploy"? Run sling help for a list of available commands.')
  const sub = await runCli(['versions', 'prnue', 'api'])
  expect(sub.code).toBe(127)
  expect(sub.stderr).toContain('Did you mean "sling versions prune"? Run sling help versions for a list of available commands.')
})

test('sling autocomplete prints the set-up for each shell, and the completion script lists the commands', async () => {
  const {dir, cleanup} = await tempDir()
  try {
    const env = {XDG_CACHE_HOME: dir, HOME: dir}
    const bash = await runCli(['autocomplete', 'bash'], {env})
    expect(bash.code).toBe(0)
    expect(bash.stdout).toContain('sling autocomplete')
    const script = await runCli(['autocomplete', 'script', 'bash'], {env})
    expect(script.code).toBe(0)
    const cache = await runCli(['autocomplete', '--refresh-cache'], {env})
    expect(cache.code).toBe(0)
    const setup = await readFile(path.join(dir, 'sling', 'autocomplete', 'bash_setup'), 'utf8').catch(() => '')
    const functions = await readFile(path.join(dir, 'sling', 'autocomplete', 'functions', 'bash', 'sling.bash'), 'utf8')
    expect(setup + functions).toContain('deploy')
    expect(functions).toContain('versions:prune')
  } finally {
    await cleanup()
  }
})

test('every command has at least two examples and every flag a summary', async () => {
  const manifest = JSON.parse(await readFile(path.join(ROOT, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<string, {examples?: unknown[]; flags: Record<string, {summary?: string}>}>
  }
  const missing: string[] = []
  for (const [id, command] of Object.entries(manifest.commands)) {
    if ((command.examples ?? []).length < 2) missing.push(`${id}: fewer than 2 examples`)
    for (const [name, flag] of Object.entries(command.flags)) if (!flag.summary) missing.push(`${id} --${name}: no summary`)
  }
  expect(missing).toEqual([])
})

test('--verbose prints each AWS call (operation, status, error, duration) on stderr, and nothing secret', async () => {
  const {dir, cleanup} = await tempDir()
  try {
    const result = await runCli(['versions', 'list', 'no-such-fn', '--local', '--verbose'], {cwd: dir, env: {SLING_LOCAL_STORE: path.join(dir, 'store')}})
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^AWS calls go to the local cloud at http:\/\/127\.0\.0\.1:\d+, region us-east-1\.$/m)
    expect(result.stderr).toMatch(/^AWS Lambda\.ListVersionsByFunction 404 ResourceNotFoundException \d+ ms/m)
    expect(result.stderr).toContain('Error: Function "no-such-fn" doesn\'t exist in us-east-1.')
    expect(result.stderr).not.toContain('sling-local') // the placeholder credentials
    const quiet = await runCli(['versions', 'list', 'no-such-fn', '--local'], {cwd: dir, env: {SLING_LOCAL_STORE: path.join(dir, 'store')}})
    expect(quiet.stderr).not.toContain('AWS Lambda.')
  } finally {
    await cleanup()
  }
})

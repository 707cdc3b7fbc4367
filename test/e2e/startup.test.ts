import {execFile} from 'node:child_process'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {promisify} from 'node:util'

import {expect, test} from 'vitest'

import {BIN, ROOT, runCli, tempDir} from '../helpers/cli.js'

/** What oclif itself prints for `args` (no fast path), with the environment runCli gives sling. */
async function oclifSays(args: string[]): Promise<string> {
  const script = `const {execute} = await import('@oclif/core'); await execute({dir: ${JSON.stringify(`file://${BIN}`)}, args: ${JSON.stringify(args)}})`
  const {stdout} = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {cwd: ROOT, env: {PATH: process.env.PATH, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true'}})
  return stdout
}

async function importsOf(args: string[]): Promise<string[]> {
  const {dir, cleanup} = await tempDir()
  try {
    const trace = path.join(dir, 'imports.txt')
    const result = await runCli(args, {env: {NODE_OPTIONS: `--import ${path.join(ROOT, 'test/helpers/trace-imports.mjs')}`, SLING_TRACE_IMPORTS: trace}})
    expect(result.code).toBe(0)
    return (await readFile(trace, 'utf8')).split('\n')
  } finally {
    await cleanup()
  }
}

test('sling --version prints exactly what oclif prints, without loading oclif', async () => {
  const result = await runCli(['--version'])
  expect(result).toMatchObject({code: 0, stderr: ''})
  expect(result.stdout).toBe(await oclifSays(['--version']))
  expect(result.stdout).toMatch(/^sling\/\d+\.\d+\.\d+ \w+-\w+ node-v\d+/)
  expect((await importsOf(['--version'])).filter((s) => s.includes('@oclif/'))).toEqual([])
})

test('sling --help into a pipe prints exactly oclif\'s root help, without loading oclif', async () => {
  const result = await runCli(['--help'])
  expect(result).toMatchObject({code: 0, stderr: ''})
  expect(result.stdout).toBe(await oclifSays(['--help']))
  expect(result.stdout).toContain(`node-${process.version}`) // the user agent is this machine's, not the build's placeholder
  expect((await importsOf(['--help'])).filter((s) => s.includes('@oclif/') || s.includes('oclif-core') || s === 'zod' || s.endsWith('/zod.js'))).toEqual([]) // packages or their dist/vendor bundles
})

test('help for a command, and --help with OCLIF_COLUMNS, still go through oclif', async () => {
  const deploy = await runCli(['deploy', '--help'])
  expect(deploy.stdout).toContain('EXAMPLES')
  const wide = await runCli(['--help'], {env: {OCLIF_COLUMNS: '200'}})
  expect(wide.stdout).toContain('deploy        Create or update the functions in Lambda, changing only what differs.')
})

test('a no-op deploy loads the Lambda client only: not the IAM or STS clients it never calls', async () => {
  const {dir, cleanup} = await tempDir()
  try {
    await mkdir(path.join(dir, 'fn'))
    await writeFile(path.join(dir, 'fn', 'index.js'), 'exports.handler = async () => 1\n')
    const role = 'arn:aws:iam::123456789012:role/elsewhere' // another account's role: nothing to create or check
    await writeFile(path.join(dir, 'sling.config.json'), JSON.stringify({service: 'noop', functions: {fn: {bundle: false, source: 'fn', runtime: 'nodejs22.x', role}}}))
    const env = {SLING_LOCAL_STORE: path.join(dir, 'store')}
    expect((await runCli(['deploy', '--local'], {cwd: dir, env})).code).toBe(0)
    const trace = path.join(dir, 'imports.txt')
    const noop = await runCli(['deploy', '--local', '--json'], {cwd: dir, env: {...env, NODE_OPTIONS: `--import ${path.join(ROOT, 'test/helpers/trace-imports.mjs')}`, SLING_TRACE_IMPORTS: trace}})
    expect(JSON.parse(noop.stdout)).toMatchObject({status: 'unchanged'})
    // dist imports each client from its bundle, dist/vendor/aws-sdk-client-<service>.js (scripts/bundle-vendor.js)
    const clients = (await readFile(trace, 'utf8')).split('\n').flatMap((s) => /aws-sdk-(client-[\w-]+)\.js$/.exec(s)?.[1] ?? [])
    expect(clients).toContain('client-lambda')
    expect(clients.filter((s) => s === 'client-iam' || s === 'client-sts')).toEqual([])
  } finally {
    await cleanup()
  }
})

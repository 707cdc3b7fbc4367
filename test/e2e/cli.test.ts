import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {expect, test} from 'vitest'

import {ROOT, runCli, tempDir} from '../helpers/cli.js'

/** The module specifiers a sling invocation resolved, via test/helpers/trace-imports.mjs. */
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

test.each([[['--help']], [['package', '--help']], [['local', 'serve', '--help']]])('sling %j starts without loading the AWS SDK or esbuild', async (args) => {
  const imports = await importsOf(args)
  expect(imports.length).toBeGreaterThan(3) // the trace works
  expect(imports.filter((s) => s.includes('@aws-sdk/') || s === 'esbuild' || s.includes('archiver'))).toEqual([])
})

test('help lists the commands and the global flags', async () => {
  const root = await runCli(['--help'])
  expect(root.stdout).toContain('package')
  expect(root.stdout).toContain('local')
  const pkg = await runCli(['package', '--help'])
  for (const flag of ['--region', '--profile', '--endpoint-url', '--local', '--stage', '--config', '--json', '--verbose']) expect(pkg.stdout).toContain(flag)
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

test('an unknown command exits non-zero and says so', async () => {
  const result = await runCli(['deploi'])
  expect(result.code).not.toBe(0)
  expect(result.stderr).toMatch(/deploi/)
})

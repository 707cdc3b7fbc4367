import {describe, expect, test} from 'vitest'

import {ExitCode, UserError} from '../../src/lib/errors.js'
import {formatBytes} from '../../src/lib/format.js'
import {createOutput, renderTable} from '../../src/lib/output.js'

function capture(isTTY: boolean): NodeJS.WriteStream & {text: () => string} {
  let text = ''
  return {isTTY, write: (chunk: string) => ((text += chunk), true), text: () => text} as unknown as NodeJS.WriteStream & {text: () => string}
}

describe('output', () => {
  test('results go to stdout and progress to stderr; --json silences both', async () => {
    const stdout = capture(false)
    const stderr = capture(false)
    const out = createOutput({stdout, stderr, env: {}})
    out.result('the-artifact.zip')
    out.info('Packaging…')
    await out.spin('Bundling', () => Promise.resolve(1))
    expect(stdout.text()).toBe('the-artifact.zip\n')
    expect(stderr.text()).toBe('Packaging…\nBundling…\n')

    const jsonStdout = capture(false)
    const jsonStderr = capture(false)
    const json = createOutput({json: true, stdout: jsonStdout, stderr: jsonStderr, env: {}})
    json.result('x')
    json.table([{a: '1'}], [{header: 'A', get: (r) => r.a}])
    await json.spin('Bundling', () => Promise.resolve(1))
    expect(jsonStdout.text()).toBe('')
    expect(jsonStderr.text()).toBe('')
  })

  test('no spinner and no colour in CI even on a terminal', () => {
    const stderr = capture(true)
    const out = createOutput({stdout: capture(true), stderr, env: {CI: 'true', NO_COLOR: '1'}})
    expect(out.interactive).toBe(false)
    expect(out.color.red('x')).toBe('x')
    expect(createOutput({stdout: capture(true), stderr: capture(true), env: {}}).interactive).toBe(true)
  })

  test('a terminal that reports no width gets plain progress lines, not a spinner (which would clear lines forever)', async () => {
    const stderr = Object.assign(capture(true), {columns: 0})
    const out = createOutput({stdout: capture(true), stderr, env: {}})
    expect(out.interactive).toBe(false)
    await out.spin('Bundling', () => Promise.resolve(1))
    expect(stderr.text()).toBe('Bundling…\n')
  })

  test('--verbose shows debug lines, otherwise they are hidden', () => {
    const quiet = capture(false)
    createOutput({stderr: quiet, stdout: capture(false), env: {}}).debug('PUT /functions')
    const loud = capture(false)
    createOutput({stderr: loud, stdout: capture(false), env: {}, verbose: true}).debug('PUT /functions')
    expect(quiet.text()).toBe('')
    expect(loud.text()).toContain('PUT /functions')
  })

  test('a confirmation without a terminal fails with exit 2 and names the flag', async () => {
    const out = createOutput({stdout: capture(false), stderr: capture(false), env: {}})
    const error = (await out.confirm('Delete function "api"', {assumeYes: false}).catch((e: unknown) => e)) as UserError
    expect(error).toBeInstanceOf(UserError)
    expect(error.exitCode).toBe(ExitCode.Usage)
    expect(error.hints).toEqual(['Pass --yes in CI or scripts.'])
    await expect(out.confirm('Delete', {assumeYes: true})).resolves.toBe(true)
  })

  test('tables align columns, right-aligning numbers', () => {
    const table = renderTable(
      [{name: 'api', size: '1.2 MB'}, {name: 'worker-long', size: '12 KB'}],
      [{header: 'Function', get: (r) => r.name}, {header: 'Size', get: (r) => r.size, align: 'right'}],
    )
    expect(table.split('\n')).toEqual(['Function       Size', 'api          1.2 MB', 'worker-long   12 KB'])
  })

  test('sizes use the binary units Lambda states its limits in', () => {
    expect(formatBytes(262_144_000)).toBe('250.0 MB')
    expect(formatBytes(52_428_800)).toBe('50.0 MB')
    expect(formatBytes(512)).toBe('512 B')
  })
})

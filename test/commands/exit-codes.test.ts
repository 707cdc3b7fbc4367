import path from 'node:path'

import {LambdaClient} from '@aws-sdk/client-lambda'
import {Errors} from '@oclif/core'
import {mockClient} from 'aws-sdk-client-mock'
import {afterEach, expect, test} from 'vitest'

import Package from '../../src/commands/package.js'
import {ExitCode} from '../../src/lib/errors.js'
import {ROOT} from '../helpers/cli.js'
import {fakeClients, probe, runIn} from './helpers.js'

// One test per row of the exit-code table (STYLE.md §5, README "Output, exit codes and scripting").

const lambdaMock = mockClient(LambdaClient)
afterEach(() => {
  lambdaMock.reset()
})

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'package')

/** What Lambda answers an identity without the permission (the SDK has no class for it). */
function accessDenied(action: string): Error {
  return Object.assign(new Error(`User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ${action} on resource: api`), {name: 'AccessDeniedException', $metadata: {httpStatusCode: 403}})
}

test('0: a result is rendered on stdout, or printed as one JSON document under --json', async () => {
  const {command} = probe({run: () => Promise.resolve({status: 'unchanged', functionName: 'api'}), render: (result, out) => out(`${result.functionName} is ${result.status}`)})

  const human = await runIn(command, [])
  const json = await runIn(command, ['--json'])

  expect(human).toEqual({code: 0, stdout: 'api is unchanged\n', stderr: ''})
  expect(json.code).toBe(0)
  expect(JSON.parse(json.stdout)).toEqual({status: 'unchanged', functionName: 'api'})
})

test('1: AWS refused: the IAM action that was denied, on stderr; the SDK client is the real one', async () => {
  lambdaMock.onAnyCommand().rejects(accessDenied('lambda:GetFunction'))
  const {command} = probe({run: ({deps}) => deps.lambda.getFunction('api')})

  const {code, stdout, stderr} = await runIn(command, ['--region', 'eu-west-1', '--endpoint-url', 'http://127.0.0.1:9'])

  expect(code).toBe(ExitCode.Failure)
  expect(stdout).toBe('')
  expect(stderr).toContain('Error: AWS denied lambda:GetFunction in eu-west-1.')
  expect(stderr).toContain('Grant lambda:GetFunction on api to arn:aws:iam::123456789012:user/ci')
})

test('1: an unexpected error says so and how to get the stack', async () => {
  const {command} = probe({run: () => Promise.reject(new TypeError('cannot read x of undefined'))})
  const {code, stderr} = await runIn(command, [])
  expect(code).toBe(ExitCode.Failure)
  expect(stderr).toContain('Error: Unexpected error: cannot read x of undefined')
  expect(stderr).toContain('Set DEBUG=1')
})

test('2: an unknown flag, a value out of range, and an AWS flag on a command that makes no AWS call', async () => {
  const {command} = probe({run: () => Promise.resolve({})})

  const unknown = await runIn(command, ['--no-such-flag'])
  const range = await runIn(command, ['--count', '9'])
  const awsFlag = await runIn(Package, ['--region', 'eu-west-1', '--config', path.join(FIXTURES, 'invalid', 'sling.config.json')])

  expect(unknown.code).toBe(ExitCode.Usage)
  expect(unknown.stderr).toContain('--no-such-flag')
  expect(unknown.stderr).toContain('Run "sling probe --help" for usage.')
  expect(range.code).toBe(ExitCode.Usage)
  expect(range.stderr).toContain('less than or equal to 3')
  expect(awsFlag.code).toBe(ExitCode.Usage)
  expect(awsFlag.stderr).toContain('--region')
})

test('2: an invalid config names the key', async () => {
  const {code, stdout, stderr} = await runIn(Package, ['--config', path.join(FIXTURES, 'invalid', 'sling.config.json')])
  expect(code).toBe(ExitCode.Usage)
  expect(stdout).toBe('')
  expect(stderr).toContain('functions.api.memmorySize: unknown key.')
})

test("oclif's errors are told apart by their exit code, not their wording", async () => {
  const usage = probe({run: () => Promise.reject(new Errors.CLIError('Something odd happened'))}) // oclif's default: exit 2
  const failure = probe({run: () => Promise.reject(new Errors.CLIError('Unexpected argument in the flag file', {exit: 1}))})
  expect((await runIn(usage.command, [])).code).toBe(ExitCode.Usage)
  expect((await runIn(failure.command, [])).code).toBe(ExitCode.Failure)
})

test('3: a result that sets the exit code (a function error) is printed first, with --json too', async () => {
  const result = {status: 'function-error', payload: '{"errorMessage":"boom"}', exitCode: ExitCode.FunctionError}
  const {command} = probe({run: () => Promise.resolve(result), render: (r, out) => out(r.payload)})

  const human = await runIn(command, [])
  const json = await runIn(command, ['--json'])

  expect(human).toEqual({code: 3, stdout: '{"errorMessage":"boom"}\n', stderr: ''})
  expect(json.code).toBe(3)
  expect(JSON.parse(json.stdout)).toEqual(result)
})

test.each([
  ['SIGINT', ExitCode.Interrupted, 'Interrupted; cleaning up…'],
  ['SIGTERM', ExitCode.Terminated, 'Terminated; cleaning up…'],
] as const)('%s: the signal aborts the wait, cleanups and deps.close() run, and the run exits %i', async (signal, exitCode, notice) => {
  const clients = fakeClients()
  const cleaned: string[] = []
  const {command, proc} = probe({
    connect: clients.connect,
    async run({deps}) {
      await deps.s3.headObject('bucket', 'key').catch(() => undefined) // the clients get built
      deps.interrupts.onInterrupt(() => void cleaned.push('temporary file'))
      proc.signals.emit(signal)
      await deps.clock.sleep(60_000, deps.interrupts.signal) // a workflow's pause: the abort ends it
      return {status: 'done'}
    },
  })

  const {code, stderr} = await runIn(command, [])

  expect(code).toBe(exitCode)
  expect(stderr).toContain(notice)
  expect(stderr).toContain('Error: Interrupted')
  expect(cleaned).toEqual(['temporary file'])
  expect(clients.close).toHaveBeenCalledTimes(1)
  expect(proc.exit).toHaveBeenCalledWith(exitCode) // after the cleanups, as the real process would
  expect(proc.signals.listenerCount(signal)).toBe(0) // the run stopped listening
})

test.each([
  ['SIGINT', ExitCode.Interrupted],
  ['SIGTERM', ExitCode.Terminated],
] as const)('graceful %s: the command returns its partial result, printed, and exits %i through it', async (signal, exitCode) => {
  const {command, proc} = probe({
    mode: 'graceful',
    async run({deps}) {
      proc.signals.emit(signal)
      const stopped = await deps.clock.sleep(60_000, deps.interrupts.signal).then(() => false, () => true)
      return {status: stopped ? 'rolled-back' : 'promoted', exitCode: deps.interrupts.exitCode()}
    },
  })

  const {code, stdout} = await runIn(command, ['--json'])

  expect(code).toBe(exitCode)
  expect(JSON.parse(stdout)).toEqual({status: 'rolled-back', exitCode})
  expect(proc.exit).not.toHaveBeenCalled()
})

test('--json: an error is one document {error: {code, message, hints}} on stdout, nothing on stderr', async () => {
  lambdaMock.onAnyCommand().rejects(accessDenied('lambda:GetFunction'))
  const {command} = probe({run: ({deps}) => deps.lambda.getFunction('api')})

  const {code, stdout, stderr} = await runIn(command, ['--json', '--region', 'eu-west-1', '--endpoint-url', 'http://127.0.0.1:9'])

  expect(code).toBe(ExitCode.Failure)
  expect(stderr).toBe('')
  expect(JSON.parse(stdout)).toEqual({
    error: {code: 'AccessDenied', message: 'AWS denied lambda:GetFunction in eu-west-1.', hints: ['Grant lambda:GetFunction on api to arn:aws:iam::123456789012:user/ci (an IAM policy statement allowing "lambda:GetFunction"), or use a profile that has it (--profile NAME).']},
  })
})

import {expect, test, vi} from 'vitest'

import Invoke from '../../src/commands/invoke.js'
import type {InvokeOptions, LambdaApi} from '../../src/lib/aws/lambda.js'
import type {AwsSettings} from '../../src/lib/aws/settings.js'
import type {InvokeResult} from '../../src/lib/aws/types.js'
import type {AwsFlags} from '../../src/lib/base-command.js'
import type {CommandDeps} from '../../src/lib/deps.js'
import {createAwsDeps} from '../../src/lib/deps.js'
import {UserError} from '../../src/lib/errors.js'
import {fakeClients, runIn} from './helpers.js'

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:shop-api'

/** The invoke command with a fake Lambda in place of the real one. */
function withInvoke(answer: (payload: string) => InvokeResult, read: () => Promise<unknown> = () => Promise.resolve({arn: ARN})) {
  const invoke = vi.fn((_name: string, payload: string | Uint8Array, _options?: InvokeOptions) => Promise.resolve(answer(String(payload))))
  const getFunction = vi.fn(read)
  const lambda = {invoke, getFunction, invokeStream: vi.fn()} as unknown as LambdaApi
  class Faked extends Invoke {
    protected override createDeps(settings: AwsSettings, flags: AwsFlags): CommandDeps {
      const deps = createAwsDeps({settings, output: this.output(flags), interrupts: this.interrupts, connect: fakeClients().connect})
      return {...deps, lambda}
    }
  }
  return {command: Faked, invoke, getFunction}
}

const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value))

test('a function error exits 3, its summary on stdout with --json', async () => {
  const {command} = withInvoke(() => ({statusCode: 200, executedVersion: '3', functionError: 'Unhandled', payload: json({errorType: 'Error', errorMessage: 'boom', trace: ['Error: boom', '    at handler']})}))

  const human = await runIn(command, ['shop-api', '--payload', '{}'])
  const asJson = await runIn(command, ['shop-api', '--payload', '{}', '--json'])

  expect(human.code).toBe(3)
  expect(human.stderr).toContain('Function error (Unhandled): Error: boom\n    at handler')
  expect(asJson.code).toBe(3)
  expect(JSON.parse(asJson.stdout)).toMatchObject({status: 'function-error', executedVersion: '3', exitCode: 3, payload: {errorMessage: 'boom'}})
})

test('FUNCTION:ALIAS and --qualifier name the version or alias; two different ones are a usage error before any call', async () => {
  const {command, invoke} = withInvoke(() => ({statusCode: 200, executedVersion: '9', payload: json('ok')}))

  const aliased = await runIn(command, ['shop-api:live', '--payload', '{}', '--json'])
  const clash = await runIn(command, ['shop-api:live', '--qualifier', 'beta', '--payload', '{}'])

  expect(JSON.parse(aliased.stdout)).toMatchObject({qualifier: 'live', executedVersion: '9'})
  expect(invoke.mock.calls[0]?.[2]).toMatchObject({qualifier: 'live', invocationType: 'RequestResponse'})
  expect(clash.code).toBe(2)
  expect(clash.stderr).toContain('FUNCTION names the version or alias "live", but --qualifier is "beta".')
  expect(invoke).toHaveBeenCalledTimes(1)
})

test('flags that cannot go together are refused (exit 2) and nothing is invoked', async () => {
  const {command, invoke} = withInvoke(() => ({statusCode: 200, payload: json(null)}))
  const cases: [string[], string][] = [
    [['--async', '--log'], "--async and --log don't go together."],
    [['--dry-run', '--repeat', '3'], "--dry-run and --repeat don't go together."],
    [['--stream', '--repeat', '3'], "--stream and --repeat don't go together."],
    [['--watch'], '--watch re-runs the handler from source: pass --from-source too.'],
    [['--concurrency', '4'], '--concurrency applies to --repeat N.'],
    [['--client-context', '{nope'], "--client-context isn't valid JSON"],
    [['--client-context', JSON.stringify({custom: {big: 'x'.repeat(3000)}})], 'Lambda accepts at most 3583'],
  ]

  for (const [flags, message] of cases) {
    const result = await runIn(command, ['shop-api', '--payload', '{}', ...flags])
    expect({flags, code: result.code, has: result.stderr.includes(message)}).toEqual({flags, code: 2, has: true})
  }
  expect(invoke).not.toHaveBeenCalled()
})

test('--async and --dry-run send Event and DryRun; --client-context goes as the JSON it is', async () => {
  const {command, invoke} = withInvoke(() => ({statusCode: 202, payload: new Uint8Array()}))

  await runIn(command, ['shop-api', '--payload', '{}', '--async'])
  await runIn(command, ['shop-api', '--payload', '{}', '--dry-run'])
  await runIn(command, ['shop-api', '--payload', '{}', '--client-context', '{"custom":{"a":1}}'])

  expect(invoke.mock.calls.map((call) => call[2]?.invocationType)).toEqual(['Event', 'DryRun', 'RequestResponse'])
  expect(invoke.mock.calls[2]?.[2]?.clientContext).toBe('{"custom":{"a":1}}')
})

test('--event takes region and account from the function, read once; an ARN needs no read', async () => {
  const {command, invoke, getFunction} = withInvoke(() => ({statusCode: 200, payload: json(null)}))

  await runIn(command, ['shop-api', '--event', 'schedule'])
  await runIn(command, [`${ARN.replace('eu-west-1', 'ap-south-1')}`, '--event', 'schedule'])

  expect(getFunction).toHaveBeenCalledTimes(1)
  expect(JSON.parse(String(invoke.mock.calls[0]?.[1]))).toMatchObject({region: 'eu-west-1', account: '123456789012'})
  expect(JSON.parse(String(invoke.mock.calls[1]?.[1]))).toMatchObject({region: 'ap-south-1', account: '123456789012'})
})

test('--event without lambda:GetFunction still invokes, naming the configured region and a placeholder account, with a warning', async () => {
  const denied = new UserError('AccessDenied', 'AWS denied lambda:GetFunction in eu-west-1.')
  const {command, invoke} = withInvoke(() => ({statusCode: 200, payload: json(null)}), () => Promise.reject(denied))

  const result = await runIn(command, ['shop-api', '--event', 'schedule', '--region', 'eu-central-1'])

  expect(result.code).toBe(0)
  expect(result.stderr).toContain("sling can't read shop-api (lambda:GetFunction was denied), so the event names region eu-central-1 and account 123456789012.")
  expect(JSON.parse(String(invoke.mock.calls[0]?.[1]))).toMatchObject({region: 'eu-central-1', account: '123456789012'})
})

import {expect, test} from 'vitest'

import Rollback from '../../src/commands/rollback.js'
import Shift from '../../src/commands/shift.js'
import {ExitCode} from '../../src/lib/errors.js'
import {runIn} from './helpers.js'
import {withWorld, world} from './rollout-fakes.js'

test('shift --json: the result with the weights before and after', async () => {
  const w = world()
  const {code, stdout} = await runIn(withWorld(Shift, w), ['hello', 'live', '--to', '7', '--weight', '25%', '--json'])
  expect(code).toBe(0)
  expect(JSON.parse(stdout)).toEqual({
    status: 'shifted', functionName: 'hello', alias: 'live', version: '7', weight: 25, rollbackTo: '6',
    before: [{version: '6', percent: 100, routed: false}],
    after: [{version: '6', percent: 75, routed: false}, {version: '7', percent: 25, routed: true}],
  })
  expect(w.lambda.fn.aliases.get('live')).toMatchObject({version: '6', routing: {'7': 0.25}})
})

test('shift prints the weights before → after, and how to undo it', async () => {
  const {code, stdout} = await runIn(withWorld(Shift, world()), ['hello', 'live', '--to', 'v7', '--promote'])
  expect(code).toBe(0)
  expect(stdout).toBe(
    [
      'Alias "live" of hello now points to version 7, with no routing.',
      'VERSION  WEIGHT',
      'v6       100% →   0%',
      'v7         0% → 100%',
      '"sling rollback hello live" returns it to version 6.',
      '',
    ].join('\n'),
  )
})

test('shift refuses bad flags with exit 2, before any AWS call', async () => {
  const w = world()
  const cases = [
    ['hello', 'live', '--to', '7', '--weight', '101'],
    ['hello', 'live', '--to', '7', '--weight', '-5'],
    ['hello', 'live', '--to', '7', '--weight', '10', '--promote'],
    ['hello', 'live', '--to', '7'],
    ['hello', 'live', '--to', '$LATEST', '--weight', '10'],
    ['hello', 'live', '--weight', '10'],
  ]
  for (const argv of cases) expect((await runIn(withWorld(Shift, w), argv)).code, argv.join(' ')).toBe(ExitCode.Usage)
  expect(w.lambda.getAlias).not.toHaveBeenCalled()
  expect(w.lambda.pointAlias).not.toHaveBeenCalled()
})

test('shift to a version that doesn\'t exist: exit 1, the error as JSON with its code', async () => {
  const {code, stdout} = await runIn(withWorld(Shift, world()), ['hello', 'live', '--to', '9', '--weight', '10', '--json'])
  expect(code).toBe(ExitCode.Failure)
  expect(JSON.parse(stdout)).toMatchObject({error: {code: 'VersionNotFound', message: 'Function "hello" has no version 9. Its newest versions are 7, 6, 5.'}})
})

test('rollback after a shift: from which version to which, as text and as JSON', async () => {
  const w = world()
  await runIn(withWorld(Shift, w), ['hello', 'live', '--to', '7', '--promote'])
  const {code, stdout} = await runIn(withWorld(Rollback, w), ['hello', 'live'])
  expect(code).toBe(0)
  expect(stdout.split('\n')[0]).toBe('Rolled back alias "live" of hello from v7 100% to version 6, with no routing left.')
  expect(w.lambda.fn.aliases.get('live')).toMatchObject({version: '6', routing: {}})

  const again = await runIn(withWorld(Rollback, w), ['hello', 'live', '--json'])
  expect(again.code).toBe(ExitCode.Failure)
  expect(JSON.parse(again.stdout)).toMatchObject({error: {code: 'NoRollbackRecord'}})
})

test('rollback --json shape', async () => {
  const w = world()
  await runIn(withWorld(Shift, w), ['hello', 'live', '--to', '7', '--weight', '10'])
  const {code, stdout} = await runIn(withWorld(Rollback, w), ['hello', 'live', '--json'])
  expect(code).toBe(0)
  expect(JSON.parse(stdout)).toEqual({
    status: 'rolled-back', functionName: 'hello', alias: 'live', from: '6', to: '6',
    before: [{version: '6', percent: 90, routed: false}, {version: '7', percent: 10, routed: true}],
    after: [{version: '6', percent: 100, routed: false}],
  })
})

test('rollback with no record says why on stderr and exits 1', async () => {
  const {code, stdout, stderr} = await runIn(withWorld(Rollback, world()), ['hello', 'live'])
  expect(code).toBe(ExitCode.Failure)
  expect(stdout).toBe('')
  expect(stderr).toContain('Error: sling has no record of where alias "live" of function "hello" was before')
  expect(stderr).toContain('sling alias set hello live VERSION')
})

import {expect, test} from 'vitest'

import AliasDelete from '../../src/commands/alias/delete.js'
import AliasList from '../../src/commands/alias/list.js'
import AliasSet from '../../src/commands/alias/set.js'
import {ExitCode} from '../../src/lib/errors.js'
import {decodeDescription, encodeDescription} from '../../src/lib/release/alias-state.js'
import {aVersion, anAlias, fakeLambda} from '../lib/release/fake-lambda.js'
import {runIn} from './helpers.js'
import {withLambda} from './versions-aliases-fakes.js'

const withVersions = (...numbers: number[]) => fakeLambda({versions: numbers.map((n) => aVersion(String(n)))})

test('alias set creates the alias, then moves it and records where it was; --json is the result', async () => {
  const lambda = withVersions(1, 2, 3)
  const {command} = withLambda(AliasSet, lambda)

  const created = await runIn(command, ['hello', 'live', '2', '--json'])
  const moved = await runIn(command, ['hello', 'live', 'v3', '--description', 'Production'])

  expect(created.code).toBe(0)
  expect(JSON.parse(created.stdout)).toEqual({status: 'created', functionName: 'hello', alias: 'live', version: '2', clearedRouting: []})
  expect(moved).toMatchObject({code: 0, stdout: 'Moved alias "live" of hello from v2 to v3. "sling rollback" returns it to v2.\n'})
  const alias = lambda.fn.aliases.get('live')
  expect(alias?.version).toBe('3')
  expect(decodeDescription(alias?.description)).toEqual({text: 'Production', state: {setTo: {version: '3', routing: {}}, previousVersion: '2', rollout: undefined}})
})

test('alias set refuses $LATEST without --allow-latest (exit 2), and a version that does not exist (exit 1, listing the newest)', async () => {
  const lambda = withVersions(1, 2)
  const {command} = withLambda(AliasSet, lambda)

  const latest = await runIn(command, ['hello', 'dev', '$LATEST'])
  const missing = await runIn(command, ['hello', 'live', '9'])
  const allowed = await runIn(command, ['hello', 'dev', '$LATEST', '--allow-latest', '--json'])

  expect(latest.code).toBe(ExitCode.Usage)
  expect(latest.stderr).toContain('Pass --allow-latest')
  expect(missing.code).toBe(ExitCode.Failure)
  expect(missing.stderr).toContain('Function "hello" has no version 9. Its newest versions are 2, 1.')
  expect(JSON.parse(allowed.stdout)).toMatchObject({status: 'created', version: '$LATEST'})
  expect([...lambda.fn.aliases.keys()]).toEqual(['dev'])
})

test('alias set over a rollout in progress needs --force, which abandons it and says so', async () => {
  const rollout = {targetVersion: '3', strategy: 'canary:10%:5m', step: 0, startedAt: 0, stepStartedAt: 0}
  const description = encodeDescription('', {setTo: {version: '2', routing: {'3': 0.1}}, previousVersion: '1', rollout}, {functionName: 'hello', alias: 'live'})
  const lambda = fakeLambda({versions: [aVersion('1'), aVersion('2'), aVersion('3')], aliases: new Map([['live', anAlias('live', '2', {routing: {'3': 0.1}, description})]])})
  const {command} = withLambda(AliasSet, lambda)

  const refused = await runIn(command, ['hello', 'live', '1'])
  const forced = await runIn(command, ['hello', 'live', '1', '--force'])

  expect(refused.code).toBe(ExitCode.Failure)
  expect(refused.stderr).toContain('A rollout of version 3 is in progress on alias "live"')
  expect(forced.code).toBe(0)
  expect(forced.stderr).toContain('The traffic split is gone: v3 got 10%')
  expect(forced.stderr).toContain('The rollout to v3 (canary:10%:5m, step 1')
  expect(lambda.fn.aliases.get('live')).toMatchObject({version: '1', routing: {}})
})

test('alias list: one tab-separated line per alias when piped; --json with weights and where rollback goes', async () => {
  const description = encodeDescription('Production', {setTo: {version: '3', routing: {'4': 0.25}}, previousVersion: '2'}, {functionName: 'hello', alias: 'live'})
  const lambda = fakeLambda({aliases: new Map([['live', anAlias('live', '3', {routing: {'4': 0.25}, description})], ['beta', anAlias('beta', '4')]])})
  const {command} = withLambda(AliasList, lambda)

  const lines = await runIn(command, ['hello'])
  const json = await runIn(command, ['hello', '--json'])

  expect(lines.stdout).toBe('beta\tv4\tv4 100%\t\t\t\nlive\tv3\tv3 75%, v4 25%\tv2\t\tProduction\n')
  expect(JSON.parse(json.stdout)).toEqual({
    functionName: 'hello',
    aliases: [
      {name: 'beta', version: '4', weights: [{version: '4', percent: 100, routed: false}], description: '', previousVersion: {status: 'none'}, revisionId: 'beta-r1'},
      {
        name: 'live', version: '3', description: 'Production', previousVersion: {status: 'recorded', version: '2'}, revisionId: 'live-r1',
        weights: [{version: '3', percent: 75, routed: false}, {version: '4', percent: 25, routed: true}],
      },
    ],
  })
})

test('alias delete in CI needs --yes (exit 2, nothing deleted); --dry-run deletes nothing; --yes deletes', async () => {
  const lambda = fakeLambda({versions: [aVersion('1')], aliases: new Map([['beta', anAlias('beta', '1')]])})
  const {command} = withLambda(AliasDelete, lambda)

  const unconfirmed = await runIn(command, ['hello', 'beta'])
  const dryRun = await runIn(command, ['hello', 'beta', '--dry-run', '--json'])
  expect(lambda.deleteAlias).not.toHaveBeenCalled()
  const deleted = await runIn(command, ['hello', 'beta', '--yes'])

  expect(unconfirmed.code).toBe(ExitCode.Usage)
  expect(unconfirmed.stderr).toContain('Alias "beta" of hello points to v1.')
  expect(unconfirmed.stderr).toContain('Deleting alias "beta" of hello needs confirmation, and there is no terminal to ask.')
  expect(unconfirmed.stderr).toContain('Pass --yes in CI or scripts.')
  expect(JSON.parse(dryRun.stdout)).toEqual({status: 'would-delete', functionName: 'hello', alias: 'beta', version: '1'})
  expect(dryRun.stderr).toBe('')
  expect(deleted).toMatchObject({code: 0, stdout: 'Deleted alias "beta" of hello (on v1).\n'})
  expect(lambda.fn.aliases.size).toBe(0)
})

test('alias delete of an alias that does not exist lists those that do', async () => {
  const lambda = fakeLambda({aliases: new Map([['live', anAlias('live', '1')], ['beta', anAlias('beta', '1')]])})
  const {command} = withLambda(AliasDelete, lambda)

  const {code, stderr} = await runIn(command, ['hello', 'lvie', '--yes'])

  expect(code).toBe(ExitCode.Failure)
  expect(stderr).toContain('Function "hello" has no alias "lvie". Did you mean "live"? Its aliases: beta, live.')
})

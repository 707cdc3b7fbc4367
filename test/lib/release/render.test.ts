import {describe, expect, test} from 'vitest'

import {createOutput} from '../../../src/lib/output.js'
import type {AliasList, SetAliasResult} from '../../../src/lib/release/aliases.js'
import type {PrunePlan} from '../../../src/lib/release/prune.js'
import {renderAliasList, renderAliasSet, rollbackLabel, showAliasDeletion} from '../../../src/lib/release/render-aliases.js'
import {formatTime, onTerminal, renderPruneResult, renderVersionList, showPrunePlan} from '../../../src/lib/release/render.js'
import type {VersionList} from '../../../src/lib/release/versions.js'

function capture(isTTY: boolean): NodeJS.WriteStream & {text: () => string} {
  let text = ''
  return {isTTY, write: (chunk: string) => ((text += chunk), true), text: () => text} as unknown as NodeJS.WriteStream & {text: () => string}
}

/** An Output over captured streams, as on a terminal (stderr a TTY, no CI) or not. */
function outputFor({terminal}: {terminal: boolean}) {
  const stdout = capture(terminal)
  const stderr = capture(terminal)
  const output = createOutput({stdout, stderr, env: {FORCE_COLOR: '0'}})
  return {output, stdout: () => stdout.text(), stderr: () => stderr.text()}
}

const LIST: VersionList = {
  functionName: 'shop-api',
  versions: [
    {version: '12', description: 'commit 1a2b3c4', codeSha256: 'abcdefgh123=', shortSha: 'abcdefgh', lastModified: '2025-03-04T05:06:07.000+0000', aliases: [{alias: 'live', percent: 10, routed: true}]},
    {version: '11', description: 'commit 9f8e7d6\twith a tab', codeSha256: 'zyxwvuts987=', shortSha: 'zyxwvuts', lastModified: '2025-03-01T10:00:00.000+0000', aliases: [{alias: 'beta', percent: 100, routed: false}, {alias: 'live', percent: 90, routed: false}]},
    {version: '3', codeSha256: 'qqqqqqqq=', shortSha: 'qqqqqqqq', aliases: []},
  ],
}

describe('versions list', () => {
  test('on a terminal: a table with a header, versions as "v12", aliases with their weights', () => {
    const {output, stdout} = outputFor({terminal: true})
    renderVersionList(LIST, output, {terminal: true})
    expect(stdout().split('\n')).toEqual([
      'Version  Description                Code      Last modified         Aliases',
      '    v12  commit 1a2b3c4             abcdefgh  2025-03-04 05:06 UTC  live → 10%',
      '    v11  commit 9f8e7d6\twith a tab  zyxwvuts  2025-03-01 10:00 UTC  beta 100%, live 90%',
      '     v3                             qqqqqqqq',
      '',
    ])
  })

  test('piped or in CI: one tab-separated line per version, no header, a tab inside a field made a space', () => {
    const {output, stdout} = outputFor({terminal: false})
    renderVersionList(LIST, output, {terminal: false})
    expect(stdout().split('\n').map((line) => line.split('\t'))).toEqual([
      ['v12', 'commit 1a2b3c4', 'abcdefgh', '2025-03-04T05:06:07Z', 'live → 10%'],
      ['v11', 'commit 9f8e7d6 with a tab', 'zyxwvuts', '2025-03-01T10:00:00Z', 'beta 100%, live 90%'],
      ['v3', '', 'qqqqqqqq', '', ''],
      [''],
    ])
  })

  test('no versions: stdout stays empty and stderr says how to publish one', () => {
    const {output, stdout, stderr} = outputFor({terminal: false})
    renderVersionList({functionName: 'shop-api', versions: []}, output, {terminal: false})
    expect(stdout()).toBe('')
    expect(stderr()).toContain('shop-api has no published versions yet. Publish one with "sling deploy --publish".')
  })
})

test('a table only when stdout is a terminal too: piped to a file it is lines', () => {
  expect(onTerminal({interactive: true}, {isTTY: true})).toBe(true)
  expect(onTerminal({interactive: true}, {isTTY: false})).toBe(false)
  expect(onTerminal({interactive: false}, {isTTY: true})).toBe(false)
})

test('Lambda timestamps read as UTC minutes on a terminal and ISO 8601 in lines', () => {
  expect(formatTime('2025-03-04T23:06:07.123+0200', {terminal: true})).toBe('2025-03-04 21:06 UTC')
  expect(formatTime('2025-03-04T23:06:07.123+0200', {terminal: false})).toBe('2025-03-04T21:06:07Z')
  expect(formatTime('not a date', {terminal: false})).toBe('not a date')
  expect(formatTime(undefined, {terminal: true})).toBe('')
})

describe('prune', () => {
  const plan: PrunePlan = {
    functionName: 'shop-api',
    keep: 1,
    versions: [
      {version: '4', action: 'keep', reasons: [{kind: 'newest'}]},
      {version: '3', action: 'keep', reasons: [{kind: 'routing', alias: 'live', percent: 10}, {kind: 'rollback', alias: 'beta'}]},
      {version: '2', action: 'delete', reasons: []},
      {version: '1', action: 'delete', reasons: []},
    ],
    toDelete: ['1', '2'],
  }

  test('the plan names every version and each reason to keep one; a dry run prefixes every line', () => {
    const {output, stdout, stderr} = outputFor({terminal: false})
    showPrunePlan(plan, output, {dryRun: true, terminal: false})
    expect(stdout()).toBe('')
    expect(stderr().split('\n')).toEqual([
      '(dry run) shop-api has 4 published versions; sling keeps the newest 1 and every version in use:',
      '(dry run)   v4 keep: one of the newest (--keep)',
      '(dry run)   v3 keep: alias "live" routes 10% of its traffic to it; "sling rollback" would return alias "beta" to it',
      '(dry run)   v2 delete',
      '(dry run)   v1 delete',
      '',
    ])
  })

  test('on a terminal the plan is a table', () => {
    const {output, stderr} = outputFor({terminal: true})
    showPrunePlan(plan, output, {dryRun: false, terminal: true})
    expect(stderr().split('\n').slice(1, 4)).toEqual(['  Version  Plan    Why it is kept', '       v4  keep    one of the newest (--keep)', expect.stringMatching(/^ {7}v3 {2}keep {4}alias "live" routes 10%/)])
  })

  test('the outcome line says what was deleted, and what came into use meanwhile', () => {
    const lines = (status: 'would-prune' | 'pruned' | 'partial' | 'nothing-to-prune', deleted: string[], failed: string[] = []): string => {
      const {output, stdout} = outputFor({terminal: false})
      renderPruneResult({status, functionName: 'shop-api', plan, deleted, failed: failed.map((version) => ({version, code: 'VersionInUse', message: 'in use'}))}, output)
      return stdout().trim()
    }
    expect(lines('would-prune', [])).toBe('(dry run) Would delete 2 versions of shop-api (v1, v2) and keep 2.')
    expect(lines('pruned', ['1', '2'])).toBe('Deleted 2 versions of shop-api (v1, v2); kept 2.')
    expect(lines('partial', ['1'], ['2'])).toBe('Deleted 1 version of shop-api (v1); v2 came into use meanwhile and was kept.')
    expect(lines('nothing-to-prune', [])).toBe('Nothing to prune: shop-api keeps all 4 versions.')
  })
})

describe('aliases', () => {
  const list: AliasList = {
    functionName: 'shop-api',
    aliases: [
      {name: 'beta', version: '7', weights: [{version: '7', percent: 100, routed: false}], description: '', previousVersion: {status: 'none'}},
      {
        name: 'live', version: '5', description: 'Production traffic', previousVersion: {status: 'recorded', version: '4'},
        weights: [{version: '5', percent: 90, routed: false}, {version: '6', percent: 10, routed: true}],
        rollout: {targetVersion: '6', strategy: 'canary:10%:5m', step: 0, startedAt: Date.UTC(2025, 2, 4, 5, 6), stepStartedAt: Date.UTC(2025, 2, 4, 5, 6)},
      },
    ],
  }

  test('on a terminal, weights are bars, a routed version gets a line of its own, and a rollout in progress its column', () => {
    const {output, stdout} = outputFor({terminal: true})
    renderAliasList(list, output, {terminal: true})
    expect(stdout().split('\n')).toEqual([
      'Alias  Traffic                         Rollback to  Rollout in progress                                          Description',
      `beta   v7   ${'█'.repeat(20)} 100%`,
      `live   v5   ${'█'.repeat(18)}░░  90%  v4           to v6 (canary:10%:5m, step 1, started 2025-03-04 05:06 UTC)  Production traffic`,
      `       v6   ██${'░'.repeat(18)}  10%`,
      '',
    ])
  })

  test('piped: one tab-separated line per alias with every field', () => {
    const {output, stdout} = outputFor({terminal: false})
    renderAliasList(list, output, {terminal: false})
    expect(stdout().split('\n').map((line) => line.split('\t'))).toEqual([
      ['beta', 'v7', 'v7 100%', '', '', ''],
      ['live', 'v5', 'v5 90%, v6 10%', 'v4', 'to v6 (canary:10%:5m, step 1, started 2025-03-04 05:06 UTC)', 'Production traffic'],
      [''],
    ])
  })

  test('where rollback would go: a stale or unreadable record says so rather than naming a version', () => {
    expect(rollbackLabel({status: 'moved-since', version: '4', slingLeftItOn: '5'})).toBe('v4 (stale: moved outside sling)')
    expect(rollbackLabel({status: 'unreadable', problem: 'newer-format'})).toBe('record from a newer sling')
    expect(rollbackLabel({status: 'none'})).toBe('')
  })

  test('alias set says where the alias went and, on stderr, the split it cleared', () => {
    const {output, stdout, stderr} = outputFor({terminal: false})
    const result: SetAliasResult = {status: 'updated', functionName: 'shop-api', alias: 'live', version: '7', previousVersion: '5', rollbackTo: '5', clearedRouting: [{version: '6', percent: 10, routed: true}]}
    renderAliasSet(result, output)
    expect(stdout()).toBe('Moved alias "live" of shop-api from v5 to v7. "sling rollback" returns it to v5.\n')
    expect(stderr()).toBe('Warning: The traffic split is gone: v6 got 10%; now all of "live"\'s traffic goes to v7.\n')
  })

  test('alias set onto the version it routed to (a promotion) warns of nothing lost', () => {
    const {output, stdout, stderr} = outputFor({terminal: false})
    renderAliasSet({status: 'updated', functionName: 'shop-api', alias: 'live', version: '6', previousVersion: '5', rollbackTo: '5', clearedRouting: [{version: '6', percent: 10, routed: true}]}, output)
    expect(stdout()).toBe('Moved alias "live" of shop-api from v5 to v6. "sling rollback" returns it to v5.\n')
    expect(stderr()).toBe('')
  })

  test('before deleting: the split, the rollback target, the mappings that stop and the provisioned concurrency that goes', () => {
    const {output, stderr} = outputFor({terminal: false})
    const alias = list.aliases[1]!
    showAliasDeletion({functionName: 'shop-api', alias, mappings: [{uuid: 'm-1', functionArn: 'arn:x:live', eventSourceArn: 'arn:aws:sqs:eu-west-1:123456789012:orders'}], provisionedConcurrency: 3}, output, {dryRun: true})
    expect(stderr().split('\n')).toEqual([
      '(dry run) Alias "live" of shop-api splits its traffic: v5 90%, v6 10%; "sling rollback" would return it to v4.',
      '(dry run)   Event source mapping m-1 (arn:aws:sqs:eu-west-1:123456789012:orders) invokes it: it stops delivering once the alias is gone.',
      '(dry run)   Its provisioned concurrency (3) is deleted with it.',
      '',
    ])
  })
})

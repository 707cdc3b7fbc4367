import {describe, expect, test, vi} from 'vitest'

import {UserError} from '../../../src/lib/errors.js'
import {decodeDescription, encodeDescription, previousVersion} from '../../../src/lib/release/alias-state.js'
import type {AliasState} from '../../../src/lib/release/alias-state.js'
import type {AliasDeletion} from '../../../src/lib/release/aliases.js'
import {deleteAlias, listAliases, setAlias} from '../../../src/lib/release/aliases.js'
import {resolveTarget} from '../../../src/lib/targets.js'
import {rejectionOf} from '../../helpers/aws.js'
import {ARN, aVersion, anAlias, fakeLambda} from './fake-lambda.js'

const target = resolveTarget('hello')
const subject = {functionName: 'hello', alias: 'live'}
const withVersions = (...numbers: number[]) => numbers.map((n) => aVersion(String(n)))
const recorded = (state: AliasState, text = ''): string => encodeDescription(text, state, subject)
const rollout = {targetVersion: '5', strategy: 'canary:10%:5m', step: 1, startedAt: Date.UTC(2025, 0, 1, 10), stepStartedAt: Date.UTC(2025, 0, 1, 10, 5)}

describe('setAlias', () => {
  test('creates a missing alias, refusing to overwrite one created meanwhile', async () => {
    const lambda = fakeLambda({versions: withVersions(1, 2)})
    const result = await setAlias({target, alias: 'live', version: '2'}, {lambda})
    expect(result).toEqual({status: 'created', functionName: 'hello', alias: 'live', version: '2', previousVersion: undefined, rollbackTo: undefined, clearedRouting: [], abandonedRollout: undefined})
    expect(lambda.pointAlias).toHaveBeenCalledWith('hello', 'live', expect.objectContaining({version: '2', routing: {}}), expect.objectContaining({expectAbsent: true, revisionId: undefined}))
    expect(lambda.fn.aliases.get('live')?.version).toBe('2')
  })

  test('records the version it pointed to before, with the alias, keeping the user description', async () => {
    const lambda = fakeLambda({versions: withVersions(3, 4, 5), aliases: new Map([['live', anAlias('live', '3', {description: 'Production traffic'})]])})
    const result = await setAlias({target, alias: 'live', version: '4'}, {lambda})
    expect(result).toMatchObject({status: 'updated', version: '4', previousVersion: '3', rollbackTo: '3'})
    const after = lambda.fn.aliases.get('live')!
    expect(decodeDescription(after.description)).toMatchObject({text: 'Production traffic', state: {previousVersion: '3'}})
    expect(previousVersion(after)).toEqual({status: 'recorded', version: '3'})
    // And again: the record follows each move.
    await setAlias({target, alias: 'live', version: 'v5'}, {lambda})
    expect(previousVersion(lambda.fn.aliases.get('live')!)).toEqual({status: 'recorded', version: '4'})
  })

  test('writes with the RevisionId it read, so a change made in between is refused, not overwritten', async () => {
    const lambda = fakeLambda({versions: withVersions(3, 4), aliases: new Map([['live', anAlias('live', '3')]])})
    lambda.getAlias.mockImplementationOnce(async () => {
      const read = lambda.fn.aliases.get('live')
      lambda.fn.aliases.set('live', anAlias('live', '4', {revisionId: 'changed-by-a-colleague'})) // right after sling's read
      return Promise.resolve(read)
    })
    expect(await rejectionOf(setAlias({target, alias: 'live', version: '4'}, {lambda}))).toMatchObject({code: 'ConcurrentChange'})
    expect(lambda.fn.aliases.get('live')?.revisionId).toBe('changed-by-a-colleague')
  })

  test('the same version with nothing to change writes nothing', async () => {
    const description = recorded({setTo: {version: '4', routing: {}}, previousVersion: '3'}, 'prod')
    const lambda = fakeLambda({versions: withVersions(3, 4), aliases: new Map([['live', anAlias('live', '4', {description})]])})
    expect(await setAlias({target, alias: 'live', version: '4'}, {lambda})).toMatchObject({status: 'unchanged', rollbackTo: '3'})
    expect(lambda.pointAlias).not.toHaveBeenCalled()
  })

  test('the same version clears a traffic split and keeps the rollback target', async () => {
    const description = recorded({setTo: {version: '4', routing: {'5': 0.25}}, previousVersion: '3'})
    const lambda = fakeLambda({versions: withVersions(3, 4, 5), aliases: new Map([['live', anAlias('live', '4', {routing: {'5': 0.25}, description})]])})
    const result = await setAlias({target, alias: 'live', version: '4'}, {lambda})
    expect(result).toMatchObject({status: 'updated', rollbackTo: '3', clearedRouting: [{version: '5', percent: 25, routed: true}]})
    expect(lambda.fn.aliases.get('live')).toMatchObject({version: '4', routing: {}})
    expect(previousVersion(lambda.fn.aliases.get('live')!)).toEqual({status: 'recorded', version: '3'})
  })

  test('a version that does not exist is refused, naming the newest versions', async () => {
    const lambda = fakeLambda({versions: withVersions(1, 2, 3, 4, 5, 6, 7), aliases: new Map([['live', anAlias('live', '7')]])})
    const error = await rejectionOf(setAlias({target, alias: 'live', version: '9'}, {lambda}))
    expect(error).toMatchObject({code: 'VersionNotFound', message: 'Function "hello" has no version 9. Its newest versions are 7, 6, 5, 4, 3 (7 in all).'})
    expect(lambda.pointAlias).not.toHaveBeenCalled()
    expect(await rejectionOf(setAlias({target, alias: 'live', version: '1'}, {lambda: fakeLambda()}))).toMatchObject({message: 'Function "hello" has no version 1. It has no published versions yet.'})
  })

  test('a missing function says so, with the did-you-mean of its key', async () => {
    const near = resolveTarget('helo', {functions: [{key: 'hello', name: 'shop-hello'}]})
    const error = await rejectionOf(setAlias({target: near, alias: 'live', version: '1'}, {lambda: fakeLambda({exists: false})}))
    expect(error).toMatchObject({code: 'FunctionNotFound', message: expect.stringMatching(/Did you mean "hello"\?$/) as string})
  })

  test('$LATEST is refused unless allowed; versions read as sling prints them', async () => {
    const lambda = fakeLambda({versions: withVersions(7)})
    expect(await rejectionOf(setAlias({target, alias: 'dev', version: '$LATEST'}, {lambda}))).toMatchObject({code: 'LatestRefused', exitCode: 2})
    expect(await setAlias({target, alias: 'dev', version: '$LATEST', allowLatest: true}, {lambda})).toMatchObject({status: 'created', version: '$LATEST'})
    expect(await setAlias({target, alias: 'live', version: 'v007'}, {lambda})).toMatchObject({version: '7'})
    const empty = await rejectionOf(setAlias({target, alias: 'live', version: ''}, {lambda}))
    expect(empty).toMatchObject({code: 'InvalidVersion', exitCode: 2, message: expect.stringContaining("quote it, '$LATEST'") as string})
    expect(await rejectionOf(setAlias({target, alias: 'live', version: 'latest'}, {lambda}))).toMatchObject({code: 'InvalidVersion'})
  })

  test('an alias name Lambda would refuse is refused first', async () => {
    const lambda = fakeLambda({versions: withVersions(1)})
    expect(await rejectionOf(setAlias({target, alias: '42', version: '1'}, {lambda}))).toMatchObject({code: 'InvalidAlias', exitCode: 2, message: 'The alias name "42" is all digits, which Lambda keeps for version numbers.'})
    expect(await rejectionOf(setAlias({target, alias: 'my alias', version: '1'}, {lambda}))).toMatchObject({code: 'InvalidAlias'})
    expect(lambda.getAlias).not.toHaveBeenCalled()
  })

  test('a rollout in progress is refused unless forced, which abandons it', async () => {
    const description = recorded({setTo: {version: '4', routing: {'5': 0.1}}, previousVersion: '4', rollout})
    const lambda = fakeLambda({versions: withVersions(4, 5), aliases: new Map([['live', anAlias('live', '4', {routing: {'5': 0.1}, description})]])})
    const error = await rejectionOf(setAlias({target, alias: 'live', version: '5'}, {lambda}))
    expect(error).toMatchObject({code: 'RolloutInProgress', message: 'A rollout of version 5 is in progress on alias "live" of function "hello" (step 2, started 2025-01-01T10:00:00.000Z).'})
    expect(lambda.pointAlias).not.toHaveBeenCalled()
    const forced = await setAlias({target, alias: 'live', version: '5', force: true}, {lambda})
    expect(forced).toMatchObject({status: 'updated', abandonedRollout: rollout, rollbackTo: '4'})
    expect(decodeDescription(lambda.fn.aliases.get('live')?.description).state?.rollout).toBeUndefined()
  })

  test('a description with no room for the record is refused, and nothing is written', async () => {
    const lambda = fakeLambda({versions: withVersions(1, 2), aliases: new Map([['live', anAlias('live', '1', {description: 'd'.repeat(250)})]])})
    expect(await rejectionOf(setAlias({target, alias: 'live', version: '2'}, {lambda}))).toMatchObject({code: 'AliasDescriptionTooLong'})
    expect(lambda.pointAlias).not.toHaveBeenCalled()
  })

  test('a record written by a newer sling is not overwritten', async () => {
    const lambda = fakeLambda({versions: withVersions(1, 2), aliases: new Map([['live', anAlias('live', '1', {description: '[sling:{"v":2,"x":1}]'})]])})
    expect(await rejectionOf(setAlias({target, alias: 'live', version: '2'}, {lambda}))).toMatchObject({code: 'AliasStateNewer'})
    expect(lambda.pointAlias).not.toHaveBeenCalled()
  })

  test('a new description replaces the user text, and the record stays', async () => {
    const lambda = fakeLambda({versions: withVersions(1, 2), aliases: new Map([['live', anAlias('live', '1', {description: 'old'})]])})
    await setAlias({target, alias: 'live', version: '2', description: 'new text'}, {lambda})
    expect(decodeDescription(lambda.fn.aliases.get('live')?.description)).toMatchObject({text: 'new text', state: {previousVersion: '1'}})
  })
})

describe('listAliases', () => {
  test('rows by name with weights, the user text and what sling recorded', async () => {
    const live = anAlias('live', '4', {routing: {'5': 0.1}, description: recorded({setTo: {version: '4', routing: {'5': 0.1}}, previousVersion: '3', rollout}, 'Production')})
    const moved = anAlias('beta', '9', {description: recorded({setTo: {version: '5', routing: {}}, previousVersion: '4', rollout})}) // moved by the console since
    const lambda = fakeLambda({aliases: new Map([['live', live], ['beta', moved], ['dev', anAlias('dev', '2', {description: 'plain'})]])})
    const list = await listAliases({target}, {lambda})
    expect(list.aliases.map((a) => a.name)).toEqual(['beta', 'dev', 'live'])
    expect(list.aliases[2]).toEqual({
      name: 'live', version: '4', description: 'Production', revisionId: 'live-r1', rollout,
      weights: [{version: '4', percent: 90, routed: false}, {version: '5', percent: 10, routed: true}],
      previousVersion: {status: 'recorded', version: '3'},
    })
    // A record the alias has moved away from is reported as such, and its rollout is over.
    expect(list.aliases[0]).toMatchObject({previousVersion: {status: 'moved-since', version: '4', slingLeftItOn: '5'}, rollout: undefined})
    expect(list.aliases[1]).toMatchObject({description: 'plain', previousVersion: {status: 'none'}, weights: [{version: '2', percent: 100, routed: false}]})
  })
})

describe('deleteAlias', () => {
  const setup = () =>
    fakeLambda({
      versions: withVersions(1, 2),
      aliases: new Map([['live', anAlias('live', '2')], ['beta', anAlias('beta', '1')]]),
      mappings: [{uuid: 'm-live', functionArn: `${ARN}:live`, eventSourceArn: 'arn:aws:sqs:eu-west-1:123456789012:orders'}],
      provisioned: [{arn: `${ARN}:live`, qualifier: 'live', requested: 3, allocated: 3, available: 3, status: 'READY'}],
    })

  test('asks with what the deletion takes away, then deletes', async () => {
    const lambda = setup()
    const confirm = vi.fn((deletion: AliasDeletion) => {
      expect(lambda.deleteAlias).not.toHaveBeenCalled()
      expect(deletion).toMatchObject({functionName: 'hello', alias: {name: 'live', version: '2'}, mappings: [{uuid: 'm-live'}], provisionedConcurrency: 3})
      return Promise.resolve(true)
    })
    expect(await deleteAlias({target, alias: 'live'}, {lambda, confirm})).toEqual({status: 'deleted', functionName: 'hello', alias: 'live', version: '2'})
    expect(confirm).toHaveBeenCalledOnce()
    expect([...lambda.fn.aliases.keys()]).toEqual(['beta'])
  })

  test('a dry run shows what would go, asks nothing and deletes nothing', async () => {
    const lambda = setup()
    const confirm = vi.fn(() => Promise.resolve(true))
    const showDeletion = vi.fn()
    expect(await deleteAlias({target, alias: 'live', dryRun: true}, {lambda, confirm, showDeletion})).toEqual({status: 'would-delete', functionName: 'hello', alias: 'live', version: '2'})
    expect(showDeletion).toHaveBeenCalledWith(expect.objectContaining({mappings: [expect.objectContaining({uuid: 'm-live'})], provisionedConcurrency: 3}), {dryRun: true})
    expect(confirm).not.toHaveBeenCalled()
    expect(lambda.deleteAlias).not.toHaveBeenCalled()
  })

  test('a refusal, or no way to ask, deletes nothing', async () => {
    const lambda = setup()
    expect(await deleteAlias({target, alias: 'live'}, {lambda, confirm: () => Promise.resolve(false)})).toMatchObject({status: 'cancelled'})
    const noTerminal = () => Promise.reject(new UserError('ConfirmationRequired', 'Deleting alias "live" needs confirmation, and there is no terminal to ask.', {exitCode: 2}))
    expect(await rejectionOf(deleteAlias({target, alias: 'live'}, {lambda, confirm: noTerminal}))).toMatchObject({code: 'ConfirmationRequired'})
    expect(lambda.deleteAlias).not.toHaveBeenCalled()
  })

  test('an alias that changed while the question was asked is not deleted', async () => {
    const lambda = setup()
    const confirm = () => {
      lambda.fn.aliases.set('live', anAlias('live', '1', {revisionId: 'moved'}))
      return Promise.resolve(true)
    }
    expect(await rejectionOf(deleteAlias({target, alias: 'live'}, {lambda, confirm}))).toMatchObject({code: 'ConcurrentChange', message: expect.stringContaining('it now points to version 1') as string})
    expect(lambda.fn.aliases.has('live')).toBe(true)
  })

  test('a missing alias is refused with "did you mean" and the aliases there are', async () => {
    const error = await rejectionOf(deleteAlias({target, alias: 'lvie'}, {lambda: setup(), confirm: () => Promise.resolve(true)}))
    expect(error).toMatchObject({code: 'AliasNotFound', message: 'Function "hello" has no alias "lvie". Did you mean "live"? Its aliases: beta, live.'})
  })
})

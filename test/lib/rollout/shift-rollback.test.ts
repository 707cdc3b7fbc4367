import {describe, expect, test} from 'vitest'

import type {AliasInfo} from '../../../src/lib/aws/types.js'
import {decodeDescription, previousVersion} from '../../../src/lib/release/alias-state.js'
import {rollback} from '../../../src/lib/rollout/rollback.js'
import {shift} from '../../../src/lib/rollout/shift.js'
import {resolveTarget} from '../../../src/lib/targets.js'
import {rejectionOf} from '../../helpers/aws.js'
import {T0, aVersion, anAlias, recorded, rolloutLambda} from './fakes.js'

const target = resolveTarget('hello')
const lambdaWith = (alias: AliasInfo = anAlias('live', '6')) => rolloutLambda({versions: ['5', '6', '7', '8'].map((v) => aVersion(v)), aliases: new Map([['live', alias]])})
const live = (lambda: ReturnType<typeof lambdaWith>): AliasInfo => lambda.fn.aliases.get('live')!
const weights = (list: readonly {version: string; percent: number}[]): string[] => list.map((w) => `${w.version}:${w.percent}`)

describe('shift', () => {
  test('routes a share to the version; the alias keeps its own for the rest, and rollback returns to it', async () => {
    const lambda = lambdaWith()
    const result = await shift({target, alias: 'live', version: 'v7', weight: 25}, {lambda})
    expect(result).toMatchObject({status: 'shifted', version: '7', weight: 25, rollbackTo: '6'})
    expect(weights(result.before)).toEqual(['6:100'])
    expect(weights(result.after)).toEqual(['6:75', '7:25'])
    expect(live(lambda)).toMatchObject({version: '6', routing: {'7': 0.25}})
    expect(previousVersion(live(lambda))).toEqual({status: 'recorded', version: '6'})
  })

  test('--weight 100 promotes: the version becomes the alias\'s, with no routing; 0 removes the routing', async () => {
    const lambda = lambdaWith(anAlias('live', '6', {routing: {'7': 0.25}}))
    expect(await shift({target, alias: 'live', version: '7', weight: 100}, {lambda})).toMatchObject({status: 'promoted', rollbackTo: '6'})
    expect(live(lambda)).toMatchObject({version: '7', routing: {}})

    const split = lambdaWith(anAlias('live', '6', {routing: {'7': 0.25}}))
    expect(await shift({target, alias: 'live', version: '7', weight: 0}, {lambda: split})).toMatchObject({status: 'cleared'})
    expect(live(split)).toMatchObject({version: '6', routing: {}})
  })

  test('the same split again, or 0 for a version the alias doesn\'t route to, writes nothing', async () => {
    const lambda = lambdaWith(anAlias('live', '6', {routing: {'7': 0.25}}))
    expect(await shift({target, alias: 'live', version: '7', weight: 25}, {lambda})).toMatchObject({status: 'unchanged'})
    expect(await shift({target, alias: 'live', version: '8', weight: 0}, {lambda})).toMatchObject({status: 'unchanged'})
    expect(lambda.pointAlias).not.toHaveBeenCalled()
  })

  test('refuses, before calling Lambda, what Lambda refuses', async () => {
    const lambda = lambdaWith(anAlias('live', '6', {routing: {'7': 0.1}}))
    expect(await rejectionOf(shift({target, alias: 'live', version: '$LATEST', weight: 10}, {lambda}))).toMatchObject({code: 'LatestRefused', exitCode: 2})
    expect(await rejectionOf(shift({target, alias: 'live', version: '9', weight: 10}, {lambda}))).toMatchObject({code: 'VersionNotFound', message: expect.stringContaining('no version 9')})
    const second = await rejectionOf(shift({target, alias: 'live', version: '8', weight: 10}, {lambda}))
    expect(second).toMatchObject({code: 'RoutingInProgress', message: expect.stringContaining('already routes 10% of its traffic to version 7')})
    for (const weight of [101, -1, Number.NaN]) expect(await rejectionOf(shift({target, alias: 'live', version: '7', weight}, {lambda}))).toMatchObject({code: 'InvalidWeight', exitCode: 2})
    expect(await rejectionOf(shift({target, alias: 'live', version: '6', weight: 10}, {lambda}))).toMatchObject({code: 'InvalidShift', exitCode: 2})
    expect(await rejectionOf(shift({target, alias: 'prod', version: '7', weight: 10}, {lambda}))).toMatchObject({code: 'AliasNotFound'})
    expect(lambda.pointAlias).not.toHaveBeenCalled()
  })

  test('refuses to shift by hand while a rollout is in progress', async () => {
    const rollout = {targetVersion: '7', strategy: 'canary:10%:5m', step: 0, startedAt: T0, stepStartedAt: T0}
    const lambda = lambdaWith(anAlias('live', '6', {routing: {'7': 0.1}, description: recorded({setTo: {version: '6', routing: {'7': 0.1}}, previousVersion: '6', rollout})}))
    expect(await rejectionOf(shift({target, alias: 'live', version: '7', weight: 50}, {lambda}))).toMatchObject({code: 'RolloutInProgress'})
  })

  test('writes with the RevisionId it read: a change made in between is reported, not overwritten', async () => {
    const lambda = lambdaWith()
    lambda.getAlias.mockImplementationOnce(async () => {
      const read = lambda.fn.aliases.get('live')
      lambda.fn.aliases.set('live', anAlias('live', '8', {revisionId: 'a-colleague'}))
      return Promise.resolve(read)
    })
    expect(await rejectionOf(shift({target, alias: 'live', version: '7', weight: 10}, {lambda}))).toMatchObject({code: 'ConcurrentChange'})
    expect(live(lambda)).toMatchObject({version: '8', revisionId: 'a-colleague'})
  })
})

describe('rollback', () => {
  test('undoes a shift: back on the alias\'s own version, with no routing', async () => {
    const lambda = lambdaWith()
    await shift({target, alias: 'live', version: '7', weight: 25}, {lambda})
    const result = await rollback({target, alias: 'live'}, {lambda})
    expect(result).toMatchObject({status: 'rolled-back', from: '6', to: '6'})
    expect(weights(result.before)).toEqual(['6:75', '7:25'])
    expect(live(lambda)).toMatchObject({version: '6', routing: {}})
  })

  test('undoes a promotion, and then has nothing left to undo', async () => {
    const lambda = lambdaWith()
    await shift({target, alias: 'live', version: '7', weight: 100}, {lambda})
    expect(await rollback({target, alias: 'live'}, {lambda})).toMatchObject({status: 'rolled-back', from: '7', to: '6'})
    expect(live(lambda)).toMatchObject({version: '6', routing: {}})
    // A second rollback must not flip the alias back to 7.
    expect(await rejectionOf(rollback({target, alias: 'live'}, {lambda}))).toMatchObject({code: 'NoRollbackRecord'})
  })

  test('undoes a rollout in progress, from any machine: the record is on the alias', async () => {
    const rollout = {targetVersion: '7', strategy: 'linear:10%:1m', step: 3, startedAt: T0, stepStartedAt: T0}
    const lambda = lambdaWith(anAlias('live', '6', {routing: {'7': 0.4}, description: recorded({setTo: {version: '6', routing: {'7': 0.4}}, previousVersion: '6', rollout}, 'Production')}))
    const result = await rollback({target, alias: 'live'}, {lambda})
    expect(result).toMatchObject({status: 'rolled-back', from: '6', to: '6', abandonedRollout: rollout})
    expect(live(lambda)).toMatchObject({version: '6', routing: {}})
    expect(decodeDescription(live(lambda).description)).toMatchObject({text: 'Production', state: {rollout: undefined}})
  })

  test('refuses with no record, or a stale one (the alias was moved by something else since)', async () => {
    expect(await rejectionOf(rollback({target, alias: 'live'}, {lambda: lambdaWith()}))).toMatchObject({code: 'NoRollbackRecord'})
    const stale = anAlias('live', '8', {description: recorded({setTo: {version: '7', routing: {}}, previousVersion: '6'})})
    const error = await rejectionOf(rollback({target, alias: 'live'}, {lambda: lambdaWith(stale)}))
    expect(error).toMatchObject({code: 'RollbackRecordStale', message: expect.stringContaining('sling left it on version 7, but something else has moved it since (it is on version 8 now)')})
    expect(await rejectionOf(rollback({target, alias: 'prod'}, {lambda: lambdaWith()}))).toMatchObject({code: 'AliasNotFound'})
  })

  test('refuses, naming the versions there are, when the version to return to was deleted', async () => {
    const lambda = lambdaWith(anAlias('live', '7', {description: recorded({setTo: {version: '7', routing: {}}, previousVersion: '4'})}))
    expect(await rejectionOf(rollback({target, alias: 'live'}, {lambda}))).toMatchObject({code: 'VersionNotFound', message: expect.stringContaining('no version 4')})
    expect(lambda.pointAlias).not.toHaveBeenCalled()
  })
})

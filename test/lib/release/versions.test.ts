import {describe, expect, test, vi} from 'vitest'

import {UserError} from '../../../src/lib/errors.js'
import {silentOutput} from '../../../src/lib/output.js'
import {encodeDescription} from '../../../src/lib/release/alias-state.js'
import type {PrunePlan} from '../../../src/lib/release/prune.js'
import {pruneVersions} from '../../../src/lib/release/prune.js'
import {listVersions} from '../../../src/lib/release/versions.js'
import {resolveTarget} from '../../../src/lib/targets.js'
import {rejectionOf} from '../../helpers/aws.js'
import {ARN, aVersion, anAlias, fakeLambda} from './fake-lambda.js'

const target = resolveTarget('hello')
const versions = (...numbers: number[]) => numbers.map((n) => aVersion(String(n)))
const remaining = (lambda: ReturnType<typeof fakeLambda>) => lambda.fn.versions.map((v) => v.version)
const yes = () => vi.fn((_plan: PrunePlan) => Promise.resolve(true))

describe('listVersions', () => {
  test('lists versions newest first with short hash, commit and the aliases that send each traffic', async () => {
    const lambda = fakeLambda({
      versions: versions(1, 2, 3, 10),
      aliases: new Map([
        ['live', anAlias('live', '3', {routing: {'10': 0.1}})],
        ['beta', anAlias('beta', '10')],
      ]),
    })
    const list = await listVersions({target}, {lambda})
    expect(list.functionName).toBe('hello')
    expect(list.versions.map((v) => v.version)).toEqual(['10', '3', '2', '1']) // numeric, not text, order
    expect(list.versions[0]).toEqual({
      version: '10', description: 'commit c0ffee10', codeSha256: 'sha-of-version-10=', shortSha: 'sha-of-v', lastModified: '2025-01-01T10:00:00.000+0000',
      aliases: [{alias: 'beta', percent: 100, routed: false}, {alias: 'live', percent: 10, routed: true}],
    })
    expect(list.versions[1]?.aliases).toEqual([{alias: 'live', percent: 90, routed: false}])
    expect(list.versions[2]?.aliases).toEqual([])
  })

  test('shows $LATEST only when an alias points at it', async () => {
    const lambda = fakeLambda({versions: versions(1), aliases: new Map([['dev', anAlias('dev', '$LATEST')]])})
    const list = await listVersions({target}, {lambda})
    expect(list.versions.map((v) => [v.version, v.aliases.map((a) => a.alias)])).toEqual([['$LATEST', ['dev']], ['1', []]])
    expect(list.versions[0]?.codeSha256).toBe('latest-sha=')
    const plain = fakeLambda({versions: versions(1)})
    expect((await listVersions({target}, {lambda: plain})).versions.map((v) => v.version)).toEqual(['1'])
    expect(plain.getFunction).not.toHaveBeenCalled()
  })

  test('a missing function near a config key says "did you mean"', async () => {
    const lambda = fakeLambda({exists: false})
    const near = resolveTarget('helo', {functions: [{key: 'hello', name: 'shop-hello'}]})
    expect(await rejectionOf(listVersions({target: near}, {lambda}))).toMatchObject({code: 'FunctionNotFound', message: expect.stringMatching(/Did you mean "hello"\?$/) as string})
  })
})

describe('pruneVersions keeps whatever is in use', () => {
  test('the newest N, aliased, weighted, mapped, provisioned and rollback versions all survive; the rest go, oldest first', async () => {
    const lambda = fakeLambda({
      versions: versions(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
      aliases: new Map([
        // live on 5, routing 10% to 6; sling moved it from 2 (the rollback target).
        ['live', anAlias('live', '5', {routing: {'6': 0.1}, description: encodeDescription('prod', {setTo: {version: '5', routing: {'6': 0.1}}, previousVersion: '2'}, {functionName: 'hello', alias: 'live'})})],
      ]),
      mappings: [{uuid: 'm-1', functionArn: `${ARN}:3`, eventSourceArn: 'arn:aws:sqs:eu-west-1:123456789012:orders'}],
      provisioned: [{arn: `${ARN}:8`, qualifier: '8', requested: 5, allocated: 5, available: 5, status: 'READY'}, {arn: `${ARN}:live`, qualifier: 'live', requested: 2, allocated: 2, available: 2, status: 'READY'}],
    })
    const confirm = yes()
    const result = await pruneVersions({target, keep: 2}, {lambda, output: silentOutput(), confirm})
    expect(result.status).toBe('pruned')
    expect(result.deleted).toEqual(['1', '4', '7', '9', '10'])
    expect(remaining(lambda)).toEqual(['2', '3', '5', '6', '8', '11', '12'])
    const kept = Object.fromEntries(result.plan.versions.filter((v) => v.action === 'keep').map((v) => [v.version, v.reasons]))
    expect(kept).toEqual({
      '12': [{kind: 'newest'}],
      '11': [{kind: 'newest'}],
      '8': [{kind: 'provisioned', requested: 5}],
      '6': [{kind: 'routing', alias: 'live', percent: 10}],
      '5': [{kind: 'alias', alias: 'live', percent: 90}],
      '3': [{kind: 'mapping', uuid: 'm-1', eventSourceArn: 'arn:aws:sqs:eu-west-1:123456789012:orders'}],
      '2': [{kind: 'rollback', alias: 'live'}],
    })
    expect(lambda.deleteVersion).toHaveBeenCalledTimes(5)
  })

  test('event source mappings are asked about by qualified ARN, only for versions nothing else keeps', async () => {
    const lambda = fakeLambda({versions: versions(1, 2, 3), aliases: new Map([['live', anAlias('live', '2')]])})
    await pruneVersions({target, keep: 1, dryRun: true}, {lambda, output: silentOutput(), confirm: yes()})
    expect(lambda.listEventSourceMappings.mock.calls.map((call) => call[0])).toEqual([`${ARN}:1`])
  })

  test('a mapping answer about other versions keeps only the version each mapping invokes', async () => {
    // Some endpoints answer a qualified query with every mapping of the function.
    const lambda = fakeLambda({versions: versions(1, 2, 3)})
    const all = [{uuid: 'on-2', functionArn: `${ARN}:2`}, {uuid: 'on-alias', functionArn: `${ARN}:live`}, {uuid: 'unqualified', functionArn: ARN}]
    lambda.listEventSourceMappings.mockResolvedValue(all)
    const result = await pruneVersions({target, keep: 0, dryRun: true}, {lambda, output: silentOutput(), confirm: yes()})
    expect(result.plan.toDelete).toEqual(['1', '3'])
  })

  test('a rollout in progress keeps the version it is rolling out, even before it gets traffic', async () => {
    const description = encodeDescription('', {setTo: {version: '2', routing: {}}, rollout: {targetVersion: '3', strategy: 'canary:10%:5m', step: 0, startedAt: 0, stepStartedAt: 0}}, {functionName: 'hello', alias: 'live'})
    const lambda = fakeLambda({versions: versions(1, 2, 3, 4), aliases: new Map([['live', anAlias('live', '2', {description})]])})
    const result = await pruneVersions({target, keep: 1, dryRun: true}, {lambda, output: silentOutput(), confirm: yes()})
    expect(result.plan.toDelete).toEqual(['1'])
    expect(result.plan.versions.find((v) => v.version === '3')?.reasons).toEqual([{kind: 'rollout', alias: 'live'}])
  })

  test('a version named in routing at 0% is kept too (Lambda would refuse to delete it)', async () => {
    const lambda = fakeLambda({versions: versions(1, 2, 3), aliases: new Map([['live', anAlias('live', '3', {routing: {'1': 0}})]])})
    const result = await pruneVersions({target, keep: 0, dryRun: true}, {lambda, output: silentOutput(), confirm: yes()})
    expect(result.plan.toDelete).toEqual(['2'])
  })

  test('--keep 0 still keeps every version in use', async () => {
    const lambda = fakeLambda({versions: versions(1, 2), aliases: new Map([['live', anAlias('live', '2')]])})
    const result = await pruneVersions({target, keep: 0}, {lambda, output: silentOutput(), confirm: yes()})
    expect(result.deleted).toEqual(['1'])
    expect(remaining(lambda)).toEqual(['2'])
  })
})

describe('pruneVersions asks first, and deletes nothing it was not allowed to', () => {
  const setup = () => fakeLambda({versions: versions(1, 2, 3, 4), aliases: new Map([['live', anAlias('live', '4')]])})

  test('a dry run plans, asks nothing and deletes nothing', async () => {
    const lambda = setup()
    const confirm = yes()
    const info = vi.fn()
    const result = await pruneVersions({target, keep: 1, dryRun: true}, {lambda, output: silentOutput({info}), confirm})
    expect(result).toMatchObject({status: 'would-prune', deleted: [], plan: {toDelete: ['1', '2', '3']}})
    expect(confirm).not.toHaveBeenCalled()
    expect(lambda.deleteVersion).not.toHaveBeenCalled()
    expect(info).toHaveBeenCalledWith('(dry run) Would delete version 1 of hello.')
  })

  test('the plan is shown before anything is asked or deleted, in a dry run too', async () => {
    for (const dryRun of [true, false]) {
      const lambda = setup()
      const events: string[] = []
      const showPlan = (plan: PrunePlan, options: {readonly dryRun: boolean}): void => void events.push(`plan ${plan.toDelete.join(',')} dry=${options.dryRun}`)
      const confirm = (): Promise<boolean> => (events.push('ask'), Promise.resolve(true))
      lambda.deleteVersion.mockImplementation((_name, version) => (events.push(`delete ${version}`), Promise.resolve('deleted')))
      await pruneVersions({target, keep: 1, dryRun}, {lambda, output: silentOutput(), confirm, showPlan})
      expect(events).toEqual(dryRun ? ['plan 1,2,3 dry=true'] : ['plan 1,2,3 dry=false', 'ask', 'delete 1', 'delete 2', 'delete 3'])
    }
  })

  test('confirm is asked with the plan before any delete; a refusal deletes nothing', async () => {
    const lambda = setup()
    const confirm = vi.fn((plan: PrunePlan) => {
      expect(lambda.deleteVersion).not.toHaveBeenCalled()
      expect(plan.toDelete).toEqual(['1', '2', '3'])
      return Promise.resolve(false)
    })
    const result = await pruneVersions({target, keep: 1}, {lambda, output: silentOutput(), confirm})
    expect(confirm).toHaveBeenCalledOnce()
    expect(result).toMatchObject({status: 'cancelled', deleted: []})
    expect(remaining(lambda)).toEqual(['1', '2', '3', '4'])
  })

  test('a confirmation that cannot be asked (CI without --yes) fails before any delete', async () => {
    const lambda = setup()
    const confirm = vi.fn((): Promise<boolean> => Promise.reject(new UserError('ConfirmationRequired', 'Deleting 3 versions needs confirmation, and there is no terminal to ask.', {exitCode: 2})))
    expect(await rejectionOf(pruneVersions({target, keep: 1}, {lambda, output: silentOutput(), confirm}))).toMatchObject({code: 'ConfirmationRequired', exitCode: 2})
    expect(lambda.deleteVersion).not.toHaveBeenCalled()
  })

  test('nothing to delete asks nothing', async () => {
    const lambda = setup()
    const confirm = yes()
    expect(await pruneVersions({target, keep: 10}, {lambda, output: silentOutput(), confirm})).toMatchObject({status: 'nothing-to-prune', deleted: []})
    expect(confirm).not.toHaveBeenCalled()
  })

  test('--keep must be a whole number', async () => {
    for (const keep of [-1, 1.5, Number.NaN]) {
      expect(await rejectionOf(pruneVersions({target, keep}, {lambda: setup(), output: silentOutput(), confirm: yes()}))).toMatchObject({code: 'InvalidKeep', exitCode: 2})
    }
  })
})

describe('pruneVersions when the function changes under it', () => {
  test('a version an alias took after the plan is reported, and the others are still deleted', async () => {
    const lambda = fakeLambda({versions: versions(1, 2, 3, 4), aliases: new Map([['live', anAlias('live', '4')]])})
    // While the user reads the plan, someone points "beta" at version 2.
    const confirm = vi.fn(() => {
      lambda.fn.aliases.set('beta', anAlias('beta', '2'))
      return Promise.resolve(true)
    })
    const warn = vi.fn()
    const result = await pruneVersions({target, keep: 1}, {lambda, output: silentOutput({warn}), confirm})
    expect(result).toMatchObject({status: 'partial', deleted: ['1', '3'], failed: [{version: '2', code: 'VersionInUse'}]})
    expect(remaining(lambda)).toEqual(['2', '4'])
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Kept version 2 of hello: it came into use after sling planned'))
  })

  test('any other refusal stops the prune and says what was already deleted', async () => {
    const lambda = fakeLambda({versions: versions(1, 2, 3, 4)})
    lambda.deleteVersion.mockResolvedValueOnce('deleted').mockRejectedValueOnce(new UserError('AccessDenied', 'AWS denied lambda:DeleteFunction in eu-west-1.', {hints: ['Grant lambda:DeleteFunction.']}))
    const error = await rejectionOf(pruneVersions({target, keep: 1}, {lambda, output: silentOutput(), confirm: yes()}))
    expect(error).toMatchObject({
      code: 'AccessDenied',
      message: 'AWS denied lambda:DeleteFunction in eu-west-1. Pruning hello stopped at version 2: sling had deleted version 1, and left the other 2.',
      hints: ['Grant lambda:DeleteFunction.', 'Running the same command again starts from what is left.'],
    })
    expect(lambda.deleteVersion).toHaveBeenCalledTimes(2)
  })

  test('an interrupt stops before the next delete', async () => {
    const lambda = fakeLambda({versions: versions(1, 2, 3, 4)})
    const controller = new AbortController()
    lambda.deleteVersion.mockImplementationOnce(() => {
      controller.abort(new Error('Interrupted by SIGINT'))
      return Promise.resolve('deleted' as const)
    })
    const error = await rejectionOf(pruneVersions({target, keep: 1}, {lambda, output: silentOutput(), confirm: yes(), signal: controller.signal}))
    expect(error.message).toBe('Interrupted by SIGINT')
    expect(lambda.deleteVersion).toHaveBeenCalledOnce()
  })
})

import {writeFile} from 'node:fs/promises'
import path from 'node:path'

import {afterEach, expect, test, vi} from 'vitest'

import VersionsList from '../../src/commands/versions/list.js'
import VersionsPrune from '../../src/commands/versions/prune.js'
import {ExitCode} from '../../src/lib/errors.js'
import {tempDir} from '../helpers/cli.js'
import {ARN, aVersion, anAlias, fakeLambda} from '../lib/release/fake-lambda.js'
import {runIn} from './helpers.js'
import {withLambda} from './versions-aliases-fakes.js'

afterEach(() => {
  vi.unstubAllEnvs()
})

const versions = (...numbers: number[]) => numbers.map((n) => aVersion(String(n)))
/** Versions 1–5; live on 4 with 10% routed to 5, beta on 2. */
const shop = () =>
  fakeLambda({
    versions: versions(1, 2, 3, 4, 5),
    aliases: new Map([
      ['live', anAlias('live', '4', {routing: {'5': 0.1}})],
      ['beta', anAlias('beta', '2')],
    ]),
  })
const remaining = (lambda: ReturnType<typeof fakeLambda>) => lambda.fn.versions.map((v) => v.version)

test('versions list: tab-separated lines when piped; --json is the list, newest first, with each alias share', async () => {
  const {command} = withLambda(VersionsList, shop())

  const lines = await runIn(command, ['hello'])
  const json = await runIn(command, ['hello', '--json'])

  expect(lines.code).toBe(0)
  expect(lines.stdout.split('\n')[0]?.split('\t')).toEqual(['v5', 'commit c0ffee5', 'sha-of-v', '2025-01-05T10:00:00Z', 'live → 10%'])
  expect(lines.stdout.split('\n')[1]).toContain('\tlive 90%')
  expect(json.code).toBe(0)
  const list = JSON.parse(json.stdout) as {functionName: string; versions: {version: string}[]}
  expect(list.functionName).toBe('hello')
  expect(list.versions.map((v) => v.version)).toEqual(['5', '4', '3', '2', '1'])
  expect(list.versions[0]).toEqual({
    version: '5', description: 'commit c0ffee5', codeSha256: 'sha-of-version-5=', shortSha: 'sha-of-v', lastModified: '2025-01-05T10:00:00.000+0000', aliases: [{alias: 'live', percent: 10, routed: true}],
  })
  expect(json.stderr).toBe('')
})

test('an ARN sends the calls to its region, over AWS_REGION; a contradicting --region is a usage error before any call', async () => {
  vi.stubEnv('AWS_REGION', 'us-east-1')
  const lambda = shop()
  const {command, settings} = withLambda(VersionsList, lambda)

  expect((await runIn(command, [ARN])).code).toBe(0)
  const mismatch = await runIn(command, [ARN, '--region', 'us-west-2'])

  expect(settings.map((s) => s.region)).toEqual(['eu-west-1'])
  expect(lambda.listVersions).toHaveBeenCalledWith(ARN, expect.anything())
  expect(mismatch.code).toBe(ExitCode.Usage)
  expect(mismatch.stderr).toContain(`The ARN "${ARN}" names a function in eu-west-1, but --region is us-west-2.`)
})

test('a misspelt config key: the function is not found, with "did you mean"', async () => {
  const {dir, cleanup} = await tempDir('sling-cmd-versions-')
  try {
    await writeFile(path.join(dir, 'sling.config.json'), JSON.stringify({service: 'shop', functions: {api: {entry: 'src/api.ts'}}}))
    const lambda = fakeLambda({exists: false})
    const {command} = withLambda(VersionsList, lambda)

    const {code, stderr} = await runIn(command, ['apj', '--config', path.join(dir, 'sling.config.json')])

    expect(code).toBe(ExitCode.Failure)
    expect(stderr).toContain('Error: Function "apj" doesn\'t exist in eu-west-1. Did you mean "api"?')
  } finally {
    await cleanup()
  }
})

test('prune in CI without --yes: the plan on stderr, exit 2 with the hint, nothing deleted', async () => {
  const lambda = shop()
  const {command} = withLambda(VersionsPrune, lambda)

  const {code, stdout, stderr} = await runIn(command, ['hello', '--keep', '1'])

  expect(code).toBe(ExitCode.Usage)
  expect(stdout).toBe('')
  expect(stderr).toContain('hello has 5 published versions; sling keeps the newest 1 and every version in use:')
  expect(stderr).toContain('  v4 keep: alias "live" points to it (90% of its traffic)')
  expect(stderr).toContain('  v3 delete')
  expect(stderr).toContain('Error: Deleting 2 versions of hello (v1, v3) needs confirmation, and there is no terminal to ask.')
  expect(stderr).toContain('Pass --yes in CI or scripts.')
  expect(lambda.deleteVersion).not.toHaveBeenCalled()
})

test('prune --dry-run shows the same plan prefixed "(dry run)" and deletes nothing', async () => {
  const lambda = shop()
  const {command} = withLambda(VersionsPrune, lambda)

  const {code, stdout, stderr} = await runIn(command, ['hello', '--keep', '1', '--dry-run'])

  expect(code).toBe(0)
  expect(stderr).toContain('(dry run)   v3 delete')
  expect(stderr).toContain('(dry run) Would delete version 1 of hello.')
  expect(stdout).toBe('(dry run) Would delete 2 versions of hello (v1, v3) and keep 3.\n')
  expect(remaining(lambda)).toEqual(['1', '2', '3', '4', '5'])
})

test('prune --yes --json: the result document (plan, deleted, failed) and nothing else on stdout', async () => {
  const lambda = shop()
  const {command} = withLambda(VersionsPrune, lambda)

  const {code, stdout} = await runIn(command, ['hello', '--keep', '1', '--yes', '--json'])

  expect(code).toBe(0)
  const result = JSON.parse(stdout) as Record<string, unknown>
  expect(result).toMatchObject({status: 'pruned', functionName: 'hello', deleted: ['1', '3'], failed: [], plan: {functionName: 'hello', keep: 1, toDelete: ['1', '3']}})
  expect((result.plan as {versions: unknown[]}).versions[0]).toEqual({version: '5', action: 'keep', reasons: [{kind: 'newest'}, {kind: 'routing', alias: 'live', percent: 10}], description: 'commit c0ffee5', lastModified: '2025-01-05T10:00:00.000+0000'})
  expect(remaining(lambda)).toEqual(['2', '4', '5'])
})

test('prune: a version an alias took after the plan is kept and reported, the rest deleted, exit 1', async () => {
  const lambda = shop()
  // The plan is made from an alias list that doesn't have canary on 3 yet.
  lambda.fn.aliases.set('canary', anAlias('canary', '3'))
  lambda.listAliases.mockResolvedValueOnce([anAlias('live', '4', {routing: {'5': 0.1}}), anAlias('beta', '2')])
  const {command} = withLambda(VersionsPrune, lambda)

  const {code, stdout, stderr} = await runIn(command, ['hello', '--keep', '1', '--yes'])

  expect(code).toBe(ExitCode.Failure)
  expect(remaining(lambda)).toEqual(['2', '3', '4', '5'])
  expect(stderr).toContain('Kept version 3 of hello: it came into use after sling planned')
  expect(stdout).toBe('Deleted 1 version of hello (v1); v3 came into use meanwhile and was kept.\n')
})

test('prune needs --keep, and a whole number of versions', async () => {
  const {command} = withLambda(VersionsPrune, shop())
  expect((await runIn(command, ['hello'])).code).toBe(ExitCode.Usage)
  expect((await runIn(command, ['hello', '--keep', '-1'])).code).toBe(ExitCode.Usage)
  expect((await runIn(command, ['hello', '--keep', 'two'])).code).toBe(ExitCode.Usage)
})

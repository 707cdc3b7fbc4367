import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {describe, expect, test} from 'vitest'

import {UserError} from '../../src/lib/errors.js'
import type {KnownFunction} from '../../src/lib/targets.js'
import {explainMissing, loadConfigIfPresent, resolveCommandTarget, resolveTarget} from '../../src/lib/targets.js'

const functions: KnownFunction[] = [
  {key: 'api', name: 'shop-api'},
  {key: 'worker', name: 'shop-worker'},
]
const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:shop-api'

/** What `run` threw (fails when it returns). */
function thrownBy(run: () => unknown): UserError {
  try {
    run()
  } catch (error) {
    return error as UserError
  }
  throw new Error('expected it to throw')
}

describe('resolveTarget', () => {
  test('a config key resolves to its deployed name', () => {
    expect(resolveTarget('api', {functions})).toEqual({key: 'api', name: 'shop-api', functionName: 'shop-api', qualifier: undefined})
  })

  test('a deployed name of the project resolves to itself, with its key', () => {
    expect(resolveTarget('shop-worker', {functions})).toMatchObject({key: 'worker', name: 'shop-worker', functionName: 'shop-worker'})
  })

  test('a name works with no config at all', () => {
    expect(resolveTarget('my-fn')).toEqual({name: 'my-fn', functionName: 'my-fn', qualifier: undefined, suggestion: undefined})
  })

  test('a full ARN keeps its account for Lambda and gives its region', () => {
    expect(resolveTarget(ARN, {functions})).toEqual({key: 'api', name: 'shop-api', functionName: ARN, qualifier: undefined, region: 'eu-west-1', accountId: '123456789012'})
    expect(resolveTarget('arn:aws-cn:lambda:cn-north-1:123456789012:function:x')).toMatchObject({name: 'x', region: 'cn-north-1'})
    expect(resolveTarget('arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:x')).toMatchObject({region: 'us-gov-west-1'})
  })

  test('a partial ARN is sent as it is, in the default region', () => {
    expect(resolveTarget('123456789012:function:shop-api', {functions})).toEqual({
      key: 'api', name: 'shop-api', functionName: '123456789012:function:shop-api', qualifier: undefined, suggestion: undefined, accountId: '123456789012',
    })
  })

  test('an ARN names a deployed function, never a key', () => {
    // "api" is a key, but the ARN says the function is called "api".
    expect(resolveTarget('arn:aws:lambda:eu-west-1:123456789012:function:api', {functions})).toMatchObject({key: undefined, name: 'api'})
  })

  test('a qualifier is refused unless the command takes one', () => {
    const error = thrownBy(() => resolveTarget(`${ARN}:live`, {functions}))
    expect(error).toMatchObject({code: 'QualifierNotAllowed', exitCode: 2, message: `"${ARN}:live" names the version or alias "live" of a function; this command takes the function itself.`})
    expect(error.hints[0]).toContain(`Pass "${ARN}"`)
    expect(resolveTarget(`${ARN}:7`, {functions, allowQualifier: true})).toMatchObject({functionName: ARN, qualifier: '7'})
    expect(resolveTarget('api:live', {functions, allowQualifier: true})).toMatchObject({key: 'api', name: 'shop-api', qualifier: 'live'})
    expect(resolveTarget('my-fn:$LATEST', {allowQualifier: true})).toMatchObject({name: 'my-fn', qualifier: '$LATEST'})
  })

  test('an ARN region that contradicts --region is refused; otherwise the ARN region wins over the default', () => {
    const error = thrownBy(() => resolveTarget(ARN, {regionFlag: 'us-east-1'}))
    expect(error).toMatchObject({code: 'RegionMismatch', exitCode: 2, message: `The ARN "${ARN}" names a function in eu-west-1, but --region is us-east-1.`})
    expect(resolveTarget(ARN, {regionFlag: 'eu-west-1'}).region).toBe('eu-west-1')
    expect(resolveTarget(ARN).region).toBe('eu-west-1')
  })

  test('a misspelt key that could still be a deployed name resolves, carrying a "did you mean" for later', () => {
    const target = resolveTarget('apj', {functions})
    expect(target).toMatchObject({name: 'apj', functionName: 'apj', suggestion: ' Did you mean "api"?'})
    expect(resolveTarget('shop-wroker', {functions}).suggestion).toBe(' Did you mean "shop-worker"?')
    expect(resolveTarget('billing', {functions}).suggestion).toBeUndefined()
  })

  test('what cannot name a function is refused at once, with "did you mean"', () => {
    expect(thrownBy(() => resolveTarget('ap.i', {functions}))).toMatchObject({code: 'InvalidTarget', exitCode: 2, message: expect.stringMatching(/^"ap\.i" isn't a function name .* Did you mean "api"\?$/) as string})
    expect(thrownBy(() => resolveTarget('x'.repeat(65)))).toMatchObject({code: 'InvalidTarget', message: expect.stringContaining('64 characters at most') as string})
    expect(thrownBy(() => resolveTarget('a:b:c'))).toMatchObject({code: 'InvalidTarget'})
    expect(thrownBy(() => resolveTarget('arn:aws:iam::123456789012:role/x'))).toMatchObject({code: 'InvalidTarget', message: expect.stringContaining("isn't an ARN of iam, not of a Lambda function") as string})
    expect(thrownBy(() => resolveTarget('arn:aws:lambda:eu-west-1:123456789012:layer:x:1'))).toMatchObject({code: 'InvalidTarget', message: expect.stringContaining("isn't a Lambda function ARN") as string})
  })

  test('a word that is one function\'s key and another\'s deployed name is refused as ambiguous', () => {
    const clash: KnownFunction[] = [{key: 'api', name: 'shop-api'}, {key: 'legacy', name: 'api'}]
    expect(thrownBy(() => resolveTarget('api', {functions: clash}))).toMatchObject({code: 'AmbiguousTarget', exitCode: 2})
    // A key deployed under its own name is no clash.
    expect(resolveTarget('api', {functions: [{key: 'api', name: 'api'}]})).toMatchObject({key: 'api', name: 'api'})
  })
})

describe('explainMissing', () => {
  test('adds the did-you-mean to "function not found", and leaves other errors alone', () => {
    const target = resolveTarget('apj', {functions})
    const missing = new UserError('FunctionNotFound', 'Function "apj" doesn\'t exist in eu-west-1.', {hints: ['Check --region.']})
    expect(explainMissing(missing, target)).toMatchObject({code: 'FunctionNotFound', message: 'Function "apj" doesn\'t exist in eu-west-1. Did you mean "api"?', hints: ['Check --region.']})
    const denied = new UserError('AccessDenied', 'AWS denied lambda:ListVersionsByFunction.')
    expect(explainMissing(denied, target)).toBe(denied)
    expect(explainMissing(missing, resolveTarget('billing', {functions}))).toBe(missing)
  })
})

describe('loadConfigIfPresent', () => {
  test('no default config file is fine; a missing --config file and an invalid one are errors', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sling-targets-'))
    try {
      expect(await loadConfigIfPresent({cwd: dir, explicit: false})).toBeUndefined()
      await expect(loadConfigIfPresent({cwd: dir, explicit: true})).rejects.toMatchObject({code: 'ConfigNotFound'})
      await writeFile(path.join(dir, 'sling.config.json'), '{"functions": {"api": {"memmory": 1}}}')
      await expect(loadConfigIfPresent({cwd: dir, explicit: false})).rejects.toMatchObject({code: 'ConfigInvalid'})
      await writeFile(path.join(dir, 'sling.config.json'), '{"service": "shop", "functions": {"api": {"entry": "src/api.ts"}}}')
      const config = await loadConfigIfPresent({cwd: dir, explicit: false})
      expect(resolveTarget('api', {functions: config?.functions})).toMatchObject({key: 'api', name: 'shop-api'})
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })
})

describe('resolveCommandTarget', () => {
  test('a key resolves through the config (with its stage); a name or an ARN needs none; the ARN gives the region', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sling-targets-'))
    try {
      await writeFile(path.join(dir, 'sling.config.json'), '{"service": "shop", "region": "ap-south-1", "functions": {"api": {"entry": "src/api.ts"}}, "stages": {"prod": {}}}')
      const options = {configFile: 'sling.config.json', configExplicit: false, cwd: dir}
      expect(await resolveCommandTarget('api', {...options, stage: 'prod'})).toMatchObject({target: {key: 'api', name: 'shop-prod-api'}, config: {region: 'ap-south-1'}, region: undefined})
      expect(await resolveCommandTarget(ARN, options)).toMatchObject({target: {functionName: ARN}, region: 'eu-west-1'})
      expect(await resolveCommandTarget(ARN, {...options, regionFlag: 'eu-west-1'})).toMatchObject({region: 'eu-west-1'})
      await expect(resolveCommandTarget(ARN, {...options, regionFlag: 'us-east-1'})).rejects.toMatchObject({code: 'RegionMismatch', exitCode: 2})
      await mkdir(path.join(dir, 'elsewhere'))
      const elsewhere = {configFile: 'sling.config.json', configExplicit: false, cwd: path.join(dir, 'elsewhere')}
      expect(await resolveCommandTarget('shop-api', {...elsewhere, regionFlag: 'us-west-2'})).toEqual({target: expect.objectContaining({name: 'shop-api', functionName: 'shop-api'}), config: undefined, region: 'us-west-2'})
      await expect(resolveCommandTarget('shop-api', {...elsewhere, configFile: 'missing.json', configExplicit: true})).rejects.toMatchObject({code: 'ConfigNotFound'})
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })
})

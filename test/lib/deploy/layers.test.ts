import {expect, test} from 'vitest'

import type {LayerConfig} from '../../../src/lib/config/load.js'
import {layerDescription, markedSha256, planLayer} from '../../../src/lib/deploy/layers.js'
import {fakeLambda} from './fakes.js'

const LAYER = {key: 'deps', name: 'shop-deps', compatibleRuntimes: [], compatibleArchitectures: [], exclude: []} as unknown as LayerConfig
const zip = (codeSha256: string) => ({file: '/tmp/deps.zip', codeSha256, size: 10})

test('the SHA-256 mark fits in the description whatever its length, and reads back', () => {
  const sha = 'q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c='
  expect(layerDescription(undefined, sha)).toBe(`sling-sha256:${sha}`)
  const long = layerDescription('d'.repeat(256), sha)
  expect(long.length).toBeLessThanOrEqual(256)
  expect(markedSha256(long)).toBe(sha)
  expect(markedSha256('published by hand')).toBeUndefined()
})

test('a latest version another tool published (no mark) costs one GetLayerVersion, which has the exact hash', async () => {
  const lambda = fakeLambda()
  await lambda.publishLayerVersion({name: 'shop-deps', content: {zipFile: Buffer.from('deps')}, description: 'by hand'})
  const {codeSha256} = (await lambda.getLayerVersion('shop-deps', 1)) ?? {codeSha256: ''}
  lambda.log.calls.length = 0
  const same = await planLayer(LAYER, zip(codeSha256), {lambda})
  expect(same).toMatchObject({action: 'unchanged', arn: 'arn:aws:lambda:eu-west-1:123456789012:layer:shop-deps:1'})
  expect(lambda.log.ops()).toEqual(['latestLayerVersion shop-deps', 'getLayerVersion shop-deps'])
  expect((await planLayer(LAYER, zip('other='), {lambda})).action).toBe('publish')
})

test('a layer with no version yet is published; one marked with the same hash is not, after a single read', async () => {
  const lambda = fakeLambda()
  expect(await planLayer(LAYER, zip('abc='), {lambda})).toEqual({key: 'deps', name: 'shop-deps', codeSha256: 'abc=', action: 'publish'})
  await lambda.publishLayerVersion({name: 'shop-deps', content: {zipFile: Buffer.from('x')}, description: layerDescription('Deps', 'abc=')})
  lambda.log.calls.length = 0
  expect(await planLayer(LAYER, zip('abc='), {lambda})).toMatchObject({action: 'unchanged'})
  expect(lambda.log.ops()).toEqual(['latestLayerVersion shop-deps'])
})

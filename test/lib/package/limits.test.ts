import {expect, test} from 'vitest'

import {silentOutput} from '../../../src/lib/output.js'
import {bundleModules, renderBars} from '../../../src/lib/package/analyze.js'
import {checkConfigLimits, environmentSize, groupByPackage, zippedWarning} from '../../../src/lib/package/limits.js'

test('more than 5 layers is an error that says the limit and the count', () => {
  expect(() => checkConfigLimits('Function api', 6, {})).toThrow('Function api uses 6 layers; Lambda allows at most 5.')
  expect(() => checkConfigLimits('Function api', 5, {})).not.toThrow()
})

test('environment size is measured as Lambda does: the JSON of the variables', () => {
  expect(environmentSize({})).toBe(0)
  expect(environmentSize({A: 'b'})).toBe('{"A":"b"}'.length)
  expect(environmentSize({K: 'é'})).toBe(10) // UTF-8 bytes, not characters
})

test('over 50 MB zipped is a warning that deploy goes through S3, with the largest contributors', () => {
  expect(zippedWarning('Function api', 52_428_800, [])).toBeUndefined()
  const warning = zippedWarning('Function api', 60_000_000, [{name: 'small', bytes: 10}, {name: 'sharp', bytes: 90_000_000}])
  expect(warning).toContain('60,000,000 bytes')
  expect(warning).toContain('52,428,800 bytes')
  expect(warning).toContain('through S3')
  expect(warning).toMatch(/85\.8 MB\s+sharp\n\s+10 B\s+small/)
})

test('files are grouped by the package they belong to', () => {
  const grouped = groupByPackage([
    {name: 'node_modules/@aws-sdk/client-s3/dist/index.js', bytes: 5},
    {name: 'node_modules/@aws-sdk/client-s3/package.json', bytes: 1},
    {name: 'node_modules/a/node_modules/b/x.js', bytes: 7},
    {name: 'index.mjs', bytes: 2},
  ])
  expect(grouped).toEqual([{name: 'b', bytes: 7}, {name: '@aws-sdk/client-s3', bytes: 6}, {name: 'index.mjs', bytes: 2}])
})

test('the analysis lists bundle modules by bytes in the output and draws bars', () => {
  const metafile = {inputs: {}, outputs: {'index.mjs': {bytes: 300, imports: [], exports: [], entryPoint: 'src/a.ts', inputs: {'src/a.ts': {bytesInOutput: 100}, 'node_modules/zod/index.js': {bytesInOutput: 200}, 'src/types.ts': {bytesInOutput: 0}}}}}
  const modules = bundleModules(metafile)
  expect(modules).toEqual([{name: 'node_modules/zod/index.js', bytes: 200}, {name: 'src/a.ts', bytes: 100}])
  const chart = renderBars(modules, 300, silentOutput().color, 10).split('\n')
  expect(chart[0]).toMatch(/200 B\s+66\.7%\s+█{10}\s+node_modules\/zod\/index\.js/)
  expect(chart[1]).toMatch(/100 B\s+33\.3%\s+█{5} {5}\s+src\/a\.ts/)
})

import {expect, test} from 'vitest'

import {expectModeledError, expectOutputMatchesModel, loadModel, modelHttp, modelViolations} from '../../helpers/model.js'

test('modelHttp gives the modelled method, URI and success status', () => {
  expect(modelHttp('lambda', 'GetFunction')).toEqual({method: 'GET', requestUri: '/2015-03-31/functions/{FunctionName}', responseCode: 200})
  expect(modelHttp('s3', 'DeleteObject')).toMatchObject({method: 'DELETE', responseCode: 204})
  expect(() => modelHttp('s3', 'NoSuchOperation')).toThrow(/no operation/)
})

test('modelViolations catches wrong types, bad enums, unknown members, out-of-range values and missing required members', () => {
  expect(loadModel('lambda').metadata.protocol).toBe('rest-json')
  expect(modelViolations('lambda', 'FunctionConfiguration', {FunctionName: 'hello', MemorySize: 128, State: 'Active', LastModified: '2024-01-01T00:00:00.000+0000'})).toEqual([])
  const problems = modelViolations('lambda', 'FunctionConfiguration', {FunctionName: 42, State: 'Sleeping', MemorySize: 64, Surprise: true, Environment: {Variables: {A: 1}}})
  expect(problems).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^FunctionName: expected a string/),
      expect.stringMatching(/^State: "Sleeping" is not one of/),
      expect.stringMatching(/^MemorySize: value 64 below/),
      expect.stringMatching(/^Surprise: not a member/),
      expect.stringMatching(/^Environment\.Variables\.A: expected a string/),
    ]),
  )
  expect(modelViolations('s3', 'Tag', {Key: 'k'})).toEqual(['Value: required member missing (Tag)'])
})

test('expectOutputMatchesModel ignores $metadata and fails on departures', () => {
  expectOutputMatchesModel('s3', 'ListBuckets', {$metadata: {httpStatusCode: 200}, Buckets: [{Name: 'b', CreationDate: new Date()}]})
  expect(() => expectOutputMatchesModel('s3', 'ListBuckets', {Buckets: [{Name: 'b', CreationDate: '2024-01-01'}]})).toThrow(/CreationDate: expected a valid Date/)
})

test('expectModeledError checks the error is modelled (or common) with its modelled status', () => {
  const error = (name: string, status: number, fields: Record<string, unknown> = {}): Error => Object.assign(new Error('x'), {name, $metadata: {httpStatusCode: status}, ...fields})
  expectModeledError('lambda', 'GetFunction', error('ResourceNotFoundException', 404, {Type: 'User'}))
  expectModeledError('lambda', 'GetFunction', error('ThrottlingException', 429))
  expect(() => expectModeledError('lambda', 'GetFunction', error('ResourceNotFoundException', 400))).toThrow(/HTTP status/)
  expect(() => expectModeledError('lambda', 'GetFunction', error('CodeStorageExceededException', 400))).toThrow(/neither modelled/)
})

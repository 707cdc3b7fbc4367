import {expect, test} from 'vitest'

import {loadModel} from '../../../src/lib/local/model/models.js'
import {modelPattern, validateInput, validationMessage} from '../../../src/lib/local/model/validate.js'

const at = (value: string, path: string, rule: string): string => `Value '${value}' at '${path}' failed to satisfy constraint: ${rule}`

test('a conforming input has no problems; each broken constraint is one problem in AWS wording', () => {
  const iam = loadModel('iam')
  expect(validateInput(iam, 'CreateRoleRequest', {RoleName: 'fn-role', AssumeRolePolicyDocument: '{}', Tags: [{Key: 'app', Value: 'x'}]})).toEqual([])
  const long = `${'r'.repeat(64)}!`
  expect(validateInput(iam, 'CreateRoleRequest', {RoleName: long, MaxSessionDuration: 60})).toEqual([
    at(long, 'roleName', 'Member must have length less than or equal to 64'),
    at(long, 'roleName', 'Member must satisfy regular expression pattern: [\\w+=,.@-]+'),
    "Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null",
    at('60', 'maxSessionDuration', 'Member must have value greater than or equal to 3600'),
  ])
})

test('list members and nested structures are named by their path; lists and maps by their size', () => {
  const cloudwatch = loadModel('cloudwatch')
  const dimensions = Array.from({length: 31}, (_, i) => ({Name: `d${i}`, Value: 'v'}))
  const problems = validateInput(cloudwatch, 'PutMetricDataInput', {Namespace: 'App', MetricData: [{MetricName: 'm', Dimensions: [{Name: '', Value: 'v'}, {Value: 'v'}]}, {MetricName: 'n', Dimensions: dimensions}]})
  expect(problems).toEqual([
    at('', 'metricData.1.member.dimensions.1.member.name', 'Member must have length greater than or equal to 1'),
    "Value null at 'metricData.1.member.dimensions.2.member.name' failed to satisfy constraint: Member must not be null",
    at(`[${dimensions.map((d) => `{Name=${d.Name}, Value=v}`).join(', ')}]`, 'metricData.2.member.dimensions', 'Member must have length less than or equal to 30'),
  ])
})

test('map keys and values are checked as AWS words them, and a wrong type is named without further checks', () => {
  const lambda = loadModel('lambda')
  expect(validateInput(lambda, 'TagResourceRequest', {Resource: 'arn:aws:lambda:us-east-1:000000000000:function:fn', Tags: {team: 'v'.repeat(257)}})).toEqual([
    at('v'.repeat(257), 'tags', 'Map value must satisfy constraint: [Member must have length less than or equal to 256]'),
  ])
  expect(validateInput(lambda, 'CreateFunctionRequest', {FunctionName: 'fn', Role: 'arn:aws:iam::000000000000:role/r', Code: {}, Environment: {Variables: {'1BAD': 'x', GOOD: 'y'}}, MemorySize: '128'})).toEqual([
    at('128', 'memorySize', 'Member must be an integer'),
    at('1BAD', 'environment.variables', 'Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]'),
  ])
})

test('validationMessage counts the problems as AWS does', () => {
  expect(validationMessage(['a'])).toBe('1 validation error detected: a')
  expect(validationMessage(['a', 'b'])).toBe('2 validation errors detected: a; b')
})

test('model patterns match whole values; a pattern JavaScript cannot read is skipped rather than failing every value', () => {
  expect(modelPattern('[^:].*')?.test(':x')).toBe(false)
  expect(modelPattern('[^:].*')?.test('x:')).toBe(true)
  expect(modelPattern('[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*')?.test('ünïcode tag')).toBe(true)
  expect(modelPattern('(?<unclosed')).toBeUndefined()
})

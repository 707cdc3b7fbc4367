import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'

import {afterEach, expect, test} from 'vitest'

import {formatCall} from '../../../src/lib/aws/call-log.js'
import {createAwsClients} from '../../../src/lib/aws/clients.js'
import {tempDir} from '../../helpers/cli.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** One --verbose line: service.operation, then the outcome, then a duration. */
const LINE = /^AWS (?<call>\w+\.\w+) (?<outcome>.+?) \d+(?:\.\d+)? m?s/

test('--verbose logs every client’s calls: service, operation, HTTP status, error name and duration, and never a parameter or a credential', async () => {
  const {dir, cleanup} = await tempDir('sling-verbose-')
  cleanups.push(cleanup)
  const lines: string[] = []
  const clients = await createAwsClients({local: true, localStore: dir}, {logCall: (line) => lines.push(line)})
  cleanups.push(() => clients.close())
  const {GetFunctionCommand} = await import('@aws-sdk/client-lambda')
  const {CreateBucketCommand, PutObjectCommand} = await import('@aws-sdk/client-s3')
  const {DescribeLogGroupsCommand} = await import('@aws-sdk/client-cloudwatch-logs')
  const {DescribeAlarmsCommand} = await import('@aws-sdk/client-cloudwatch')
  const {ListRolesCommand} = await import('@aws-sdk/client-iam')
  const {GetCallerIdentityCommand} = await import('@aws-sdk/client-sts')

  await (await clients.lambda()).send(new GetFunctionCommand({FunctionName: 'absent-fn'})).catch(() => undefined)
  const s3 = await clients.s3()
  await s3.send(new CreateBucketCommand({Bucket: 'verbose-bucket'}))
  await s3.send(new PutObjectCommand({Bucket: 'verbose-bucket', Key: 'k', Body: 'TOP-SECRET-BODY'}))
  await (await clients.logs()).send(new DescribeLogGroupsCommand({}))
  await (await clients.cloudwatch()).send(new DescribeAlarmsCommand({}))
  await (await clients.iam()).send(new ListRolesCommand({}))
  await (await clients.sts()).send(new GetCallerIdentityCommand({}))

  expect(lines[0]).toBe(`AWS calls go to the local cloud at ${clients.endpoint}, region us-east-1.`)
  const calls = lines.slice(1).map((line) => LINE.exec(line)?.groups)
  expect(calls).toEqual([
    {call: 'Lambda.GetFunction', outcome: '404 ResourceNotFoundException'},
    {call: 'S3.CreateBucket', outcome: '200'},
    {call: 'S3.PutObject', outcome: '200'},
    {call: 'CloudWatchLogs.DescribeLogGroups', outcome: '200'},
    {call: 'CloudWatch.DescribeAlarms', outcome: '200'},
    {call: 'IAM.ListRoles', outcome: '200'},
    {call: 'STS.GetCallerIdentity', outcome: '200'},
  ])
  const all = lines.join('\n')
  for (const secret of ['absent-fn', 'verbose-bucket', 'TOP-SECRET-BODY', 'sling-local', 'Authorization']) expect(all).not.toContain(secret)
})

test('--verbose counts the SDK’s retries of a call and its final status', async () => {
  let requests = 0
  const server = createServer((_request, response) => {
    requests++
    // Lambda's "service unavailable" twice, then an answer: the SDK retries; the log shows one call.
    if (requests <= 2) response.writeHead(503, {'content-type': 'application/json', 'x-amzn-errortype': 'ServiceException'}).end('{"message":"busy"}')
    else response.writeHead(200, {'content-type': 'application/json'}).end('{"Configuration":{"FunctionName":"f"}}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())))
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const lines: string[] = []
  const clients = await createAwsClients({endpointUrl: endpoint, region: 'us-east-1'}, {logCall: (line) => lines.push(line)})
  cleanups.push(() => clients.close())
  const saved = {id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY}
  cleanups.push(() => {
    for (const [name, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
    return Promise.resolve()
  })
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE'
  process.env.AWS_SECRET_ACCESS_KEY = 'example-secret'
  const {GetFunctionCommand} = await import('@aws-sdk/client-lambda')
  await (await clients.lambda()).send(new GetFunctionCommand({FunctionName: 'f'}))
  expect(requests).toBe(3)
  expect(lines).toHaveLength(2)
  expect(lines[1]).toMatch(/^AWS Lambda\.GetFunction 200 \d+ ms, 2 retries/)
})

test('a call line reads as status, error, duration, retries and request id; without a status it says "failed"', () => {
  expect(formatCall({service: 'Lambda', operation: 'UpdateFunctionCode', ms: 1234.5, status: 409, attempts: 2, error: 'ResourceConflictException', requestId: 'r-1'})).toBe(
    'AWS Lambda.UpdateFunctionCode 409 ResourceConflictException 1.23 s, 1 retry (request r-1)',
  )
  expect(formatCall({service: 'S3', operation: 'HeadObject', ms: 3.2, attempts: 5, error: 'ECONNREFUSED'})).toBe('AWS S3.HeadObject failed ECONNREFUSED 3 ms, 4 retries')
})

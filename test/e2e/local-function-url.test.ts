import {execFile} from 'node:child_process'
import {promisify} from 'node:util'

import {AddPermissionCommand, CreateFunctionCommand, CreateFunctionUrlConfigCommand, waitUntilFunctionActiveV2} from '@aws-sdk/client-lambda'
import type {LambdaClient} from '@aws-sdk/client-lambda'
import {afterEach, expect, test} from 'vitest'

import {createAwsClients} from '../../src/lib/aws/clients.js'
import {zipOf} from '../helpers/aws.js'
import {tempDir} from '../helpers/cli.js'
import {serve} from './local-serve-helper.js'

const run = promisify(execFile)
/** curl's version as a comparable number (7.85.0 → 785), 0 without curl. */
const curlMatch = await run('curl', ['--version']).then(
  (result) => /^curl (\d+)\.(\d+)/.exec(result.stdout),
  () => null,
)
const curlVersion = curlMatch ? Number(curlMatch[1]) * 100 + Number(curlMatch[2]) : 0

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

// Another account's role: the local cloud checks only its own account's roles against its IAM.
const ROLE = 'arn:aws:iam::123456789012:role/web-role'
const HANDLER = "export const handler = async (event) => ({statusCode: 201, headers: {'x-app': 'sling'}, cookies: ['id=1; Path=/'], body: `hi ${event.rawPath} ${event.rawQueryString} ${event.requestContext.accountId}`})\n"

/** A `sling local serve` (the built CLI) and the Lambda client `--local` commands use. */
async function servedLambda(): Promise<{lambda: LambdaClient; port: number}> {
  const {dir, cleanup} = await tempDir('sling-url-e2e-')
  cleanups.push(cleanup)
  const served = await serve(['--port', '0', '--store', dir], cleanups)
  const clients = await createAwsClients({local: true, localStore: dir})
  cleanups.push(() => clients.close())
  return {lambda: await clients.lambda(), port: Number(new URL(served.info.endpoint).port)}
}

async function createWeb(lambda: LambdaClient, name: string): Promise<void> {
  await lambda.send(new CreateFunctionCommand({FunctionName: name, Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: await zipOf({'index.mjs': HANDLER})}}))
  await waitUntilFunctionActiveV2({client: lambda, maxWaitTime: 30, minDelay: 1}, {FunctionName: name})
}

/** curl's answer: status, headers (lower-cased; Set-Cookie as a list) and body. */
async function curl(args: readonly string[]): Promise<{status: number; headers: Record<string, string>; cookies: string[]; body: string}> {
  const {stdout} = await run('curl', ['-s', '-i', '--max-time', '20', ...args])
  const cut = stdout.indexOf('\r\n\r\n')
  const [statusLine = '', ...lines] = stdout.slice(0, cut).split('\r\n')
  const headers: Record<string, string> = {}
  const cookies: string[] = []
  for (const line of lines) {
    const colon = line.indexOf(':')
    const [name, value] = [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]
    if (name === 'set-cookie') cookies.push(value)
    else headers[name] = value
  }
  return {status: Number(statusLine.split(' ')[1]), headers, cookies, body: stdout.slice(cut + 4)}
}

test.skipIf(curlVersion === 0)('a NONE function URL answers curl with the handler\'s status, headers and body, at the printed URL and at AWS\'s host form', async () => {
  const {lambda, port} = await servedLambda()
  await createWeb(lambda, 'web')
  const {FunctionUrl: url = ''} = await lambda.send(new CreateFunctionUrlConfigCommand({FunctionName: 'web', AuthType: 'NONE'}))
  await lambda.send(new AddPermissionCommand({FunctionName: 'web', StatementId: 'public-url', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE'}))
  await lambda.send(new AddPermissionCommand({FunctionName: 'web', StatementId: 'public-invoke', Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true}))

  const answer = await curl([`${url}hello?name=ada`])
  expect([answer.status, answer.headers['x-app'], answer.cookies, answer.body]).toEqual([201, 'sling', ['id=1; Path=/'], 'hi /hello name=ada anonymous'])

  // curl resolves *.localhost to loopback itself since 7.85.0; older curls (and Node) need the printed URL,
  // or --resolve.
  const id = /\/_sling\/url\/([a-z2-7]{32})\//.exec(url)?.[1] ?? ''
  const host = `${id}.lambda-url.us-east-1.localhost`
  const byHost = await curl([...(curlVersion >= 785 ? [] : ['--resolve', `${host}:${port}:127.0.0.1`]), `http://${host}:${port}/deep/path`])
  expect([byHost.status, byHost.body]).toEqual([201, 'hi /deep/path  anonymous'])
})

// curl signs with --aws-sigv4 since 7.75.0.
test.skipIf(curlVersion < 775)('an AWS_IAM function URL refuses an unsigned request and answers one curl signs with SigV4', async () => {
  const {lambda} = await servedLambda()
  await createWeb(lambda, 'private')
  const {FunctionUrl: url = ''} = await lambda.send(new CreateFunctionUrlConfigCommand({FunctionName: 'private', AuthType: 'AWS_IAM'}))

  const unsigned = await curl([`${url}secret`])
  expect([unsigned.status, unsigned.headers['x-amzn-errortype'], JSON.parse(unsigned.body)]).toEqual([403, 'AccessDeniedException', {Message: 'Forbidden'}])

  // curl's own SigV4 signer, with the credentials `sling local serve` prints.
  const signed = await curl(['--aws-sigv4', 'aws:amz:us-east-1:lambda', '--user', 'sling-local:sling-local', `${url}secret?x=1`])
  expect([signed.status, signed.body]).toEqual([201, 'hi /secret x=1 000000000000'])
  const wrongKey = await curl(['--aws-sigv4', 'aws:amz:us-east-1:lambda', '--user', 'sling-local:wrong-secret', `${url}secret`])
  expect(wrongKey.status).toBe(403)
})

import {request as httpRequest} from 'node:http'

import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda'
import type {Cors, LambdaClient} from '@aws-sdk/client-lambda'
import {Sha256} from '@smithy/core/checksum'
import {SignatureV4} from '@smithy/signature-v4'
import {afterEach, beforeEach, describe, expect, test} from 'vitest'

import type {LambdaHarness} from './harness.js'
import {ROLE, startLambda, zipOf} from './harness.js'

/** A handler answering by path: the event itself, a bare value, a string, bytes, an error… */
const WEB = `export const handler = async (event, context) => {
  switch (event.rawPath) {
    case '/echo': return {statusCode: 201, headers: {'X-Custom': 'yes', 'content-type': 'application/json'}, cookies: ['a=1; Path=/', 'b=2'], body: JSON.stringify(event)}
    case '/bare': return {hello: 'world'}
    case '/string': return 'plain text'
    case '/binary': return {statusCode: 200, headers: {'content-type': 'image/png'}, body: Buffer.from([0, 1, 2, 255]).toString('base64'), isBase64Encoded: true}
    case '/boom': throw new Error('boom')
    case '/cors': return {statusCode: 200, headers: {'access-control-allow-origin': 'https://other.example'}, body: 'cors'}
    default: return {statusCode: 200, body: VERSION + ' ' + context.functionVersion + ' ' + event.requestContext.http.method}
  }
}
`

let h: LambdaHarness
let lambda: LambdaClient

async function createWeb(version = 'v1'): Promise<void> {
  await lambda.send(new CreateFunctionCommand({FunctionName: 'web', Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: {ZipFile: await zipOf({'index.mjs': `const VERSION = '${version}'\n${WEB}`})}}))
}

/** The public permissions a NONE URL needs on AWS since October 2025 (both). */
async function allowPublic(qualifier?: string): Promise<void> {
  const q = qualifier ? {Qualifier: qualifier} : {}
  await lambda.send(new AddPermissionCommand({FunctionName: 'web', StatementId: 'url', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE', ...q}))
  await lambda.send(new AddPermissionCommand({FunctionName: 'web', StatementId: 'url-invoke', Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true, ...q}))
}

async function createUrl(AuthType: 'NONE' | 'AWS_IAM', extra: {Qualifier?: string; Cors?: Cors} = {}): Promise<string> {
  const created = await lambda.send(new CreateFunctionUrlConfigCommand({FunctionName: 'web', AuthType, ...extra}))
  return created.FunctionUrl ?? ''
}

/** A request with the Host header a *.localhost URL would send (Node's DNS doesn't resolve those names). */
function hostRequest(port: number, host: string, path: string): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({host: '127.0.0.1', port, path, headers: {host}}, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body}))
    })
    req.on('error', reject)
    req.end()
  })
}

/** A fetch signed with SigV4 for "lambda", as the AWS SDK signs (secret "sling-local" unless told). */
async function signedFetch(url: string, init: {method?: string; body?: string; headers?: Record<string, string>} = {}, options: {secret?: string; region?: string; sendBody?: string} = {}): Promise<Response> {
  const target = new URL(url)
  const signer = new SignatureV4({credentials: {accessKeyId: 'AKIDLOCAL', secretAccessKey: options.secret ?? 'sling-local'}, region: options.region ?? 'us-east-1', service: 'lambda', sha256: Sha256})
  const query: Record<string, string[]> = {}
  for (const [key, value] of target.searchParams) (query[key] ??= []).push(value)
  const signed = await signer.sign({
    method: init.method ?? 'GET',
    protocol: 'http:',
    hostname: target.hostname,
    port: Number(target.port),
    path: target.pathname,
    query,
    headers: {host: target.host, ...init.headers},
    ...(init.body === undefined ? {} : {body: init.body}),
  })
  const body = options.sendBody ?? init.body
  return fetch(url, {method: signed.method, headers: signed.headers, ...(body === undefined ? {} : {body})})
}

/** The parts of the event the tests read. */
interface UrlEvent {
  readonly headers: Record<string, string | undefined>
  readonly requestContext: {readonly accountId: string; readonly authorizer?: {readonly iam: Record<string, unknown>}}
  readonly body?: string
}

beforeEach(async () => {
  h = await startLambda()
  lambda = h.lambda()
  await createWeb()
})
afterEach(async () => h.close())

describe('auth type NONE', () => {
  test('the API answers a URL every client reaches; it refuses the public until both permissions are granted', async () => {
    const url = await createUrl('NONE')
    expect(url).toMatch(new RegExp(`^${h.cloud.endpoint}/_sling/url/[a-z2-7]{32}/$`))
    expect((await lambda.send(new GetFunctionUrlConfigCommand({FunctionName: 'web'}))).FunctionUrl).toBe(url)

    const refused = await fetch(`${url}hello`)
    expect([refused.status, refused.headers.get('x-amzn-errortype'), await refused.json()]).toEqual([403, 'AccessDeniedException', {Message: 'Forbidden'}])
    await lambda.send(new AddPermissionCommand({FunctionName: 'web', StatementId: 'url', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE'}))
    expect((await fetch(`${url}hello`)).status).toBe(403) // lambda:InvokeFunction is required too
    await lambda.send(new AddPermissionCommand({FunctionName: 'web', StatementId: 'url-invoke', Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true}))
    const ok = await fetch(`${url}hello`)
    expect([ok.status, await ok.text()]).toEqual([200, 'v1 $LATEST GET'])
  })

  test('the function gets the payload 2.0 event; its statusCode, headers, cookies and body become the answer', async () => {
    const url = await createUrl('NONE')
    await allowPublic()
    const response = await fetch(`${url}echo?a=1&a=2&b=x%20y`, {method: 'POST', headers: {'content-type': 'application/json', cookie: 'session=abc; theme=dark', 'user-agent': 'tester/1.0', 'x-many': 'one'}, body: '{"k":"v"}'})
    expect(response.status).toBe(201)
    expect(response.headers.get('x-custom')).toBe('yes')
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2'])
    const event = (await response.json()) as UrlEvent
    const id = /\/_sling\/url\/([a-z2-7]{32})\//.exec(url)?.[1]
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/echo',
      rawQueryString: 'a=1&a=2&b=x%20y',
      cookies: ['session=abc', 'theme=dark'],
      queryStringParameters: {a: '1,2', b: 'x y'},
      body: '{"k":"v"}',
      isBase64Encoded: false,
      requestContext: {
        accountId: 'anonymous',
        apiId: id,
        domainName: `${id}.lambda-url.us-east-1.localhost`,
        domainPrefix: id,
        http: {method: 'POST', path: '/echo', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'tester/1.0'},
        routeKey: '$default',
        stage: '$default',
        time: expect.stringMatching(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/),
        timeEpoch: expect.any(Number),
      },
    })
    expect(event.headers).toMatchObject({'content-type': 'application/json', 'x-many': 'one', 'user-agent': 'tester/1.0', 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http'})
    expect(event.headers.cookie).toBeUndefined()
    expect(event.requestContext.authorizer).toBeUndefined()

    const binary = (await (await fetch(`${url}echo`, {method: 'PUT', headers: {'content-type': 'application/octet-stream'}, body: Buffer.from([0xff, 0, 1])})).json()) as Record<string, unknown>
    expect([binary.body, binary.isBase64Encoded]).toEqual([Buffer.from([0xff, 0, 1]).toString('base64'), true])
    const empty = (await (await fetch(`${url}echo`)).json()) as Record<string, unknown>
    expect(['body' in empty, 'queryStringParameters' in empty, 'cookies' in empty, empty.isBase64Encoded]).toEqual([false, false, false, false])
  })

  test('a bare value is a 200 JSON answer, base64 bodies are decoded, a function error is a 502', async () => {
    const url = await createUrl('NONE')
    await allowPublic()
    const bare = await fetch(`${url}bare`)
    expect([bare.status, bare.headers.get('content-type'), await bare.text()]).toEqual([200, 'application/json', '{"hello":"world"}'])
    const text = await fetch(`${url}string`)
    expect([text.status, await text.text()]).toEqual([200, 'plain text'])
    const binary = await fetch(`${url}binary`)
    expect([binary.status, binary.headers.get('content-type'), Buffer.from(await binary.arrayBuffer())]).toEqual([200, 'image/png', Buffer.from([0, 1, 2, 255])])
    const boom = await fetch(`${url}boom`)
    expect([boom.status, await boom.text()]).toEqual([502, 'Internal Server Error'])
  })

  test("AWS's host form is served too; a URL on an alias runs the alias's version; a throttled function answers 429", async () => {
    await lambda.send(new PublishVersionCommand({FunctionName: 'web'}))
    await lambda.send(new CreateAliasCommand({FunctionName: 'web', Name: 'live', FunctionVersion: '1'}))
    await lambda.send(new UpdateFunctionCodeCommand({FunctionName: 'web', ZipFile: await zipOf({'index.mjs': `const VERSION = 'v2'\n${WEB}`})}))
    const url = await createUrl('NONE', {Qualifier: 'live'})
    await allowPublic('live')
    const id = /\/_sling\/url\/([a-z2-7]{32})\//.exec(url)?.[1] ?? ''
    const port = h.cloud.port
    expect(await hostRequest(port, `${id}.lambda-url.us-east-1.localhost:${port}`, '/any/path?x=1')).toEqual({status: 200, body: 'v1 1 GET'})
    expect(await (await fetch(url)).text()).toBe('v1 1 GET')

    await lambda.send(new PutFunctionConcurrencyCommand({FunctionName: 'web', ReservedConcurrentExecutions: 0}))
    const throttled = await fetch(url)
    expect([throttled.status, await throttled.json()]).toEqual([429, {Message: 'Rate Exceeded.'}])
  })

  test('an unknown or deleted URL is refused; a re-created URL has a new address', async () => {
    const url = await createUrl('NONE')
    await allowPublic()
    expect((await fetch(`${h.cloud.endpoint}/_sling/url/${'a'.repeat(32)}/`)).status).toBe(403)
    await lambda.send(new DeleteFunctionUrlConfigCommand({FunctionName: 'web'}))
    expect((await fetch(url)).status).toBe(403)
    const again = await createUrl('NONE')
    expect(again).not.toBe(url)
    expect((await fetch(again)).status).toBe(200)
  })
})

describe('auth type AWS_IAM', () => {
  test('an unsigned or badly signed request is refused; a SigV4-signed one runs with the caller in requestContext', async () => {
    const url = await createUrl('AWS_IAM')
    const unsigned = await fetch(`${url}echo`)
    expect([unsigned.status, unsigned.headers.get('x-amzn-errortype'), await unsigned.json()]).toEqual([403, 'AccessDeniedException', {Message: 'Forbidden'}])

    const wrongSecret = await signedFetch(`${url}echo`, {}, {secret: 'not-the-secret'})
    expect(wrongSecret.status).toBe(403)
    expect(((await wrongSecret.json()) as {Message: string}).Message).toMatch(/^The request signature we calculated does not match/)
    expect((await signedFetch(`${url}echo`, {}, {region: 'eu-west-1'})).status).toBe(403)

    const signed = await signedFetch(`${url}echo?q=a%2Fb&q=2`, {method: 'POST', body: '{"n":1}', headers: {'content-type': 'application/json'}})
    expect(signed.status).toBe(201)
    const event = (await signed.json()) as UrlEvent
    expect(event.requestContext.accountId).toBe('000000000000')
    expect(event.requestContext.authorizer?.iam).toMatchObject({accessKey: 'AKIDLOCAL', accountId: '000000000000', userArn: 'arn:aws:iam::000000000000:user/sling-local'})
    expect(event.body).toBe('{"n":1}')
    // A body changed after signing no longer matches.
    const tampered = await signedFetch(`${url}echo`, {method: 'POST', body: 'signed'}, {sendBody: 'changed'})
    expect(tampered.status).toBe(403)
  })
})

describe('CORS', () => {
  const cors: Cors = {AllowOrigins: ['https://app.example'], AllowMethods: ['GET', 'POST'], AllowHeaders: ['x-token'], ExposeHeaders: ['x-custom'], MaxAge: 300, AllowCredentials: true}

  test('a preflight is answered from the URL config without invoking; responses carry its headers over the function\'s', async () => {
    const url = await createUrl('NONE', {Cors: cors})
    await allowPublic()
    const preflight = await fetch(`${url}cors`, {method: 'OPTIONS', headers: {origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'X-Token'}})
    expect(preflight.status).toBe(200)
    expect(await preflight.text()).toBe('')
    expect(Object.fromEntries([...preflight.headers].filter(([name]) => name.startsWith('access-control-')))).toEqual({
      'access-control-allow-origin': 'https://app.example',
      'access-control-allow-methods': 'GET,POST',
      'access-control-allow-headers': 'x-token',
      'access-control-max-age': '300',
      'access-control-allow-credentials': 'true',
    })
    const refusedOrigin = await fetch(`${url}cors`, {method: 'OPTIONS', headers: {origin: 'https://evil.example', 'access-control-request-method': 'POST'}})
    expect(refusedOrigin.headers.get('access-control-allow-origin')).toBeNull()
    const refusedMethod = await fetch(`${url}cors`, {method: 'OPTIONS', headers: {origin: 'https://app.example', 'access-control-request-method': 'DELETE'}})
    expect(refusedMethod.headers.get('access-control-allow-origin')).toBeNull()

    const actual = await fetch(`${url}cors`, {headers: {origin: 'https://app.example'}})
    expect([actual.status, await actual.text()]).toEqual([200, 'cors'])
    expect(actual.headers.get('access-control-allow-origin')).toBe('https://app.example')
    expect(actual.headers.get('access-control-expose-headers')).toBe('x-custom')
    expect(actual.headers.get('access-control-allow-credentials')).toBe('true')
  })

  test('without a CORS config, OPTIONS reaches the function', async () => {
    const url = await createUrl('NONE')
    await allowPublic()
    const options = await fetch(`${url}other`, {method: 'OPTIONS', headers: {origin: 'https://app.example', 'access-control-request-method': 'POST'}})
    expect([options.status, await options.text()]).toEqual([200, 'v1 $LATEST OPTIONS'])
  })
})

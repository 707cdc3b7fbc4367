/**
 * HTTP events, in the shapes AWS documents: API Gateway HTTP API (payload format 2.0, also what a function
 * URL sends), API Gateway REST API (proxy integration, payload format 1.0) and an Application Load
 * Balancer target group. All header names are lower case, as API Gateway 2.0 and ALB deliver them.
 */
import type {SampleEvent, SampleEventContext} from './event-formats.js'
import {clfDate, hex, randomIp} from './event-formats.js'

const USER_AGENT = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15'
const BODY = JSON.stringify({message: 'hello from sling'})

/** API Gateway's request ids for HTTP APIs: 16 characters of base64 ("JKJaXmPLvHcESHA="). */
function apiRequestId(): string {
  return `${Buffer.from(hex(11), 'hex').toString('base64').replaceAll('/', 'A').replaceAll('+', 'B').slice(0, 15)}=`
}

function apiId(): string {
  return hex(5).replace(/^\d/, 'a')
}

function traceHeader(context: SampleEventContext): string {
  return `Root=1-${Math.floor(context.now.getTime() / 1000).toString(16)}-${hex(12)}`
}

export const apigw: SampleEvent = {
  name: 'apigw',
  description: 'API Gateway HTTP API or function URL request (payload format 2.0)',
  build(context) {
    const id = apiId()
    const domain = `${id}.execute-api.${context.region}.amazonaws.com`
    const sourceIp = randomIp()
    return {
      version: '2.0',
      routeKey: '$default',
      rawPath: '/',
      rawQueryString: '',
      headers: {
        accept: 'application/json',
        'content-length': String(Buffer.byteLength(BODY)),
        'content-type': 'application/json',
        host: domain,
        'user-agent': USER_AGENT,
        'x-amzn-trace-id': traceHeader(context),
        'x-forwarded-for': sourceIp,
        'x-forwarded-port': '443',
        'x-forwarded-proto': 'https',
      },
      requestContext: {
        accountId: context.accountId,
        apiId: id,
        domainName: domain,
        domainPrefix: id,
        http: {method: 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp, userAgent: USER_AGENT},
        requestId: apiRequestId(),
        routeKey: '$default',
        stage: '$default',
        time: clfDate(context.now),
        timeEpoch: context.now.getTime(),
      },
      body: BODY,
      isBase64Encoded: false,
    }
  },
  fix(event, paths) {
    // A handler may read the path or method from either place: keep them saying the same thing.
    const http = (event.requestContext as {http?: Record<string, unknown>} | undefined)?.http
    if (http && paths.includes('rawPath') && !paths.some((p) => p.startsWith('requestContext'))) http.path = event.rawPath
    const headers = event.headers as Record<string, string> | undefined
    if (headers && paths.includes('body') && typeof event.body === 'string') headers['content-length'] = String(Buffer.byteLength(event.body))
  },
}

export const apigwRest: SampleEvent = {
  name: 'apigw-rest',
  description: 'API Gateway REST API request (Lambda proxy integration, payload format 1.0)',
  build(context) {
    const id = apiId()
    const domain = `${id}.execute-api.${context.region}.amazonaws.com`
    const sourceIp = randomIp()
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      Host: domain,
      'User-Agent': USER_AGENT,
      'X-Amzn-Trace-Id': traceHeader(context),
      'X-Forwarded-For': sourceIp,
      'X-Forwarded-Port': '443',
      'X-Forwarded-Proto': 'https',
    }
    return {
      resource: '/',
      path: '/',
      httpMethod: 'POST',
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      stageVariables: null,
      requestContext: {
        accountId: context.accountId,
        apiId: id,
        domainName: domain,
        domainPrefix: id,
        extendedRequestId: apiRequestId(),
        httpMethod: 'POST',
        identity: {
          accessKey: null, accountId: null, caller: null, cognitoAuthenticationProvider: null, cognitoAuthenticationType: null,
          cognitoIdentityId: null, cognitoIdentityPoolId: null, principalOrgId: null, sourceIp, user: null, userAgent: USER_AGENT, userArn: null,
        },
        path: '/prod/',
        protocol: 'HTTP/1.1',
        requestId: context.uuid(),
        requestTime: clfDate(context.now),
        requestTimeEpoch: context.now.getTime(),
        resourceId: hex(3),
        resourcePath: '/',
        stage: 'prod',
      },
      body: BODY,
      isBase64Encoded: false,
    }
  },
  fix(event, paths) {
    const requestContext = event.requestContext as Record<string, unknown> | undefined
    if (!requestContext || paths.some((p) => p.startsWith('requestContext'))) return
    if (paths.includes('path')) requestContext.path = `/${String(requestContext.stage)}${String(event.path)}`
    if (paths.includes('httpMethod')) requestContext.httpMethod = event.httpMethod
    if (paths.includes('resource')) requestContext.resourcePath = event.resource
  },
}

export const alb: SampleEvent = {
  name: 'alb',
  description: 'Application Load Balancer request to a Lambda target group',
  build(context) {
    const name = `lambda-${hex(4)}`
    return {
      requestContext: {elb: {targetGroupArn: `arn:aws:elasticloadbalancing:${context.region}:${context.accountId}:targetgroup/${name}/${hex(8)}`}},
      httpMethod: 'GET',
      path: '/',
      queryStringParameters: {},
      headers: {
        accept: 'application/json',
        'accept-encoding': 'gzip',
        connection: 'keep-alive',
        host: `${name}-${Math.floor(Math.random() * 1e9)}.${context.region}.elb.amazonaws.com`,
        'user-agent': USER_AGENT,
        'x-amzn-trace-id': traceHeader(context),
        'x-forwarded-for': randomIp(),
        'x-forwarded-port': '80',
        'x-forwarded-proto': 'http',
      },
      body: '',
      isBase64Encoded: false,
    }
  },
}

/**
 * A function URL request as Lambda hands it to the function — the payload format 2.0 event — and
 * the function's result as Lambda turns it into HTTP: an object with `statusCode` describes the
 * response (headers, cookies as Set-Cookie, body, isBase64Encoded); any other JSON value is a 200
 * `application/json` response with that value as its body (a string as is).
 */
import {randomUUID} from 'node:crypto'
import type {IncomingMessage} from 'node:http'

/** The caller of an AWS_IAM URL, as `requestContext.authorizer.iam` names it. */
export interface IamCaller {
  readonly accessKey: string
  readonly accountId: string
  readonly userArn: string
  readonly userId: string
}

export interface UrlRequest {
  readonly raw: IncomingMessage
  readonly urlId: string
  readonly region: string
  /** The path after the URL's address ("/" at least), as sent (not decoded). */
  readonly rawPath: string
  readonly rawQueryString: string
  readonly body: Buffer
  /** The function's account, for an AWS_IAM caller (NONE callers are "anonymous"). */
  readonly caller?: IamCaller
}

/** Bodies of these types reach the function as text; any other body is base64-encoded. */
const TEXT_TYPE = /^text\/|json|xml|javascript/i

/** "12/Mar/2020:19:03:58 +0000", the request time as Lambda writes it. */
function clfTime(date: Date): string {
  const month = date.toLocaleString('en-US', {month: 'short', timeZone: 'UTC'})
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${pad(date.getUTCDate())}/${month}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '))
  } catch {
    return text
  }
}

/** Query parameters, repeated ones joined with commas; undefined when there are none. */
function queryParameters(raw: string): Record<string, string> | undefined {
  const params: Record<string, string> = {}
  for (const pair of raw.split('&').filter(Boolean)) {
    const cut = pair.indexOf('=')
    const [key, value] = cut < 0 ? [decode(pair), ''] : [decode(pair.slice(0, cut)), decode(pair.slice(cut + 1))]
    params[key] = key in params ? `${params[key]},${value}` : value
  }
  return Object.keys(params).length ? params : undefined
}

function bodyOf(body: Buffer, contentType: string | undefined): {body?: string; isBase64Encoded: boolean} {
  if (body.length === 0) return {isBase64Encoded: false}
  const text = body.toString('utf8')
  // Text only when its type says so and its bytes are valid UTF-8 (they survive the round trip).
  if (TEXT_TYPE.test(contentType ?? '') && Buffer.from(text, 'utf8').equals(body)) return {body: text, isBase64Encoded: false}
  return {body: body.toString('base64'), isBase64Encoded: true}
}

/** The payload format 2.0 event for one request. */
export function urlEvent(request: UrlRequest, now = new Date()): Record<string, unknown> {
  const {raw} = request
  const headers: Record<string, string> = {}
  let cookies: string[] = []
  for (const [name, values] of Object.entries(raw.headersDistinct)) {
    if (!values) continue
    if (name === 'cookie') cookies = values.flatMap((value) => value.split(';').map((cookie) => cookie.trim()).filter(Boolean))
    else headers[name] = values.join(',')
  }
  const sourceIp = raw.socket.remoteAddress ?? '127.0.0.1'
  headers['x-forwarded-for'] ??= sourceIp
  headers['x-forwarded-proto'] ??= 'http'
  headers['x-forwarded-port'] ??= String(raw.socket.localPort ?? '')
  headers['x-amzn-trace-id'] ??= `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)}`
  const caller = request.caller
  const query = queryParameters(request.rawQueryString)
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    ...(cookies.length ? {cookies} : {}),
    headers,
    ...(query ? {queryStringParameters: query} : {}),
    requestContext: {
      accountId: caller ? caller.accountId : 'anonymous',
      apiId: request.urlId,
      ...(caller ? {authorizer: {iam: {accessKey: caller.accessKey, accountId: caller.accountId, callerId: caller.userId, cognitoIdentity: null, principalOrgId: null, userArn: caller.userArn, userId: caller.userId}}} : {}),
      domainName: `${request.urlId}.lambda-url.${request.region}.localhost`,
      domainPrefix: request.urlId,
      http: {method: raw.method ?? 'GET', path: request.rawPath, protocol: `HTTP/${raw.httpVersion}`, sourceIp, userAgent: headers['user-agent'] ?? ''},
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...bodyOf(request.body, headers['content-type']),
  }
}

/** An HTTP response to write. */
export interface UrlResponse {
  readonly status: number
  readonly headers: Record<string, string | string[]>
  readonly body: Buffer
}

/** What Lambda answers when the function failed or returned what it can't turn into HTTP. */
export const BAD_GATEWAY: UrlResponse = {status: 502, headers: {'content-type': 'text/plain; charset=utf-8'}, body: Buffer.from('Internal Server Error')}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** A header value the function returned: scalars as text, lists comma-joined; anything else is dropped. */
function headerValue(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return value.filter((item) => ['string', 'number', 'boolean'].includes(typeof item)).map((item) => String(item as string)).join(',')
  return undefined
}

/** A response object's fields (statusCode present); undefined when they can't form a response. */
function described(result: Record<string, unknown>): UrlResponse | undefined {
  const status = Number(result.statusCode)
  if (!Number.isInteger(status) || status < 100 || status > 599) return undefined
  const headers: Record<string, string | string[]> = {'content-type': 'application/json'}
  if (result.headers !== undefined && !isRecord(result.headers)) return undefined
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    const text = headerValue(value)
    if (text !== undefined) headers[name.toLowerCase()] = text
  }
  const cookies = Array.isArray(result.cookies) ? result.cookies.map(String) : []
  if (cookies.length) headers['set-cookie'] = cookies
  const raw = result.body
  const text = raw === undefined || raw === null ? '' : typeof raw === 'string' ? raw : JSON.stringify(raw)
  const body = result.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8')
  return {status, headers, body}
}

/** The HTTP response for a function's result payload (JSON text). */
export function urlResponse(payload: string): UrlResponse {
  let result: unknown
  try {
    result = JSON.parse(payload || 'null')
  } catch {
    return BAD_GATEWAY
  }
  if (isRecord(result) && 'statusCode' in result) return described(result) ?? BAD_GATEWAY
  const body = typeof result === 'string' ? result : JSON.stringify(result)
  return {status: 200, headers: {'content-type': 'application/json'}, body: Buffer.from(body, 'utf8')}
}

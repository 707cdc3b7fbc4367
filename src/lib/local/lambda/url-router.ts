/**
 * Serving function URLs (router "function-urls"; dispatch.ts sends it requests for
 * `<id>.lambda-url.<region>.localhost` hosts and `/_sling/url/<id>/…` paths). A request finds its URL
 * config, is answered by CORS if it is a preflight, is authorised (AWS_IAM: a SigV4 signature; NONE:
 * the public permissions), becomes the payload 2.0 event, runs the function synchronously in the
 * shared runtime, and its result becomes the HTTP answer. Refusals are Lambda URL's JSON
 * (`{"Message": …}` with x-amzn-ErrorType). RESPONSE_STREAM URLs answer buffered.
 */
import {randomUUID} from 'node:crypto'
import type {ServerResponse} from 'node:http'

import type {FunctionUrlConfig} from '@aws-sdk/client-lambda'

import {BodyTooLargeError} from '../body.js'
import type {LocalContext, LocalRequest, ProtocolError, ServiceRouter} from '../contract.js'
import {ServiceError} from '../contract.js'
import {acquireInvokeService} from './invoke-shared.js'
import {SYNC_PAYLOAD_LIMIT} from './payload.js'
import {statementsFor} from './permission.js'
import {LambdaError} from './protocol.js'
import type {FunctionRecord} from './records.js'
import {functionsCollection} from './records.js'
import {resolveInvocationTarget} from './resolve.js'
import type {UrlIndexEntry} from './url.js'
import {functionUrlId, URL_INDEX} from './url.js'
import {checkSignature, publicAccessAllowed} from './url-auth.js'
import {isPreflight, preflightHeaders, responseCorsHeaders} from './url-cors.js'
import type {IamCaller, UrlResponse} from './url-event.js'
import {BAD_GATEWAY, urlEvent, urlResponse} from './url-event.js'

const HOST = /^([a-z0-9]{32})\.lambda-url\.([a-z0-9-]+)\.localhost(?::\d+)?$/i
const PATH = /^\/_sling\/url\/([a-z0-9]{32})(\/.*)?$/

/** The URL id a request addresses and the path after the URL's address, or undefined when it isn't a function URL request. */
export function urlTarget(host: string | undefined, rawUrl: string): {urlId: string; rawPath: string; rawQuery: string} | undefined {
  const cut = rawUrl.indexOf('?')
  const [path, rawQuery] = cut < 0 ? [rawUrl, ''] : [rawUrl.slice(0, cut), rawUrl.slice(cut + 1)]
  const byHost = HOST.exec(host ?? '')
  if (byHost?.[1]) return {urlId: byHost[1].toLowerCase(), rawPath: path || '/', rawQuery}
  const byPath = PATH.exec(path)
  if (byPath?.[1]) return {urlId: byPath[1], rawPath: byPath[2] ?? '/', rawQuery}
  return undefined
}

const forbidden = (message = 'Forbidden'): ServiceError => new ServiceError(403, 'AccessDeniedException', message)

/** The URL config, function and region a URL id leads to; Forbidden when there is none (as for a deleted URL). */
async function findUrl(context: LocalContext, urlId: string): Promise<{entry: UrlIndexEntry; fn: FunctionRecord; config: FunctionUrlConfig}> {
  const entry = await context.store.get<UrlIndexEntry>(URL_INDEX, urlId)
  const fn = entry ? await context.store.get<FunctionRecord>(functionsCollection(entry.region), entry.functionName) : undefined
  const config = entry && fn?.urls[entry.qualifier]
  // The index may outlive its URL (the function was deleted, the URL re-created): the id must still be this URL's.
  if (!entry || !fn || !config || functionUrlId(entry.region, fn.name, entry.qualifier, config) !== urlId) throw forbidden()
  return {entry, fn, config}
}

async function readBody(request: LocalRequest): Promise<Buffer> {
  try {
    return await request.body(SYNC_PAYLOAD_LIMIT)
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new ServiceError(413, 'RequestEntityTooLargeException', `Request must be smaller than ${SYNC_PAYLOAD_LIMIT} bytes for the InvokeFunction operation`)
    throw error
  }
}

function headerText(request: LocalRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function write(response: ServerResponse, answer: UrlResponse, extra: Record<string, string> = {}): void {
  response.writeHead(answer.status, {...answer.headers, ...extra, 'content-length': String(answer.body.length)})
  response.end(answer.body)
}

function writeUrlError(response: ServerResponse, error: ProtocolError): void {
  const body = Buffer.from(JSON.stringify({Message: error.message}))
  const retry = error.status === 429 ? {'retry-after': '1'} : {}
  response.writeHead(error.status, {'content-type': 'application/json', 'x-amzn-errortype': error.code, 'x-amzn-requestid': randomUUID(), ...retry, 'content-length': String(body.length)})
  response.end(body)
}

/** A refusal from running the function, in Lambda URL's words (throttling is a 429). */
function invokeRefusal(error: LambdaError): ServiceError {
  if (error.code === 'TooManyRequestsException') return new ServiceError(429, 'TooManyRequestsException', 'Rate Exceeded.')
  return new ServiceError(error.status >= 500 ? 502 : error.status, error.code, error.message)
}

/** Creates the router that serves function URLs, sharing Lambda's runtime. */
export function createFunctionUrlRouter(context: LocalContext): ServiceRouter {
  const {service, release} = acquireInvokeService(context)
  async function handle(request: LocalRequest, response: ServerResponse): Promise<void> {
    const target = urlTarget(request.headers.host, request.raw.url ?? '/')
    if (!target) throw forbidden()
    const {entry, fn, config} = await findUrl(context, target.urlId)
    const cors = config.Cors
    const headers = {origin: headerText(request, 'origin'), 'access-control-request-method': headerText(request, 'access-control-request-method'), 'access-control-request-headers': headerText(request, 'access-control-request-headers')}
    if (cors && isPreflight(request.method, headers)) {
      write(response, {status: 200, headers: preflightHeaders(cors, headers), body: Buffer.alloc(0)})
      return
    }
    const body = await readBody(request)
    let caller: IamCaller | undefined
    if (config.AuthType === 'AWS_IAM') {
      const signature = await checkSignature({method: request.method, headers: request.headers, rawPath: request.raw.url?.split('?')[0] ?? '/', rawQuery: target.rawQuery, body, region: entry.region})
      if (!signature.ok) throw forbidden(signature.message)
      caller = {accessKey: signature.accessKey, accountId: context.accountId, userArn: `arn:aws:iam::${context.accountId}:user/sling-local`, userId: 'AIDASLINGLOCALUSER000'}
    } else if (!publicAccessAllowed(statementsFor(fn, entry.qualifier || undefined) ?? [])) {
      throw forbidden()
    }
    const event = urlEvent({raw: request.raw, urlId: target.urlId, region: entry.region, rawPath: target.rawPath, rawQueryString: target.rawQuery, body, ...(caller ? {caller} : {})})
    const requestId = randomUUID()
    let answer: UrlResponse
    try {
      const invocation = await resolveInvocationTarget(context.store, entry.region, fn.name, entry.qualifier || undefined, context.accountId)
      const result = await service.invokeTarget(invocation, entry.region, {requestId, payload: JSON.stringify(event)})
      answer = result.functionError || Buffer.byteLength(result.payload) > SYNC_PAYLOAD_LIMIT ? BAD_GATEWAY : urlResponse(result.payload)
    } catch (error) {
      if (error instanceof LambdaError) throw invokeRefusal(error)
      throw error
    }
    // The URL's CORS headers win over the function's own.
    write(response, answer, {...(cors ? responseCorsHeaders(cors, headers.origin) : {}), 'x-amzn-requestid': requestId})
  }
  return {
    service: 'function-urls',
    operation: () => 'InvokeFunctionUrl',
    writeError: (response, error) => writeUrlError(response, error),
    async handle(request, response) {
      try {
        await handle(request, response)
      } catch (error) {
        if (!(error instanceof ServiceError) || response.headersSent) throw error
        writeUrlError(response, error)
      }
    },
    close: release,
  }
}

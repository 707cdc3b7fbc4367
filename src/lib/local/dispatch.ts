/**
 * The local cloud's HTTP side: one loopback server that hands each call to the router of the service
 * it is for — function URLs by host or path, then by the SigV4 signing name, else (unsigned) the
 * X-Amz-Target prefix, else Lambda's or S3's path shapes — and answers, in the caller's protocol, services it doesn't emulate. It knows no
 * service: server.ts passes it the routers.
 */
import {createServer} from 'node:http'
import type {IncomingHttpHeaders, IncomingMessage, Server, ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import {DEFAULT_REGION} from '../aws/settings.js'
import {bodyStream, discardRest, readBody} from './body.js'
import type {CallRecorder} from './calls.js'
import type {LocalContext, LocalRequest, ServiceRouter} from './contract.js'
import {faultsFor} from './faults.js'
import {createUnemulatedRouter, UNEMULATED_TARGETS} from './unemulated.js'

const SCOPE = /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/

/** Reads the service and region from the SigV4 scope (header or presigned query). */
export function signingScope(headers: IncomingHttpHeaders, url: URL): {service?: string; region?: string} {
  const auth = headers.authorization ?? ''
  const match = SCOPE.exec(auth) ?? SCOPE.exec(`Credential=${url.searchParams.get('X-Amz-Credential') ?? ''}`)
  if (match) return {region: match[1], service: match[2]}
  return {}
}

/** A region name as a path segment and an ARN part can carry it ("us-east-1", or a custom "local"). */
const REGION = /^[a-z0-9][a-z0-9-]{0,49}$/

/** The routers by signing name, and by X-Amz-Target prefix for unsigned JSON calls. */
export interface Routes {
  readonly bySigningName: ReadonlyMap<string, ServiceRouter>
  readonly byTarget: ReadonlyMap<string, string>
}

export function routesOf(routers: readonly ServiceRouter[]): Routes {
  const byTarget = new Map(Object.entries(UNEMULATED_TARGETS))
  for (const router of routers) if (router.targetPrefix) byTarget.set(router.targetPrefix, router.service)
  return {bySigningName: new Map(routers.map((router) => [router.service, router])), byTarget}
}

/**
 * Function URL requests (served by the "function-urls" router): `<id>.lambda-url.<region>.localhost`
 * hosts, and `/_sling/url/<id>/…` paths for clients that don't resolve *.localhost. They go by host or
 * path before the signature: an AWS_IAM URL's request is signed for "lambda".
 */
const FUNCTION_URL_HOST = /^[a-z0-9]+\.lambda-url\.([a-z0-9-]+)\.localhost(?::\d+)?$/i

function functionUrlCall(headers: IncomingHttpHeaders, url: URL): {region?: string} | undefined {
  const region = FUNCTION_URL_HOST.exec(headers.host ?? '')?.[1]
  if (region !== undefined) return {region}
  return url.pathname.startsWith('/_sling/url/') ? {} : undefined
}

/** The service of an unsigned call: its X-Amz-Target prefix, else Lambda's dated paths, else S3. */
function guessService(headers: IncomingHttpHeaders, url: URL, routes: Routes): string {
  const target = String(headers['x-amz-target'] ?? '')
  const byTarget = target ? routes.byTarget.get(target.split('.')[0] ?? '') : undefined
  if (byTarget) return byTarget
  if (/^\/20\d\d-\d\d-\d\d\//.test(url.pathname)) return 'lambda'
  return 's3'
}

/** Serves `routes` on loopback until the server is closed. */
export async function listenLocal(routes: Routes, context: LocalContext, options: {port: number; host: string; calls: CallRecorder}): Promise<{server: Server; port: number}> {
  const unemulated = new Map<string, ServiceRouter>()
  const routerFor = (service: string): ServiceRouter => {
    const known = routes.bySigningName.get(service)
    if (known) return known
    let router = unemulated.get(service)
    if (!router) unemulated.set(service, (router = createUnemulatedRouter(service)))
    return router
  }
  const server = createServer((req, res) => {
    handleRequest(req, res, routes, routerFor, context, options.calls).catch((error: unknown) => {
      // Reached only when no router could answer (even its error writer failed): no protocol to answer in.
      if (!res.headersSent) res.writeHead(500, {'content-type': 'text/plain'})
      res.end(`sling local cloud: ${messageOf(error)}`)
    })
  })
  server.keepAliveTimeout = 5_000
  const port = await listen(server, options.port, options.host)
  return {server, port}
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, routes: Routes, routerFor: (service: string) => ServiceRouter, context: LocalContext, calls: CallRecorder): Promise<void> {
  const url = parseTarget(req.url ?? '/')
  if (!url) {
    res.writeHead(400, {'content-type': 'text/plain'})
    res.end(`sling local cloud: the request target "${req.url ?? ''}" isn't a URL path.`)
    return
  }
  if (url.pathname === '/_sling/health') {
    res.writeHead(200, {'content-type': 'application/json'})
    res.end(JSON.stringify({ok: true, store: context.store.dir, pid: process.pid}))
    return
  }
  if (url.pathname === '/_sling/calls' && req.method === 'GET') {
    const body = JSON.stringify(calls.report(url.searchParams.get('reset') === '1'))
    res.writeHead(200, {'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body))})
    res.end(body)
    return
  }
  // A client that asked to close may still be sending when a refusal answers it: the connection stays
  // open after the answer, so the rest can be discarded (discardRest) while the client reads the answer.
  if (!req.complete && /\bclose\b/i.test(req.headers.connection ?? '')) res.setHeader('connection', 'keep-alive')
  const request = localRequest(req, url, routes)
  const router = routerFor(request.service)
  try {
    await serve(router, request, res, context)
    // Counted once answered, before the caller can read the answer in this process (an RPC router has
    // read the operation from the body by then).
    calls.record({service: request.service, operation: operationName(router, request), status: res.statusCode, method: request.method})
  } finally {
    discardRest(req)
  }
}

function localRequest(req: IncomingMessage, url: URL, routes: Routes): LocalRequest {
  const scope = signingScope(req.headers, url)
  const urlCall = functionUrlCall(req.headers, url)
  let buffered: Promise<Buffer> | undefined
  return {
    method: req.method ?? 'GET',
    url,
    headers: req.headers,
    service: urlCall ? 'function-urls' : (scope.service ?? guessService(req.headers, url, routes)),
    region: urlCall?.region ?? scope.region ?? DEFAULT_REGION,
    raw: req,
    body: (limit) => (buffered ??= readBody(req, limit)),
    stream: () => bodyStream(req),
  }
}

/** Hands the request to its router; whatever happens, the caller gets an answer in the router's protocol. */
async function serve(router: ServiceRouter, request: LocalRequest, res: ServerResponse, context: LocalContext): Promise<void> {
  if (!REGION.test(request.region)) {
    // State is kept per region on disk: a region like ".." must never reach a path. AWS answers this.
    router.writeError(res, {status: 403, code: 'InvalidSignatureException', message: `Credential should be scoped to a valid region, not '${request.region}'. `}, request)
    return
  }
  try {
    const fault = await context.settings.faults.pick(request, router.operation?.(request))
    if (fault) router.writeError(res, fault, request)
    else await router.handle(request, res)
  } catch (error) {
    // A bug, not a refusal (routers answer those): still an answer in the caller's protocol.
    if (res.headersSent) res.destroy()
    else router.writeError(res, {...faultsFor(router.service).serverError, message: `The sling local cloud failed: ${messageOf(error)}`}, request)
  }
}

function operationName(router: ServiceRouter, request: LocalRequest): string {
  try {
    return router.operation?.(request) ?? 'Unknown'
  } catch {
    return 'Unknown'
  }
}

function parseTarget(target: string): URL | undefined {
  try {
    return new URL(target, 'http://127.0.0.1')
  } catch {
    return undefined
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port))
  })
}

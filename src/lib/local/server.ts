import {createServer} from 'node:http'
import type {IncomingHttpHeaders, IncomingMessage, Server, ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import type {Readable} from 'node:stream'

import {DEFAULT_REGION, LOCAL_ACCOUNT_ID} from '../aws/settings.js'
import {bodyStream, discardRest, readBody} from './body.js'
import {faultsFor} from './faults.js'
import type {LocalSettings} from './settings.js'
import {readLocalSettings, readStoreSettings} from './settings.js'
import {Store} from './store.js'

/** One incoming AWS call, with what the local cloud needs to route it. */
export interface LocalRequest {
  readonly method: string
  readonly url: URL
  readonly headers: IncomingHttpHeaders
  /** The AWS service the caller signed for (SigV4 credential scope), e.g. "lambda", "logs", "s3", "iam". */
  readonly service: string
  /** The region the caller signed for; state is kept per region. */
  readonly region: string
  readonly raw: IncomingMessage
  /**
   * The whole body, buffered once (later calls share the first call's result and limit). It rejects
   * with a `BodyTooLargeError` as soon as the declared Content-Length or the bytes received pass
   * `limit`: no more than `limit` bytes are ever held, and the server discards the rest of the body
   * once the router has answered (in its protocol) so the client reads that answer.
   */
  body(limit: number): Promise<Buffer>
  /**
   * The body as a stream, for bodies too large to buffer (S3 objects): its consumer enforces the
   * limit. Destroying it stops reading without resetting the connection; it errors if the client
   * disconnects before the end.
   */
  stream(): Readable
}

/** What every service router shares: one store, one account, the settings. */
export interface LocalContext {
  readonly store: Store
  readonly accountId: string
  readonly settings: LocalSettings
  /** The base URL callers reach this server at (set once listening). */
  endpoint(): string
}

/** An error in the shape a protocol expects; each router knows how to write its own. */
export interface ProtocolError {
  readonly status: number
  readonly code: string
  readonly message: string
  /** Extra modelled fields (e.g. Lambda's Type, retryAfterSeconds). */
  readonly fields?: Record<string, unknown>
}

/** One AWS service over one wire protocol (REST-JSON, JSON 1.1, REST-XML, Query). */
export interface ServiceRouter {
  /** The SigV4 signing name this router answers for. */
  readonly service: string
  handle(request: LocalRequest, response: ServerResponse): Promise<void>
  /** Writes `error` as this protocol's error response. */
  writeError(response: ServerResponse, error: ProtocolError, request: LocalRequest): void
  /** Stops background work (warm workers, queues). */
  close?(): Promise<void>
  /** The AWS operation a request calls, when cheap to tell (lets SLING_LOCAL_FAULT_OPS select operations). */
  operation?(request: LocalRequest): string | undefined
}

export type RouterFactory = (context: LocalContext) => ServiceRouter | Promise<ServiceRouter>

/** A running local cloud. */
export interface LocalCloud {
  readonly endpoint: string
  readonly port: number
  readonly store: Store
  close(): Promise<void>
}

export interface StartOptions {
  readonly storeDir: string
  /** @default 0 (any free port) */
  readonly port?: number
  /** Always loopback: the local cloud has no authentication. @default "127.0.0.1" */
  readonly host?: string
  readonly settings?: Partial<LocalSettings>
  /** The service routers to serve. @default every router services.ts registers */
  readonly routers?: readonly RouterFactory[]
}

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

function guessService(headers: IncomingHttpHeaders, url: URL): string {
  const target = String(headers['x-amz-target'] ?? '')
  if (target.startsWith('Logs_')) return 'logs'
  if (/^\/20\d\d-\d\d-\d\d\//.test(url.pathname)) return 'lambda'
  return 's3'
}

/** Starts the local cloud on loopback with every service router registered in services.ts. */
export async function startLocalCloud(options: StartOptions): Promise<LocalCloud> {
  const store = new Store(options.storeDir, readStoreSettings(process.env))
  const settings = {...readLocalSettings(process.env), ...options.settings}
  let endpoint = ''
  const context: LocalContext = {store, accountId: LOCAL_ACCOUNT_ID, settings, endpoint: () => endpoint}
  const factories = options.routers ?? (await import('./services.js')).SERVICE_ROUTERS
  const routers = new Map<string, ServiceRouter>()
  for (const factory of factories) {
    const router = await factory(context)
    routers.set(router.service, router)
  }
  const server = createServer((req, res) => {
    handleRequest(req, res, routers, context).catch((error: unknown) => {
      // Reached only when no router could answer (even its error writer failed): no protocol to answer in.
      if (!res.headersSent) res.writeHead(500, {'content-type': 'text/plain'})
      res.end(`sling local cloud: ${messageOf(error)}`)
    })
  })
  server.keepAliveTimeout = 5_000
  const port = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1')
  endpoint = `http://127.0.0.1:${port}`
  return {
    endpoint,
    port,
    store,
    async close() {
      store.close() // requests waiting for the store lock give up, or the process could never exit
      await Promise.all([...routers.values()].map((router) => router.close?.() ?? Promise.resolve()))
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, routers: Map<string, ServiceRouter>, context: LocalContext): Promise<void> {
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
  // A client that asked to close may still be sending when a refusal answers it: the connection stays
  // open after the answer, so the rest can be discarded (discardRest) while the client reads the answer.
  if (!req.complete && /\bclose\b/i.test(req.headers.connection ?? '')) res.setHeader('connection', 'keep-alive')
  const request = localRequest(req, url)
  const router = routers.get(request.service)
  try {
    if (router) {
      await serve(router, request, res, context)
    } else {
      res.writeHead(400, {'content-type': 'application/json'})
      res.end(JSON.stringify({message: `The sling local cloud doesn't emulate the "${request.service}" service.`}))
    }
  } finally {
    discardRest(req)
  }
}

function localRequest(req: IncomingMessage, url: URL): LocalRequest {
  const scope = signingScope(req.headers, url)
  let buffered: Promise<Buffer> | undefined
  return {
    method: req.method ?? 'GET',
    url,
    headers: req.headers,
    service: scope.service ?? guessService(req.headers, url),
    region: scope.region ?? DEFAULT_REGION,
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

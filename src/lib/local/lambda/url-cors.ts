/**
 * CORS for function URLs, from the URL config's `Cors`: Lambda answers a browser's preflight itself
 * (the function isn't invoked) and adds the CORS headers to every response, overriding any the function
 * returned. An origin, method or header the config doesn't allow gets no CORS headers: the browser
 * then refuses the response, as it would on AWS.
 */
import type {Cors} from '@aws-sdk/client-lambda'

type Headers = Record<string, string>

const lower = (values: readonly string[] | undefined): string[] => (values ?? []).map((value) => value.toLowerCase())

/** The Access-Control-Allow-Origin value for `origin`, or undefined when the config doesn't allow it. */
function allowedOrigin(cors: Cors, origin: string): string | undefined {
  const origins = lower(cors.AllowOrigins)
  if (origins.includes('*')) return '*'
  return origins.includes(origin.toLowerCase()) ? origin : undefined
}

function originHeaders(cors: Cors, origin: string | undefined): Headers | undefined {
  if (origin === undefined) return undefined
  const allowed = allowedOrigin(cors, origin)
  if (allowed === undefined) return undefined
  return {
    'access-control-allow-origin': allowed,
    ...(cors.AllowCredentials ? {'access-control-allow-credentials': 'true'} : {}),
    ...(allowed === '*' ? {} : {vary: 'Origin'}),
  }
}

/** True for a browser's preflight: OPTIONS with Origin and Access-Control-Request-Method. */
export function isPreflight(method: string, headers: Readonly<Record<string, string | undefined>>): boolean {
  return method === 'OPTIONS' && headers.origin !== undefined && headers['access-control-request-method'] !== undefined
}

/** The answer to a preflight: the allowed origin, methods, headers and max age, or no CORS headers. */
export function preflightHeaders(cors: Cors, headers: Readonly<Record<string, string | undefined>>): Headers {
  const base = originHeaders(cors, headers.origin)
  if (!base) return {}
  const method = (headers['access-control-request-method'] ?? '').toUpperCase()
  const methods = (cors.AllowMethods ?? []).map((value) => value.toUpperCase())
  if (!methods.includes('*') && !methods.includes(method)) return {}
  const requested = lower((headers['access-control-request-headers'] ?? '').split(',').map((name) => name.trim()).filter(Boolean))
  const allowedHeaders = lower(cors.AllowHeaders)
  if (!allowedHeaders.includes('*') && !requested.every((name) => allowedHeaders.includes(name))) return {}
  return {
    ...base,
    'access-control-allow-methods': methods.join(','),
    ...(allowedHeaders.length ? {'access-control-allow-headers': (cors.AllowHeaders ?? []).join(',')} : {}),
    ...(cors.MaxAge !== undefined ? {'access-control-max-age': String(cors.MaxAge)} : {}),
  }
}

/** The CORS headers a response to an actual (non-preflight) request carries. */
export function responseCorsHeaders(cors: Cors, origin: string | undefined): Headers {
  const base = originHeaders(cors, origin)
  if (!base) return {}
  return {...base, ...(cors.ExposeHeaders?.length ? {'access-control-expose-headers': cors.ExposeHeaders.join(',')} : {})}
}

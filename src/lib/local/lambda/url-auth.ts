/**
 * Who may call a function URL. AWS_IAM: the request must carry a valid SigV4 signature for the
 * "lambda" service in the URL's region; the local cloud recomputes it (with @smithy/signature-v4, the
 * SDK's own signer) using the secret every local caller is given, "sling-local" (or "test", the
 * placeholder other AWS emulators advertise), with any access key id. Only the signature is checked:
 * every local caller is the account's one IAM user, whose identity policies the local cloud doesn't
 * model. NONE: anyone, provided the resource policy grants the public both lambda:InvokeFunctionUrl and
 * (for URLs created since October 2025) lambda:InvokeFunction, as AWS requires.
 */
import {createHash, timingSafeEqual} from 'node:crypto'
import type {IncomingHttpHeaders} from 'node:http'

import {Sha256} from '@smithy/core/checksum'
import {SignatureV4} from '@smithy/signature-v4'

import type {PolicyStatement} from './records.js'
import {policyAllows} from './permission.js'

/** The secrets a local caller may sign with (the access key id may be anything). */
export const LOCAL_SECRETS = ['sling-local', 'test'] as const
/** How far a signature's time may be from now, as AWS allows. */
const MAX_SKEW_MS = 15 * 60_000

export type SignatureCheck = {readonly ok: true; readonly accessKey: string} | {readonly ok: false; readonly message: string}

export interface SignedRequest {
  readonly method: string
  readonly headers: IncomingHttpHeaders
  /** The path as sent (percent-encoded), and the query string without "?". */
  readonly rawPath: string
  readonly rawQuery: string
  readonly body: Buffer
  /** The region of the URL. */
  readonly region: string
}

const MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'

interface Authorization {
  readonly accessKey: string
  readonly date: string
  readonly region: string
  readonly service: string
  readonly signedHeaders: readonly string[]
  readonly signature: string
}

function parseAuthorization(value: string): Authorization | undefined {
  const match = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(value.trim())
  if (!match) return undefined
  const parts = Object.fromEntries((match[1] ?? '').split(',').map((part) => {
    const cut = part.indexOf('=')
    return [part.slice(0, cut).trim(), part.slice(cut + 1).trim()]
  }))
  const scope = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(parts.Credential ?? '')
  if (!scope || !parts.SignedHeaders || !/^[0-9a-f]{64}$/.test(parts.Signature ?? '')) return undefined
  return {accessKey: scope[1] ?? '', date: scope[2] ?? '', region: scope[3] ?? '', service: scope[4] ?? '', signedHeaders: parts.SignedHeaders.split(';'), signature: parts.Signature ?? ''}
}

/** "20240101T120000Z" as a Date, or undefined. */
function amzDate(value: string | undefined): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '')
  if (!match) return undefined
  const [, y, mo, d, h, mi, s] = match.map(Number)
  return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s))
}

function decodeQueryPart(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** The query as the signer takes it: decoded names and values, repeated names as lists. */
function queryOf(raw: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {}
  for (const pair of raw.split('&').filter(Boolean)) {
    const cut = pair.indexOf('=')
    const [key, value] = cut < 0 ? [decodeQueryPart(pair), ''] : [decodeQueryPart(pair.slice(0, cut)), decodeQueryPart(pair.slice(cut + 1))]
    const previous = query[key]
    query[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value]
  }
  return query
}

async function signatureWith(secret: string, auth: Authorization, request: SignedRequest, signingDate: Date): Promise<string> {
  const headers: Record<string, string> = {}
  for (const name of auth.signedHeaders) {
    const value = request.headers[name]
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value
  }
  const signer = new SignatureV4({credentials: {accessKeyId: auth.accessKey, secretAccessKey: secret}, region: auth.region, service: auth.service, sha256: Sha256, applyChecksum: false})
  const host = request.headers.host ?? '127.0.0.1'
  const signed = await signer.sign(
    {method: request.method, protocol: 'http:', hostname: host.split(':')[0] ?? host, path: request.rawPath, query: queryOf(request.rawQuery), headers, body: request.body},
    {signingDate, signableHeaders: new Set(auth.signedHeaders)},
  )
  return /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1] ?? ''
}

/** Checks an AWS_IAM request's SigV4 signature; `message` says why a signed request is refused. */
export async function checkSignature(request: SignedRequest, now = Date.now()): Promise<SignatureCheck> {
  const header = request.headers.authorization
  const auth = header ? parseAuthorization(header) : undefined
  if (!auth) return {ok: false, message: 'Forbidden'}
  if (auth.service !== 'lambda') return {ok: false, message: `Credential should be scoped to correct service: 'lambda'. `}
  if (auth.region !== request.region) return {ok: false, message: `Credential should be scoped to a valid region. `}
  const dateHeader = request.headers['x-amz-date']
  const signingDate = amzDate(Array.isArray(dateHeader) ? dateHeader[0] : dateHeader)
  if (!signingDate || !auth.signedHeaders.includes('x-amz-date')) return {ok: false, message: MISMATCH}
  if (Math.abs(now - signingDate.getTime()) > MAX_SKEW_MS) return {ok: false, message: `Signature expired: the request was signed at ${signingDate.toISOString()}, more than 15 minutes from the server's time ${new Date(now).toISOString()}.`}
  // A declared payload hash is what the signature covers: it must be the body's.
  const declared = request.headers['x-amz-content-sha256']
  if (typeof declared === 'string' && declared !== 'UNSIGNED-PAYLOAD' && declared !== createHash('sha256').update(request.body).digest('hex')) return {ok: false, message: MISMATCH}
  const given = Buffer.from(auth.signature)
  for (const secret of LOCAL_SECRETS) {
    const expected = Buffer.from(await signatureWith(secret, auth, request, signingDate))
    if (expected.length === given.length && timingSafeEqual(expected, given)) return {ok: true, accessKey: auth.accessKey}
  }
  return {ok: false, message: MISMATCH}
}

/** NONE: the resource policy must let the public call the URL and invoke the function through it. */
export function publicAccessAllowed(statements: readonly PolicyStatement[]): boolean {
  const url = policyAllows(statements, {principal: '*', action: 'lambda:InvokeFunctionUrl', context: {'lambda:functionurlauthtype': 'NONE'}})
  const invoke = policyAllows(statements, {principal: '*', action: 'lambda:InvokeFunction', context: {'lambda:invokedviafunctionurl': 'true'}})
  return url && invoke
}

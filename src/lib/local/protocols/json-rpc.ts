/**
 * The JSON RPC protocols (awsJson1_0, awsJson1_1): `POST /` with `X-Amz-Target: <prefix>.<Operation>`,
 * a JSON document in and out, errors as `{"__type": code, "message": …}`. A query-compatible service
 * (SQS, CloudWatch: `awsQueryCompatible` in the model) also names the query protocol's error code in
 * the `x-amzn-query-error: <code>;<Sender|Receiver>` header, which SDKs surface as the error's code.
 */
import {randomUUID} from 'node:crypto'
import type {ServerResponse} from 'node:http'

import {BodyTooLargeError} from '../body.js'
import type {LocalRequest, ProtocolError} from '../contract.js'
import {ServiceError} from '../contract.js'

export interface JsonProtocol {
  readonly version: '1.0' | '1.1'
  /** The X-Amz-Target prefix, without the dot ("Logs_20140328", "AmazonSQS"). */
  readonly targetPrefix: string
}

/** The operation an X-Amz-Target names, when it has the protocol's prefix. */
export function targetOperation(request: LocalRequest, protocol: JsonProtocol): string | undefined {
  const target = request.headers['x-amz-target']
  const prefix = `${protocol.targetPrefix}.`
  return typeof target === 'string' && target.startsWith(prefix) ? target.slice(prefix.length) : undefined
}

/** Whether the request speaks a JSON RPC protocol at all (an X-Amz-Target header). */
export function isJsonRpc(request: LocalRequest): boolean {
  return typeof request.headers['x-amz-target'] === 'string'
}

/**
 * The request's JSON document ({} when empty). A body past `limit` is refused with `tooLarge(error)`,
 * and one that isn't a JSON object with SerializationException, as AWS's JSON services refuse it.
 */
export async function readJsonInput(request: LocalRequest, limit: number, tooLarge: (error: BodyTooLargeError) => ServiceError): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = (await request.body(limit)).toString('utf8')
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw tooLarge(error)
    throw error
  }
  if (text.trim() === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ServiceError(400, 'SerializationException', 'Start of structure or map found where not expected.')
  return parsed as Record<string, unknown>
}

function contentType(protocol: JsonProtocol): string {
  return `application/x-amz-json-${protocol.version}`
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  response.writeHead(status, {...headers, 'x-amzn-requestid': randomUUID(), 'content-length': String(Buffer.byteLength(body))})
  response.end(body)
}

/** The JSON protocols send timestamps as epoch seconds (fractions for milliseconds), not ISO text. */
function epochSeconds(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key]
  return raw instanceof Date ? raw.getTime() / 1000 : value
}

/** Writes an operation's output (an empty document for operations without one); Dates become epoch seconds. */
export function writeJsonResult(response: ServerResponse, protocol: JsonProtocol, output: unknown): void {
  send(response, 200, {'content-type': contentType(protocol)}, JSON.stringify(output ?? {}, epochSeconds))
}

/**
 * Writes `error`. `queryCode`, for query-compatible services, is the code the query protocol would
 * carry (the model's `error.code`), sent in `x-amzn-query-error`.
 */
export function writeJsonError(response: ServerResponse, protocol: JsonProtocol, error: ProtocolError, queryCode?: string): void {
  if (response.headersSent) {
    response.end()
    return
  }
  const headers: Record<string, string> = {'content-type': contentType(protocol)}
  if (queryCode !== undefined) headers['x-amzn-query-error'] = `${queryCode};${error.status >= 500 ? 'Receiver' : 'Sender'}`
  send(response, error.status, headers, JSON.stringify({__type: error.code, message: error.message, ...error.fields}))
}

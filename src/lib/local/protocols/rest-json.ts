/**
 * The REST-JSON protocol (Lambda; EventBridge Scheduler next): the operation is the HTTP method and
 * path the model binds, JSON bodies, errors named by the `x-amzn-ErrorType` header with a JSON body.
 */
import {randomUUID} from 'node:crypto'
import type {ServerResponse} from 'node:http'

function send(response: ServerResponse, status: number, headers: Record<string, string>, text: string): void {
  response.writeHead(status, {...headers, 'content-length': String(Buffer.byteLength(text))})
  response.end(text)
}

/** Sends a JSON result (or an empty body for 204 / undefined). */
export function sendJson(response: ServerResponse, status: number, body?: unknown, extraHeaders: Record<string, string> = {}): void {
  const headers: Record<string, string> = {'x-amzn-requestid': randomUUID(), ...extraHeaders}
  if (body === undefined || status === 204) {
    send(response, status, headers, '')
    return
  }
  headers['content-type'] = 'application/json'
  send(response, status, headers, JSON.stringify(body))
}

/** Sends an error: its code in `x-amzn-errortype`, `body` as the modelled error shape's members. */
export function sendJsonError(response: ServerResponse, status: number, code: string, body: Record<string, unknown>, extraHeaders: Record<string, string> = {}): void {
  if (response.headersSent) {
    response.end()
    return
  }
  send(response, status, {'content-type': 'application/json', 'x-amzn-errortype': code, 'x-amzn-requestid': randomUUID(), ...extraHeaders}, JSON.stringify(body))
}

/** The shape of a Lambda operation handler: one parsed call in, one reply out. */
import type {ServerResponse} from 'node:http'

import type {LocalRequest} from '../contract.js'
import {readJson} from './protocol.js'
import type {LambdaScope} from './repo.js'

export interface LambdaCall {
  readonly scope: LambdaScope
  readonly request: LocalRequest
  /** Only Invoke writes to it directly; other handlers return a Reply. */
  readonly response: ServerResponse
  /** URI labels of the route ({FunctionName}, {Name}, {UUID}…), percent-decoded. */
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
  /** The JSON body ({} when empty). */
  json(): Promise<Record<string, unknown>>
}

export interface Reply {
  readonly status: number
  readonly body?: unknown
  readonly headers?: Record<string, string>
}

export type Handler = (call: LambdaCall) => Promise<Reply>

export function makeCall(scope: LambdaScope, request: LocalRequest, response: ServerResponse, params: Record<string, string>, operation: string): LambdaCall {
  let parsed: Promise<Record<string, unknown>> | undefined
  return {scope, request, response, params, query: request.url.searchParams, json: () => (parsed ??= readJson(request, operation))}
}

/** A URI label; the route guarantees it's there. */
export function param(call: LambdaCall, name: string): string {
  return call.params[name] ?? ''
}

/** Marker/MaxItems pagination over an ordered list; the marker is the next item's index. */
export function paginate<T>(items: readonly T[], query: URLSearchParams, maxDefault = 50, maxLimit = 10_000): {page: T[]; nextMarker?: string} {
  const start = Number(query.get('Marker') ?? '0')
  const from = Number.isInteger(start) && start >= 0 ? start : 0
  const requested = Number(query.get('MaxItems') ?? maxDefault)
  const size = Number.isInteger(requested) && requested > 0 ? Math.min(requested, maxLimit) : maxDefault
  const page = items.slice(from, from + size)
  return from + size < items.length ? {page, nextMarker: String(from + size)} : {page}
}

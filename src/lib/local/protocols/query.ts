/**
 * The query protocol (IAM, STS, SNS; SQS and CloudWatch for older clients): form-encoded
 * `Action=<Operation>&Version=…&<members>` in, XML out (`<OpResponse><OpResult>…</OpResult>
 * <ResponseMetadata><RequestId>…`), errors as `<ErrorResponse><Error><Type/><Code/><Message/></Error>
 * <RequestId/>`. Both directions follow the service model: lists travel as `Name.member.N` (or
 * `Name.N` when flattened), maps as `Name.entry.N.key/value`, and members under their `locationName`.
 */
import {randomBytes} from 'node:crypto'
import type {ServerResponse} from 'node:http'

import {XMLBuilder} from 'fast-xml-parser'

import {BodyTooLargeError} from '../body.js'
import type {LocalRequest, ProtocolError, ServiceError} from '../contract.js'
import type {ServiceModel, Shape, ShapeRef} from '../model/models.js'
import {shapeOf} from '../model/models.js'

export interface QueryProtocol {
  /** The namespace of every answer ("https://iam.amazonaws.com/doc/2010-05-08/"). */
  readonly xmlNamespace: string
}

const builder = new XMLBuilder({ignoreAttributes: false, suppressEmptyNode: false})

/** The request's parameters: the form-encoded body of a POST, else the URL's query string. */
export async function readQueryParams(request: LocalRequest, limit: number, tooLarge: (error: BodyTooLargeError) => ServiceError): Promise<URLSearchParams> {
  if (request.method !== 'POST') return new URLSearchParams(request.url.search)
  try {
    return new URLSearchParams((await request.body(limit)).toString('utf8'))
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw tooLarge(error)
    throw error
  }
}

/** Whether a request looks like the query protocol: a form body, or an Action in the URL. */
export function isQuery(request: LocalRequest): boolean {
  return String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') || request.url.searchParams.has('Action')
}

// --- decoding: parameters → input structure -------------------------------------------------------------

/** The operation's input as a plain object, shaped by the model (numbers, booleans, lists, maps). */
export function decodeQueryInput(model: ServiceModel, shapeName: string | undefined, params: URLSearchParams): Record<string, unknown> {
  if (shapeName === undefined) return {}
  const keys = [...params.keys()]
  const present = (prefix: string): boolean => keys.some((key) => key === prefix || key.startsWith(`${prefix}.`))
  /** A flattened list's items are named after its member when the member names itself: SQS's `AttributeName.1`. */
  const flatListName = (ref: ShapeRef, name: string): string => {
    const shape = shapeOf(model, ref.shape)
    const item = shape.member?.locationName
    return shape.type === 'list' && isFlattened(ref, shape) && item !== undefined ? name.replace(/[^.]*$/, item) : name
  }
  const decode = (ref: ShapeRef, name: string): unknown => {
    const shape = shapeOf(model, ref.shape)
    switch (shape.type) {
      case 'structure': {
        const out: Record<string, unknown> = {}
        for (const [member, memberRef] of Object.entries(shape.members ?? {})) {
          const key = `${name}${name ? '.' : ''}${memberRef.locationName ?? member}`
          if (present(key) || present(flatListName(memberRef, key))) out[member] = decode(memberRef, key)
        }
        return out
      }
      case 'list': {
        const member = shape.member ?? {shape: ''}
        const base = isFlattened(ref, shape) ? flatListName(ref, name) : `${name}.${member.locationName ?? 'member'}`
        const items: unknown[] = []
        for (let i = 1; present(`${base}.${i}`); i++) items.push(decode(member, `${base}.${i}`))
        return items
      }
      case 'map': {
        const base = isFlattened(ref, shape) ? name : `${name}.entry`
        const keyName = shape.key?.locationName ?? 'key'
        const valueName = shape.value?.locationName ?? 'value'
        const out: Record<string, unknown> = {}
        for (let i = 1; present(`${base}.${i}`); i++) out[params.get(`${base}.${i}.${keyName}`) ?? ''] = decode(shape.value ?? {shape: ''}, `${base}.${i}.${valueName}`)
        return out
      }
      default:
        return scalar(shape, params.get(name) ?? '')
    }
  }
  return decode({shape: shapeName}, '') as Record<string, unknown>
}

/** A scalar as its type; text that isn't one is kept as text, for the validation to name. */
function scalar(shape: Shape, text: string): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long':
      return /^-?\d+$/.test(text) ? Number(text) : text
    case 'float':
    case 'double':
      return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text
    case 'blob':
      return Buffer.from(text, 'base64')
    default:
      return text
  }
}

function isFlattened(ref: ShapeRef, shape: Shape): boolean {
  return ref.flattened === true || shape.flattened === true
}

// --- encoding: output structure → XML ------------------------------------------------------------------

/** The output structure as the XML builder's tree, members in the model's order under their XML names. */
function encode(model: ServiceModel, ref: ShapeRef, value: unknown): unknown {
  const shape = shapeOf(model, ref.shape)
  switch (shape.type) {
    case 'structure': {
      const record = (value ?? {}) as Record<string, unknown>
      const out: Record<string, unknown> = {}
      for (const [member, memberRef] of Object.entries(shape.members ?? {})) {
        if (record[member] === undefined) continue
        const memberShape = shapeOf(model, memberRef.shape)
        const name = memberRef.locationName ?? member
        const encoded = encode(model, memberRef, record[member])
        // A flattened list or map repeats its element in place of a wrapper.
        if (isFlattened(memberRef, memberShape) && Array.isArray(encoded)) out[flatName(memberRef, memberShape, name)] = encoded
        else out[name] = encoded
      }
      return out
    }
    case 'list': {
      const items = ((value ?? []) as unknown[]).map((item) => encode(model, shape.member ?? {shape: ''}, item))
      return isFlattened(ref, shape) ? items : {[shape.member?.locationName ?? 'member']: items}
    }
    case 'map': {
      const keyName = shape.key?.locationName ?? 'key'
      const valueName = shape.value?.locationName ?? 'value'
      const entries = Object.entries((value ?? {}) as Record<string, unknown>).map(([key, item]) => ({[keyName]: key, [valueName]: encode(model, shape.value ?? {shape: ''}, item)}))
      return isFlattened(ref, shape) ? entries : {entry: entries}
    }
    case 'timestamp':
      return value instanceof Date ? value.toISOString() : value
    case 'blob':
      return Buffer.isBuffer(value) ? value.toString('base64') : value
    default:
      return value
  }
}

/** A flattened list repeats its member's name when the member names one (else the list's own name). */
function flatName(ref: ShapeRef, shape: Shape, name: string): string {
  return ref.locationName ?? (shape.type === 'list' ? (shape.member?.locationName ?? name) : name)
}

function requestId(): string {
  const hex = randomBytes(16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

function sendXml(response: ServerResponse, status: number, root: string, body: Record<string, unknown>, namespace: string, id: string): void {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n${String(builder.build({[root]: {'@_xmlns': namespace, ...body}}))}`
  response.writeHead(status, {'content-type': 'text/xml', 'content-length': String(Buffer.byteLength(xml)), 'x-amzn-requestid': id})
  response.end(xml)
}

/** Writes `<{Operation}Response>` with the output under the model's result wrapper (`<{Operation}Result>`). */
export function writeQueryResult(response: ServerResponse, protocol: QueryProtocol, model: ServiceModel, operation: string, output: unknown): void {
  const op = model.operations[operation]
  const id = requestId()
  const ref = op?.output
  const result = ref && output !== undefined ? {[ref.resultWrapper ?? `${operation}Result`]: encode(model, ref, output)} : {}
  sendXml(response, 200, `${operation}Response`, {...result, ResponseMetadata: {RequestId: id}}, protocol.xmlNamespace, id)
}

/** Writes `error` as `<ErrorResponse>`; `code` is the query protocol's code for it (the model's `error.code`). */
export function writeQueryError(response: ServerResponse, protocol: QueryProtocol, error: ProtocolError, code = error.code): void {
  if (response.headersSent) {
    response.end()
    return
  }
  const id = requestId()
  sendXml(response, error.status, 'ErrorResponse', {Error: {Type: error.status >= 500 ? 'Receiver' : 'Sender', Code: code, Message: error.message}, RequestId: id}, protocol.xmlNamespace, id)
}

/**
 * Lambda's REST-JSON wire format: JSON bodies, errors named by the `x-amzn-ErrorType` header with
 * a JSON body `{Type, message|Message}` (the member casing each error shape models), request ids.
 */
import type {ServerResponse} from 'node:http'

import {BodyTooLargeError} from '../body.js'
import type {LocalRequest, ProtocolError} from '../contract.js'
import {ServiceError} from '../contract.js'
import {sendJsonError} from '../protocols/rest-json.js'

export {sendJson} from '../protocols/rest-json.js'

/** HTTP status per error, from the model's `error.httpStatusCode`. */
const ERROR_STATUS: Record<string, number> = {
  InvalidParameterValueException: 400,
  InvalidRequestContentException: 400,
  CodeStorageExceededException: 400,
  PolicyLengthExceededException: 400,
  ValidationException: 400,
  SerializationException: 400,
  UnrecognizedClientException: 403,
  ResourceNotFoundException: 404,
  UnknownOperationException: 404,
  ResourceConflictException: 409,
  ResourceInUseException: 400,
  PreconditionFailedException: 412,
  RequestTooLargeException: 413,
  RequestEntityTooLargeException: 413,
  UnsupportedMediaTypeException: 415,
  TooManyRequestsException: 429,
  ServiceException: 500,
  ResourceNotReadyException: 502,
}

/** Error shapes whose message member is `Message` (the others model `message`). */
const CAPITAL_MESSAGE = new Set(['ResourceNotFoundException', 'ResourceInUseException', 'ServiceException', 'InvalidZipFileException'])

/** A Lambda API error; throw it from a handler and the router writes it as AWS does. */
export class LambdaError extends ServiceError {
  constructor(code: string, message: string, fields?: Record<string, unknown>, status?: number) {
    super(status ?? ERROR_STATUS[code] ?? 400, code, message, fields)
  }
}

/** InvalidParameterValueException, the most common refusal. */
export function invalidParameter(message: string): LambdaError {
  return new LambdaError('InvalidParameterValueException', message)
}

export function notFound(message: string): LambdaError {
  return new LambdaError('ResourceNotFoundException', message)
}

export function conflict(message: string): LambdaError {
  return new LambdaError('ResourceConflictException', message)
}

/** AWS's message for a failed model constraint (one ValidationException lists them all). */
export function validationError(problems: readonly string[]): LambdaError {
  const count = problems.length
  return new LambdaError('ValidationException', `${count} validation error${count === 1 ? '' : 's'} detected: ${problems.join('; ')}`)
}

/** Writes `error` as Lambda does: x-amzn-ErrorType header and {Type, message} body. */
export function writeLambdaError(response: ServerResponse, error: ProtocolError): void {
  const {Reason, retryAfterSeconds, ...fields} = error.fields ?? {}
  const messageKey = CAPITAL_MESSAGE.has(error.code) ? 'Message' : 'message'
  const type = error.status >= 500 ? 'Service' : 'User'
  const body: Record<string, unknown> = {Type: type, [messageKey]: error.message, ...fields}
  const headers: Record<string, string> = {}
  if (error.code === 'TooManyRequestsException') {
    body.Reason = Reason ?? 'ReservedFunctionConcurrentInvocationLimitExceeded'
    headers['retry-after'] = typeof retryAfterSeconds === 'string' || typeof retryAfterSeconds === 'number' ? String(retryAfterSeconds) : '1'
  } else if (Reason !== undefined) {
    body.Reason = Reason
  }
  sendJsonError(response, error.status, error.code, body, headers)
}

/**
 * The request-size limits Lambda names in its 413 answers, per operation: a code upload carries up
 * to 50 MB of zip, base64-encoded (4/3 larger), plus the rest of the JSON document.
 */
const REQUEST_LIMITS: Record<string, number> = {CreateFunction: 70_167_211, UpdateFunctionCode: 70_167_211, PublishLayerVersion: 70_167_211}
/** Every other operation but Invoke carries a small JSON document; Invoke's 6 MB bounds them too. */
const DEFAULT_REQUEST_LIMIT = 6_291_456

/** The largest request body `operation` accepts, in bytes. */
export function requestLimit(operation: string): number {
  return REQUEST_LIMITS[operation] ?? DEFAULT_REQUEST_LIMIT
}

/**
 * What Lambda answers a request over its operation's limit. The wire name is
 * RequestEntityTooLargeException (AWS's front end), which the model lists for no operation but Invoke
 * (there as RequestTooLargeException); SDKs surface it by that name.
 */
export function requestTooLarge(operation: string): LambdaError {
  return new LambdaError('RequestEntityTooLargeException', `Request must be smaller than ${requestLimit(operation)} bytes for the ${operation} operation`)
}

/** The request's JSON body as an object ({} when empty); malformed JSON is refused as AWS does, and so is a body over the operation's limit. */
export async function readJson(request: LocalRequest, operation: string): Promise<Record<string, unknown>> {
  let body: Buffer
  try {
    body = await request.body(requestLimit(operation))
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw requestTooLarge(operation)
    throw error
  }
  if (body.length === 0) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    throw new LambdaError('InvalidRequestContentException', 'Could not parse request body into json: Could not parse payload into json')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new LambdaError('InvalidRequestContentException', 'Could not parse request body into json: Unexpected token')
  }
  return parsed as Record<string, unknown>
}

/** AWS's timestamp format for LastModified: `2024-01-01T00:00:00.000+0000`. */
export function lambdaTimestamp(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace('Z', '+0000')
}

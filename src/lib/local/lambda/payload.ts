/** Invoke's request payload: read within Lambda's payload quotas and refused as Lambda refuses it. */
import {BodyTooLargeError} from '../body.js'
import type {LocalRequest} from '../contract.js'
import {LambdaError} from './protocol.js'

/** 6 MB for synchronous invocations (RequestResponse, DryRun). */
export const SYNC_PAYLOAD_LIMIT = 6_291_456
/** 1 MB for asynchronous (Event) invocations, since Lambda raised it from 256 KB in 2025. */
export const ASYNC_PAYLOAD_LIMIT = 1_048_576
/** The deprecated InvokeAsync operation kept the old 256 KB limit. */
export const INVOKE_ASYNC_PAYLOAD_LIMIT = 262_144

/**
 * Reads the payload, refusing it as soon as it passes its limit; a payload that isn't JSON is an
 * InvalidRequestContentException, as on Lambda.
 */
export async function readInvokePayload(request: LocalRequest, invocationType: string, legacyAsync: boolean): Promise<Buffer> {
  const limit = legacyAsync ? INVOKE_ASYNC_PAYLOAD_LIMIT : invocationType === 'Event' ? ASYNC_PAYLOAD_LIMIT : SYNC_PAYLOAD_LIMIT
  let payload: Buffer
  try {
    payload = await request.body(limit)
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw payloadTooLarge(invocationType, limit, error.declared)
    throw error
  }
  if (payload.length > 0) {
    try {
      JSON.parse(payload.toString('utf8'))
    } catch (error) {
      throw new LambdaError('InvalidRequestContentException', `Could not parse request body into json: Could not parse payload into json: ${(error as Error).message}`)
    }
  }
  return payload
}

/**
 * Lambda's 413 and its message for each invocation type. The model names the error
 * RequestTooLargeException (AWS's front end has been seen to send RequestEntityTooLargeException).
 */
function payloadTooLarge(invocationType: string, limit: number, declared: number | undefined): LambdaError {
  if (invocationType !== 'Event') return new LambdaError('RequestTooLargeException', `Request must be smaller than ${limit} bytes for the InvokeFunction operation`)
  // AWS names the payload's size; a chunked body was refused before its size was known.
  const size = declared === undefined ? 'Payload' : `${declared} byte payload`
  return new LambdaError('RequestTooLargeException', `${size} is too large for the Event invocation type (limit ${limit} bytes)`)
}

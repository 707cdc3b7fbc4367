/**
 * AWS event-stream frames (`application/vnd.amazon.eventstream`) for a JSON service's streamed answer,
 * encoded with the SDK's own codec (@smithy/core's EventStreamCodec, which the SDKs decode with), so the
 * prelude, header encoding and both CRCs are exactly what clients check. Nothing here knows Logs: it could
 * serve any JSON protocol's event stream (Lambda's InvokeWithResponseStream answers in REST-JSON frames).
 */
import {EventStreamCodec} from '@smithy/core/event-streams'

export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream'

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const codec = new EventStreamCodec((bytes: Uint8Array) => decoder.decode(bytes), (text: string) => encoder.encode(text))

const header = (value: string): {type: 'string'; value: string} => ({type: 'string', value})

/** An event of the stream: `:event-type` names the union member, the body is its JSON. */
export function eventFrame(eventType: string, body: unknown): Uint8Array {
  return codec.encode({
    headers: {':message-type': header('event'), ':event-type': header(eventType), ':content-type': header('application/json')},
    body: encoder.encode(JSON.stringify(body)),
  })
}

/**
 * The first frame of an answer whose output has members besides the stream (or none): botocore and the
 * AWS CLI refuse a JSON protocol's stream that doesn't start with it; the JavaScript SDK accepts both.
 */
export function initialResponseFrame(output: Record<string, unknown> = {}): Uint8Array {
  return eventFrame('initial-response', output)
}

/** A modelled exception of the stream (`:message-type: exception`): the SDKs throw it from the iterator. */
export function exceptionFrame(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {':message-type': header('exception'), ':exception-type': header(exceptionType), ':content-type': header('application/json')},
    body: encoder.encode(JSON.stringify({message})),
  })
}

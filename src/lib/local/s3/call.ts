/** The shape of an S3 operation handler: one located call in, the handler writes the answer. */
import type {ServerResponse} from 'node:http'

import type {LocalContext, LocalRequest, ObjectChange} from '../contract.js'

/** One S3 call, addressed path-style: `/{Bucket}/{Key+}?{subresource}`. */
export interface S3Call {
  readonly request: LocalRequest
  readonly response: ServerResponse
  readonly context: LocalContext
  readonly bucket: string
  readonly key: string
  readonly query: URLSearchParams
}

export type Handler = (call: S3Call) => Promise<void>

/**
 * Tells the other services an object was stored or removed (the s3.objectCreated/objectRemoved hooks,
 * which S3 event notifications listen to). The object is already stored: a listener that fails
 * is reported on stderr and never fails the call, as S3's own notifications never fail a PUT.
 */
export async function announce(call: S3Call, kind: 'created' | 'removed', change: Omit<ObjectChange, 'region' | 'bucket'>): Promise<void> {
  const hooks = call.context.hooks.s3
  const sourceIp = call.request.raw.socket.remoteAddress
  const full: ObjectChange = {region: call.request.region, bucket: call.bucket, ...change, ...(sourceIp ? {sourceIp} : {})}
  try {
    await (kind === 'created' ? hooks.objectCreated(full) : hooks.objectRemoved(full))
  } catch (error) {
    process.stderr.write(`sling local cloud: a listener of ${full.event} on s3://${full.bucket}/${full.key} failed: ${error instanceof Error ? error.message : String(error)}\n`)
  }
}

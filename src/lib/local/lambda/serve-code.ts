/** Serves stored code and layer zips at the Location URLs GetFunction and GetLayerVersion return. */
import type {ServerResponse} from 'node:http'
import {stat} from 'node:fs/promises'
import {pipeline} from 'node:stream/promises'

import type {LocalContext} from '../contract.js'
import {notFound} from './protocol.js'

/** The download URL of a stored zip on this server (like AWS's presigned S3 URL, without expiry). */
export function zipUrl(context: LocalContext, sha256: string): string {
  return `${context.endpoint()}/2015-03-31/sling/code/${sha256}.zip`
}

export async function serveZip(context: LocalContext, sha256: string, response: ServerResponse): Promise<void> {
  const file = context.store.blobPath(sha256)
  const info = await stat(file).catch(() => undefined)
  if (!info) throw notFound(`No stored code with SHA-256 ${sha256}.`)
  response.writeHead(200, {'content-type': 'application/zip', 'content-length': String(info.size)})
  await pipeline(context.store.readBlob(sha256), response)
}

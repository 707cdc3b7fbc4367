import {PassThrough} from 'node:stream'

import archiver from 'archiver'

import type {FunctionSpec} from '../../../../src/lib/local/runtime/runtime.js'
import type {Store} from '../../../../src/lib/local/store.js'

/** A zip of `files` (path → content), in memory. */
export async function makeZip(files: Record<string, string>): Promise<Buffer> {
  const archive = archiver('zip')
  const sink = new PassThrough()
  const chunks: Buffer[] = []
  sink.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve)
    archive.on('error', reject)
  })
  archive.pipe(sink)
  for (const [name, content] of Object.entries(files)) archive.append(content, {name, mode: 0o644})
  await archive.finalize()
  await done
  return Buffer.concat(chunks)
}

/** Stores a function's code (and layers) and returns the spec the runtime runs. */
export async function aFunction(store: Store, files: Record<string, string>, overrides: Partial<FunctionSpec> & {layers?: Record<string, string>[]} = {}): Promise<FunctionSpec> {
  const code = await store.putBlob(await makeZip(files))
  const layerSha256s: string[] = []
  for (const layer of overrides.layers ?? []) layerSha256s.push((await store.putBlob(await makeZip(layer))).sha256)
  const {layers: _layers, ...rest} = overrides
  return {
    functionName: 'fn',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
    version: '$LATEST',
    region: 'us-east-1',
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    memorySize: 256,
    timeout: 5,
    environment: {},
    codeSha256: code.sha256,
    layerSha256s,
    ...rest,
  }
}

export const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:fn'

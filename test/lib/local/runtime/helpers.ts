import type {FunctionSpec} from '../../../../src/lib/local/runtime/runtime.js'
import {zipOf} from '../../../helpers/aws.js'
import type {Store} from '../../../../src/lib/local/store.js'

/** A zip of `files` (path → content), in memory. */
export const makeZip = zipOf

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

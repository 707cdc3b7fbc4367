import {GetLayerVersionCommand, ListLayerVersionsCommand, PublishLayerVersionCommand} from '@aws-sdk/client-lambda'
import type {Runtime} from '@aws-sdk/client-lambda'

import {throwIfAborted} from '../clock.js'
import {errorName, toUserError} from './errors.js'
import {toLayerVersionSummary} from './lambda-convert.js'
import type {LambdaCore} from './lambda-core.js'
import type {LambdaApi} from './lambda.js'

type LayerOps = Pick<LambdaApi, 'getLayerVersion' | 'latestLayerVersion' | 'publishLayerVersion'>

/** Layer versions: about a layer, not a function, so errors never say "function not found". */
export function createLayerOps(core: LambdaCore): LayerOps {
  const {client, context} = core
  const send = async <T>(request: (abortSignal: AbortSignal | undefined) => Promise<T>, signal: AbortSignal | undefined): Promise<T | 'absent'> => {
    try {
      throwIfAborted(signal)
      return await request(signal)
    } catch (error) {
      throwIfAborted(signal)
      if (errorName(error) === 'ResourceNotFoundException') return 'absent'
      throw toUserError(error, context)
    }
  }
  return {
    async publishLayerVersion(layer, {signal} = {}) {
      const content = 'zipFile' in layer.content ? {ZipFile: layer.content.zipFile} : {S3Bucket: layer.content.s3Bucket, S3Key: layer.content.s3Key, S3ObjectVersion: layer.content.s3ObjectVersion}
      const result = await send((abortSignal) => client.send(new PublishLayerVersionCommand({
        LayerName: layer.name, Content: content, Description: layer.description,
        CompatibleRuntimes: layer.compatibleRuntimes ? [...layer.compatibleRuntimes] as Runtime[] : undefined,
        CompatibleArchitectures: layer.compatibleArchitectures ? [...layer.compatibleArchitectures] : undefined,
      }), {abortSignal}), signal)
      if (result === 'absent') throw toUserError(Object.assign(new Error(`Layer ${layer.name} not found`), {name: 'ResourceNotFoundException'}), context)
      return {arn: result.LayerVersionArn ?? '', layerArn: result.LayerArn ?? '', version: result.Version ?? 0, codeSha256: result.Content?.CodeSha256 ?? '', codeSize: result.Content?.CodeSize ?? 0}
    },
    async latestLayerVersion(name, {signal} = {}) {
      // MaxItems 1: Lambda lists a layer's versions newest first, so the first item is the latest.
      const page = await send((abortSignal) => client.send(new ListLayerVersionsCommand({LayerName: name, MaxItems: 1}), {abortSignal}), signal)
      if (page === 'absent') return undefined
      const [latest] = [...(page.LayerVersions ?? [])].sort((a, b) => (b.Version ?? 0) - (a.Version ?? 0))
      return latest && toLayerVersionSummary(latest)
    },
    async getLayerVersion(name, version, {signal} = {}) {
      const result = await send((abortSignal) => client.send(new GetLayerVersionCommand({LayerName: name, VersionNumber: version}), {abortSignal}), signal)
      if (result === 'absent') return undefined
      return {arn: result.LayerVersionArn ?? '', layerArn: result.LayerArn ?? '', version: result.Version ?? 0, codeSha256: result.Content?.CodeSha256 ?? '', codeSize: result.Content?.CodeSize ?? 0}
    },
  }
}

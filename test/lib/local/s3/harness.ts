import {S3Client} from '@aws-sdk/client-s3'

import type {LocalCloud} from '../../../../src/lib/local/server.js'
import {startLocalCloud} from '../../../../src/lib/local/server.js'
import type {LocalSettings} from '../../../../src/lib/local/settings.js'
import {tempDir} from '../../../helpers/cli.js'

export {rejectionOf, type SdkError} from '../../../helpers/aws.js'

export interface S3Harness {
  readonly cloud: LocalCloud
  s3(options?: {region?: string; maxAttempts?: number; retryMode?: 'standard' | 'adaptive'}): S3Client
  close(): Promise<void>
}

/** A local cloud on a fresh store, and S3 clients configured as sling configures them for --local. */
export async function startS3(settings: Partial<LocalSettings> = {}): Promise<S3Harness> {
  const {dir, cleanup} = await tempDir('sling-s3-')
  const cloud = await startLocalCloud({storeDir: dir, settings})
  const clients: S3Client[] = []
  return {
    cloud,
    s3(options = {}) {
      const client = new S3Client({
        region: options.region ?? 'us-east-1',
        endpoint: cloud.endpoint,
        forcePathStyle: true,
        credentials: {accessKeyId: 'sling-local', secretAccessKey: 'sling-local'},
        maxAttempts: options.maxAttempts ?? 1,
        ...(options.retryMode ? {retryMode: options.retryMode} : {}),
      })
      clients.push(client)
      return client
    },
    async close() {
      for (const client of clients) client.destroy()
      await cloud.close()
      await cleanup()
    },
  }
}


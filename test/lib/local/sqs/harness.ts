import {SQSClient} from '@aws-sdk/client-sqs'

import type {LocalCloud} from '../../../../src/lib/local/server.js'
import {startLocalCloud} from '../../../../src/lib/local/server.js'
import type {LocalSettings} from '../../../../src/lib/local/settings.js'
import {tempDir} from '../../../helpers/cli.js'

export {rejectionOf, type SdkError} from '../../../helpers/aws.js'

export interface SqsHarness {
  readonly cloud: LocalCloud
  readonly storeDir: string
  sqs(options?: {region?: string}): SQSClient
  /** A query-protocol call (form in, XML out), as the AWS CLI v1 and botocore before 2024 send it. */
  query(params: Record<string, string>, path?: string): Promise<{status: number; xml: string}>
  close(): Promise<void>
}

/** A local cloud on a fresh store, with a short cooldown so tests can re-create names. */
export async function startSqs(settings: Partial<LocalSettings> = {}): Promise<SqsHarness> {
  const temp = await tempDir('sling-sqs-')
  const cloud = await startLocalCloud({storeDir: temp.dir, settings: {stateDelayMs: 0, sqsPollMs: 20, ...settings}})
  const clients: SQSClient[] = []
  return {
    cloud,
    storeDir: temp.dir,
    sqs(options = {}) {
      const client = new SQSClient({region: options.region ?? 'us-east-1', endpoint: cloud.endpoint, credentials: {accessKeyId: 'sling-local', secretAccessKey: 'sling-local'}, maxAttempts: 1})
      clients.push(client)
      return client
    },
    async query(params, path = '/') {
      const auth = 'AWS4-HMAC-SHA256 Credential=sling-local/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=x'
      const response = await fetch(`${cloud.endpoint}${path}`, {method: 'POST', headers: {authorization: auth, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8'}, body: new URLSearchParams({Version: '2012-11-05', ...params}).toString()})
      return {status: response.status, xml: await response.text()}
    },
    async close() {
      for (const client of clients) client.destroy()
      await cloud.close()
      await temp.cleanup()
    },
  }
}

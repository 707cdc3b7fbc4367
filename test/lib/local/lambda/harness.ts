import {LambdaClient} from '@aws-sdk/client-lambda'

import type {LocalCloud} from '../../../../src/lib/local/server.js'
import {startLocalCloud} from '../../../../src/lib/local/server.js'
import type {LocalSettings} from '../../../../src/lib/local/settings.js'
import {zipOf} from '../../../helpers/aws.js'
import {tempDir} from '../../../helpers/cli.js'

export {rejectionOf, type SdkError, zipOf} from '../../../helpers/aws.js'

// Another account's role: the local cloud checks only its own account's roles against its IAM.
export const ROLE = 'arn:aws:iam::123456789012:role/lambda-role'

export interface LambdaHarness {
  readonly cloud: LocalCloud
  readonly storeDir: string
  lambda(options?: {region?: string}): LambdaClient
  /** Closes the cloud (not the store): `restart()` starts a new one on the same store. */
  restart(settings?: Partial<LocalSettings>): Promise<LambdaHarness>
  close(): Promise<void>
}

/** A local cloud on a fresh store (state changes settle at once unless `stateDelayMs` says otherwise). */
export async function startLambda(settings: Partial<LocalSettings> = {}, storeDir?: string): Promise<LambdaHarness> {
  const temp = storeDir ? undefined : await tempDir('sling-lambda-')
  const dir = storeDir ?? temp?.dir ?? ''
  const cloud = await startLocalCloud({storeDir: dir, settings: {stateDelayMs: 0, ...settings}})
  const clients: LambdaClient[] = []
  const harness: LambdaHarness = {
    cloud,
    storeDir: dir,
    lambda(options = {}) {
      const client = new LambdaClient({
        region: options.region ?? 'us-east-1',
        endpoint: cloud.endpoint,
        credentials: {accessKeyId: 'sling-local', secretAccessKey: 'sling-local'},
        maxAttempts: 1,
      })
      clients.push(client)
      return client
    },
    async restart(next = {}) {
      for (const client of clients) client.destroy()
      await cloud.close()
      const again = await startLambda({...settings, ...next}, dir)
      return {...again, close: async () => {
        await again.close()
        await temp?.cleanup()
      }}
    },
    async close() {
      for (const client of clients) client.destroy()
      await cloud.close()
      await temp?.cleanup()
    },
  }
  return harness
}

/** A tiny Node.js handler package. */
export function handlerZip(body = 'return {ok: true}'): Promise<Buffer> {
  return zipOf({'index.mjs': `export const handler = async (event) => { ${body} }\n`})
}


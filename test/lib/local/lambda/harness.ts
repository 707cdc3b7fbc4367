import {LambdaClient} from '@aws-sdk/client-lambda'
import archiver from 'archiver'

import type {LocalCloud} from '../../../../src/lib/local/server.js'
import {startLocalCloud} from '../../../../src/lib/local/server.js'
import type {LocalSettings} from '../../../../src/lib/local/settings.js'
import {tempDir} from '../../../helpers/cli.js'

export const ROLE = 'arn:aws:iam::000000000000:role/lambda-role'

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

/** A zip of `files` (name → content), built in memory. */
export async function zipOf(files: Record<string, string | Buffer>, options: {store?: boolean} = {}): Promise<Buffer> {
  const archive = archiver('zip', {zlib: {level: 9}, store: options.store ?? false})
  const chunks: Buffer[] = []
  archive.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', () => resolve())
    archive.on('error', reject)
  })
  for (const [name, content] of Object.entries(files)) archive.append(content, {name, date: new Date('2020-01-01T00:00:00Z')})
  await archive.finalize()
  await done
  return Buffer.concat(chunks)
}

/** A tiny Node.js handler package. */
export function handlerZip(body = 'return {ok: true}'): Promise<Buffer> {
  return zipOf({'index.mjs': `export const handler = async (event) => { ${body} }\n`})
}

/** What `promise` rejected with (fails when it resolves). */
export type SdkError = Error & {$metadata?: {httpStatusCode?: number}; [key: string]: unknown}

export async function rejectionOf(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise
  } catch (error) {
    return error as SdkError
  }
  throw new Error('expected the call to fail, but it succeeded')
}

import {CloudWatchClient} from '@aws-sdk/client-cloudwatch'
import {XMLParser} from 'fast-xml-parser'

import type {LocalSettings} from '../../../../src/lib/local/contract.js'
import type {LocalCloud} from '../../../../src/lib/local/server.js'
import {startLocalCloud} from '../../../../src/lib/local/server.js'
import {tempDir} from '../../../helpers/cli.js'

export {rejectionOf, type SdkError} from '../../../helpers/aws.js'

export interface CloudWatchHarness {
  readonly cloud: LocalCloud
  readonly storeDir: string
  readonly cw: CloudWatchClient
  /** A raw query-protocol call (form body), answered as XML text with its status. */
  query(params: Record<string, string | number>, region?: string): Promise<{status: number; text: string; body: Record<string, unknown>}>
  restart(settings?: Partial<LocalSettings>): Promise<CloudWatchHarness>
  close(): Promise<void>
}

const xml = new XMLParser({ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === 'member'})

/** A local cloud on a fresh store whose alarms are evaluated every 50 ms, with a CloudWatch client. */
export async function startCloudWatch(settings: Partial<LocalSettings> = {}, storeDir?: string): Promise<CloudWatchHarness> {
  const temp = storeDir ? undefined : await tempDir('sling-cw-')
  const dir = storeDir ?? temp?.dir ?? ''
  const cloud = await startLocalCloud({storeDir: dir, settings: {stateDelayMs: 0, alarmTickMs: 50, ...settings}})
  const cw = new CloudWatchClient({region: 'us-east-1', endpoint: cloud.endpoint, credentials: {accessKeyId: 'sling-local', secretAccessKey: 'sling-local'}, maxAttempts: 1})
  const shutdown = async (): Promise<void> => {
    cw.destroy()
    await cloud.close()
  }
  return {
    cloud,
    storeDir: dir,
    cw,
    async query(params, region = 'us-east-1') {
      const body = new URLSearchParams(Object.entries({Version: '2010-08-01', ...params}).map(([k, v]): [string, string] => [k, String(v)])).toString()
      const response = await fetch(cloud.endpoint, {
        method: 'POST',
        headers: {authorization: `AWS4-HMAC-SHA256 Credential=sling-local/20260101/${region}/monitoring/aws4_request, SignedHeaders=host, Signature=x`, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8'},
        body,
      })
      const text = await response.text()
      return {status: response.status, text, body: xml.parse(text) as Record<string, unknown>}
    },
    async restart(next = {}) {
      await shutdown()
      const again = await startCloudWatch({...settings, ...next}, dir)
      return {...again, close: async () => {
        await again.close()
        await temp?.cleanup()
      }}
    },
    async close() {
      await shutdown()
      await temp?.cleanup()
    },
  }
}

/** Polls `check` every 25 ms until it returns a value other than undefined (at most `ms`). */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`gave up after ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

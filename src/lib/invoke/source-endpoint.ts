/** Where a handler run from source sends its own AWS calls (AWS_ENDPOINT_URL), if anywhere but AWS. */
import type {AwsSettings} from '../aws/settings.js'

/**
 * --endpoint-url (or AWS_ENDPOINT_URL); with --local, the `sling local serve` running for the store. None
 * is started: running from source needs no server, and a handler that calls AWS then gets the local
 * cloud only if one is running.
 */
export async function sourceEndpoint(settings: AwsSettings): Promise<string | undefined> {
  if (settings.endpointUrl) return settings.endpointUrl
  if (!settings.local) return process.env.AWS_ENDPOINT_URL
  const [{findRunningServer}, {resolveStoreDir}] = await Promise.all([import('../local/connect.js'), import('../local/settings.js')])
  return (await findRunningServer(resolveStoreDir(settings.localStore)))?.endpoint
}

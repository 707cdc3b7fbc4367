import {GetCallerIdentityCommand} from '@aws-sdk/client-sts'
import type {STSClient} from '@aws-sdk/client-sts'

import type {CallOptions} from '../clock.js'
import {throwIfAborted} from '../clock.js'
import type {AwsErrorContext} from './errors.js'
import {toUserError} from './errors.js'
import type {CallerIdentity} from './types.js'

/** The STS operations sling uses. */
export interface StsApi {
  /** Who the credentials belong to: the account id for ARNs, and a cheap check that credentials work. */
  getCallerIdentity(options?: CallOptions): Promise<CallerIdentity>
}

/** The STS API over an SDK client. `context` (region, endpoint) goes into error messages. */
export function createStsApi(client: STSClient, context: AwsErrorContext = {}): StsApi {
  return {
    async getCallerIdentity({signal} = {}) {
      try {
        const result = await client.send(new GetCallerIdentityCommand({}), {abortSignal: signal})
        return {account: result.Account ?? '', arn: result.Arn ?? '', userId: result.UserId ?? ''}
      } catch (error) {
        throwIfAborted(signal)
        throw toUserError(error, context)
      }
    },
  }
}

// A pure helper, in a leaf module so that callers don't load the STS client; re-exported for existing callers.
export {partitionOf} from './identity.js'

/**
 * STS's identity operations for the local cloud. Every caller is the same local IAM user: the local
 * cloud authenticates nobody (it binds only to loopback), so whatever keys signed the call, the
 * identity is `arn:aws:iam::<account>:user/sling-local` — what a deploy's preflight
 * (`sts get-caller-identity`) needs to learn the account it deploys to.
 */
import {createHash} from 'node:crypto'

import type {LocalContext} from '../contract.js'

/** The name of the IAM user every local caller is. */
export const LOCAL_USER = 'sling-local'

/** What each operation gets: the shared context. */
export interface StsScope {
  readonly context: LocalContext
}

/**
 * An IAM user's unique id as AWS forms them ("AIDA" and 17 characters of base32), derived from the
 * account so every call and every process answers the same one.
 */
export function localUserId(accountId: string): string {
  const digest = createHash('sha256').update(`${accountId}:user/${LOCAL_USER}`).digest()
  return `AIDA${Array.from(digest.subarray(0, 17), (byte) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[byte % 32]).join('')}`
}

export function getCallerIdentity(_input: Record<string, unknown>, scope: StsScope): Promise<Record<string, unknown>> {
  const account = scope.context.accountId
  return Promise.resolve({UserId: localUserId(account), Account: account, Arn: `arn:aws:iam::${account}:user/${LOCAL_USER}`})
}

/** Any access key belongs to the local account (the model checked the key's length and pattern). */
export function getAccessKeyInfo(_input: Record<string, unknown>, scope: StsScope): Promise<Record<string, unknown>> {
  return Promise.resolve({Account: scope.context.accountId})
}

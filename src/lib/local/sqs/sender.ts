import {createHash} from 'node:crypto'

/**
 * A message's SenderId: the UserId of the local IAM user every caller is (the one STS's GetCallerIdentity
 * answers: "AIDA" and 17 characters of base32 derived from the account; a test keeps the two in step).
 */
export function localSenderId(accountId: string): string {
  const digest = createHash('sha256').update(`${accountId}:user/sling-local`).digest()
  return `AIDA${Array.from(digest.subarray(0, 17), (byte) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[byte % 32]).join('')}`
}

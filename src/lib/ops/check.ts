import {toUserError} from '../aws/errors.js'

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip'

/** One check of `sling doctor`. */
export interface Check {
  /** Stable id scripts can look for: node, config, local-store, region, endpoint, credentials, role, runtimes. */
  readonly id: string
  readonly status: CheckStatus
  /** What was found. */
  readonly message: string
  /** What to do about it (warn and fail). */
  readonly fix?: string | undefined
}

/** A failed check from an error: a UserError's message and first hint. */
export function failure(id: string, error: unknown, fix?: string): Check {
  const known = toUserError(error)
  return {id, status: 'fail', message: known.message, fix: known.hints[0] ?? fix}
}

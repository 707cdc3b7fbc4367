/** Exit codes are part of sling's public interface (see README, "Exit codes"). */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  FunctionError: 3,
  /** Ctrl-C (SIGINT): 128 + 2. */
  Interrupted: 130,
  /** SIGTERM (kill, docker stop, CI cancelling a job): 128 + 15. */
  Terminated: 143,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

export interface UserErrorOptions {
  /** What to try next; each hint is printed on its own line. */
  readonly hints?: readonly string[]
  /** @default ExitCode.Failure */
  readonly exitCode?: ExitCode
  readonly cause?: unknown
  /** Extra machine-readable detail for `--json` (e.g. the largest contributors to a size limit). */
  readonly details?: Record<string, unknown>
}

/**
 * An error the user can act on: a stable `code` scripts can branch on, a message saying what
 * happened, and hints saying what to do. Anything that is not a UserError is a bug.
 */
export class UserError extends Error {
  readonly code: string
  readonly hints: readonly string[]
  readonly exitCode: ExitCode
  readonly details: Record<string, unknown> | undefined

  constructor(code: string, message: string, options: UserErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'UserError'
    this.code = code
    this.hints = options.hints ?? []
    this.exitCode = options.exitCode ?? ExitCode.Failure
    this.details = options.details
  }
}

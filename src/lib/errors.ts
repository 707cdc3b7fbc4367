/** Exit codes are part of sling's public interface (see README, "Exit codes"). */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  FunctionError: 3,
  Interrupted: 130,
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

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError
}

/**
 * Formats a byte count the way AWS states Lambda's limits: binary units labelled "MB"
 * (Lambda's "250 MB" is 262,144,000 bytes = 250 × 1024 × 1024).
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`
}

/** Environment values that look like secrets, masked unless asked for (`--show-secrets`). */

/** Names that say the value is a secret. */
const SECRET_NAME = /(secret|passw|pwd|token|api_?key|private|credential|auth|session|signing|salt|dsn|conn(ection)?_?str|database_url|\bkey$|_key$)/i

/** Values shaped like well-known secrets: AWS keys, Stripe/GitHub/Slack tokens, JWTs, PEM keys, URLs with a password. */
const SECRET_VALUE = [/^(AKIA|ASIA)[A-Z0-9]{16}$/, /^sk_(live|test)_/, /^gh[pousr]_[A-Za-z0-9]{20,}/, /^xox[abpr]-/, /^eyJ[\w-]+\.[\w-]+\./, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i]

export const MASK = '********'

export function looksSecret(name: string, value: string): boolean {
  if (value === '') return false
  return SECRET_NAME.test(name) || SECRET_VALUE.some((pattern) => pattern.test(value)) || /^[A-Za-z0-9+/=_-]{40,}$/.test(value)
}

/** The variables with secret-looking values replaced by MASK, and the names masked. */
export function maskEnvironment(environment: Readonly<Record<string, string>>, show: boolean): {readonly environment: Record<string, string>; readonly masked: string[]} {
  const masked: string[] = []
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(environment)) {
    if (!show && looksSecret(name, value)) {
      masked.push(name)
      out[name] = MASK
    } else out[name] = value
  }
  return {environment: out, masked}
}

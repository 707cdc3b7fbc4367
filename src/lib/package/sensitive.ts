import picomatch from 'picomatch'

/**
 * The one list of files that usually hold secrets or local state. They never go into a zip unless
 * an "include" pattern names them explicitly (see `explicitlyNamed`). Matching ignores case: on
 * macOS and Windows `.ENV` *is* `.env`, and `server.PEM` is a key wherever it lives. Each entry is
 * specific enough that a harmless file doesn't match it by accident: `env.ts`, `keys.js`,
 * `credentials.ts`, `aws/`, `docker/config.json` and `terraform.tf` are all packaged.
 */
export const SENSITIVE_NAMES = [
  // Environment files: .env, .env.production, prod.env, .envrc (direnv).
  '.env', '.env.*', '*.env', '.envrc',
  // Version control and tool state: history, local builds, Terraform state and variable files (both
  // hold secrets in clear: tfvars are where passwords and keys are handed to Terraform).
  '.git', '.sling', '.terraform', 'terraform.tfstate', 'terraform.tfstate.*', '*.tfvars', '*.tfvars.json',
  // Credential stores of common tools. npm and yarn keep registry auth tokens in .npmrc / .yarnrc(.yml),
  // PyPI in .pypirc; gcloud's user credentials are application_default_credentials.json.
  '.aws', '.ssh', '.npmrc', '.yarnrc', '.yarnrc.yml', '.pypirc', '.netrc', '.git-credentials', '.pgpass', '.htpasswd', '.vault-token',
  'credentials.json', 'application_default_credentials.json',
  // Private keys, certificates with keys, password databases.
  '*.pem', '*.key', '*.p12', '*.pfx', '*.kdbx', 'id_rsa*', 'id_dsa*', 'id_ecdsa*', 'id_ed25519*',
] as const

/**
 * Secret only at the end of these paths: `config.json` and `config` alone are harmless, but
 * `.docker/config.json` holds registry tokens and `.kube/config` cluster credentials.
 */
export const SENSITIVE_PATHS = ['.docker/config.json', '.kube/config'] as const

const OPTIONS = {dot: true, nocase: true} as const
/** Compiled on first use: a build served from the cache never matches a name (~3 ms of start-up). */
let matchers: {name: (path: string) => boolean; tail: (path: string) => boolean; state: (path: string) => boolean} | undefined
function compiled(): NonNullable<typeof matchers> {
  matchers ??= {
    name: picomatch([...SENSITIVE_NAMES], OPTIONS),
    tail: picomatch(SENSITIVE_PATHS.map((tail) => `**/${tail}`), OPTIONS),
    // Inside node_modules, packages legitimately ship CA bundles (*.pem) and examples (.env.example): only VCS and sling state count.
    state: picomatch(['.git', '.sling'], OPTIONS),
  }
  return matchers
}
const isSensitiveName = (segment: string): boolean => compiled().name(segment)
const isSensitiveTail = (file: string): boolean => compiled().tail(file)
const isStateName = (segment: string): boolean => compiled().state(segment)

/**
 * True when the path (posix, relative) holds a secret-looking segment or ends in a secret-looking path.
 * `installed` says whether the file really lives inside a node_modules directory: only then does a
 * node_modules segment in its path earn the exemption. A workspace package linked into node_modules
 * (node_modules/@me/shared -> ../../packages/shared) is the project's own source, .env and keys included.
 */
export function isSensitivePath(file: string, installed = true): boolean {
  const segments = file.split('/')
  const inPackage = installed && segments.includes('node_modules')
  if (segments.some((segment) => (inPackage ? isStateName(segment) : isSensitiveName(segment)))) return true
  return !inPackage && isSensitiveTail(file)
}

/**
 * True when a link's target (an absolute path) is itself secret-looking: its name, or its folder
 * and name (~/.aws/credentials, ~/.ssh/config, ~/.docker/config.json).
 */
export function isSensitiveTarget(target: string): boolean {
  const segments = target.split(/[\\/]/).filter((segment) => segment !== '')
  return isSensitivePath(segments.slice(-2).join('/'), false)
}

/**
 * A matcher for the paths an include pattern names explicitly: either the pattern is the literal
 * path ("dotenv", "config/prod.env"), or one of its segments is itself a secret-looking name
 * (".env.production", "certs/*.pem"). "**" or "*.json" never count: a broad pattern must not
 * sweep secrets in.
 */
export function explicitlyNamed(include: readonly string[]): (file: string) => boolean {
  const literal = new Set(include.filter((pattern) => !picomatch.scan(pattern).isGlob))
  const named = include.filter((pattern) => pattern.split('/').some((segment) => isSensitiveName(segment)) || isSensitiveTail(pattern))
  const matches = named.length > 0 ? picomatch(named, {dot: true}) : () => false
  return (file) => literal.has(file) || matches(file)
}

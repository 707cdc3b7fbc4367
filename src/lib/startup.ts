/**
 * What `bin/run.js` can answer before loading oclif (about 100 ms of start-up on a 2-core machine): `--version`,
 * and the root `--help` when it goes to a pipe or a file, from the text the build rendered with oclif
 * (`scripts/write-root-help.js`: 80 columns, no colour, exactly what oclif prints there). A terminal gets
 * oclif's own help, fitted to its width. Imports nothing but node built-ins: it runs on every start.
 */
import {readFileSync} from 'node:fs'
import os from 'node:os'

/** Where the built help lives, and the placeholder the build put in place of the user agent (it names this machine's Node.js). */
export const ROOT_HELP_FILE = 'dist/root-help.txt'
export const USER_AGENT_PLACEHOLDER = '<%= userAgent %>'

export interface FastPathOptions {
  /** The package root (where package.json is). */
  readonly root: URL
  readonly argv: readonly string[]
  readonly stdout: {readonly isTTY?: boolean; write(text: string): unknown}
  readonly env: NodeJS.ProcessEnv
}

/** Answers `--version` or a piped root `--help` and returns true; false when oclif must run. */
export function answerWithoutOclif({root, argv, stdout, env}: FastPathOptions): boolean {
  // oclif shows the version when --version is the first argument, and help for --help anywhere (then it needs the command).
  if (argv[0] === '--version') {
    stdout.write(`${userAgent(root)}\n`)
    return true
  }
  if (argv.length !== 1 || argv[0] !== '--help' || stdout.isTTY || env.OCLIF_COLUMNS) return false
  let help: string
  try {
    help = readFileSync(new URL(ROOT_HELP_FILE, root), 'utf8')
  } catch {
    return false // not built yet (bin/dev.js, or a build that failed half-way): oclif renders it
  }
  stdout.write(help.replace(USER_AGENT_PLACEHOLDER, userAgent(root)))
  return true
}

/** "sling/0.1.0 linux-x64 node-v20.20.2", as oclif's config.userAgent says it. */
export function userAgent(root: URL): string {
  const pjson = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {version: string; oclif: {bin: string}}
  const arch = os.arch() === 'ia32' ? 'x86' : os.arch()
  return `${pjson.oclif.bin}/${pjson.version} ${platform()}-${arch} node-${process.version}`
}

/** oclif reports Linux under WSL as "wsl". */
function platform(): string {
  if (os.platform() !== 'linux') return os.platform()
  if (os.release().toLowerCase().includes('microsoft')) return 'wsl'
  try {
    return readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft') ? 'wsl' : 'linux'
  } catch {
    return 'linux'
  }
}

/**
 * What `bin/run.js` can answer before loading oclif (about 100 ms of start-up on a 2-core machine): `--version`,
 * and the root `--help` when it goes to a pipe or a file, from the text the build rendered with oclif
 * (`scripts/write-root-help.js`: 80 columns, no colour, exactly what oclif prints there). A terminal gets
 * oclif's own help, fitted to its width. Imports nothing but node built-ins: it runs on every start.
 */
import {readFileSync} from 'node:fs'
import os from 'node:os'
import {fileURLToPath} from 'node:url'

/** Where the built help lives, and the placeholder the build put in place of the user agent (it names this machine's Node.js). */
export const ROOT_HELP_FILE = 'dist/root-help.txt'
/** Every command id (with ":"), alias and topic of sling and its plugins, written by the build with oclif's Config. */
export const COMMAND_IDS_FILE = 'dist/command-ids.json'
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
  const pjson = readPackageJson(root)
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

export interface CommandIds {
  /** Visible commands and their aliases, e.g. "deploy", "events:attach": what a mistyped command is matched to. */
  readonly commands: readonly string[]
  /** Every command and alias, hidden ones included ("autocomplete:script"): what argv may name. */
  readonly all: readonly string[]
  /** The commands (and aliases) sling itself defines, hidden ones included; the rest come from oclif's plugins. */
  readonly own: readonly string[]
  /** Topics, e.g. "events", "local". */
  readonly topics: readonly string[]
}

/**
 * A mistyped command when nobody can answer oclif's "did you mean" prompt (stdin isn't a terminal: a pipe, CI):
 * oclif's not-found plugin then only says the word isn't a command. This names the nearest command too, and
 * returns the lines for stderr (the plugin's own wording), or undefined when argv names a command or a topic,
 * starts with a flag, or stdin is a terminal (the plugin asks there).
 */
export async function mistypedCommand({root, argv, interactive}: {readonly root: URL; readonly argv: readonly string[]; readonly interactive: boolean}): Promise<string | undefined> {
  // "events atach" and "events:atach" alike: oclif takes either form.
  const words = leadingWords(argv).flatMap((word) => word.split(':')).filter((word) => word !== '')
  if (interactive || words.length === 0) return undefined
  const ids = readCommandIds(root)
  if (ids === undefined) return undefined // not built: oclif answers
  const all = new Set(ids.all)
  // oclif takes the longest run of words that is a command (hidden ones too); the rest are its arguments.
  for (let i = words.length; i > 0; i--) if (all.has(words.slice(0, i).join(':'))) return undefined
  const topics = ids.topics.filter((topic) => !all.has(topic)) // topics that are only topics: "events", "local"
  if (topics.includes(words.join(':'))) return undefined // a topic alone: oclif lists its commands
  // The nearest visible command or topic to the first one, two or three words, whichever is nearest (the most
  // words on a tie): "deplyo api" → deploy, "event attach" → events attach, "version" → versions.
  const {closest, distance} = await import('fastest-levenshtein')
  const candidates = [...ids.commands, ...topics]
  let best: {typed: string; nearest: string; distance: number} | undefined
  for (let k = 1; k <= Math.min(words.length, 3); k++) {
    const typed = words.slice(0, k).join(':')
    if (topics.includes(typed)) continue // a topic typed right: the typo is in the words after it
    const nearest = closest(typed, candidates)
    const d = distance(typed, nearest)
    if (best === undefined || d <= best.distance) best = {typed, nearest, distance: d}
  }
  if (best === undefined) return undefined
  const {bin} = readPackageJson(root).oclif
  const spaced = (id: string): string => id.replaceAll(':', ' ')
  const topic = topics.includes(words[0] ?? '') ? ` ${words[0]}` : ''
  return ` ›   Warning: ${spaced(best.typed)} is not a ${bin} command.\n ›   Error: Did you mean "${bin} ${spaced(best.nearest)}"? Run ${bin} help${topic} for a list of available commands.\n`
}

/** The arguments before the first flag: a command's words, and maybe its arguments. */
function leadingWords(argv: readonly string[]): string[] {
  const firstFlag = argv.findIndex((arg) => arg.startsWith('-'))
  return [...(firstFlag === -1 ? argv : argv.slice(0, firstFlag))]
}

/**
 * oclif's load options for running one of sling's own commands: the root plugin only. Loading oclif's plugins
 * (help, autocomplete, not-found: their package.json, manifest and root lookups, ~8 ms) serves only their
 * commands, the `help` command and a command that isn't found; none of them hooks a command of sling's. Undefined
 * (oclif loads everything) for anything else, and whenever help is asked for.
 */
export function ownCommandLoadOptions({root, argv}: {readonly root: URL; readonly argv: readonly string[]}): object | undefined {
  if (argv.some((arg) => arg === '--help' || arg === '-h' || arg === '--')) return undefined
  const ids = readCommandIds(root)
  const words = leadingWords(argv)
  if (ids?.own === undefined || !words.some((_word, i) => ids.own.includes(words.slice(0, i + 1).join(':')))) return undefined
  const pjson = readPackageJson(root)
  // No user plugins either: sling installs none (it has no plugins command), so oclif would only find no file.
  return {root: fileURLToPath(root), pjson: {...pjson, oclif: {...pjson.oclif, plugins: []}}, userPlugins: false, devPlugins: false}
}

/** Read once per start (and per package root: the tests use several). */
const commandIdsByRoot = new Map<string, CommandIds | undefined>()

function readCommandIds(root: URL): CommandIds | undefined {
  if (!commandIdsByRoot.has(root.href)) {
    let ids: CommandIds | undefined
    try {
      ids = JSON.parse(readFileSync(new URL(COMMAND_IDS_FILE, root), 'utf8')) as CommandIds
    } catch {
      ids = undefined
    }
    commandIdsByRoot.set(root.href, ids)
  }
  return commandIdsByRoot.get(root.href)
}

/** sling's package.json: what oclif reads as the root plugin's pjson. */
function readPackageJson(root: URL): {version: string; oclif: {bin: string} & Record<string, unknown>} {
  return JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {version: string; oclif: {bin: string} & Record<string, unknown>}
}

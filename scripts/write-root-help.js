// Renders `sling --help` with oclif as a pipe gets it (80 columns, no colour) into dist/root-help.txt, with the user
// agent (which names the Node.js that runs it) left as a placeholder: bin/run.js prints it without loading oclif.
import {execFileSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'

const root = new URL('../', import.meta.url)
const {COMMAND_IDS_FILE, ROOT_HELP_FILE, USER_AGENT_PLACEHOLDER, userAgent} = await import(new URL('dist/lib/startup.js', root).href)
const env = {...process.env, NO_COLOR: '1', FORCE_COLOR: '0'}
delete env.OCLIF_COLUMNS
// oclif itself, not bin/run.js (which would print the file this writes).
const render = `const {execute} = await import('@oclif/core'); await execute({dir: ${JSON.stringify(new URL('bin/run.js', root).href)}, args: ['--help']})`
const help = execFileSync(process.execPath, ['--input-type=module', '-e', render], {cwd: new URL('.', root).pathname, env, encoding: 'utf8'})
const agent = userAgent(root)
if (!help.includes(agent)) throw new Error(`sling --help doesn't show the user agent "${agent}": has oclif's root help changed?`)
writeFileSync(new URL(ROOT_HELP_FILE, root), help.replace(agent, USER_AGENT_PLACEHOLDER))

// The command ids, aliases and topics bin/run.js checks a mistyped command against (src/lib/startup.ts), as oclif
// sees them with its plugins.
const {Config} = await import('@oclif/core')
const config = await Config.load({root: new URL('.', root).pathname})
const visible = config.commands.filter((command) => !command.hidden)
const own = config.commands.filter((command) => command.pluginName === config.name)
const ids = {
  commands: [...new Set(visible.flatMap((command) => [command.id, ...command.aliases]))].sort(),
  all: [...new Set(config.commands.flatMap((command) => [command.id, ...command.aliases]))].sort(),
  own: [...new Set(own.flatMap((command) => [command.id, ...command.aliases]))].sort(),
  topics: config.topics.map((topic) => topic.name).sort(),
}
writeFileSync(new URL(COMMAND_IDS_FILE, root), `${JSON.stringify(ids)}\n`)

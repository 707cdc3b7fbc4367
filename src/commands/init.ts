import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../lib/base-command.js'
import type {InitResult} from '../lib/init/init.js'
import {init} from '../lib/init/init.js'
import {renderInit} from '../lib/init/render.js'
import {LANGUAGES, TEMPLATE_NAMES} from '../lib/init/templates.js'

export default class Init extends BaseCommand<InitResult> {
  static summary = 'Create a project with a Lambda function, or add a function to the project in DIR.'
  static description =
    'Writes the handler (TypeScript or JavaScript) from a template (api, sqs, schedule, s3), a unit test for it, sling.config.json, package.json with deploy/invoke/logs/test scripts, .gitignore and a README. On a terminal it asks what flags leave out; in CI pass --yes. It never overwrites a file: on a terminal it asks, otherwise it keeps the file and says so. In a directory that has a config, it adds the function to it.'
  static examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init my-service --template api --language ts --yes',
    '<%= config.bin %> init --name worker --template sqs --yes   # add a function to this project',
  ]
  static args = {dir: Args.string({description: 'The project directory (created if missing).', default: '.'})}
  static flags = {
    name: Flags.string({summary: 'The function name (its key in sling.config.json).', env: 'SLING_INIT_NAME'}),
    project: Flags.string({summary: 'The project (service) name; default: the directory name.', env: 'SLING_INIT_PROJECT'}),
    template: Flags.string({summary: 'What the handler is.', options: [...TEMPLATE_NAMES], env: 'SLING_INIT_TEMPLATE'}),
    language: Flags.string({summary: 'TypeScript or JavaScript.', options: [...LANGUAGES], env: 'SLING_INIT_LANGUAGE'}),
    runtime: Flags.string({summary: 'The Node.js runtime (default: the newest).', env: 'SLING_INIT_RUNTIME'}),
    architecture: Flags.string({summary: 'The instruction set (default arm64).', options: ['arm64', 'x86_64'], env: 'SLING_INIT_ARCHITECTURE'}),
    memory: Flags.integer({summary: 'Memory in MB (default: the template\'s).', min: 128, max: 32_768, env: 'SLING_INIT_MEMORY'}),
    timeout: Flags.integer({summary: 'Timeout in seconds (default: the template\'s).', min: 1, max: 5400, env: 'SLING_INIT_TIMEOUT'}),
    yes: Flags.boolean({char: 'y', summary: "Don't ask: take the defaults for what flags leave out (existing files are kept).", env: 'SLING_YES'}),
  }

  async run(): Promise<InitResult> {
    const {args, flags} = await this.parse(Init)
    const given = {
      key: flags.name, project: flags.project, template: flags.template as InitResult['function']['template'] | undefined, language: flags.language as InitResult['function']['language'] | undefined,
      runtime: flags.runtime, architecture: flags.architecture as 'arm64' | 'x86_64' | undefined, memorySize: flags.memory, timeout: flags.timeout,
    }
    const defined = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined))
    return init({dir: args.dir, configFile: flags.config, given: defined, yes: flags.yes}, {output: this.output(flags)})
  }

  protected override render(result: InitResult): void {
    renderInit(result, this.output())
  }
}

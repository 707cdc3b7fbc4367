/**
 * The answers `sling init` needs: from flags, else asked on a terminal, else (with --yes) the defaults.
 * Every question has a flag, so CI and scripts never need a terminal.
 */
import {ExitCode, UserError} from '../errors.js'
import {FUNCTION_NAME_PATTERN, LAMBDA_LIMITS, LAYER_NAME_PATTERN} from '../lambda/rules.js'
import type {Output} from '../output.js'
import type {Language, TemplateName} from './templates.js'
import {LANGUAGES, TEMPLATES, TEMPLATE_NAMES, nodeRuntimes} from './templates.js'

export interface InitAnswers {
  /** The service name (prefix of deployed names). */
  readonly project: string
  /** The function's key in sling.config.json. */
  readonly key: string
  readonly language: Language
  readonly template: TemplateName
  readonly runtime: string
  readonly architecture: 'x86_64' | 'arm64'
  readonly memorySize: number
  readonly timeout: number
}

/** What flags gave; anything left out is asked on a terminal or defaulted with --yes. */
export type GivenAnswers = Partial<InitAnswers>

export interface AnswerContext {
  /** The project's name when the directory already has a config (not asked then), else the default. */
  readonly project: string
  /** True when adding a function to an existing config: the project name isn't asked. */
  readonly existing: boolean
  /** The language the existing project uses (not asked then). */
  readonly language?: Language | undefined
  /** Function keys already in the config. */
  readonly keys: readonly string[]
  /** Take defaults for what flags don't give instead of asking. */
  readonly yes: boolean
}

const SERVICE_MAX = 40

/** A project name from a directory name: what the config's "service" accepts. */
export function projectNameFrom(dir: string): string {
  const name = dir.replace(/[^a-zA-Z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, SERVICE_MAX)
  return name === '' ? 'my-service' : name
}

/** Resolves every answer, asking on a terminal for what flags don't give (unless --yes). */
export async function resolveAnswers(given: GivenAnswers, context: AnswerContext, output: Output): Promise<InitAnswers> {
  const ask = output.canPrompt && !context.yes
  if (!ask && !context.yes && given.template === undefined) {
    throw new UserError('AnswersRequired', "sling init asks what to create, and there is no terminal to ask.", {
      exitCode: ExitCode.Usage,
      hints: ['Pass --yes in CI or scripts (defaults for what flags leave out), with --template api|sqs|schedule|s3, --name, --language ts|js.'],
    })
  }
  const project = given.project ?? (context.existing || !ask ? context.project : await output.input('Project name', {default: context.project, validate: checkProject}))
  check(checkProject(project), '--project')
  const language = given.language ?? context.language ?? (ask ? await output.select<Language>('Language', LANGUAGES.map((l) => ({value: l, name: l === 'ts' ? 'TypeScript' : 'JavaScript'})), {default: 'ts'}) : 'ts')
  const template = given.template ?? (ask ? await output.select<TemplateName>('Template', TEMPLATE_NAMES.map((t) => ({value: t, name: `${t}: ${TEMPLATES[t].description}`}))) : 'api')
  const defaults = TEMPLATES[template]
  const keyDefault = freeKey(defaults.defaultKey, context.keys)
  const validateKey = (key: string): string | true => checkKey(key, project, context.keys)
  const key = given.key ?? (ask ? await output.input('Function name', {default: keyDefault, validate: validateKey}) : keyDefault)
  check(validateKey(key), '--name')
  const runtimes = nodeRuntimes()
  if (given.runtime !== undefined && !runtimes.includes(given.runtime)) check(`"${given.runtime}" isn't a runtime a new Node.js function can use; pick one of ${runtimes.join(', ')}.`, '--runtime')
  const runtime = given.runtime ?? (ask ? await output.select('Runtime', runtimes.map((r) => ({value: r}))) : runtimes[0] ?? 'nodejs24.x')
  const architecture = given.architecture ?? (ask ? await output.select<InitAnswers['architecture']>('Architecture', [{value: 'arm64', name: 'arm64 (Graviton: cheaper per ms)'}, {value: 'x86_64'}], {default: 'arm64'}) : 'arm64')
  const memorySize = given.memorySize ?? (ask ? await askNumber(output, 'Memory (MB)', defaults.memorySize, LAMBDA_LIMITS.memoryMin, LAMBDA_LIMITS.memoryMax) : defaults.memorySize)
  const timeout = given.timeout ?? (ask ? await askNumber(output, 'Timeout (seconds)', defaults.timeout, LAMBDA_LIMITS.timeoutMin, LAMBDA_LIMITS.timeoutMax) : defaults.timeout)
  return {project, key, language, template, runtime, architecture, memorySize, timeout}
}

async function askNumber(output: Output, message: string, initial: number, min: number, max: number): Promise<number> {
  const validate = (value: string): string | true => (/^\d+$/.test(value.trim()) && Number(value) >= min && Number(value) <= max ? true : `A whole number from ${min} to ${max}.`)
  return Number((await output.input(message, {default: String(initial), validate})).trim())
}

function check(verdict: string | true, flag: string): void {
  if (verdict !== true) throw new UserError('InvalidAnswer', `${flag}: ${verdict}`, {exitCode: ExitCode.Usage})
}

function checkProject(name: string): string | true {
  if (!FUNCTION_NAME_PATTERN.test(name) || name.length > SERVICE_MAX) return `"${name}" isn't a project name: at most ${SERVICE_MAX} letters, digits, hyphens and underscores.`
  return true
}

function checkKey(key: string, project: string, keys: readonly string[]): string | true {
  if (!LAYER_NAME_PATTERN.test(key)) return `"${key}" isn't a function name: letters, digits, hyphens and underscores only.`
  if (keys.includes(key)) return `The config already has a function "${key}"; pick another name.`
  const deployed = `${project}-${key}`
  if (deployed.length > LAMBDA_LIMITS.functionNameMax) return `"${deployed}" (the deployed name) is longer than Lambda's ${LAMBDA_LIMITS.functionNameMax} characters.`
  return true
}

/** `base`, or `base2`, `base3`… when the config already has it. */
function freeKey(base: string, keys: readonly string[]): string {
  if (!keys.includes(base)) return base
  let n = 2
  while (keys.includes(`${base}${n}`)) n++
  return `${base}${n}`
}

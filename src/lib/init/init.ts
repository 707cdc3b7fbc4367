/**
 * `sling init [DIR]`: a new project with one function, or one more function in a project that has a config.
 * Never overwrites a file: on a terminal it asks, file by file; without one it skips the file and says so.
 */
import {access, mkdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {DEFAULT_CONFIG_FILE, loadConfig} from '../config/load.js'
import {ExitCode, UserError} from '../errors.js'
import {writeAtomic} from '../fs.js'
import type {Output} from '../output.js'
import {displayPath} from '../paths.js'
import type {GivenAnswers, InitAnswers} from './answers.js'
import {projectNameFrom, resolveAnswers} from './answers.js'
import type {PlannedFile} from './files.js'
import {functionEntry, functionFiles, projectFiles} from './files.js'
import type {Language} from './templates.js'
import {SCHEMA_FILE, TEMPLATES, testCommand} from './templates.js'

export interface InitOptions {
  /** The project directory (created when missing). */
  readonly dir: string
  /** The config file's name in it. @default "sling.config.json" */
  readonly configFile?: string
  /** Answers given as flags. */
  readonly given: GivenAnswers
  /** Take the defaults for what flags don't give, and don't ask about existing files (they are kept). @default false */
  readonly yes?: boolean
  /** The JSON Schema the config's "$schema" points at. @default sling's own */
  readonly schemaFile?: string
}

export interface InitFile {
  readonly path: string
  /** `written`: new; `overwritten`: you said yes on the terminal; `skipped`: it existed and was kept; `updated`: the config a function was added to. */
  readonly action: 'written' | 'overwritten' | 'skipped' | 'updated'
}

export interface InitResult {
  /** `created`: a new project; `added`: a function added to the existing config. */
  readonly status: 'created' | 'added'
  readonly dir: string
  readonly config: string
  readonly project: string
  readonly function: InitAnswers & {readonly entry: string; readonly event: string; readonly testCommand: string}
  readonly files: readonly InitFile[]
}

export async function init(options: InitOptions, {output}: {readonly output: Output}): Promise<InitResult> {
  const dir = path.resolve(options.dir)
  const configPath = path.join(dir, options.configFile ?? DEFAULT_CONFIG_FILE)
  const existing = (await exists(configPath)) ? await readExisting(configPath, dir) : undefined
  if (options.given.key !== undefined && existing?.keys.includes(options.given.key)) {
    throw new UserError('FunctionExists', `${displayPath(configPath)} already has a function "${options.given.key}".`, {
      exitCode: ExitCode.Usage,
      hints: ['Pick another name with --name.'],
    })
  }
  const context = {project: existing?.project ?? projectNameFrom(path.basename(dir)), existing: existing !== undefined, language: existing?.language, keys: existing?.keys ?? [], yes: options.yes ?? false}
  const answers = await resolveAnswers(options.given, context, output)
  const planned = [...(await functionFiles(answers)), ...(existing ? [] : await projectFiles(answers, {dir, schemaFile: options.schemaFile ?? SCHEMA_FILE}))]
  await mkdir(dir, {recursive: true})
  const files: InitFile[] = []
  for (const file of planned) files.push(await writeNew(dir, file, {output, ask: output.canPrompt && !(options.yes ?? false)}))
  if (existing) {
    await addToConfig(configPath, answers)
    files.push({path: path.relative(dir, configPath), action: 'updated'})
    if (options.given.language !== undefined && options.given.language !== existing.language) {
      output.warn(`The project is in ${existing.language === 'ts' ? 'TypeScript' : 'JavaScript'}: its "npm test" may not run ${answers.key}'s test; add "${testCommand(answers.language)}" to it.`)
    }
  }
  const kept = files.find((f) => f.path === 'package.json' && f.action === 'skipped')
  if (kept) output.info(`Add the scripts to your package.json yourself: "test": "${testCommand(answers.language)}", "deploy": "sling deploy", "invoke": "sling invoke ${answers.key} --event ${TEMPLATES[answers.template].event}", "logs": "sling logs ${answers.key}".`)
  const template = TEMPLATES[answers.template]
  output.success(existing ? `Added function "${answers.key}" to ${displayPath(configPath)}.` : `Created project "${answers.project}" in ${displayPath(dir)}.`)
  return {
    status: existing ? 'added' : 'created',
    dir,
    config: configPath,
    project: answers.project,
    function: {...answers, entry: `src/${answers.key}.${answers.language}`, event: template.event, testCommand: testCommand(answers.language)},
    files,
  }
}

interface ExistingProject {
  readonly project: string
  readonly keys: readonly string[]
  readonly language: Language
}

/** The project a config describes: it must be valid, since init adds to it. */
async function readExisting(configPath: string, dir: string): Promise<ExistingProject> {
  const config = await loadConfig({file: configPath})
  const entries = config.functions.map((f) => f.entry ?? '')
  const typescript = (await exists(path.join(dir, 'tsconfig.json'))) || entries.some((e) => /\.tsx?$/.test(e))
  return {project: config.service, keys: config.functions.map((f) => f.key), language: typescript ? 'ts' : 'js'}
}

/** Writes a file that doesn't exist yet; an existing one is kept unless the person at the terminal says otherwise. */
async function writeNew(dir: string, file: PlannedFile, {output, ask}: {readonly output: Output; readonly ask: boolean}): Promise<InitFile> {
  const target = path.join(dir, file.path)
  await mkdir(path.dirname(target), {recursive: true})
  try {
    // "wx" fails when the file exists, so a file created since we looked is never overwritten either.
    await writeFile(target, file.content, {flag: 'wx'})
    return {path: file.path, action: 'written'}
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  if (ask && (await output.confirm(`${file.path} exists. Overwrite it?`, {assumeYes: false}))) {
    await writeAtomic(target, file.content)
    return {path: file.path, action: 'overwritten'}
  }
  output.warn(`${file.path} exists: kept as it is (sling init never overwrites a file without asking).`)
  return {path: file.path, action: 'skipped'}
}

/** Adds the function to the config as written (not resolved), keeping everything else in it. */
async function addToConfig(configPath: string, answers: InitAnswers): Promise<void> {
  const raw = JSON.parse(await readFile(configPath, 'utf8')) as {functions?: Record<string, unknown>}
  raw.functions = {...raw.functions, [answers.key]: functionEntry(answers)}
  await writeAtomic(configPath, `${JSON.stringify(raw, null, 2)}\n`)
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file)
    return true
  } catch {
    return false
  }
}

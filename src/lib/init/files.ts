/** The files `sling init` writes, rendered from the answers and the templates under templates/. */
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {toPosix} from '../paths.js'
import type {InitAnswers} from './answers.js'
import type {Language} from './templates.js'
import {TEMPLATES, TEMPLATES_DIR, devDependencies, templateFiles, testCommand} from './templates.js'

/** One file to write, relative to the project directory. */
export interface PlannedFile {
  readonly path: string
  readonly content: string
}

/** A function's entry in sling.config.json. */
export function functionEntry(answers: InitAnswers): Record<string, unknown> {
  return {
    entry: `src/${answers.key}.${answers.language}`,
    description: TEMPLATES[answers.template].description,
    runtime: answers.runtime,
    architecture: answers.architecture,
    memorySize: answers.memorySize,
    timeout: answers.timeout,
  }
}

/** The handler and its test: what every init writes, new project or not. */
export async function functionFiles(answers: InitAnswers): Promise<PlannedFile[]> {
  const sources = templateFiles(answers.template, answers.language)
  const [handler, test] = await Promise.all([readFile(sources.handler, 'utf8'), readFile(sources.test, 'utf8')])
  return [
    {path: `src/${answers.key}.${answers.language}`, content: handler},
    {path: `test/${answers.key}.test.${answers.language}`, content: test.replaceAll('__FUNCTION__', answers.key)},
  ]
}

/** Everything a new project gets besides the function: config, package.json, tsconfig, .gitignore, README. */
export async function projectFiles(answers: InitAnswers, options: {readonly dir: string; readonly schemaFile: string}): Promise<PlannedFile[]> {
  const config = {
    // Relative, so the project can move with sling beside it; editors resolve it from the config's folder.
    $schema: toPosix(path.relative(options.dir, options.schemaFile)),
    service: answers.project,
    functions: {[answers.key]: functionEntry(answers)},
  }
  const files: PlannedFile[] = [
    {path: 'sling.config.json', content: json(config)},
    {path: 'package.json', content: json(packageJson(answers))},
    {path: '.gitignore', content: '# sling: build output and the local cloud\'s store\n.sling/\nnode_modules/\n'},
    {path: 'README.md', content: await readme(answers)},
  ]
  if (answers.language === 'ts') files.push({path: 'tsconfig.json', content: json(TSCONFIG)})
  return files
}

function packageJson(answers: InitAnswers): Record<string, unknown> {
  const {key, language} = answers
  return {
    name: answers.project.toLowerCase(),
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: {node: '>=20'},
    scripts: {
      test: testCommand(language),
      ...(language === 'ts' ? {typecheck: 'tsc --noEmit'} : {}),
      deploy: 'sling deploy',
      invoke: `sling invoke ${key} --event ${TEMPLATES[answers.template].event}`,
      logs: `sling logs ${key}`,
    },
    devDependencies: devDependencies(language),
  }
}

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    // sling bundles with esbuild and tsx runs the tests: tsc only checks types.
    noEmit: true,
  },
  include: ['src', 'test'],
}

async function readme(answers: InitAnswers): Promise<string> {
  const template = TEMPLATES[answers.template]
  const language: Language = answers.language
  const values: Record<string, string> = {
    project: answers.project,
    function: answers.key,
    description: template.description,
    entry: `src/${answers.key}.${language}`,
    event: template.event,
    install: language === 'ts' ? 'npm install                                        # tsx, TypeScript and the type definitions\n' : '',
    testRunner: language === 'ts' ? "Node.js's test runner through tsx" : "Node.js's test runner; nothing to install",
    notes: `\n${template.note.replaceAll('{{function}}', answers.key)}\n`,
  }
  const text = await readFile(path.join(TEMPLATES_DIR, 'README.md'), 'utf8')
  return text.replace(/\{\{(\w+)\}\}/g, (match, name: string) => values[name] ?? match)
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

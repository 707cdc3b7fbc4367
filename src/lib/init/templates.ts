/**
 * What `sling init` can scaffold: four handler templates in TypeScript or JavaScript. The handlers and their
 * tests are real files under `templates/` at the package root (shipped in package.json "files").
 */
import path from 'node:path'

import {DEFAULT_RUNTIME} from '../config/schema.js'
import {acceptsNewFunctions, runtimeStatus, RUNTIMES} from '../lambda/runtimes.js'

export const TEMPLATE_NAMES = ['api', 'sqs', 'schedule', 's3'] as const
export type TemplateName = (typeof TEMPLATE_NAMES)[number]

export const LANGUAGES = ['ts', 'js'] as const
export type Language = (typeof LANGUAGES)[number]

export interface Template {
  readonly name: TemplateName
  /** One line for the prompt and the generated README. */
  readonly description: string
  /** The function key a new function of this kind gets unless --name says otherwise. */
  readonly defaultKey: string
  /** The `sling invoke --event` sample this handler takes. */
  readonly event: string
  readonly memorySize: number
  readonly timeout: number
  /** What to do next, for the generated README. */
  readonly note: string
}

export const TEMPLATES: Readonly<Record<TemplateName, Template>> = {
  api: {
    name: 'api',
    description: 'HTTP API handler behind a function URL',
    defaultKey: 'api',
    event: 'apigw',
    memorySize: 256,
    timeout: 10,
    note: 'Give it a function URL with `sling url {{function}}` (AWS_IAM auth unless you ask for NONE).',
  },
  sqs: {
    name: 'sqs',
    description: 'SQS consumer with partial batch failures',
    defaultKey: 'worker',
    event: 'sqs',
    memorySize: 256,
    // At most the queue's visibility timeout (30 s by default), which Lambda requires of a mapping.
    timeout: 30,
    note: 'Attach a queue with `sling events attach {{function}} sqs:QUEUE --report-batch-item-failures`, so that only failed messages are retried.',
  },
  schedule: {
    name: 'schedule',
    description: 'Scheduled job (EventBridge rate or cron)',
    defaultKey: 'job',
    event: 'schedule',
    memorySize: 256,
    timeout: 60,
    note: 'Run it on a schedule with `sling events attach` (see `sling events attach --help`), e.g. every hour with "rate(1 hour)".',
  },
  s3: {
    name: 's3',
    description: 'S3 object processor (event notifications)',
    defaultKey: 'processor',
    event: 's3',
    memorySize: 512,
    timeout: 60,
    note: 'Send it a bucket\'s new objects with `sling events attach` (see `sling events attach --help`).',
  },
}

/** The package root: templates/ and schema/ sit beside dist/ and src/. */
export const PACKAGE_ROOT = path.resolve(import.meta.dirname, '../../..')
export const TEMPLATES_DIR = path.join(PACKAGE_ROOT, 'templates')
export const SCHEMA_FILE = path.join(PACKAGE_ROOT, 'schema', 'sling.config.schema.json')

/** Where a template's handler and test live under templates/. */
export function templateFiles(template: TemplateName, language: Language): {readonly handler: string; readonly test: string} {
  return {handler: path.join(TEMPLATES_DIR, language, `${template}.${language}`), test: path.join(TEMPLATES_DIR, language, `${template}.test.${language}`)}
}

/** The Node.js runtimes a new function can use today (the templates are Node.js handlers), the default first. */
export function nodeRuntimes(day: string = new Date().toISOString().slice(0, 10)): string[] {
  // Previews aren't offered: a template should deploy anywhere Lambda runs.
  const usable = RUNTIMES.filter((r) => r.startsWith('nodejs') && acceptsNewFunctions(r, day) && ['supported', 'deprecated'].includes(runtimeStatus(r, day)))
  return [DEFAULT_RUNTIME, ...usable.filter((r) => r !== DEFAULT_RUNTIME)]
}

/** The devDependencies a generated project gets: types for both languages, the test runner and compiler for TypeScript. */
export function devDependencies(language: Language): Record<string, string> {
  const types = {'@types/aws-lambda': '^8.10.160', '@types/node': '^20.19.0'}
  return language === 'ts' ? {...types, tsx: '^4.20.0', typescript: '^5.9.0'} : types
}

/** The project's test command: node's own runner; TypeScript goes through tsx, since Node.js 20 can't strip types. */
export function testCommand(language: Language): string {
  return language === 'ts' ? 'tsx --test test/*.test.ts' : 'node --test test/*.test.js'
}

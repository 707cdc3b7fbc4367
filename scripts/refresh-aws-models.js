#!/usr/bin/env node
/**
 * Refreshes the vendored AWS service models (aws-models/) from a botocore-style models directory:
 * `../shared/aws-models` beside the repository by default, or the directory given as the argument.
 *
 * For each service sling uses, service-2.json is copied with its documentation strings removed (they
 * are most of its size, and neither the local cloud nor the tests read them), and paginators-1.json and
 * waiters-2.json as they are. AWS's LICENSE.txt and NOTICE (Apache-2.0) are copied beside them.
 *
 *   node scripts/refresh-aws-models.js [SOURCE_DIR]
 */
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..')
const TARGET = path.join(ROOT, 'aws-models')
const SOURCE = path.resolve(process.argv[2] ?? path.join(ROOT, '../shared/aws-models'))

/** The services the local cloud serves or answers "not emulated" for, and the tests check against. */
const SERVICES = ['lambda', 'logs', 's3', 'iam', 'sts', 'cloudwatch', 'sqs', 'events', 'sns', 'scheduler']
const AS_IS = ['paginators-1.json', 'waiters-2.json']
const DROPPED_KEYS = new Set(['documentation', 'documentationUrl'])

function withoutDocumentation(value) {
  if (Array.isArray(value)) return value.map(withoutDocumentation)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).filter(([key]) => !DROPPED_KEYS.has(key)).map(([key, item]) => [key, withoutDocumentation(item)]))
}

if (!existsSync(path.join(SOURCE, 'lambda', 'service-2.json'))) {
  console.error(`No AWS models at ${SOURCE} (expected <service>/service-2.json). Pass the models directory as the argument.`)
  process.exit(1)
}

for (const service of SERVICES) {
  const from = path.join(SOURCE, service)
  const to = path.join(TARGET, service)
  rmSync(to, {recursive: true, force: true})
  mkdirSync(to, {recursive: true})
  const model = JSON.parse(readFileSync(path.join(from, 'service-2.json'), 'utf8'))
  writeFileSync(path.join(to, 'service-2.json'), `${JSON.stringify(withoutDocumentation(model), null, 1)}\n`)
  for (const name of AS_IS) {
    if (existsSync(path.join(from, name))) writeFileSync(path.join(to, name), readFileSync(path.join(from, name)))
  }
}
for (const name of ['LICENSE.txt', 'NOTICE']) writeFileSync(path.join(TARGET, name), readFileSync(path.join(SOURCE, name)))
console.log(`Refreshed ${SERVICES.length} service models in ${path.relative(process.cwd(), TARGET) || '.'} from ${SOURCE}.`)

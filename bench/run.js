#!/usr/bin/env node
// Runs every bench/*.bench.mjs in turn (each against the built CLI in dist/) and prints their reports.
// Usage: npm run bench [-- NAME...]   e.g. npm run bench -- package
import {spawnSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import path from 'node:path'

const dir = import.meta.dirname
const only = process.argv.slice(2)
const benches = readdirSync(dir)
  .filter((name) => name.endsWith('.bench.mjs'))
  .filter((name) => only.length === 0 || only.some((want) => name.startsWith(want)))
  .sort()
let failed = 0
for (const name of benches) {
  console.log(`\n=== ${name} ===`)
  const result = spawnSync(process.execPath, ['--expose-gc', path.join(dir, name)], {stdio: 'inherit', env: {...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'}})
  if (result.status !== 0) failed++
}
process.exitCode = failed > 0 ? 1 : 0

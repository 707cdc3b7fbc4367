// Writes src/lib/config/compiled.generated.ts: the config validator compiled from the zod schema (see
// src/lib/config/compile.ts). Runs first in `npm run build`, on the TypeScript sources (bundled by esbuild into a
// scratch module), so that tsc compiles a validator of today's schema. Writes only when the text changes, and
// with CI set refuses to build when it would change.
import {build} from 'esbuild'
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {pathToFileURL} from 'node:url'

const ROOT = path.resolve(import.meta.dirname, '..')
const TARGET = path.join(ROOT, 'src', 'lib', 'config', 'compiled.generated.ts')
// Inside node_modules, so that the scratch module's imports of zod resolve.
const SCRATCH = path.join(ROOT, 'node_modules', '.cache', 'sling', `compile-config-${process.pid}.mjs`)

mkdirSync(path.dirname(SCRATCH), {recursive: true})
await build({
  entryPoints: [path.join(ROOT, 'src', 'lib', 'config', 'compile.ts')],
  outfile: SCRATCH,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
})
try {
  const {generatedValidators} = await import(pathToFileURL(SCRATCH).href)
  const text = await generatedValidators()
  let current
  try {
    current = readFileSync(TARGET, 'utf8')
  } catch {}
  if (current !== text) {
    // In CI the committed file must already be today's: a stale one means a schema change was committed without it.
    if (process.env.CI && process.env.CI !== 'false') {
      console.error(`${path.relative(ROOT, TARGET)} is out of date with the config schema: run \`npm run build\` and commit it.`)
      process.exitCode = 1
    } else {
      writeFileSync(TARGET, text)
    }
  }
} finally {
  rmSync(SCRATCH, {force: true})
}

// Start-up (README "Performance"): Node.js reads, resolves and compiles every file of a package on import, and
// @oclif/core (65 files, with semver: 110) and zod (95) cost more
// in files than in code. This bundles each into one minified file, dist/vendor/<name>.js, exporting exactly
// the names sling imports, and points dist's imports at it. Sling's own files stay as tsc wrote them (the local
// cloud finds its models and workers next to them). Runs after `oclif manifest`, on what tsc emitted.
import {build} from 'esbuild'
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..')
const DIST = path.join(ROOT, 'dist')
const VENDOR = path.join(DIST, 'vendor')
/** The packages to bundle, and names to export beyond those dist imports (bin/run.js calls execute). */
const PACKAGES = {'@oclif/core': ['execute'], zod: []}
// esbuild turns a bundled CommonJS module's require() of a Node.js built-in into a call of `require`: give it one.
const BANNER = "import {createRequire as __vendorCreateRequire} from 'node:module';const require = __vendorCreateRequire(import.meta.url);"

/**
 * zod's namespace carries every locale (z.locales, 260 of its 450 KB); sling's messages are English and it never
 * calls z.config, so the bundle keeps only `en` (the one zod installs by default).
 */
const englishOnlyZod = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({filter: /\/locales\/index\.js$/}, (args) => (args.importer.includes(`${path.sep}zod${path.sep}`) ? {path: path.join(args.resolveDir, '..', 'locales', 'en.js'), namespace: 'zod-locales'} : undefined))
    build.onLoad({filter: /.*/, namespace: 'zod-locales'}, (args) => ({contents: `export {default as en} from ${JSON.stringify(args.path)}`, resolveDir: path.dirname(args.path), loader: 'js'}))
  },
}

const files = (dir) => readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? (e.name === 'vendor' ? [] : files(path.join(dir, e.name))) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []))
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
const vendorFile = (pkg) => path.join(VENDOR, `${pkg.replace(/^@/, '').replace('/', '-')}.js`)

/** The names dist imports from `pkg`: {a, b as c} → a, b; a default import → default. */
function importedNames(sources, pkg) {
  const names = new Set(PACKAGES[pkg])
  const from = `\\s*from\\s*(?<q>['"])${escape(pkg)}\\k<q>`
  for (const source of sources) {
    for (const m of source.matchAll(new RegExp(`import\\s+(?:(\\w+)\\s*,?\\s*)?(?:\\{([^}]*)\\})?${from}`, 'g'))) {
      if (m[1]) names.add('default')
      for (const part of (m[2] ?? '').split(',')) {
        const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]
        if (name) names.add(name)
      }
    }
    if (new RegExp(`import\\s*\\*\\s*as\\s+\\w+${from}`).test(source) || new RegExp(`import\\(\\s*(['"])${escape(pkg)}\\1\\s*\\)`).test(source)) {
      throw new Error(`dist imports all of ${pkg} (import * or import()): name what it uses instead, so it can be bundled.`)
    }
  }
  return [...names].sort()
}

const sources = new Map(files(DIST).map((file) => [file, readFileSync(file, 'utf8')]))
mkdirSync(VENDOR, {recursive: true})
for (const pkg of Object.keys(PACKAGES)) {
  const names = importedNames(sources.values(), pkg)
  await build({
    stdin: {contents: `export {${names.join(', ')}} from '${pkg}'\n`, resolveDir: ROOT, loader: 'js'},
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    keepNames: true,
    legalComments: 'eof',
    banner: {js: BANNER},
    external: ['typescript'], // @oclif/core loads it only to run a TypeScript plugin in development
    plugins: pkg === 'zod' ? [englishOnlyZod] : [],
    outfile: vendorFile(pkg),
    logLevel: 'warning',
  })
}
for (const [file, source] of sources) {
  let rewritten = source
  for (const pkg of Object.keys(PACKAGES)) {
    const relative = path.relative(path.dirname(file), vendorFile(pkg)).replaceAll(path.sep, '/')
    rewritten = rewritten.replace(new RegExp(`(from\\s*)(['"])${escape(pkg)}\\2`, 'g'), `$1$2${relative.startsWith('.') ? relative : `./${relative}`}$2`)
  }
  if (rewritten !== source) writeFileSync(file, rewritten)
}

// Start-up (README "Performance"): Node.js reads, resolves and compiles every file of a package on import, and
// @oclif/core (65 files, with semver: 110) and zod (95) cost more in files than in code. This bundles each into one
// minified file, dist/vendor/<name>.js, exporting exactly the names sling imports, and points dist's imports at it. The AWS SDK (@aws-sdk/*, @smithy/*: about 100 CommonJS
// files for one client, each parsed again by cjs-module-lexer for its exports) is bundled too, from its ES module
// builds, in one build with code splitting: one dist/vendor/aws-sdk-<package>.js per package dist imports, and
// dist/vendor/aws-sdk-chunk-<hash>.js for the code they share (one copy of @smithy/core etc., so shared middleware
// and classes exist once) and for the SDK's own lazy imports (credential providers load only when asked for).
// Every vendor file of the SDK has "aws-sdk" in its name: test/e2e/cli.test.ts finds SDK loads by it.
// Sling's own files stay as tsc wrote them (the local cloud finds its models and workers next to them).
// Runs after `oclif manifest`, on what tsc emitted.
import {build} from 'esbuild'
import {createHash} from 'node:crypto'
import {createRequire} from 'node:module'
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..')
const DIST = path.join(ROOT, 'dist')
const VENDOR = path.join(DIST, 'vendor')
/**
 * The packages to bundle, and names to export beyond those dist imports (bin/run.js calls execute). ansis,
 * picomatch, fastest-levenshtein and proper-lockfile (with graceful-fs, retry and signal-exit) are small, but
 * CommonJS, and every deploy loads them: bundled, a no-op deploy loads no CommonJS module at all (about 8 ms).
 * yazl (CommonJS too) writes every zip.
 */
const PACKAGES = {'@oclif/core': ['execute'], zod: [], ansis: [], picomatch: [], 'fastest-levenshtein': [], 'proper-lockfile': [], yazl: []}
/**
 * Bundles loaded with V8's code cache (src/lib/code-cache.ts): @oclif/core, which every command compiles (350 KB).
 * Each is a CommonJS file, dist/vendor/<name>.cjs, and dist/vendor/<name>.js is an ES module that loads it.
 */
const CODE_CACHED = ['@oclif/core', 'proper-lockfile', 'yazl', 'picomatch', 'ansis', 'fastest-levenshtein']
const SDK = /^@(?:aws-sdk|smithy)\//
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

/**
 * proper-lockfile's signal-exit checks its one argument with `require('assert').equal` (and graceful-fs, with
 * NODE_DEBUG=gfs4, one count at exit): loading node:assert for that costs ~1.5 ms of every command that locks.
 * The bundle gets an `equal` of its own that throws as assert's would (the message, on a loose inequality).
 */
const assertEqualOnly = {
  name: 'assert-equal-only',
  setup(build) {
    build.onResolve({filter: /^(node:)?assert$/}, () => ({path: 'assert', namespace: 'assert-equal-only'}))
    build.onLoad({filter: /.*/, namespace: 'assert-equal-only'}, () => ({
      contents: "module.exports = {equal(actual, expected, message) { if (actual != expected) throw Object.assign(new Error(message ?? `${actual} == ${expected}`), {code: 'ERR_ASSERTION', actual, expected, operator: '=='}) }}",
      loader: 'js',
    }))
  },
}

/**
 * @oclif/core requires these at its modules' top but calls them only to render help and errors, or to find
 * plugins: ejs (help templates), wrap-ansi, string-width, widest-line, indent-string, clean-stack, minimatch,
 * tinyglobby. Each becomes a stand-in that loads the package on first use (their evaluation cost every command a
 * few ms). A stand-in forwards property reads and calls; `__esModule` answers as the package would without loading
 * it (scripts/bundle-vendor.js reads it at build time), since oclif's __importDefault asks at once.
 */
const LAZY_OCLIF_DEPS = ['ejs', 'wrap-ansi', 'string-width', 'widest-line', 'indent-string', 'clean-stack', 'minimatch', 'tinyglobby']
const lazyOclifDeps = {
  name: 'lazy-oclif-deps',
  setup(build) {
    const filter = new RegExp(`^(${LAZY_OCLIF_DEPS.map(escape).join('|')})$`)
    build.onResolve({filter}, (args) => (args.namespace === 'lazy-dep' ? undefined : {path: args.path, namespace: 'lazy-dep', pluginData: {resolveDir: args.resolveDir}}))
    build.onLoad({filter: /.*/, namespace: 'lazy-dep'}, (args) => {
      const esModule = Boolean(createRequire(path.join(args.pluginData.resolveDir, 'x.js'))(args.path).__esModule)
      const contents = [
        'let real',
        `const load = () => (real ??= require(${JSON.stringify(args.path)}))`,
        'module.exports = new Proxy(() => {}, {',
        `  get: (_, key) => (key === '__esModule' ? ${esModule} : load()[key]),`,
        '  apply: (_, self, args) => Reflect.apply(load(), self, args),',
        '  has: (_, key) => key in load(),',
        '  ownKeys: () => Reflect.ownKeys(load()),',
        '  getOwnPropertyDescriptor: (_, key) => { const d = Reflect.getOwnPropertyDescriptor(load(), key); return d && {...d, configurable: true} },',
        '})',
      ].join('\n')
      return {contents, resolveDir: args.pluginData.resolveDir, loader: 'js'}
    })
  },
}

const files = (dir) => readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? (e.name === 'vendor' ? [] : files(path.join(dir, e.name))) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []))
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
/** @aws-sdk/client-s3 → aws-sdk-client-s3, @smithy/core/checksum → aws-sdk-smithy-core-checksum, @oclif/core → oclif-core. */
const vendorName = (pkg) => (SDK.test(pkg) ? `aws-sdk-${pkg.replace(/^@(aws-sdk\/)?/, '')}` : pkg.replace(/^@/, '')).replaceAll('/', '-')
const vendorFile = (pkg) => path.join(VENDOR, `${vendorName(pkg)}.js`)
/** `from 'pkg'`, `import 'pkg'` and `import('pkg')`, with the quote in group q. */
const specifier = (pkg) => `(?<lead>\\bfrom\\s*|\\bimport\\s*\\(?\\s*)(?<q>['"])${escape(pkg)}\\k<q>`

/**
 * The names dist imports from `pkg`: {a, b as c} → a, b; a default import → default; `(await import(pkg)).a` and
 * `const {a} = await import(pkg)` → a. Any other import of the whole package can't name what it uses: refused.
 */
function importedNames(sources, pkg) {
  const names = new Set(PACKAGES[pkg])
  const quoted = `(?<q>['"])${escape(pkg)}\\k<q>`
  const add = (list) => list.split(',').map((part) => part.trim().replace(/^type\s+/, '').split(/\s+as\s+|\s*:\s*/)[0]).forEach((name) => name && names.add(name))
  for (const source of sources) {
    for (const m of source.matchAll(new RegExp(`(?:import|export)\\s+(?:(?<default>\\w+)\\s*,?\\s*)?(?:\\{(?<list>[^{}]*)\\})?\\s*from\\s*${quoted}`, 'g'))) {
      if (m.groups.default) names.add('default')
      add(m.groups.list ?? '')
    }
    const dynamic = [
      ...source.matchAll(new RegExp(`\\(\\s*await\\s+import\\(\\s*${quoted}\\s*\\)\\s*\\)\\s*\\.\\s*(?<list>\\w+)`, 'g')),
      ...source.matchAll(new RegExp(`\\{(?<list>[^{}]*)\\}\\s*=\\s*await\\s+import\\(\\s*${quoted}\\s*\\)`, 'g')),
    ]
    for (const m of dynamic) add(m.groups.list)
    const whole = new RegExp(`(?:import|export)\\s*\\*[^;]*?from\\s*${quoted}`).test(source)
    if (whole || dynamic.length !== [...source.matchAll(new RegExp(`import\\(\\s*${quoted}\\s*\\)`, 'g'))].length) {
      throw new Error(`dist imports all of ${pkg} (import *, or an import() whose use isn't (await import(…)).name or const {…} = await import(…)): name what it uses instead, so it can be bundled.`)
    }
  }
  return [...names].sort()
}

/** Bundles a package's exports that dist uses: the entry `vendor-entry:<pkg>` is `export {names} from '<pkg>'`. */
const entries = (sources) => ({
  name: 'vendor-entries',
  setup(build) {
    build.onResolve({filter: /^vendor-entry:/}, (args) => ({path: args.path.slice('vendor-entry:'.length), namespace: 'vendor-entry'}))
    build.onLoad({filter: /.*/, namespace: 'vendor-entry'}, (args) => ({contents: `export {${importedNames(sources, args.path).join(', ')}} from '${args.path}'\n`, resolveDir: ROOT, loader: 'js'}))
  },
})

const COMMON = {bundle: true, platform: 'node', format: 'esm', target: 'node20', minify: true, keepNames: true, legalComments: 'eof', banner: {js: BANNER}, logLevel: 'warning'}
const sources = new Map(files(DIST).map((file) => [file, readFileSync(file, 'utf8')]))
mkdirSync(VENDOR, {recursive: true})
for (const pkg of Object.keys(PACKAGES)) {
  const options = {
    ...COMMON,
    entryPoints: [`vendor-entry:${pkg}`],
    external: ['typescript'], // @oclif/core loads it only to run a TypeScript plugin in development
    plugins: [entries([...sources.values()]), ...(pkg === 'zod' ? [englishOnlyZod] : []), ...(pkg === 'proper-lockfile' ? [assertEqualOnly] : []), ...(pkg === '@oclif/core' ? [lazyOclifDeps] : [])],
  }
  if (CODE_CACHED.includes(pkg)) await codeCachedBundle(pkg, options)
  else await build({...options, outfile: vendorFile(pkg)})
}
/**
 * `pkg` as a CommonJS bundle, <name>.cjs, whose dynamic import() calls go to `__dynamicImport` (code-cache.ts
 * supplies it: vm.Script has no import() of its own), and <name>.js, the ES module dist imports, which loads it.
 */
async function codeCachedBundle(pkg, options) {
  const cjs = vendorFile(pkg).replace(/\.js$/, '.cjs')
  const {outputFiles} = await build({...options, format: 'cjs', banner: {}, write: false, outfile: cjs})
  const source = outputFiles[0].text
  // import( where only a call can be: after an operator, a bracket, `await`, `return` or `=>` (so never a property,
  // a longer name, or words in a string). Any other "import(" fails the build, but the word "import()" quoted
  // alone (oclif says "import() failed to load…").
  const calls = /(?<=(?:^|[=(,:?!&|{};[]|\bawait|\breturn|=>)\s*)import\(/g
  const bundled = source.replace(calls, '__dynamicImport(')
  if (/import\s*\(/.test(bundled.replaceAll(/(["'`])import\(\)\1/g, ''))) throw new Error(`${pkg}: an import( bundle-vendor.js doesn't know to be a call or not; look at ${cjs}, and teach it.`)
  writeFileSync(cjs, bundled)
  const hash = createHash('sha256').update(bundled).digest('hex').slice(0, 16)
  const names = importedNames([...sources.values()], pkg)
  const exported = names.filter((name) => name !== 'default')
  writeFileSync(
    vendorFile(pkg),
    [
      `// ${pkg}, bundled by scripts/bundle-vendor.js into ${path.basename(cjs)}, loaded with V8's code cache (src/lib/code-cache.ts).`,
      "import {loadWithCodeCache} from '../lib/code-cache.js'",
      `const bundle = loadWithCodeCache(new URL('./${path.basename(cjs)}', import.meta.url).href, '${hash}')`,
      ...(exported.length > 0 ? [`export const {${exported.join(', ')}} = bundle`] : []),
      ...(names.includes('default') ? ['export default bundle.default'] : []),
      '',
    ].join('\n'),
  )
}

// The SDK: every @aws-sdk/* and @smithy/* specifier dist imports (a package or a subpath export), in one build so
// that the packages share their code (splitting needs ESM output). The SDK's ES module builds (mainFields; the
// exports maps list `module` first) bundle smaller than its CommonJS ones, and tree-shake to what dist names.
const sdk = [...new Set([...sources.values()].flatMap((source) => [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)(['"])(@(?:aws-sdk|smithy)\/[^'"]+)\1/g)].map((m) => m[2])))].sort()
if (sdk.length > 0) {
  await build({
    ...COMMON,
    entryPoints: Object.fromEntries(sdk.map((pkg) => [vendorName(pkg), `vendor-entry:${pkg}`])),
    splitting: true,
    mainFields: ['module', 'main'],
    plugins: [entries([...sources.values()])],
    outdir: VENDOR,
    chunkNames: 'aws-sdk-chunk-[hash]',
  })
}
for (const [file, source] of sources) {
  let rewritten = source
  for (const pkg of [...Object.keys(PACKAGES), ...sdk]) {
    const relative = path.relative(path.dirname(file), vendorFile(pkg)).replaceAll(path.sep, '/')
    rewritten = rewritten.replace(new RegExp(specifier(pkg), 'g'), `$<lead>$<q>${relative.startsWith('.') ? relative : `./${relative}`}$<q>`)
  }
  if (rewritten !== source) writeFileSync(file, rewritten)
}

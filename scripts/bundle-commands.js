// Start-up (README "Performance"): a no-op deploy loads about 80 of sling's own modules, and Node.js resolves,
// reads, compiles and links each one separately. This bundles every command, with the dist/lib modules it
// imports, in one esbuild build with code splitting, into dist/bundle/ (flat: every output sits one level below
// dist, so `new URL('../', import.meta.url)` in any of them is dist/), and turns each dist/commands/**.js into a
// stub re-exporting its bundle, so oclif.manifest.json (which names those files) works unchanged.
// - dist/vendor/ stays external and shared: each vendor module exists once per process.
// - The modules sling imports lazily (import('./resolve.js')…) stay lazy: each becomes an entry of its own, named
//   after its path (lib-config-resolve.js, lib-package-zip-writer.js), so an import trace still says what loaded.
// - import.meta.url/dirname/filename in a bundled module keep meaning the module's own place in dist/lib: the
//   local cloud finds aws-models/ and its worker scripts by them, the config memo dist/build-id.txt.
// - dist/lib stays as tsc wrote it: worker scripts and processes started by file path run from there.
// Runs after bundle-vendor.js (on the imports it rewrote) and write-root-help.js, before write-build-id.js.
import {build, transform} from 'esbuild'
import {readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {isBuiltin} from 'node:module'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..')
const DIST = path.join(ROOT, 'dist')
const COMMANDS = path.join(DIST, 'commands')
const BUNDLE = path.join(DIST, 'bundle')
const VENDOR = path.join(DIST, 'vendor')

const files = (dir) => readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []))
const posix = (file) => file.split(path.sep).join('/')
const inside = (dir, file) => !path.relative(dir, file).startsWith('..')
/** dist/commands/events/attach.js → events-attach; dist/lib/config/resolve.js → lib-config-resolve. */
const entryName = (file) => posix(path.relative(inside(COMMANDS, file) ? COMMANDS : DIST, file)).replace(/\.js$/, '').replaceAll('/', '-')

/**
 * import.meta in a bundled module would name its bundle file: each form sling uses is replaced with the same
 * value computed for the module's own file. Any other use of import.meta fails the build (it would silently
 * change meaning).
 */
const UNHANDLED = '__slingUnhandledImportMeta'
const META = {
  'import.meta.url': ['__slingModuleUrl', (url) => `const __slingModuleUrl = ${url};`],
  'import.meta.dirname': ['__slingModuleDirname', (url) => `const __slingModuleDirname = __slingDirname(__slingFileURLToPath(${url}));`],
  'import.meta.filename': ['__slingModuleFilename', (url) => `const __slingModuleFilename = __slingFileURLToPath(${url});`],
}
const PATH_HELPERS = "import {fileURLToPath as __slingFileURLToPath} from 'node:url';import {dirname as __slingDirname} from 'node:path';"

async function withOwnImportMeta(file) {
  const source = readFileSync(file, 'utf8')
  if (!source.includes('import.meta')) return source
  const define = {...Object.fromEntries(Object.entries(META).map(([form, [name]]) => [form, name])), 'import.meta': UNHANDLED}
  const {code} = await transform(source, {loader: 'js', format: 'esm', define, sourcefile: file})
  if (new RegExp(`\\b${UNHANDLED}\\b`).test(code)) {
    throw new Error(`${path.relative(ROOT, file)} uses import.meta in a form scripts/bundle-commands.js doesn't handle (it handles ${Object.keys(META).join(', ')}): handle it there, or write it as one of those.`)
  }
  // The bundle sits in dist/bundle/: its parent is dist, and the module's file is at the same place below it.
  const url = `new URL(${JSON.stringify(posix(path.relative(DIST, file)))}, new URL('../', import.meta.url)).href`
  const used = Object.values(META).filter(([name]) => new RegExp(`\\b${name}\\b`).test(code))
  const helpers = used.some(([name]) => name !== '__slingModuleUrl') ? PATH_HELPERS : ''
  return `${helpers}${used.map(([, declare]) => declare(url)).join('')}\n${code}`
}

/** Vendor modules stay external, imported from dist/bundle/ as ../vendor/<file>; sling's own are rewritten as above. */
const slingModules = {
  name: 'sling-modules',
  setup(build) {
    build.onResolve({filter: /^\.\.?\//}, (args) => {
      const file = path.resolve(args.resolveDir, args.path)
      return inside(VENDOR, file) ? {path: `../vendor/${posix(path.relative(VENDOR, file))}`, external: true} : undefined
    })
    build.onLoad({filter: /\.js$/}, async (args) => (inside(DIST, args.path) ? {contents: await withOwnImportMeta(args.path), loader: 'js', resolveDir: path.dirname(args.path)} : undefined))
  },
}

/**
 * Node.js's built-in modules, required instead of imported. An ES module's import of a built-in makes Node.js build
 * an ES module facade of it, reading every export, which runs the built-in's lazy getters: importing node:fs loads
 * fs/promises and the stream classes, node:util its argument parser and MIME classes, whether used or not (~5 ms
 * of a start). Required as CommonJS (esbuild's interop reads an export when the code uses it), they stay lazy.
 */
const builtinsRequired = {
  name: 'builtins-required',
  setup(build) {
    build.onResolve({filter: /^[a-z0-9_:/]+$/}, (args) => {
      if (!isBuiltin(args.path)) return undefined
      // The shim's own require() is the real one, and an import() stays one (it is lazy already): external.
      return args.namespace === 'builtin' || args.kind === 'dynamic-import' ? {path: args.path, external: true} : {path: args.path, namespace: 'builtin'}
    })
    build.onLoad({filter: /.*/, namespace: 'builtin'}, (args) => ({contents: `module.exports = require(${JSON.stringify(args.path)})`, loader: 'js'}))
  },
}
// esbuild's require() of a CommonJS module in an ES module bundle needs a `require`: give each file one.
const BANNER = "import {createRequire as __slingCreateRequire} from 'node:module';const require = __slingCreateRequire(import.meta.url);"

const OPTIONS = {
  banner: {js: BANNER},
  absWorkingDir: ROOT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Bundling renames clashing top-level names (parse → parse2): keepNames keeps class and function names, which
  // oclif and sling's error handling read.
  keepNames: true,
  packages: 'external', // esbuild (found by require, it needs its own package for its binary), ora, @inquirer/prompts…
  plugins: [slingModules, builtinsRequired],
  logLevel: 'warning',
  metafile: true,
}

const commands = files(COMMANDS)
// The modules sling's code imports with import(): found by a first build, then made entries of the real one.
const probe = await build({...OPTIONS, entryPoints: commands, outdir: BUNDLE, write: false})
const lazy = [...new Set(Object.values(probe.metafile.inputs).flatMap((input) => input.imports.filter((i) => i.kind === 'dynamic-import' && !i.external).map((i) => path.resolve(ROOT, i.path))))]
for (const file of lazy) if (!inside(DIST, file) || inside(COMMANDS, file)) throw new Error(`${file} is imported with import() from a command's code: expected a module of dist/lib.`)
const entries = [...commands, ...lazy.sort()].map((file) => ({in: file, out: entryName(file)}))
const names = entries.map((e) => e.out)
if (new Set(names).size !== names.length) throw new Error(`two bundle entries would share a name: ${names.join(', ')}`)

rmSync(BUNDLE, {recursive: true, force: true})
const {metafile} = await build({...OPTIONS, entryPoints: entries, outdir: BUNDLE, entryNames: '[name]', chunkNames: 'chunk-[hash]'})

// Each command file becomes a stub: oclif imports it by the path in the manifest and gets the bundle's exports.
const outputs = Object.values(metafile.outputs).filter((o) => o.entryPoint)
for (const file of commands) {
  const output = outputs.find((o) => path.resolve(ROOT, o.entryPoint) === file)
  if (!output) throw new Error(`esbuild wrote no bundle for ${file}`)
  const target = JSON.stringify(posix(path.relative(path.dirname(file), path.join(BUNDLE, `${entryName(file)}.js`))))
  const exports = [`export * from ${target}\n`, ...(output.exports.includes('default') ? [`export {default} from ${target}\n`] : [])]
  writeFileSync(file, `// The command's code is bundled into dist/bundle/ (scripts/bundle-commands.js).\n${exports.join('')}`)
  rmSync(`${file}.map`, {force: true}) // it mapped the code that moved
}

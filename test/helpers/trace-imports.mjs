// Preloaded with --import: records every module specifier the process resolves into the file named
// by SLING_TRACE_IMPORTS, so tests can check what a command loads (e.g. that --help skips the AWS SDK). The
// specifiers are as written in the importing module: dist's imports of the SDK name its bundles
// (../../vendor/aws-sdk-client-lambda.js), which import their shared chunks (./aws-sdk-chunk-<hash>.js).
import {register} from 'node:module'

register(
  `data:text/javascript,${encodeURIComponent(`
    import {appendFileSync} from 'node:fs'
    export async function resolve(specifier, context, next) {
      appendFileSync(${JSON.stringify(process.env.SLING_TRACE_IMPORTS)}, specifier + '\\n')
      return next(specifier, context)
    }
  `)}`,
)

// require() too (sling loads some CommonJS packages, esbuild among them, with require: it starts faster).
const {default: Module} = await import('node:module')
const {appendFileSync} = await import('node:fs')
const load = Module._load
Module._load = function (request, ...rest) {
  appendFileSync(process.env.SLING_TRACE_IMPORTS, `${request}\n`)
  return load.call(this, request, ...rest)
}
// And require.resolve(): esbuild's API is resolved, then run with V8's code cache (src/lib/code-cache.ts).
const resolveFilename = Module._resolveFilename
Module._resolveFilename = function (request, ...rest) {
  if (!request.startsWith('node:')) appendFileSync(process.env.SLING_TRACE_IMPORTS, `${request}\n`)
  return resolveFilename.call(this, request, ...rest)
}

#!/usr/bin/env node
// The AWS SDK warns on stderr about Node.js versions it will drop in the future; sling supports Node.js 20+.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
// @oclif/core checks its own engines range with semver as it is imported (~4 ms): sling declares a narrower one
// (package.json "engines"), and `sling doctor` checks the Node.js version it runs on.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= 'true'
// Start-up is part of the experience (README "Performance"): Node.js 22.1+ caches compiled modules on disk.
const {default: nodeModule} = await import('node:module')
nodeModule.enableCompileCache?.()
const {answerWithoutOclif, mistypedCommand, ownCommandLoadOptions} = await import('../dist/lib/startup.js')
const root = new URL('../', import.meta.url)
const argv = process.argv.slice(2)
if (!answerWithoutOclif({root, argv, stdout: process.stdout, env: process.env})) {
  // A mistyped command with no terminal to ask "did you mean" on: named with its nearest command, without oclif.
  const mistyped = await mistypedCommand({root, argv, interactive: process.stdin.isTTY === true})
  if (mistyped === undefined) {
    const {execute} = await import('../dist/vendor/oclif-core.js') // @oclif/core, bundled at build time (scripts/bundle-vendor.js)
    const loadOptions = ownCommandLoadOptions({root, argv}) // one of sling's commands: without oclif's plugins
    await execute(loadOptions === undefined ? {dir: import.meta.url} : {dir: import.meta.url, loadOptions})
  } else {
    process.stderr.write(mistyped)
    process.exitCode = 127
  }
}

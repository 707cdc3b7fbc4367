#!/usr/bin/env node
// The AWS SDK warns on stderr about Node.js versions it will drop in the future; sling supports Node.js 20+.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})

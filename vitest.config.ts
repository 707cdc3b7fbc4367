import {availableParallelism} from 'node:os'

import {defineConfig} from 'vitest/config'

// Most of the suite waits (on subprocesses, the local cloud, a handler's worker) rather than computes, so it runs
// more files at once than vitest's default of one per core minus one, which is a single file on a 2-core CI runner.
const maxWorkers = Math.max(4, availableParallelism())

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/aws/**', 'node_modules/**'],
    globalSetup: ['test/helpers/global-setup.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    disableConsoleIntercept: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers,
    env: {FORCE_COLOR: '0', NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'},
  },
})

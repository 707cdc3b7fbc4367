import path from 'node:path'

import {defineConfig} from 'vitest/config'

// The real-AWS suite: its own config, so `npm test` (which excludes test/aws) never runs it.
// It creates resources only with SLING_TEST_AWS=1 and working credentials; see global-setup.ts.
export default defineConfig({
  root: path.resolve(import.meta.dirname, '../..'),
  test: {
    include: ['test/aws/**/*.test.ts'],
    globalSetup: ['test/aws/global-setup.ts'],
    disableConsoleIntercept: true,
    // Creating a role and a function, and waiting for logs to arrive, take minutes on AWS.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    env: {FORCE_COLOR: '0', NO_COLOR: '1'},
  },
})

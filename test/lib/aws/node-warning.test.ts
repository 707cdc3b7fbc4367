import {afterEach, expect, test, vi} from 'vitest'

import {createAwsClients} from '../../../src/lib/aws/clients.js'

// In its own file: the SDK warns at most once per process, so no other client may be built before this test.

const version = Object.getOwnPropertyDescriptor(process, 'version')
const setting = process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED
afterEach(() => {
  if (version) Object.defineProperty(process, 'version', version)
  if (setting === undefined) delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED
  else process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = setting
})

test("building the SDK clients doesn't print the SDK's warning about future Node.js versions", async () => {
  // As sling runs outside bin/run.js (tests, other code): nothing has disabled the warning yet. An old
  // Node.js version makes the SDK want to warn on whatever Node.js runs this test.
  delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED
  Object.defineProperty(process, 'version', {value: 'v18.0.0', configurable: true})
  const warnings: unknown[] = []
  const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation((warning) => void warnings.push(warning))
  const clients = await createAwsClients({region: 'us-east-1'})
  try {
    await Promise.all([clients.lambda(), clients.s3(), clients.logs(), clients.cloudwatch(), clients.iam(), clients.sts()])
  } finally {
    await clients.close()
    emitWarning.mockRestore()
  }
  expect(warnings).toEqual([])
})

import {expect, test} from 'vitest'

import {readLocalSettings} from '../../../../src/lib/local/settings.js'

test('SLING_LOCAL_SQS_POLL_MS and SLING_LOCAL_SQS_COOLDOWN_MS are read in settings.ts; unset or invalid leave the defaults', () => {
  expect(readLocalSettings({SLING_LOCAL_SQS_POLL_MS: '25', SLING_LOCAL_SQS_COOLDOWN_MS: '60000'})).toMatchObject({sqsPollMs: 25, sqsCooldownMs: 60_000})
  expect(readLocalSettings({SLING_LOCAL_SQS_POLL_MS: 'often'})).toMatchObject({sqsPollMs: undefined, sqsCooldownMs: undefined})
})

import {expect, test, vi} from 'vitest'

import type {IamApi} from '../../../src/lib/aws/iam.js'
import type {FunctionInfo, RoleInfo} from '../../../src/lib/aws/types.js'
import {grantPolicyName, grantSourceRead} from '../../../src/lib/events/grant.js'
import {eventFunctionOf} from '../../../src/lib/events/target.js'
import {silentOutput} from '../../../src/lib/output.js'

const QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:jobs'
const fn = eventFunctionOf({name: 'w', arn: 'arn:aws:lambda:eu-west-1:123456789012:function:w', version: '$LATEST', packageType: 'Zip', role: 'arn:aws:iam::123456789012:role/sling-shop', codeSha256: '', codeSize: 0, environment: {}, architecture: 'x86_64', layers: [], tags: {}} satisfies FunctionInfo, undefined)
const role = (tags: Record<string, string>): RoleInfo => ({name: 'sling-shop', arn: 'arn:aws:iam::123456789012:role/sling-shop', roleId: 'R', trustPolicy: '{}', tags})

function iam(found: RoleInfo | undefined): {api: IamApi; put: ReturnType<typeof vi.fn>} {
  const put = vi.fn(() => Promise.resolve())
  const unused = (): Promise<never> => Promise.reject(new Error('not used'))
  return {put, api: {getRole: () => Promise.resolve(found), putRolePolicy: put, createRole: unused, attachRolePolicy: unused, deleteRole: unused}}
}

test('--grant adds an inline policy scoped to the one queue, with the actions Lambda polls with, to a role sling created', async () => {
  const {api, put} = iam(role({'sling:managed': 'execution-role'}))
  await grantSourceRead(fn, QUEUE, {iam: api, output: silentOutput()})
  expect(put).toHaveBeenCalledWith('sling-shop', grantPolicyName(QUEUE), {
    Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], Resource: QUEUE}],
  }, {signal: undefined})
})

test('--grant never changes a role sling did not create, and says exactly what to grant', async () => {
  const {api, put} = iam(role({team: 'core'}))
  await expect(grantSourceRead(fn, QUEUE, {iam: api, output: silentOutput()})).rejects.toMatchObject({
    code: 'RoleNotManaged', exitCode: 2, hints: [`Grant sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes on ${QUEUE} to the role "sling-shop" yourself, then attach without --grant.`],
  })
  expect(put).not.toHaveBeenCalled()
})

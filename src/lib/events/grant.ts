/**
 * `events attach --grant`: Lambda polls a queue or stream with the function's execution role, so the role needs
 * read rights on the source. sling adds them, as an inline policy scoped to that one source, only to a role it
 * created itself (tagged sling:managed=execution-role by `sling deploy`); for any other role it says exactly
 * which actions to grant, and changes nothing.
 */
import {createHash} from 'node:crypto'

import type {IamApi} from '../aws/iam.js'
import {MANAGED_TAG} from '../deploy/role.js'
import {ExitCode, UserError} from '../errors.js'
import type {Output} from '../output.js'
import {READ_ACTIONS, serviceOfArn} from './mappings.js'
import type {EventFunction} from './target.js'

/** The inline policy's name: one per source, so granting twice replaces rather than piles up. */
export function grantPolicyName(sourceArn: string): string {
  return `sling-events-${createHash('sha256').update(sourceArn).digest('hex').slice(0, 12)}`
}

export async function grantSourceRead(fn: EventFunction, sourceArn: string, {iam, output, signal}: {readonly iam: IamApi; readonly output: Output; readonly signal?: AbortSignal | undefined}): Promise<void> {
  const roleName = fn.info.role.split('/').at(-1) ?? fn.info.role
  const actions = READ_ACTIONS[serviceOfArn(sourceArn)]
  const role = await iam.getRole(roleName, {signal})
  if (!role || role.tags[MANAGED_TAG.key] !== MANAGED_TAG.value) {
    throw new UserError('RoleNotManaged', `sling adds rights only to an execution role it created, and "${roleName}" isn't one; nothing was changed.`, {
      exitCode: ExitCode.Usage,
      hints: [`Grant ${actions.join(', ')} on ${sourceArn} to the role "${roleName}" yourself, then attach without --grant.`],
    })
  }
  output.info(`Granting ${roleName} ${actions.join(', ')} on ${sourceArn}…`)
  await iam.putRolePolicy(roleName, grantPolicyName(sourceArn), {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: [...actions], Resource: sourceArn}]}, {signal})
}

/**
 * The execution role of functions that name none. sling creates one only with consent (a question on a
 * terminal, --create-role elsewhere), with nothing but the basic logging policy, and tags it so a later deploy
 * knows it may reuse it. A role of the same name that sling didn't create is never taken over.
 */
import type {CallOptions} from '../aws/lambda.js'
import type {IamApi} from '../aws/iam.js'
import {basicExecutionPolicyArn, LAMBDA_TRUST_POLICY, partitionOf} from '../aws/identity.js'
import {ExitCode, UserError} from '../errors.js'
import type {Output} from '../output.js'

/** The tag sling puts on roles it creates. */
export const MANAGED_TAG = {key: 'sling:managed', value: 'execution-role'} as const

export interface RoleDecision {
  readonly roleName: string
  /** The role exists (sling created it): its ARN. Undefined: it is to be created. */
  readonly arn: string | undefined
}

export interface RoleDeps {
  readonly iam: IamApi
  readonly output: Output
  /** Asks the person at the terminal; fails (exit 2) when there is none. */
  readonly confirm: (message: string) => Promise<boolean>
}

/**
 * Decides, reading only, which role functions without one get: sling's existing role, or a new one if the user
 * agrees (`createRole`, i.e. --create-role, agrees in advance). Throws before anything is written otherwise.
 */
export async function decideRole(options: {readonly roleName: string; readonly createRole: boolean; readonly functions: readonly string[]}, {iam, confirm}: RoleDeps, call: CallOptions = {}): Promise<RoleDecision> {
  const {roleName} = options
  const existing = await iam.getRole(roleName, call)
  if (existing) {
    if (existing.tags[MANAGED_TAG.key] === MANAGED_TAG.value) return {roleName, arn: existing.arn}
    throw new UserError('RoleNotManaged', `The IAM role "${roleName}" exists, but sling didn't create it, so sling won't use it as the execution role of ${options.functions.join(', ')}.`, {
      exitCode: ExitCode.Usage,
      hints: [`To use it anyway, set "role": "${existing.arn}" in sling.config.json; or set "deployment.rolePrefix" so sling creates its own.`],
    })
  }
  const question = `${options.functions.join(', ')} ${options.functions.length === 1 ? 'has' : 'have'} no "role". Create the IAM role "${roleName}" with only the basic logging policy (AWSLambdaBasicExecutionRole)?`
  if (options.createRole || (await confirm(question))) return {roleName, arn: undefined}
  throw new UserError('RoleRequired', `${options.functions.join(', ')} can't be created without an execution role, and sling wasn't allowed to create one.`, {
    exitCode: ExitCode.Usage,
    hints: ['Set "role" to an IAM role ARN in sling.config.json, or pass --create-role.'],
  })
}

/** Creates the role (when `decision` says so): trust for lambda.amazonaws.com, AWSLambdaBasicExecutionRole attached. */
export async function ensureRole(decision: RoleDecision, {iam, output}: Pick<RoleDeps, 'iam' | 'output'>): Promise<{readonly arn: string; readonly created: boolean}> {
  if (decision.arn !== undefined) {
    // Attaching is idempotent: a run interrupted between creating the role and attaching the policy converges here.
    await iam.attachRolePolicy(decision.roleName, basicExecutionPolicyArn(partitionOf(decision.arn)))
    return {arn: decision.arn, created: false}
  }
  const role = await iam.createRole({
    name: decision.roleName, trustPolicy: LAMBDA_TRUST_POLICY, description: 'Execution role of functions deployed by sling (logs only).',
    tags: {[MANAGED_TAG.key]: MANAGED_TAG.value},
  })
  await iam.attachRolePolicy(decision.roleName, basicExecutionPolicyArn(partitionOf(role.arn)))
  output.info(`Created the IAM role ${decision.roleName} (basic logging policy only).`)
  return {arn: role.arn, created: true}
}

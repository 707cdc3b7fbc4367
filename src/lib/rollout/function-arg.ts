/** The FUNCTION argument of shift, rollout and rollback: a config key, a name or an ARN, with the config when there is one. */
import type {FunctionConfig, ProjectConfig} from '../config/load.js'
import {DEFAULT_CONFIG_FILE} from '../config/load.js'
import type {Target} from '../targets.js'
import {loadConfigIfPresent, resolveTarget} from '../targets.js'

export interface FunctionArgOptions {
  /** --config; a missing file is an error only when it isn't the default. */
  readonly configFile: string
  readonly stage?: string | undefined
  /** --region, when given: an ARN in another region is refused. */
  readonly regionFlag?: string | undefined
}

export interface ResolvedFunctionArg {
  readonly target: Target
  readonly config?: ProjectConfig | undefined
  /** The function's config, when FUNCTION is one of the project's. */
  readonly fn?: FunctionConfig | undefined
}

export async function resolveFunctionArg(ref: string, options: FunctionArgOptions): Promise<ResolvedFunctionArg> {
  const config = await loadConfigIfPresent({file: options.configFile, stage: options.stage, explicit: options.configFile !== DEFAULT_CONFIG_FILE})
  const target = resolveTarget(ref, {functions: config?.functions, regionFlag: options.regionFlag})
  return {target, config, fn: config?.functions.find((f) => f.key === target.key)}
}

/** The AWS flags with the region of an ARN target in place of a missing --region: an ARN's region wins over AWS_REGION and the config. */
export function withTargetRegion<F extends {readonly region?: string | undefined}>(flags: F, target: Target): F {
  return {...flags, region: flags.region ?? target.region}
}

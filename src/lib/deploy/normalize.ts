/**
 * Settings as Lambda reports them vs as the config states them: one comparable form for both, so that a
 * function nobody changed plans as unchanged. Lambda leaves out, or reports as empty, what was never set.
 */
import {isDeepStrictEqual} from 'node:util'

import type {EventInvokeConfig, FunctionInfo, FunctionSettings, ImageSettings, VpcSettings} from '../aws/types.js'
import {LAMBDA_DEFAULTS} from '../lambda/rules.js'
import type {SettingName} from './desired.js'
import {withLoggingDefaults} from './desired.js'

/** A setting of `fn` in its comparable form; `undefined` when Lambda has nothing for it. */
export function currentSetting(fn: FunctionInfo, setting: SettingName): unknown {
  switch (setting) {
    case 'runtime':
    case 'handler':
    case 'role':
      return fn[setting] || undefined
    case 'memorySize':
      return fn.memorySize ?? LAMBDA_DEFAULTS.memorySize
    case 'timeout':
      return fn.timeout ?? LAMBDA_DEFAULTS.timeout
    case 'description':
      return fn.description ?? '' // Lambda's default Description is ""
    case 'environment':
      return {...fn.environment}
    case 'layers':
      return [...fn.layers] // order matters: Lambda extracts layers in order, later ones over earlier ones
    case 'ephemeralStorage':
      return fn.ephemeralStorage ?? LAMBDA_DEFAULTS.ephemeralStorage
    case 'tracing':
      return fn.tracing ?? 'PassThrough' // an unset TracingConfig is PassThrough
    case 'deadLetterTargetArn':
      return fn.deadLetterTargetArn || undefined
    case 'vpcConfig':
      return normalizeVpc(fn.vpcConfig)
    case 'loggingConfig':
      return withLoggingDefaults(fn.loggingConfig ?? {}, fn.name)
    case 'imageConfig':
      return normalizeImage(fn.imageConfig)
  }
}

/** A desired setting in the same comparable form as `currentSetting`. */
export function desiredSetting(settings: FunctionSettings, setting: SettingName): unknown {
  switch (setting) {
    case 'description':
      return settings.description ?? ''
    case 'environment':
      return {...settings.environment}
    case 'layers':
      return [...(settings.layers ?? [])]
    case 'vpcConfig':
      return normalizeVpc(settings.vpcConfig)
    case 'imageConfig':
      return normalizeImage(settings.imageConfig)
    case 'deadLetterTargetArn':
      return settings.deadLetterTargetArn || undefined
    default:
      return settings[setting]
  }
}

/** Subnets and security groups are sets (Lambda keeps no order); no VPC is empty lists; IPv6 is off unless on. */
function normalizeVpc(vpc: VpcSettings | undefined): VpcSettings {
  return {subnetIds: [...(vpc?.subnetIds ?? [])].sort(), securityGroupIds: [...(vpc?.securityGroupIds ?? [])].sort(), ipv6AllowedForDualStack: vpc?.ipv6AllowedForDualStack ?? false}
}

function normalizeImage(image: ImageSettings | undefined): ImageSettings {
  return {command: [...(image?.command ?? [])], entryPoint: [...(image?.entryPoint ?? [])], workingDirectory: image?.workingDirectory ?? ''}
}

/** Asynchronous-invocation settings with Lambda's defaults (2 retries, 6 hours) filled in; none configured is the defaults. */
export function normalizeEventInvokeConfig(config: EventInvokeConfig | undefined): EventInvokeConfig {
  return {maximumRetryAttempts: config?.maximumRetryAttempts ?? 2, maximumEventAgeSeconds: config?.maximumEventAgeSeconds ?? 21_600, onSuccess: config?.onSuccess || undefined, onFailure: config?.onFailure || undefined}
}

/** Settings a published version keeps a copy of (its Description is the version's own, so it isn't one). */
const VERSIONED: readonly SettingName[] = ['runtime', 'handler', 'role', 'memorySize', 'timeout', 'environment', 'layers', 'ephemeralStorage', 'tracing', 'deadLetterTargetArn', 'vpcConfig', 'loggingConfig', 'imageConfig']

/** True when publishing `latest` would give a version identical to `version`: same code, same settings. */
export function sameVersionContent(latest: FunctionInfo, version: FunctionInfo): boolean {
  if (latest.codeSha256 !== version.codeSha256 || latest.architecture !== version.architecture) return false
  const comparable = (fn: FunctionInfo): FunctionInfo => ({...fn, name: latest.name}) // the default log group is named after the function
  return VERSIONED.every((setting) => equal(currentSetting(comparable(latest), setting), currentSetting(comparable(version), setting)))
}

export function equal(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b)
}

/**
 * `sling doctor`: what can go wrong before a deploy, checked one thing at a time, each with its fix. A check
 * that can't run because an earlier one failed (no credentials: no role can be read) is skipped, saying why.
 */
import type {IamApi} from '../aws/iam.js'
import type {OpsApi} from '../aws/ops.js'
import type {StsApi} from '../aws/sts.js'
import type {CallerIdentity} from '../aws/types.js'
import type {ProjectConfig} from '../config/load.js'
import {UserError} from '../errors.js'
import {displayPath} from '../paths.js'
import {loadConfigIfPresent} from '../targets.js'
import type {Check} from './check.js'
import {failure} from './check.js'
import {checkRoles} from './doctor-roles.js'
import {checkRuntimes, checkNode} from './doctor-runtimes.js'
import {checkLocalStore} from './doctor-store.js'

export interface DoctorResult {
  /** `failed` (exit 1) when any check failed, `warnings` when any warned, else `ok`. */
  readonly status: 'ok' | 'warnings' | 'failed'
  readonly checks: readonly Check[]
  readonly exitCode: 0 | 1
}

export interface DoctorOptions {
  readonly configFile: string
  /** --config was given: a missing file is then a failure, not a note. */
  readonly configExplicit: boolean
  readonly stage?: string | undefined
  /** process.versions.node */
  readonly nodeVersion: string
  /** YYYY-MM-DD, for runtime and Node.js end-of-life dates. */
  readonly today: string
  /** Checks run against the local cloud: its store is checked too. */
  readonly local: boolean
  /** The local cloud's store directory (absolute). */
  readonly storeDir?: string | undefined
  /** Where calls go, when not to AWS's own endpoints (--endpoint-url, AWS_ENDPOINT_URL). */
  readonly endpointUrl?: string | undefined
}

export interface DoctorDeps {
  readonly sts: StsApi
  readonly iam: IamApi
  readonly ops: OpsApi
  region(): Promise<string>
  /** Reaches a URL (any HTTP answer counts): AWS's endpoint, when no other is set. */
  readonly reach?: (url: string) => Promise<void>
}

export async function doctor(options: DoctorOptions, deps: DoctorDeps): Promise<DoctorResult> {
  const checks: Check[] = [checkNode(options.nodeVersion, options.today)]
  const config = await checkConfig(options, checks)
  if (options.local && options.storeDir) checks.push(await checkLocalStore(options.storeDir))
  const region = await deps.region().then((r) => r, (error: unknown) => {
    checks.push(failure('region', error, 'Pass --region REGION, export AWS_REGION, or set "region" in sling.config.json.'))
    return undefined
  })
  if (region) checks.push({id: 'region', status: 'ok', message: `${region}${options.local ? ' (the local cloud)' : ''}`})
  const identity = region ? await checkIdentity(options, deps, region, checks) : skipIdentity(checks)
  if (config) {
    checks.push(...(identity ? await checkRoles(config, identity, deps) : [{id: 'role', status: 'skip' as const, message: "The execution roles can't be read without working credentials."}]))
    checks.push(checkRuntimes(config, options.today))
  }
  const failed = checks.some((c) => c.status === 'fail')
  return {status: failed ? 'failed' : checks.some((c) => c.status === 'warn') ? 'warnings' : 'ok', checks, exitCode: failed ? 1 : 0}
}

async function checkConfig(options: DoctorOptions, checks: Check[]): Promise<ProjectConfig | undefined> {
  try {
    const config = await loadConfigIfPresent({file: options.configFile, explicit: options.configExplicit, ...(options.stage ? {stage: options.stage} : {})})
    if (!config) {
      checks.push({id: 'config', status: 'warn', message: `No ${options.configFile} here: the project checks (roles, runtimes) are skipped.`, fix: 'Run "sling init" to create a project, or pass --config PATH.'})
      return undefined
    }
    const layers = config.layers.length > 0 ? `, ${config.layers.length} layer${config.layers.length === 1 ? '' : 's'}` : ''
    checks.push({id: 'config', status: 'ok', message: `${displayPath(config.file)} is valid: ${config.functions.length} function${config.functions.length === 1 ? '' : 's'}${layers}.`})
    return config
  } catch (error) {
    checks.push(failure('config', error, 'Fix what the message names; "$schema" in the config gives your editor completion and checks.'))
    return undefined
  }
}

/** The endpoint answers, and the credentials resolve to an identity (STS GetCallerIdentity; the local cloud answers it). */
async function checkIdentity(options: DoctorOptions, deps: DoctorDeps, region: string, checks: Check[]): Promise<CallerIdentity | undefined> {
  const endpoint = options.endpointUrl ?? (options.local ? undefined : `https://sts.${region}.amazonaws.com`)
  if (endpoint && deps.reach) {
    const reached = await deps.reach(endpoint).then(() => true, () => false)
    checks.push(reached
      ? {id: 'endpoint', status: 'ok', message: `${endpoint} answers.`}
      : {id: 'endpoint', status: 'fail', message: `Can't reach ${endpoint}.`, fix: options.endpointUrl ? 'Is the endpoint running? For the local cloud, run "sling local serve" or pass --local.' : 'Check your network connection and proxy settings (HTTPS_PROXY).'})
    if (!reached) {
      checks.push({id: 'credentials', status: 'skip', message: "The credentials can't be checked while the endpoint can't be reached."})
      return undefined
    }
  }
  try {
    const identity = await deps.sts.getCallerIdentity()
    if (!endpoint) checks.push({id: 'endpoint', status: 'ok', message: 'The local cloud answers.'})
    checks.push({id: 'credentials', status: 'ok', message: `${identity.arn} (account ${identity.account}).`})
    return identity
  } catch (error) {
    const code = error instanceof UserError ? error.code : ''
    if (!endpoint) checks.push(code === 'EndpointUnreachable' ? failure('endpoint', error) : {id: 'endpoint', status: 'ok', message: 'The local cloud answers.'})
    checks.push(code === 'EndpointUnreachable' ? {id: 'credentials', status: 'skip', message: "The credentials can't be checked while the endpoint can't be reached."} : failure('credentials', error))
    return undefined
  }
}

function skipIdentity(checks: Check[]): undefined {
  checks.push({id: 'credentials', status: 'skip', message: "The credentials can't be checked without a region."})
  return undefined
}

/** Any HTTP answer means the endpoint is reachable; 5 s without one means it isn't. */
export async function reachUrl(url: string): Promise<void> {
  await fetch(url, {method: 'GET', signal: AbortSignal.timeout(5_000)})
}

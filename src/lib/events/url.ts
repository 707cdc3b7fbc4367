/**
 * Function URLs. AWS_IAM is the default; NONE only when asked, with a warning, and only then the public
 * permissions AWS requires (lambda:InvokeFunctionUrl, and lambda:InvokeFunction via the URL, for URLs created
 * since October 2025), each under a sling statement id so that switching back or deleting removes exactly them.
 */
import type {LambdaApi} from '../aws/lambda.js'
import type {UrlConfigInput} from '../aws/lambda-events.js'
import type {Output} from '../output.js'
import type {Origin} from './marks.js'
import {ledgerTag, statementId, triggerId} from './marks.js'
import type {EventFunction} from './target.js'

export interface UrlOptions {
  /** @default "AWS_IAM" */
  readonly authType?: 'AWS_IAM' | 'NONE' | undefined
  readonly cors?: UrlConfigInput['cors']
  readonly invokeMode?: UrlConfigInput['invokeMode']
  readonly origin: Origin
}

export interface UrlResult {
  readonly status: 'created' | 'updated' | 'deleted' | 'absent'
  readonly functionName: string
  readonly qualifier?: string | undefined
  readonly url?: string | undefined
  readonly authType?: string | undefined
}

export interface UrlDeps {
  readonly lambda: LambdaApi
  readonly output: Output
  readonly signal?: AbortSignal | undefined
}

export const PUBLIC_WARNING = 'Anyone on the internet who has this URL can call the function (auth NONE): it costs you every call, and its code must check who is calling.'

export function urlId(fn: EventFunction): string {
  return triggerId('url', fn.name, fn.qualifier)
}

/** Creates or updates the URL config and its public permissions (only for NONE); records it in the ledger. */
export async function putUrl(fn: EventFunction, options: UrlOptions, {lambda, output, signal}: UrlDeps): Promise<UrlResult> {
  const authType = options.authType ?? 'AWS_IAM'
  const id = urlId(fn)
  const config = await lambda.putUrlConfig(fn.name, {authType, cors: options.cors, invokeMode: options.invokeMode}, {qualifier: fn.qualifier, signal})
  try {
    await setPublicPermissions(fn, authType, {lambda, output, signal})
    const existing = fn.ledger.find((e) => e.id === id)
    if (!existing || existing.origin !== options.origin) {
      const tag = ledgerTag({id, origin: options.origin, kind: 'url', resource: '-', qualifier: fn.qualifier})
      await lambda.tagResource(fn.arn, {[tag.key]: tag.value}, {signal})
    }
  } catch (error) {
    // No half-done state: a URL sling made but couldn't record would look like someone else's to the next
    // deploy (which leaves those alone). Without the signal: after Ctrl-C it is aborted.
    if (config.created) await removeUrl(fn, {lambda}).catch(() => undefined)
    throw error
  }
  return {status: config.created ? 'created' : 'updated', functionName: fn.name, qualifier: fn.qualifier, url: config.FunctionUrl, authType}
}

/** NONE: the two public statements AWS requires; AWS_IAM: none of sling's. */
async function setPublicPermissions(fn: EventFunction, authType: 'AWS_IAM' | 'NONE', {lambda, output, signal}: UrlDeps): Promise<void> {
  const id = urlId(fn)
  if (authType === 'NONE') {
    output.warn(PUBLIC_WARNING)
    await lambda.addPermission(fn.name, statementId(id), {Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE', Qualifier: fn.qualifier}, {signal})
    await lambda.addPermission(fn.name, statementId(id, 'invoke'), {Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true, Qualifier: fn.qualifier}, {signal})
    return
  }
  await lambda.removePermission(fn.name, statementId(id), {qualifier: fn.qualifier, signal})
  await lambda.removePermission(fn.name, statementId(id, 'invoke'), {qualifier: fn.qualifier, signal})
}

/** Deletes the URL config and sling's public permissions for it. */
async function removeUrl(fn: EventFunction, {lambda, signal}: Pick<UrlDeps, 'lambda' | 'signal'>): Promise<'deleted' | 'absent'> {
  const id = urlId(fn)
  const q = {qualifier: fn.qualifier, signal}
  const deleted = await lambda.deleteUrlConfig(fn.name, q)
  await lambda.removePermission(fn.name, statementId(id), q)
  await lambda.removePermission(fn.name, statementId(id, 'invoke'), q)
  return deleted
}

/** Deletes the URL config, sling's public permissions for it, and its ledger entry. */
export async function deleteUrl(fn: EventFunction, {lambda, output, signal}: UrlDeps): Promise<UrlResult> {
  const id = urlId(fn)
  const deleted = await removeUrl(fn, {lambda, signal})
  await lambda.untagResource(fn.arn, [`sling:ev:${id}`], {signal})
  if (deleted === 'absent') output.info(`${fn.name}${fn.qualifier ? `:${fn.qualifier}` : ''} has no function URL.`)
  return {status: deleted === 'deleted' ? 'deleted' : 'absent', functionName: fn.name, qualifier: fn.qualifier}
}

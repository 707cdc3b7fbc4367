/**
 * Function URL configs. Each URL has a 32-character id, as on AWS, and is served (url-router.ts) at
 * two addresses on the local server: `http://127.0.0.1:<port>/_sling/url/<id>/` — what the API
 * answers, as every client reaches it without setup — and AWS's shape
 * `http://<id>.lambda-url.<region>.localhost:<port>/`, for clients that resolve *.localhost to
 * loopback (curl, browsers; not Node's DNS). An index (`lambda-function-urls`, by id) finds the
 * function a request is for.
 */
import {createHash} from 'node:crypto'

import type {FunctionUrlConfig} from '@aws-sdk/client-lambda'

import type {Handler, LambdaCall} from './call.js'
import {paginate, param} from './call.js'
import {functionArn, parseFunctionRef} from './names.js'
import {conflict, invalidParameter, lambdaTimestamp, notFound, validationError} from './protocol.js'
import {changeFunction, loadFunction, versionFor} from './repo.js'
import {isObject} from './validate.js'

/** Where a URL id leads: the function and the qualifier its URL config is for ("" unqualified). */
export interface UrlIndexEntry {
  readonly region: string
  readonly functionName: string
  readonly qualifier: string
}

export const URL_INDEX = 'lambda-function-urls'

/**
 * The URL id, 32 lowercase characters like AWS's: stable for a URL config, and new when the config
 * is deleted and created again (as on AWS, a re-created URL has another address).
 */
export function functionUrlId(region: string, name: string, qualifier: string, config: Pick<FunctionUrlConfig, 'CreationTime'>): string {
  const hash = createHash('sha256').update(`${region}/${name}/${qualifier}/${config.CreationTime ?? ''}`).digest()
  return [...hash.subarray(0, 32)].map((byte) => 'abcdefghijklmnopqrstuvwxyz234567'[byte % 32]).join('')
}

/** The URL the API answers: the path form on the local server, which any client reaches. */
export function functionUrl(endpoint: string, id: string): string {
  return `${endpoint}/_sling/url/${id}/`
}

async function indexUrl(call: LambdaCall, id: string, entry: UrlIndexEntry | undefined): Promise<void> {
  const {store} = call.scope.context
  if (entry) await store.put(URL_INDEX, id, entry)
  else await store.delete(URL_INDEX, id)
}

function target(call: LambdaCall): {name: string; qualifier: string} {
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'), call.query.get('Qualifier'))
  const qualifier = ref.qualifier ?? ''
  if (/^\d+$/.test(qualifier)) {
    throw validationError([`Value '${qualifier}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)`])
  }
  return {name: ref.name, qualifier}
}

function checkUrlInput(input: Record<string, unknown>, required: boolean): void {
  if ((required || input.AuthType !== undefined) && input.AuthType !== 'AWS_IAM' && input.AuthType !== 'NONE') {
    throw validationError([`Value '${JSON.stringify(input.AuthType) ?? 'null'}' at 'authType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, AWS_IAM]`])
  }
  if (input.InvokeMode !== undefined && input.InvokeMode !== 'BUFFERED' && input.InvokeMode !== 'RESPONSE_STREAM') {
    throw validationError([`Value '${JSON.stringify(input.InvokeMode)}' at 'invokeMode' failed to satisfy constraint: Member must satisfy enum value set: [BUFFERED, RESPONSE_STREAM]`])
  }
  if (input.Cors !== undefined && !isObject(input.Cors)) throw invalidParameter('Cors must be an object.')
}

function shown(call: LambdaCall, name: string, qualifier: string, config: FunctionUrlConfig): FunctionUrlConfig {
  return {...config, FunctionUrl: functionUrl(call.scope.context.endpoint(), functionUrlId(call.scope.region, name, qualifier, config))}
}

export const createFunctionUrlConfig: Handler = async (call) => {
  const input = await call.json()
  const {name, qualifier} = target(call)
  checkUrlInput(input, true)
  const created = await changeFunction(call.scope, name, async (fn) => {
    if (qualifier && qualifier !== '$LATEST') versionFor(call.scope, fn, {name, qualifier})
    const arn = functionArn(call.scope, name, qualifier || undefined)
    if (fn.urls[qualifier]) throw conflict(`Failed to create function url config for [functionArn = ${arn}]. Error message:  FunctionUrlConfig exists for this Lambda function`)
    const now = lambdaTimestamp()
    const config: FunctionUrlConfig = {
      FunctionUrl: '',
      FunctionArn: arn,
      AuthType: input.AuthType as FunctionUrlConfig['AuthType'],
      CreationTime: now,
      LastModifiedTime: now,
      InvokeMode: (input.InvokeMode as FunctionUrlConfig['InvokeMode']) ?? 'BUFFERED',
      ...(isObject(input.Cors) ? {Cors: input.Cors} : {}),
    }
    await indexUrl(call, functionUrlId(call.scope.region, name, qualifier, config), {region: call.scope.region, functionName: name, qualifier})
    return {record: {...fn, urls: {...fn.urls, [qualifier]: config}}, result: config}
  })
  const {LastModifiedTime: _omitted, ...rest} = shown(call, name, qualifier, created)
  return {status: 201, body: rest}
}

export const getFunctionUrlConfig: Handler = async (call) => {
  const {name, qualifier} = target(call)
  const fn = await loadFunction(call.scope, name)
  const config = fn.urls[qualifier]
  if (!config) throw notFound('The resource you requested does not exist.')
  return {status: 200, body: shown(call, name, qualifier, config)}
}

export const updateFunctionUrlConfig: Handler = async (call) => {
  const input = await call.json()
  const {name, qualifier} = target(call)
  checkUrlInput(input, false)
  const updated = await changeFunction(call.scope, name, async (fn) => {
    const current = fn.urls[qualifier]
    if (!current) throw notFound('The resource you requested does not exist.')
    const config: FunctionUrlConfig = {
      ...current,
      ...(input.AuthType !== undefined ? {AuthType: input.AuthType as FunctionUrlConfig['AuthType']} : {}),
      ...(input.InvokeMode !== undefined ? {InvokeMode: input.InvokeMode as FunctionUrlConfig['InvokeMode']} : {}),
      ...(isObject(input.Cors) ? {Cors: input.Cors} : {}),
      LastModifiedTime: lambdaTimestamp(),
    }
    // Rewritten on update too, so a URL created before the index existed becomes reachable.
    await indexUrl(call, functionUrlId(call.scope.region, name, qualifier, config), {region: call.scope.region, functionName: name, qualifier})
    return {record: {...fn, urls: {...fn.urls, [qualifier]: config}}, result: config}
  })
  return {status: 200, body: shown(call, name, qualifier, updated)}
}

export const deleteFunctionUrlConfig: Handler = async (call) => {
  const {name, qualifier} = target(call)
  await changeFunction(call.scope, name, async (fn) => {
    const config = fn.urls[qualifier]
    if (!config) throw notFound('The resource you requested does not exist.')
    await indexUrl(call, functionUrlId(call.scope.region, name, qualifier, config), undefined)
    const urls = {...fn.urls}
    delete urls[qualifier]
    return {record: {...fn, urls}, result: undefined}
  })
  return {status: 204}
}

export const listFunctionUrlConfigs: Handler = async (call) => {
  const ref = parseFunctionRef(call.scope, param(call, 'FunctionName'))
  const fn = await loadFunction(call.scope, ref.name)
  const configs = Object.entries(fn.urls)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([qualifier, config]) => shown(call, fn.name, qualifier, config))
  const {page, nextMarker} = paginate(configs, call.query)
  return {status: 200, body: {FunctionUrlConfigs: page, ...(nextMarker ? {NextMarker: nextMarker} : {})}}
}

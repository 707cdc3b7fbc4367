/**
 * Function URL configs. A URL looks like AWS's with the local endpoint's port:
 * `http://<32-char id>.lambda-url.<region>.localhost:<port>/` (*.localhost resolves to loopback).
 */
import {createHash} from 'node:crypto'

import type {FunctionUrlConfig} from '@aws-sdk/client-lambda'

import type {Handler, LambdaCall} from './call.js'
import {paginate, param} from './call.js'
import {functionArn, parseFunctionRef} from './names.js'
import {conflict, invalidParameter, lambdaTimestamp, notFound, validationError} from './protocol.js'
import {changeFunction, loadFunction, versionFor} from './repo.js'
import {isObject} from './validate.js'

/** The URL id: stable per function and qualifier, 32 lowercase characters like AWS's. */
export function functionUrlId(region: string, name: string, qualifier: string): string {
  const hash = createHash('sha256').update(`${region}/${name}/${qualifier}`).digest()
  return [...hash.subarray(0, 32)].map((byte) => 'abcdefghijklmnopqrstuvwxyz234567'[byte % 32]).join('')
}

/** The function URL on this server's port. */
export function functionUrl(call: LambdaCall, name: string, qualifier: string): string {
  const port = new URL(call.scope.context.endpoint()).port
  return `http://${functionUrlId(call.scope.region, name, qualifier)}.lambda-url.${call.scope.region}.localhost:${port}/`
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
  return {...config, FunctionUrl: functionUrl(call, name, qualifier)}
}

export const createFunctionUrlConfig: Handler = async (call) => {
  const input = await call.json()
  const {name, qualifier} = target(call)
  checkUrlInput(input, true)
  const created = await changeFunction(call.scope, name, (fn) => {
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
  const updated = await changeFunction(call.scope, name, (fn) => {
    const current = fn.urls[qualifier]
    if (!current) throw notFound('The resource you requested does not exist.')
    const config: FunctionUrlConfig = {
      ...current,
      ...(input.AuthType !== undefined ? {AuthType: input.AuthType as FunctionUrlConfig['AuthType']} : {}),
      ...(input.InvokeMode !== undefined ? {InvokeMode: input.InvokeMode as FunctionUrlConfig['InvokeMode']} : {}),
      ...(isObject(input.Cors) ? {Cors: input.Cors} : {}),
      LastModifiedTime: lambdaTimestamp(),
    }
    return {record: {...fn, urls: {...fn.urls, [qualifier]: config}}, result: config}
  })
  return {status: 200, body: shown(call, name, qualifier, updated)}
}

export const deleteFunctionUrlConfig: Handler = async (call) => {
  const {name, qualifier} = target(call)
  await changeFunction(call.scope, name, (fn) => {
    if (!fn.urls[qualifier]) throw notFound('The resource you requested does not exist.')
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

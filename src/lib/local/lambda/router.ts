/** The Lambda REST-JSON router: the model's HTTP bindings (method + URI) mapped to handlers. */
import type {ServerResponse} from 'node:http'

import type {LocalContext, LocalRequest, ProtocolError, ServiceRouter} from '../contract.js'
import * as aliases from './aliases.js'
import type {Handler} from './call.js'
import {makeCall} from './call.js'
import * as concurrency from './concurrency.js'
import * as esm from './esm.js'
import {startEsmPoller} from './esm-poller.js'
import * as eventInvoke from './event-invoke.js'
import * as functions from './functions.js'
import {createInvokeRoutes} from './invoke-routes.js'
import * as layers from './layers.js'
import {checkPermission} from './permission.js'
import * as policy from './policy.js'
import {LambdaError, sendJson, writeLambdaError} from './protocol.js'
import {scopeOf} from './repo.js'
import {serveZip} from './serve-code.js'
import * as tags from './tags.js'
import * as url from './url.js'
import * as versions from './versions.js'

interface Route {
  readonly operation: string
  readonly method: string
  /** Path segments; `{Label}` matches one segment. */
  readonly segments: readonly string[]
  /** A query parameter the binding requires (`?find=LayerVersion`). */
  readonly query?: readonly [string, string]
  readonly handler: Handler
}

function route(operation: string, method: string, uri: string, handler: Handler): Route {
  const [path = '', search] = uri.split('?')
  const [key, value] = (search ?? '').split('=')
  return {operation, method, segments: path.split('/').filter(Boolean), handler, ...(key ? {query: [key, value ?? ''] as const} : {})}
}

function buildRoutes(invoke: {invoke: Handler; invokeAsync: Handler; invokeStream: Handler}): Route[] {
  const fn = '/2015-03-31/functions/{FunctionName}'
  return [
    route('Invoke', 'POST', `${fn}/invocations`, invoke.invoke),
    route('InvokeAsync', 'POST', '/2014-11-13/functions/{FunctionName}/invoke-async', invoke.invokeAsync),
    route('InvokeWithResponseStream', 'POST', '/2021-11-15/functions/{FunctionName}/response-streaming-invocations', invoke.invokeStream),
    route('CreateFunction', 'POST', '/2015-03-31/functions', functions.createFunction),
    route('ListFunctions', 'GET', '/2015-03-31/functions', functions.listFunctionsHandler),
    route('GetFunction', 'GET', fn, functions.getFunction),
    route('DeleteFunction', 'DELETE', fn, functions.deleteFunction),
    route('GetFunctionConfiguration', 'GET', `${fn}/configuration`, functions.getFunctionConfiguration),
    route('UpdateFunctionConfiguration', 'PUT', `${fn}/configuration`, functions.updateFunctionConfiguration),
    route('UpdateFunctionCode', 'PUT', `${fn}/code`, functions.updateFunctionCode),
    route('PublishVersion', 'POST', `${fn}/versions`, versions.publishVersion),
    route('ListVersionsByFunction', 'GET', `${fn}/versions`, versions.listVersionsByFunction),
    route('CreateAlias', 'POST', `${fn}/aliases`, aliases.createAlias),
    route('ListAliases', 'GET', `${fn}/aliases`, aliases.listAliases),
    route('GetAlias', 'GET', `${fn}/aliases/{Name}`, aliases.getAlias),
    route('UpdateAlias', 'PUT', `${fn}/aliases/{Name}`, aliases.updateAlias),
    route('DeleteAlias', 'DELETE', `${fn}/aliases/{Name}`, aliases.deleteAlias),
    route('AddPermission', 'POST', `${fn}/policy`, policy.addPermission),
    route('GetPolicy', 'GET', `${fn}/policy`, policy.getPolicy),
    route('RemovePermission', 'DELETE', `${fn}/policy/{StatementId}`, policy.removePermission),
    route('GetLayerVersionByArn', 'GET', '/2018-10-31/layers?find=LayerVersion', layers.getLayerVersionByArn),
    route('ListLayers', 'GET', '/2018-10-31/layers', layers.listLayers),
    route('PublishLayerVersion', 'POST', '/2018-10-31/layers/{LayerName}/versions', layers.publishLayerVersion),
    route('ListLayerVersions', 'GET', '/2018-10-31/layers/{LayerName}/versions', layers.listLayerVersions),
    route('GetLayerVersion', 'GET', '/2018-10-31/layers/{LayerName}/versions/{VersionNumber}', layers.getLayerVersion),
    route('DeleteLayerVersion', 'DELETE', '/2018-10-31/layers/{LayerName}/versions/{VersionNumber}', layers.deleteLayerVersion),
    route('CreateEventSourceMapping', 'POST', '/2015-03-31/event-source-mappings', esm.createEventSourceMapping),
    route('ListEventSourceMappings', 'GET', '/2015-03-31/event-source-mappings', esm.listEventSourceMappings),
    route('GetEventSourceMapping', 'GET', '/2015-03-31/event-source-mappings/{UUID}', esm.getEventSourceMapping),
    route('UpdateEventSourceMapping', 'PUT', '/2015-03-31/event-source-mappings/{UUID}', esm.updateEventSourceMapping),
    route('DeleteEventSourceMapping', 'DELETE', '/2015-03-31/event-source-mappings/{UUID}', esm.deleteEventSourceMapping),
    route('CreateFunctionUrlConfig', 'POST', '/2021-10-31/functions/{FunctionName}/url', url.createFunctionUrlConfig),
    route('GetFunctionUrlConfig', 'GET', '/2021-10-31/functions/{FunctionName}/url', url.getFunctionUrlConfig),
    route('UpdateFunctionUrlConfig', 'PUT', '/2021-10-31/functions/{FunctionName}/url', url.updateFunctionUrlConfig),
    route('DeleteFunctionUrlConfig', 'DELETE', '/2021-10-31/functions/{FunctionName}/url', url.deleteFunctionUrlConfig),
    route('ListFunctionUrlConfigs', 'GET', '/2021-10-31/functions/{FunctionName}/urls', url.listFunctionUrlConfigs),
    route('TagResource', 'POST', '/2017-03-31/tags/{Resource}', tags.tagResource),
    route('UntagResource', 'DELETE', '/2017-03-31/tags/{Resource}', tags.untagResource),
    route('ListTags', 'GET', '/2017-03-31/tags/{Resource}', tags.listTags),
    route('PutFunctionConcurrency', 'PUT', '/2017-10-31/functions/{FunctionName}/concurrency', concurrency.putFunctionConcurrency),
    route('DeleteFunctionConcurrency', 'DELETE', '/2017-10-31/functions/{FunctionName}/concurrency', concurrency.deleteFunctionConcurrency),
    route('GetFunctionConcurrency', 'GET', '/2019-09-30/functions/{FunctionName}/concurrency', concurrency.getFunctionConcurrency),
    route('ListProvisionedConcurrencyConfigs', 'GET', '/2019-09-30/functions/{FunctionName}/provisioned-concurrency?List=ALL', concurrency.listProvisionedConcurrencyConfigs),
    route('PutProvisionedConcurrencyConfig', 'PUT', '/2019-09-30/functions/{FunctionName}/provisioned-concurrency', concurrency.putProvisionedConcurrencyConfig),
    route('GetProvisionedConcurrencyConfig', 'GET', '/2019-09-30/functions/{FunctionName}/provisioned-concurrency', concurrency.getProvisionedConcurrencyConfig),
    route('DeleteProvisionedConcurrencyConfig', 'DELETE', '/2019-09-30/functions/{FunctionName}/provisioned-concurrency', concurrency.deleteProvisionedConcurrencyConfig),
    route('PutFunctionEventInvokeConfig', 'PUT', '/2019-09-25/functions/{FunctionName}/event-invoke-config', eventInvoke.putFunctionEventInvokeConfig),
    route('UpdateFunctionEventInvokeConfig', 'POST', '/2019-09-25/functions/{FunctionName}/event-invoke-config', eventInvoke.updateFunctionEventInvokeConfig),
    route('GetFunctionEventInvokeConfig', 'GET', '/2019-09-25/functions/{FunctionName}/event-invoke-config', eventInvoke.getFunctionEventInvokeConfig),
    route('DeleteFunctionEventInvokeConfig', 'DELETE', '/2019-09-25/functions/{FunctionName}/event-invoke-config', eventInvoke.deleteFunctionEventInvokeConfig),
    route('ListFunctionEventInvokeConfigs', 'GET', '/2019-09-25/functions/{FunctionName}/event-invoke-config/list', eventInvoke.listFunctionEventInvokeConfigs),
    route('GetAccountSettings', 'GET', '/2016-08-19/account-settings', concurrency.getAccountSettings),
  ]
}

/** The route a request matches, with its decoded URI labels. */
function match(routes: readonly Route[], request: LocalRequest): {route: Route; params: Record<string, string>} | undefined {
  const segments = request.url.pathname.split('/').filter(Boolean)
  for (const candidate of routes) {
    if (candidate.method !== request.method || candidate.segments.length !== segments.length) continue
    if (candidate.query && request.url.searchParams.get(candidate.query[0]) !== candidate.query[1]) continue
    const params: Record<string, string> = {}
    const ok = candidate.segments.every((segment, i) => {
      const actual = segments[i] ?? ''
      if (segment.startsWith('{')) {
        params[segment.slice(1, -1)] = decodeLabel(actual)
        return true
      }
      return segment === actual
    })
    if (ok) return {route: candidate, params}
  }
  return undefined
}

/** A URI label, percent-decoded; a malformed escape is the caller's error, answered in Lambda's protocol. */
function decodeLabel(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw new LambdaError('ValidationException', `The request URI has a malformed percent-encoding in "${segment}".`)
  }
}

/** The operation, for fault selection: undefined when the request matches none (or can't be decoded). */
function operationOf(routes: readonly Route[], request: LocalRequest): string | undefined {
  try {
    return match(routes, request)?.route.operation
  } catch {
    return undefined
  }
}

/** Creates the Lambda router (service "lambda") over the shared store. */
export function createLambdaRouter(context: LocalContext): ServiceRouter {
  const invoke = createInvokeRoutes(context)
  const routes = buildRoutes(invoke)
  const poller = startEsmPoller(context, (invocation) => invoke.invokeSync(invocation))
  return {
    service: 'lambda',
    operation: (request) => operationOf(routes, request),
    writeError: (response: ServerResponse, error: ProtocolError) => writeLambdaError(response, error),
    async handle(request, response) {
      try {
        const code = /^\/2015-03-31\/sling\/code\/([0-9a-f]{64})\.zip$/.exec(request.url.pathname)
        if (code?.[1] && request.method === 'GET') return await serveZip(context, code[1], response)
        const found = match(routes, request)
        if (!found) {
          throw new LambdaError('UnknownOperationException', `The sling local cloud doesn't emulate the Lambda operation ${request.method} ${request.url.pathname}.`)
        }
        const reply = await found.route.handler(makeCall(scopeOf(context, request.region), request, response, found.params, found.route.operation))
        if (response.writableEnded || response.headersSent) return // Invoke writes its own response
        sendJson(response, reply.status, reply.body, reply.headers)
      } catch (error) {
        writeLambdaError(response, toProtocolError(error))
      }
    },
    async close() {
      // Stopping the runtime ends the batches still running; their messages return to their queues.
      const polling = poller.close()
      await invoke.close()
      await polling
    },
    provides: {lambda: {invokeAsync: (invocation) => invoke.queueEvent(invocation), checkPermission: (check) => checkPermission(context, check)}},
  }
}

function toProtocolError(error: unknown): ProtocolError {
  if (error instanceof LambdaError) return error
  const candidate = error as Partial<ProtocolError> | undefined
  if (typeof candidate?.status === 'number' && typeof candidate.code === 'string' && typeof candidate.message === 'string') return candidate as ProtocolError
  const message = error instanceof Error ? error.message : String(error)
  return new LambdaError('ServiceException', `The sling local cloud failed: ${message}`, undefined, 500)
}

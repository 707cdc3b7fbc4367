/** Invoke and InvokeAsync: the target is resolved here and run by the runtime's invoke service (invoke.ts). */
import type {AsyncInvocation, LocalContext} from '../contract.js'
import type {Handler} from './call.js'
import {param} from './call.js'
import type {SyncOutcome} from './invoke.js'
import {acquireInvokeService} from './invoke-shared.js'
import {resolveInvocationTarget} from './resolve.js'

export interface InvokeRoutes {
  readonly invoke: Handler
  readonly invokeAsync: Handler
  readonly invokeStream: Handler
  /** The lambda.invokeAsync hook: an Event invocation another service asks for. */
  queueEvent(invocation: AsyncInvocation): Promise<string>
  /** A synchronous invocation for Lambda's event source mappings. */
  invokeSync(invocation: AsyncInvocation): Promise<SyncOutcome>
  close(): Promise<void>
}

export function createInvokeRoutes(context: LocalContext): InvokeRoutes {
  const {service, release} = acquireInvokeService(context)
  const run: Handler = async (call) => {
    const target = await resolveInvocationTarget(context.store, call.scope.region, param(call, 'FunctionName'), call.query.get('Qualifier') ?? undefined, context.accountId)
    await service.handleInvoke(call.request, call.response, target)
    return {status: 200}
  }
  const stream: Handler = async (call) => {
    const target = await resolveInvocationTarget(context.store, call.scope.region, param(call, 'FunctionName'), call.query.get('Qualifier') ?? undefined, context.accountId)
    await service.handleInvokeStream(call.request, call.response, target)
    return {status: 200}
  }
  return {invoke: run, invokeAsync: run, invokeStream: stream, queueEvent: (invocation) => service.invokeAsync(invocation), invokeSync: (invocation) => service.invokeSync(invocation), close: release}
}

/** Invoke and InvokeAsync: the target is resolved here and run by the runtime's invoke service (invoke.ts). */
import type {LocalContext} from '../server.js'
import type {Handler} from './call.js'
import {param} from './call.js'
import {createInvokeService} from './invoke.js'
import {resolveInvocationTarget} from './resolve.js'

export function createInvokeRoutes(context: LocalContext): {invoke: Handler; invokeAsync: Handler; close(): Promise<void>} {
  const service = createInvokeService(context)
  const run: Handler = async (call) => {
    const target = await resolveInvocationTarget(context.store, call.scope.region, param(call, 'FunctionName'), call.query.get('Qualifier') ?? undefined, context.accountId)
    await service.handleInvoke(call.request, call.response, target)
    return {status: 200}
  }
  return {invoke: run, invokeAsync: run, close: () => service.close()}
}

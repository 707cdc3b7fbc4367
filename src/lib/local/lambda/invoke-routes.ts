/**
 * Invoke and InvokeAsync: resolve the target here, run it in invoke.ts (the runtime's invoke
 * service). invoke.ts is loaded when the router starts; while it's absent, Invoke answers a clear error.
 */
import type {ServerResponse} from 'node:http'

import type {LocalContext, LocalRequest} from '../server.js'
import type {Handler} from './call.js'
import {param} from './call.js'
import {LambdaError} from './protocol.js'
import type {InvocationTarget} from './resolve.js'
import {resolveInvocationTarget} from './resolve.js'

/** What invoke.ts exports (see the runtime engineer's module). */
export interface InvokeService {
  handleInvoke(request: LocalRequest, response: ServerResponse, target: InvocationTarget): Promise<void>
  close(): Promise<void>
}

interface InvokeModule {
  createInvokeService(context: LocalContext): InvokeService
}

/** The invoke service, or undefined while invoke.ts isn't there. */
async function loadInvokeService(context: LocalContext): Promise<InvokeService | undefined> {
  // A computed specifier: invoke.ts is written separately, and the build mustn't depend on it existing.
  const specifier = './invoke.js'
  try {
    const module = (await import(specifier)) as InvokeModule
    return module.createInvokeService(context)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes('invoke.js')) return undefined
    throw error
  }
}

export async function createInvokeRoutes(context: LocalContext): Promise<{invoke: Handler; invokeAsync: Handler; close(): Promise<void>}> {
  const service = await loadInvokeService(context)
  const run: Handler = async (call) => {
    if (!service) throw new LambdaError('ServiceException', "The sling local cloud can't run functions: its invoke service (src/lib/local/lambda/invoke.ts) isn't available.", undefined, 500)
    const target = await resolveInvocationTarget(context.store, call.scope.region, param(call, 'FunctionName'), call.query.get('Qualifier') ?? undefined, context.accountId)
    await service.handleInvoke(call.request, call.response, target)
    return {status: 200}
  }
  return {invoke: run, invokeAsync: run, close: async () => service?.close()}
}

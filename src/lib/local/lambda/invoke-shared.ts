/**
 * One invoke service (warm environments, concurrency, the Event queue) per local cloud, shared by the
 * routers that run functions: Lambda's API and its function URLs. Reserved concurrency counts both.
 */
import type {LocalContext} from '../contract.js'
import type {InvokeService} from './invoke.js'
import {createInvokeService} from './invoke.js'

const shared = new WeakMap<LocalContext, {readonly service: InvokeService; users: number}>()

/** The context's invoke service, created on first use; the last `release` closes it. */
export function acquireInvokeService(context: LocalContext): {readonly service: InvokeService; readonly release: () => Promise<void>} {
  let entry = shared.get(context)
  if (!entry) shared.set(context, (entry = {service: createInvokeService(context), users: 0}))
  entry.users++
  const held = entry
  let released = false
  return {
    service: held.service,
    release: async () => {
      if (released) return
      released = true
      if (--held.users > 0) return
      shared.delete(context)
      await held.service.close()
    },
  }
}

/**
 * Starting the local cloud: the composition root. It builds the shared context (store, settings,
 * hooks), creates every service router services.ts lists, lets each provide its hooks, and hands the
 * routers to the HTTP side (dispatch.ts). Services import contract.ts, never this module.
 */
import {LOCAL_ACCOUNT_ID} from '../aws/settings.js'
import type {CallReport} from './calls.js'
import {createCallRecorder} from './calls.js'
import type {LocalContext, LocalSettings, RouterFactory, ServiceRouter} from './contract.js'
import {listenLocal, routesOf} from './dispatch.js'
import {createHooks} from './hooks.js'
import {SERVICE_ROUTERS} from './services.js'
import {readLocalSettings, readStoreSettings} from './settings.js'
import {Store} from './store.js'

export type {LocalContext, LocalRequest, ProtocolError, RouterFactory, ServiceRouter} from './contract.js'
export {signingScope} from './dispatch.js'

/** A running local cloud. */
export interface LocalCloud {
  readonly endpoint: string
  readonly port: number
  readonly store: Store
  /** The calls served so far (what `GET /_sling/calls` answers); `reset` starts counting anew. */
  calls(reset?: boolean): CallReport
  close(): Promise<void>
}

export interface StartOptions {
  readonly storeDir: string
  /** @default 0 (any free port) */
  readonly port?: number
  /** Always loopback: the local cloud has no authentication. @default "127.0.0.1" */
  readonly host?: string
  readonly settings?: Partial<LocalSettings>
  /** The service routers to serve. @default every router services.ts registers */
  readonly routers?: readonly RouterFactory[]
}

/** Starts the local cloud on loopback with every service router registered in services.ts. */
export async function startLocalCloud(options: StartOptions): Promise<LocalCloud> {
  const store = new Store(options.storeDir, readStoreSettings(process.env))
  const settings = {...readLocalSettings(process.env), ...options.settings}
  const registry = createHooks()
  let endpoint = ''
  const context: LocalContext = {store, accountId: LOCAL_ACCOUNT_ID, settings, hooks: registry.hooks, endpoint: () => endpoint}
  const routers: ServiceRouter[] = []
  const calls = createCallRecorder(settings.callLogFile)
  try {
    for (const factory of options.routers ?? SERVICE_ROUTERS) {
      const router = await factory(context)
      routers.push(router)
      if (router.provides) registry.provide(router.provides)
    }
  } catch (error) {
    await closeAll(routers)
    calls.close()
    throw error
  }
  const closeRouters = (): Promise<void> => closeAll(routers)
  let listening
  try {
    listening = await listenLocal(routesOf(routers), context, {port: options.port ?? 0, host: options.host ?? '127.0.0.1', calls})
  } catch (error) {
    await closeRouters()
    calls.close()
    throw error
  }
  const {server, port} = listening
  endpoint = `http://127.0.0.1:${port}`
  return {
    endpoint,
    port,
    store,
    calls: (reset) => calls.report(reset),
    async close() {
      store.close() // requests waiting for the store lock give up, or the process could never exit
      await closeRouters()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      // After the server: the last answers are recorded too.
      calls.close()
    },
  }
}

async function closeAll(routers: readonly ServiceRouter[]): Promise<void> {
  await Promise.all(routers.map((router) => router.close?.() ?? Promise.resolve()))
}

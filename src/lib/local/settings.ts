import type {LocalRequest, ProtocolError} from './server.js'

/** Decides whether a call gets an injected fault (throttling, 5xx) or added latency before it is served. */
export interface FaultInjector {
  pick(request: LocalRequest): Promise<ProtocolError | undefined>
}

export interface LocalSettings {
  /** How long Pending→Active and InProgress→Successful take, so callers must wait as on AWS. */
  readonly stateDelayMs: number
  readonly faults: FaultInjector
}

const NO_FAULTS: FaultInjector = {pick: () => Promise.resolve(undefined)}

/** Settings from the environment (SLING_LOCAL_*); `sling local serve` flags override them. */
export function readLocalSettings(env: NodeJS.ProcessEnv): LocalSettings {
  const delay = Number(env.SLING_LOCAL_STATE_DELAY_MS ?? 200)
  return {stateDelayMs: Number.isFinite(delay) && delay >= 0 ? delay : 200, faults: NO_FAULTS}
}

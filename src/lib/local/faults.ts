import type {FaultInjector, LocalRequest, ProtocolError} from './contract.js'
import type {FaultOptions} from './settings.js'
import {sleep} from './store.js'

/** Each protocol's way of saying "slow down" and "something broke", as the real services answer. */
const FAULTS: Record<string, {readonly throttle: ProtocolError; readonly serverError: ProtocolError}> = {
  lambda: {
    throttle: {status: 429, code: 'TooManyRequestsException', message: 'Rate exceeded', fields: {Type: 'User', Reason: 'CallerRateLimitExceeded'}},
    serverError: {status: 500, code: 'ServiceException', message: 'An internal error occurred (injected by sling local).', fields: {Type: 'Service'}},
  },
  // Function URLs answer Lambda URL's JSON ({"Message": …}): a throttled URL is a 429.
  'function-urls': {
    throttle: {status: 429, code: 'TooManyRequestsException', message: 'Rate Exceeded.'},
    serverError: {status: 500, code: 'InternalServerError', message: 'Internal Server Error (injected by sling local).'},
  },
  logs: {
    throttle: {status: 400, code: 'ThrottlingException', message: 'Rate exceeded'},
    serverError: {status: 500, code: 'ServiceUnavailableException', message: 'The service cannot complete the request (injected by sling local).'},
  },
  s3: {
    throttle: {status: 503, code: 'SlowDown', message: 'Please reduce your request rate.'},
    serverError: {status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.'},
  },
  monitoring: {throttle: {status: 400, code: 'Throttling', message: 'Rate exceeded'}, serverError: {status: 500, code: 'InternalServiceFault', message: 'Internal service error (injected by sling local).'}},
  iam: {
    throttle: {status: 400, code: 'Throttling', message: 'Rate exceeded'},
    serverError: {status: 500, code: 'ServiceFailure', message: 'The request processing has failed because of an unknown error (injected by sling local).'},
  },
  sqs: {
    throttle: {status: 403, code: 'RequestThrottled', message: 'Rate exceeded'},
    serverError: {status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again (injected by sling local).'},
  },
  sts: {
    throttle: {status: 400, code: 'Throttling', message: 'Rate exceeded'},
    serverError: {status: 500, code: 'InternalFailure', message: 'The request processing has failed because of an unknown error (injected by sling local).'},
  },
}

const DEFAULT_FAULTS = {
  throttle: {status: 400, code: 'ThrottlingException', message: 'Rate exceeded'},
  serverError: {status: 500, code: 'InternalFailure', message: 'The request processing has failed (injected by sling local).'},
} satisfies {throttle: ProtocolError; serverError: ProtocolError}

/** The throttling and server errors the local cloud injects for `service`. */
export function faultsFor(service: string): {readonly throttle: ProtocolError; readonly serverError: ProtocolError} {
  return FAULTS[service] ?? DEFAULT_FAULTS
}

/**
 * Answers a fraction of calls with the protocol's throttling error or a server error, and delays
 * calls, so retries and waits can be tested. With a seed, the sequence of faults is reproducible.
 */
export function createFaultInjector(options: FaultOptions): FaultInjector {
  const throttle = clampFraction(options.throttle)
  const serverError = clampFraction(options.serverError)
  const latencyMs = Math.max(0, options.latencyMs ?? 0)
  const random = options.seed === undefined ? Math.random : seededRandom(options.seed)
  const ops = options.ops?.map((op) => op.toLowerCase())
  return {
    async pick(request: LocalRequest, operation?: string) {
      const name = operation ?? operationFromTarget(request)
      if (ops && !selected(ops, request.service, name)) return undefined
      if (latencyMs > 0) await sleep(latencyMs)
      const draw = random()
      if (draw < throttle) return faultsFor(request.service).throttle
      if (draw < throttle + serverError) return faultsFor(request.service).serverError
      return undefined
    },
  }
}

function selected(ops: readonly string[], service: string, operation: string | undefined): boolean {
  const op = operation?.toLowerCase()
  return ops.some((entry) => entry === service || (op !== undefined && (entry === op || entry === `${service}:${op}`)))
}

/** JSON 1.0/1.1 protocols name the operation in X-Amz-Target ("Logs_20140328.GetLogEvents"). */
function operationFromTarget(request: LocalRequest): string | undefined {
  const target = request.headers['x-amz-target']
  return typeof target === 'string' ? target.split('.').pop() : undefined
}

function clampFraction(value: number | undefined): number {
  return Math.min(1, Math.max(0, value ?? 0))
}

/** mulberry32: small, fast, and good enough to pick faults reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = Math.trunc(seed) >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

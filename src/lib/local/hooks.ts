/**
 * The hooks services reach each other through (contract.ts says what each means). They start with
 * what answers when no service provides one, and each service router's `provides` fills in its part
 * when the local cloud starts (server.ts), so a service calls `context.hooks.lambda.invokeAsync(…)`
 * without importing Lambda.
 */
import type {LocalHooks, ProvidedHooks} from './contract.js'

function notServed(what: string): Error {
  return new Error(`The sling local cloud isn't serving ${what} here.`)
}

function defaults(): {[Group in keyof LocalHooks]: LocalHooks[Group]} {
  return {
    logs: {write: () => Promise.reject(notServed('CloudWatch Logs'))},
    // Nothing records metrics until CloudWatch is served: recording one is then a no-op, not an error.
    metrics: {record: () => Promise.resolve()},
    lambda: {invokeAsync: () => Promise.reject(notServed('Lambda')), checkPermission: () => Promise.reject(notServed('Lambda'))},
    iam: {role: () => Promise.reject(notServed('IAM'))},
    s3: {
      read: () => Promise.reject(notServed('S3')),
      objectCreated: () => Promise.resolve(),
      objectRemoved: () => Promise.resolve(),
    },
    sqs: {
      queue: () => Promise.reject(notServed('SQS')),
      receive: () => Promise.reject(notServed('SQS')),
      delete: () => Promise.reject(notServed('SQS')),
      changeVisibility: () => Promise.reject(notServed('SQS')),
    },
  }
}

export interface HookRegistry {
  readonly hooks: LocalHooks
  /** Installs the members a service provides, replacing what was there. */
  readonly provide: (provided: ProvidedHooks) => void
}

export function createHooks(): HookRegistry {
  const hooks = defaults()
  return {
    hooks,
    provide(provided) {
      for (const group of Object.keys(provided) as (keyof LocalHooks)[]) Object.assign(hooks[group], provided[group])
    },
  }
}

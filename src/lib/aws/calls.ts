/**
 * A tally of the AWS requests a command sent, by service and operation: how the bench and the end-to-end
 * tests check that a no-op deploy only reads (one GetFunction per function, one read per extra feature).
 */
/** The part of an SDK client's middleware stack this needs (any service's client has it). */
interface CountableClient {
  readonly middlewareStack: {
    add(
      middleware: (next: (args: never) => Promise<unknown>, context: {readonly clientName?: string; readonly commandName?: string}) => (args: never) => Promise<unknown>,
      options: {readonly step: 'initialize'; readonly name: string; readonly override?: boolean},
    ): void
  }
}

export interface CallTally {
  /** Requests that only read (Get*, List*, Head*, Describe*). */
  readonly reads: number
  /** Every other request. */
  readonly writes: number
  /** "Lambda.GetFunction": 2, … in the order first sent. */
  readonly byOperation: Readonly<Record<string, number>>
}

export interface CallCounter {
  record(service: string, operation: string): void
  tally(): CallTally
}

const READ = /^(Get|List|Head|Describe)/

export function createCallCounter(): CallCounter {
  const counts = new Map<string, number>()
  return {
    record(service, operation) {
      const key = `${service}.${operation}`
      counts.set(key, (counts.get(key) ?? 0) + 1)
    },
    tally() {
      let reads = 0
      let writes = 0
      for (const [key, count] of counts) {
        if (READ.test(key.split('.')[1] ?? '')) reads += count
        else writes += count
      }
      return {reads, writes, byOperation: Object.fromEntries(counts)}
    },
  }
}

/**
 * Counts each request once as it enters the client (the "initialize" step), before the SDK's own retries:
 * a throttled request retried three times is one call of the workflow's.
 */
export function countCalls(client: CountableClient, counter: CallCounter): void {
  client.middlewareStack.add(
    (next, context) => (args) => {
      const service = (context.clientName ?? '').replace(/Client$/, '')
      const operation = (context.commandName ?? '').replace(/Command$/, '')
      counter.record(service, operation)
      return next(args)
    },
    {step: 'initialize', name: 'slingCallCounter', override: true},
  )
}

/** One line for --verbose: "AWS calls: 3 reads, 0 writes (Lambda.GetFunction ×3)". */
export function formatCallTally(tally: CallTally): string {
  const detail = Object.entries(tally.byOperation).map(([op, n]) => `${op} ×${n}`).join(', ')
  return `AWS calls: ${tally.reads} read${tally.reads === 1 ? '' : 's'}, ${tally.writes} write${tally.writes === 1 ? '' : 's'}${detail ? ` (${detail})` : ''}`
}

/**
 * Every call the local cloud serves, counted: by service, operation and HTTP status, since the server
 * started (`GET /_sling/calls`, `?reset=1` to start over), and, with SLING_LOCAL_CALL_LOG, appended
 * as one JSON line per call to a file that every process on a store may share. Deploy tests use them
 * to prove that a deploy with nothing to change writes nothing, and the bench to count round trips.
 */
import {closeSync, openSync, writeSync} from 'node:fs'

import {UserError} from '../errors.js'

/** One served call. */
export interface ServedCall {
  readonly service: string
  /** The AWS operation, or "Unknown" when the router couldn't tell (an operation it lacks, a bad path). */
  readonly operation: string
  readonly status: number
  /** The HTTP method: what tells a read from a write when the operation is unknown. */
  readonly method?: string
}

/** Reads change nothing; everything else (Invoke included) counts as a write. */
export type CallKind = 'read' | 'write'

/** One line of `/_sling/calls`: how often a service answered an operation with a status. */
export interface CallCount extends ServedCall {
  readonly kind: CallKind
  readonly count: number
}

/** What `GET /_sling/calls` answers. */
export interface CallReport {
  /** When counting started (the server's start, or the last reset). */
  readonly since: string
  readonly total: number
  readonly reads: number
  readonly writes: number
  /** Sorted by service, operation, status. */
  readonly calls: readonly CallCount[]
}

const READ = /^(Get|List|Head|Describe|Filter|Lookup|Search|Select|Test)[A-Z]/

/**
 * Whether an operation only reads: AWS names every read Get…, List…, Head…, Describe…, Filter…; a call
 * the router couldn't name (Lambda's code download, a bad path) reads when its method does.
 */
export function kindOf(operation: string, method?: string): CallKind {
  if (operation === 'Unknown' && (method === 'GET' || method === 'HEAD')) return 'read'
  return READ.test(operation) ? 'read' : 'write'
}

export interface CallRecorder {
  record(call: ServedCall): void
  /** The counts so far; `reset` starts counting anew (the report has what was counted before). */
  report(reset?: boolean): CallReport
  close(): void
}

/** Counts calls in memory and, when `logFile` is set, appends one JSON line per call to it. */
export function createCallRecorder(logFile?: string): CallRecorder {
  let counts = new Map<string, CallCount>()
  let since = new Date()
  // One O_APPEND write per line: lines from several processes sharing the file never interleave.
  let fd = logFile === undefined ? undefined : openLog(logFile)
  return {
    record({method, ...call}) {
      const kind = kindOf(call.operation, method)
      const key = `${call.service}\u0000${call.operation}\u0000${call.status}`
      const seen = counts.get(key)
      counts.set(key, {...call, kind, count: (seen?.count ?? 0) + 1})
      if (fd === undefined) return
      const line = `${JSON.stringify({time: new Date().toISOString(), pid: process.pid, ...call, kind})}\n`
      try {
        writeSync(fd, line)
      } catch (error) {
        // The log is a test aid: a full disk must not fail the call it records.
        process.stderr.write(`sling local cloud: couldn't append to the call log ${logFile ?? ''}: ${error instanceof Error ? error.message : String(error)}\n`)
      }
    },
    report(reset = false) {
      const calls = [...counts.values()].sort((a, b) => a.service.localeCompare(b.service) || a.operation.localeCompare(b.operation) || a.status - b.status)
      const sum = (kind?: CallKind): number => calls.filter((call) => kind === undefined || call.kind === kind).reduce((total, call) => total + call.count, 0)
      const report = {since: since.toISOString(), total: sum(), reads: sum('read'), writes: sum('write'), calls}
      if (reset) {
        counts = new Map()
        since = new Date()
      }
      return report
    },
    close() {
      if (fd !== undefined) closeSync(fd)
      fd = undefined
    },
  }
}

function openLog(file: string): number {
  try {
    return openSync(file, 'a')
  } catch (error) {
    throw new UserError('LocalCallLog', `SLING_LOCAL_CALL_LOG names ${file}, which can't be opened for appending: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
      hints: ['Point SLING_LOCAL_CALL_LOG at a file in a directory that exists and you may write to, or unset it.'],
    })
  }
}

/**
 * The background evaluator: every tick (SLING_LOCAL_ALARM_TICK_MS) it evaluates every metric alarm
 * of the store and applies the state changes, and every ten minutes it compacts the stored metrics.
 *
 * Of the processes sharing a store only one evaluates: the holder of a lease document, taken and
 * renewed under the store lock and taken over once it expires or its holder's process is gone. An
 * evaluation reads outside the lock and applies in a transaction only if the alarm's revision is
 * still the one it read (a PutMetricAlarm or SetAlarmState in between wins; the next tick
 * re-evaluates). A state set by SetAlarmState holds while the evaluation's inputs (the periods and
 * values of its range) are those it saw when it was set: until new data arrives or the range moves
 * on to the next minute, as CloudWatch's next evaluation would change it.
 */
import {randomUUID} from 'node:crypto'

import type {Store} from '../store.js'
import {isAlive} from '../store.js'
import {alarmSlots, fingerprint, rangeEnd, ruleOf} from './alarm-data.js'
import type {AlarmDoc} from './alarm-store.js'
import {alarmRegions, AlarmStore, stateUpdateItem} from './alarm-store.js'
import {judge} from './evaluate.js'
import {MetricStore} from './metric-store.js'
import {MINUTE_MS} from './series.js'

export interface EvaluatorOptions {
  readonly tickMs: number
  readonly delayMs: number
  readonly now?: () => number
  readonly warn?: (message: string) => void
}

export interface Evaluator {
  /** One evaluation pass (the timer runs them; tests may too). */
  tick(): Promise<void>
  close(): Promise<void>
}

interface Lease {
  readonly owner: string
  readonly pid: number
  readonly expires: number
}

const LEASE = {collection: 'cloudwatch', id: 'evaluator'}
const COMPACT_EVERY_MS = 10 * MINUTE_MS
/** An hour's file is compacted once the hour is this long over (and past the metric delay). */
const SETTLE_MS = 2 * MINUTE_MS

export function startEvaluator(store: Store, options: EvaluatorOptions): Evaluator {
  const now = options.now ?? Date.now
  const warn = options.warn ?? ((message: string) => void process.stderr.write(`sling local cloud: ${message}\n`))
  const owner = randomUUID()
  const leaseMs = Math.max(10_000, 5 * options.tickMs)
  let leaseUntil = 0
  let lastCompaction = 0
  let closed = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined

  const lead = async (): Promise<boolean> => {
    const at = now()
    if (leaseUntil - at > leaseMs / 2) return true
    const held = await store.get<Lease>(LEASE.collection, LEASE.id)
    if (held && held.owner !== owner && held.expires > at && isAlive(held.pid)) return false
    return store.transaction(async () => {
      const doc = await store.get<Lease>(LEASE.collection, LEASE.id)
      if (doc && doc.owner !== owner && doc.expires > at && isAlive(doc.pid)) return false
      leaseUntil = at + leaseMs
      await store.put(LEASE.collection, LEASE.id, {owner, pid: process.pid, expires: leaseUntil} satisfies Lease)
      return true
    })
  }

  const evaluateAlarm = async (alarms: AlarmStore, metrics: MetricStore, doc: AlarmDoc): Promise<void> => {
    const at = now()
    const slots = await alarmSlots(doc.config, {metrics, visibleAt: at - options.delayMs}, rangeEnd(at, options.delayMs))
    const seen = fingerprint(slots)
    if (doc.held !== undefined && doc.held === seen) return
    const verdict = judge(ruleOf(doc.config), slots, doc.state.value, at)
    const changed = verdict.state !== undefined && verdict.state !== doc.state.value
    if (!changed && doc.held === undefined) return
    await store.transaction(async () => {
      const current = await alarms.get(doc.config.AlarmName)
      if (!current || current.revision !== doc.revision) return
      if (!changed || verdict.state === undefined) {
        await alarms.put({...current, held: undefined})
        return
      }
      const state = {value: verdict.state, reason: verdict.reason, reasonData: verdict.reasonData, updated: at, transitioned: at}
      // History first: readers do not take the transaction's lock, so a client that sees the new state (polling
      // DescribeAlarms) must find its history item already there, as it does on CloudWatch.
      await alarms.addHistory(current.config.AlarmName, [stateUpdateItem(current.config.AlarmName, current.state, state, at)], at)
      await alarms.put({...current, state, revision: current.revision + 1, held: undefined})
    })
  }

  const compact = async (): Promise<void> => {
    const at = now()
    const since = lastCompaction
    lastCompaction = at
    for (const region of await MetricStore.regions(store)) {
      const metrics = new MetricStore(store, region)
      await store.transaction(() => metrics.compact(at, since, SETTLE_MS + options.delayMs))
    }
  }

  const tick = async (): Promise<void> => {
    const regions = await alarmRegions(store)
    const compactDue = now() - lastCompaction >= COMPACT_EVERY_MS
    if ((regions.length === 0 && !compactDue) || !(await lead())) return
    for (const region of regions) {
      const alarms = new AlarmStore(store, region)
      const metrics = new MetricStore(store, region)
      for (const doc of await alarms.list()) {
        if (closed) return
        try {
          await evaluateAlarm(alarms, metrics, doc)
        } catch (error) {
          warn(`couldn't evaluate the CloudWatch alarm ${doc.config.AlarmName}: ${error instanceof Error ? error.message : String(error)}`)
        }
      }
    }
    if (compactDue) await compact()
  }

  const schedule = (): void => {
    if (closed) return
    timer = setTimeout(() => {
      running = tick()
        .catch((error: unknown) => warn(`the CloudWatch alarm evaluator failed: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          running = undefined
          schedule()
        })
    }, options.tickMs)
    timer.unref()
  }
  schedule()

  return {
    tick,
    async close() {
      closed = true
      if (timer) clearTimeout(timer)
      await running
      if (leaseUntil > now()) {
        // Hand the lease back so another process sharing the store takes over at once.
        await store
          .transaction(async () => {
            const doc = await store.get<Lease>(LEASE.collection, LEASE.id)
            if (doc?.owner === owner) await store.delete(LEASE.collection, LEASE.id)
          })
          .catch(() => undefined)
      }
    },
  }
}

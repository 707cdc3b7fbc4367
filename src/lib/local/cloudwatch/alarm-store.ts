/**
 * Metric alarms in the store: one document per alarm (its configuration as PutMetricAlarm set it,
 * its state, a revision bumped on every change) and one history document per alarm name (the
 * StateUpdate and ConfigurationUpdate items DescribeAlarmHistory answers: the latest 100, no older
 * than 30 days, kept after the alarm is deleted as CloudWatch keeps them). The regions that have
 * alarms are listed in one index document so the evaluator finds them without scanning the store.
 */
import type {Store} from '../store.js'
import {DAY_MS} from './series.js'

export type StateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'

/** The alarm's configuration: PutMetricAlarm's members as the MetricAlarm shape names them. */
export type AlarmConfig = Readonly<Record<string, unknown>> & {
  readonly AlarmName: string
  readonly AlarmArn: string
  readonly EvaluationPeriods: number
  readonly ComparisonOperator: string
}

export interface AlarmState {
  readonly value: StateValue
  readonly reason: string
  readonly reasonData?: string | undefined
  /** Epoch ms: the last change of value or reason (StateUpdatedTimestamp). */
  readonly updated: number
  /** Epoch ms: the last change of value (StateTransitionedTimestamp). */
  readonly transitioned: number
}

export interface AlarmDoc {
  readonly config: AlarmConfig
  readonly configUpdated: number
  readonly state: AlarmState
  /** Bumped by every change, so an evaluation computed outside the lock applies only to what it read. */
  readonly revision: number
  /** Set by SetAlarmState: the evaluation inputs it saw; the set state holds while they are unchanged. */
  readonly held?: string | undefined
}

export interface HistoryItem {
  readonly AlarmName: string
  readonly AlarmType: 'MetricAlarm'
  /** Epoch ms. */
  readonly Timestamp: number
  readonly HistoryItemType: 'StateUpdate' | 'ConfigurationUpdate'
  readonly HistorySummary: string
  readonly HistoryData: string
}

const HISTORY_KEPT = 100
const HISTORY_DAYS = 30

const alarmsCollection = (region: string): string => `cloudwatch/${region}/alarms`
const historyCollection = (region: string): string => `cloudwatch/${region}/history`
const INDEX = {collection: 'cloudwatch', id: 'regions'}

export function alarmArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudwatch:${region}:${accountId}:alarm:${name}`
}

/** The alarms and their history in one region of one store. */
export class AlarmStore {
  constructor(
    readonly store: Store,
    readonly region: string,
  ) {}

  get(name: string): Promise<AlarmDoc | undefined> {
    return this.store.get<AlarmDoc>(alarmsCollection(this.region), name)
  }

  /** Every alarm of the region, by name. */
  list(): Promise<AlarmDoc[]> {
    return this.store.list<AlarmDoc>(alarmsCollection(this.region)).then((docs) => docs.sort((a, b) => (a.config.AlarmName < b.config.AlarmName ? -1 : 1)))
  }

  /** Writes an alarm and records its region in the index (call it in a transaction). */
  async put(doc: AlarmDoc): Promise<void> {
    await this.store.put(alarmsCollection(this.region), doc.config.AlarmName, doc)
    const index = (await this.store.get<{regions: string[]}>(INDEX.collection, INDEX.id)) ?? {regions: []}
    if (!index.regions.includes(this.region)) await this.store.put(INDEX.collection, INDEX.id, {regions: [...index.regions, this.region].sort()})
  }

  async delete(name: string): Promise<void> {
    await this.store.delete(alarmsCollection(this.region), name)
  }

  /** Adds history items (call it in a transaction): the newest 100 of the last 30 days are kept. */
  async addHistory(name: string, items: readonly HistoryItem[], now: number): Promise<void> {
    const doc = (await this.store.get<{items: HistoryItem[]}>(historyCollection(this.region), name)) ?? {items: []}
    const kept = [...doc.items, ...items].filter((item) => item.Timestamp >= now - HISTORY_DAYS * DAY_MS).slice(-HISTORY_KEPT)
    await this.store.put(historyCollection(this.region), name, {items: kept})
  }

  /** The history of one alarm name, or of every alarm of the region; oldest first. */
  async history(name?: string): Promise<HistoryItem[]> {
    const docs = name === undefined ? await this.store.list<{items: HistoryItem[]}>(historyCollection(this.region)) : [(await this.store.get<{items: HistoryItem[]}>(historyCollection(this.region), name)) ?? {items: []}]
    return docs.flatMap((doc) => doc.items).sort((a, b) => a.Timestamp - b.Timestamp)
  }
}

/** The regions that have (or had) alarms in this store. */
export async function alarmRegions(store: Store): Promise<string[]> {
  return (await store.get<{regions: string[]}>(INDEX.collection, INDEX.id))?.regions ?? []
}

/** The alarm as DescribeAlarms answers it (the MetricAlarm shape). */
export function metricAlarmShape(doc: AlarmDoc): Record<string, unknown> {
  return {
    ...doc.config,
    AlarmConfigurationUpdatedTimestamp: new Date(doc.configUpdated),
    StateValue: doc.state.value,
    StateReason: doc.state.reason,
    ...(doc.state.reasonData === undefined ? {} : {StateReasonData: doc.state.reasonData}),
    StateUpdatedTimestamp: new Date(doc.state.updated),
    StateTransitionedTimestamp: new Date(doc.state.transitioned),
  }
}

/** A StateUpdate history item as CloudWatch writes it ("Alarm updated from OK to ALARM"); reason data stays as written. */
export function stateUpdateItem(name: string, from: AlarmState, to: AlarmState, timestamp: number): HistoryItem {
  const raw: string[] = []
  const state = (s: AlarmState): Record<string, unknown> => ({stateValue: s.value, stateReason: s.reason, ...(s.reasonData ? {stateReasonData: `\u0000${raw.push(s.reasonData) - 1}`} : {})})
  const text = JSON.stringify({version: '1.0', oldState: state(from), newState: state(to)}).replace(/"\\u0000(\d+)"/g, (_match, i: string) => raw[Number(i)] ?? 'null')
  // HistoryData holds at most 4,095 characters (the model): long reason data is left out rather than cut.
  const data = text.length <= 4095 ? text : JSON.stringify({version: '1.0', oldState: {stateValue: from.value, stateReason: from.reason}, newState: {stateValue: to.value, stateReason: to.reason}})
  return {
    AlarmName: name,
    AlarmType: 'MetricAlarm',
    Timestamp: timestamp,
    HistoryItemType: 'StateUpdate',
    HistorySummary: `Alarm updated from ${from.value} to ${to.value}`,
    HistoryData: data,
  }
}

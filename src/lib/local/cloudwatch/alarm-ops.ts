/**
 * The alarm operations: PutMetricAlarm (INSUFFICIENT_DATA at creation; an update keeps the state),
 * DescribeAlarms (names, prefix, state, action prefix, types; pages), DeleteAlarms, SetAlarmState
 * (the state holds until an evaluation sees other data, see evaluator.ts) and DescribeAlarmHistory.
 * Actions are stored and shown, never executed.
 */
import {alarmSlots, fingerprint, rangeEnd} from './alarm-data.js'
import {alarmConfig, historyAlarm} from './alarm-config.js'
import type {AlarmDoc, AlarmState, HistoryItem, StateValue} from './alarm-store.js'
import {AlarmStore, metricAlarmShape, stateUpdateItem} from './alarm-store.js'
import {invalidCombination, invalidFormat, notFound} from './errors.js'
import type {CloudWatchScope, Input} from './input.js'
import {decodeToken, encodeToken, optionalMs, requestDigest} from './input.js'
import {reader} from './metric-data.js'

const alarmsOf = (scope: CloudWatchScope): AlarmStore => new AlarmStore(scope.store, scope.region)

function configurationItem(before: AlarmDoc | undefined, after: AlarmDoc, now: number): HistoryItem {
  const name = after.config.AlarmName
  const updated = historyAlarm(after.config)
  let data: Record<string, unknown> = {type: 'Create', version: '1.0', createdAlarm: updated}
  if (before) {
    const original = historyAlarm(before.config)
    const changed = Object.keys({...original, ...updated}).filter((key) => JSON.stringify(original[key]) !== JSON.stringify(updated[key]))
    data = {type: 'Update', version: '1.0', originalUpdatedFields: Object.fromEntries(changed.map((key) => [key, original[key]])), updatedAlarm: updated}
  }
  return {AlarmName: name, AlarmType: 'MetricAlarm', Timestamp: now, HistoryItemType: 'ConfigurationUpdate', HistorySummary: `Alarm "${name}" ${before ? 'updated' : 'created'}`, HistoryData: JSON.stringify(data).slice(0, 4095)}
}

export async function putMetricAlarm(input: Input, scope: CloudWatchScope): Promise<undefined> {
  const config = alarmConfig(input, scope.region, scope.accountId)
  const alarms = alarmsOf(scope)
  await scope.store.transaction(async () => {
    const now = scope.now()
    const existing = await alarms.get(config.AlarmName)
    const created: AlarmState = {value: 'INSUFFICIENT_DATA', reason: 'Unchecked: Initial alarm creation', updated: now, transitioned: now}
    // Updating an alarm replaces its configuration and leaves its state as it was.
    const doc: AlarmDoc = {config, configUpdated: now, state: existing?.state ?? created, revision: (existing?.revision ?? 0) + 1}
    await alarms.put(doc)
    await alarms.addHistory(config.AlarmName, [configurationItem(existing, doc, now)], now)
  })
  return undefined
}

const DEFAULT_ALARM_PAGE = 50

export async function describeAlarms(input: Input, scope: CloudWatchScope): Promise<unknown> {
  const names = input.AlarmNames as string[] | undefined
  const prefix = input.AlarmNamePrefix as string | undefined
  if (names !== undefined && prefix !== undefined) throw invalidCombination('The parameters AlarmNames and AlarmNamePrefix can\'t be used together.')
  const types = (input.AlarmTypes as string[] | undefined) ?? ['MetricAlarm']
  const family = input.ChildrenOfAlarmName !== undefined || input.ParentsOfAlarmName !== undefined
  const actionPrefix = input.ActionPrefix as string | undefined
  // The local cloud has no composite alarms, so no alarm has children or parents.
  const all = types.includes('MetricAlarm') && !family ? await alarmsOf(scope).list() : []
  const matching = all.filter((doc) => {
    const {config, state} = doc
    if (names !== undefined && !names.includes(config.AlarmName)) return false
    if (prefix !== undefined && !config.AlarmName.startsWith(prefix)) return false
    if (input.StateValue !== undefined && state.value !== input.StateValue) return false
    const actions = [config.OKActions, config.AlarmActions, config.InsufficientDataActions].flat() as string[]
    return actionPrefix === undefined || actions.some((action) => action.startsWith(actionPrefix))
  })
  const digest = requestDigest(input, ['NextToken'])
  const offset = decodeToken(input.NextToken, digest)
  const size = (input.MaxRecords as number | undefined) ?? DEFAULT_ALARM_PAGE
  const page = matching.slice(offset, offset + size)
  return {
    MetricAlarms: page.map(metricAlarmShape),
    ...(types.includes('CompositeAlarm') ? {CompositeAlarms: []} : {}),
    ...(offset + size < matching.length ? {NextToken: encodeToken(offset + size, digest)} : {}),
  }
}

export async function deleteAlarms(input: Input, scope: CloudWatchScope): Promise<undefined> {
  const alarms = alarmsOf(scope)
  // Names that don't exist are passed over: deleting is idempotent.
  await scope.store.transaction(async () => {
    for (const name of (input.AlarmNames ?? []) as string[]) await alarms.delete(name)
  })
  return undefined
}

export async function setAlarmState(input: Input, scope: CloudWatchScope): Promise<undefined> {
  const name = input.AlarmName as string
  const value = input.StateValue as StateValue
  const reasonData = input.StateReasonData as string | undefined
  if (reasonData !== undefined && reasonData !== '') {
    try {
      JSON.parse(reasonData)
    } catch {
      throw invalidFormat(`The value of StateReasonData isn't valid JSON: ${reasonData.slice(0, 100)}`)
    }
  }
  const alarms = alarmsOf(scope)
  const before = await alarms.get(name)
  if (!before) throw notFound(`Alarm ${name} not found`)
  // What the evaluation reads now: the set state holds until it changes (new data, the next minute).
  const seen = fingerprint(await alarmSlots(before.config, reader(scope), rangeEnd(scope.now(), scope.delayMs)))
  await scope.store.transaction(async () => {
    const doc = await alarms.get(name)
    if (!doc) throw notFound(`Alarm ${name} not found`)
    const now = scope.now()
    const state: AlarmState = {value, reason: input.StateReason as string, ...(reasonData ? {reasonData} : {}), updated: now, transitioned: value === doc.state.value ? doc.state.transitioned : now}
    await alarms.put({...doc, state, revision: doc.revision + 1, held: seen})
    await alarms.addHistory(name, [stateUpdateItem(name, doc.state, state, now)], now)
  })
  return undefined
}

export async function describeAlarmHistory(input: Input, scope: CloudWatchScope): Promise<unknown> {
  const types = input.AlarmTypes as string[] | undefined
  const start = optionalMs(input.StartDate, 'StartDate') ?? -Infinity
  const end = optionalMs(input.EndDate, 'EndDate') ?? Infinity
  const items = types !== undefined && !types.includes('MetricAlarm') ? [] : await alarmsOf(scope).history(input.AlarmName as string | undefined)
  const matching = items.filter((item) => (input.HistoryItemType === undefined || item.HistoryItemType === input.HistoryItemType) && item.Timestamp >= start && item.Timestamp <= end)
  if ((input.ScanBy ?? 'TimestampDescending') === 'TimestampDescending') matching.reverse()
  const digest = requestDigest(input, ['NextToken'])
  const offset = decodeToken(input.NextToken, digest)
  const size = (input.MaxRecords as number | undefined) ?? 100
  return {
    AlarmHistoryItems: matching.slice(offset, offset + size).map((item) => ({...item, Timestamp: new Date(item.Timestamp)})),
    ...(offset + size < matching.length ? {NextToken: encodeToken(offset + size, digest)} : {}),
  }
}

/**
 * PutMetricData (Value, Values with Counts, StatisticValues; units, dimensions, StorageResolution)
 * and ListMetrics (Namespace, MetricName and dimension filters, RecentlyActive, pages of 500).
 */
import type {Aggregate} from './aggregate.js'
import {merge, ofStatisticSet, ofValue} from './aggregate.js'
import {invalidCombination, invalidParameter, invalidValue, missingParameter} from './errors.js'
import type {CloudWatchScope, Input} from './input.js'
import {decodeToken, dimensionsOf, encodeToken, optionalMs, requestDigest} from './input.js'
import type {Sample} from './recorder.js'
import {DAY_MS, HOUR_MS, metricId, seriesKey} from './series.js'

interface DatumInput {
  readonly MetricName: string
  readonly Dimensions?: unknown
  readonly Timestamp?: unknown
  readonly Value?: number
  readonly StatisticValues?: {SampleCount: number; Sum: number; Minimum: number; Maximum: number}
  readonly Values?: number[]
  readonly Counts?: number[]
  readonly Unit?: string
  readonly StorageResolution?: number
}

const MAX_DATA = 1000
const MAX_VALUES = 150
/** CloudWatch refuses values whose magnitude is above 2^360 or below 2^-260 (except 0). */
const LARGEST = 2 ** 360
const SMALLEST = 2 ** -260

function checkValue(value: number, parameter: string): void {
  const magnitude = Math.abs(value)
  if (!Number.isFinite(value) || magnitude > LARGEST || (magnitude !== 0 && magnitude < SMALLEST)) throw invalidValue(value, parameter)
}

/** One MetricDatum as the aggregate it adds to its minute. */
function aggregateOf(datum: DatumInput, at: string): Aggregate {
  const given = ['Value', 'StatisticValues', 'Values'].filter((member) => datum[member as keyof DatumInput] !== undefined)
  if (given.length > 1) throw invalidCombination(`The parameters ${at}.${given[0]} and ${at}.${given[1]} are mutually exclusive and you have specified both.`)
  if (datum.Value !== undefined) {
    checkValue(datum.Value, `${at}.Value`)
    return ofValue(datum.Value)
  }
  if (datum.StatisticValues) {
    const set = datum.StatisticValues
    for (const [name, value] of Object.entries(set)) checkValue(value, `${at}.StatisticValues.${name}`)
    if (set.SampleCount <= 0) throw invalidValue(set.SampleCount, `${at}.StatisticValues.SampleCount`)
    if (set.Minimum > set.Maximum) throw invalidParameter(`The parameter ${at}.StatisticValues.Minimum must be less than or equal to ${at}.StatisticValues.Maximum.`)
    return ofStatisticSet(set)
  }
  const values = datum.Values
  if (!values || values.length === 0) throw missingParameter(`${at}.Value`)
  if (values.length > MAX_VALUES) throw invalidParameter(`The collection ${at}.Values must not have a size greater than ${MAX_VALUES}.`)
  const counts = datum.Counts ?? []
  if (counts.length > 0 && counts.length !== values.length) throw invalidParameter(`The parameters ${at}.Values and ${at}.Counts must be of the same size.`)
  let agg: Aggregate | undefined
  values.forEach((value, i) => {
    checkValue(value, `${at}.Values.member.${i + 1}`)
    const count = counts[i] ?? 1
    if (!(count > 0) || !Number.isFinite(count)) throw invalidValue(count, `${at}.Counts.member.${i + 1}`)
    const one = ofValue(value, count)
    agg = agg ? merge(agg, one) : one
  })
  return agg ?? ofValue(0)
}

function samplesOf(namespace: string, data: readonly DatumInput[], scope: CloudWatchScope, at: string): Sample[] {
  const now = scope.now()
  return data.map((datum, i) => {
    const where = `${at}.member.${i + 1}`
    const timestamp = optionalMs(datum.Timestamp, `${where}.Timestamp`) ?? now
    if (timestamp > now + 2 * HOUR_MS) throw invalidParameter(`The parameter ${where}.Timestamp must specify a time no more than two hours in the future.`)
    if (timestamp < now - 14 * DAY_MS) throw invalidParameter(`The parameter ${where}.Timestamp must specify a time within the past two weeks.`)
    if (datum.StorageResolution !== undefined && datum.StorageResolution !== 1 && datum.StorageResolution !== 60) throw invalidValue(datum.StorageResolution, `${where}.StorageResolution`)
    return {region: scope.region, id: metricId(namespace, datum.MetricName, dimensionsOf(datum.Dimensions)), timestamp, unit: datum.Unit ?? 'None', aggregate: aggregateOf(datum, where)}
  })
}

export async function putMetricData(input: Input, scope: CloudWatchScope): Promise<undefined> {
  const namespace = input.Namespace as string
  if (namespace.startsWith('AWS/')) throw invalidValue(namespace, 'Namespace')
  const data = (input.MetricData ?? []) as DatumInput[]
  const entities = (input.EntityMetricData ?? []) as {MetricData?: DatumInput[]}[]
  if (data.length === 0 && entities.length === 0) throw missingParameter('MetricData')
  if (data.length > MAX_DATA) throw invalidParameter(`The collection MetricData must not have a size greater than ${MAX_DATA}.`)
  const samples = [
    ...samplesOf(namespace, data, scope, 'MetricData'),
    ...entities.flatMap((entity, i) => samplesOf(namespace, entity.MetricData ?? [], scope, `EntityMetricData.member.${i + 1}.MetricData`)),
  ]
  await scope.recorder.record(samples)
  return undefined
}

const LIST_PAGE = 500
/** ListMetrics shows metrics with data in the last two weeks, or the last three hours with RecentlyActive=PT3H. */
const LISTED_FOR_MS = 14 * DAY_MS

export async function listMetrics(input: Input, scope: CloudWatchScope): Promise<unknown> {
  // One account: another OwningAccount has no metrics here.
  if (input.OwningAccount !== undefined && input.OwningAccount !== scope.accountId) return {Metrics: []}
  const filters = (input.Dimensions ?? []) as {Name: string; Value?: string}[]
  const since = scope.now() - (input.RecentlyActive === 'PT3H' ? 3 * HOUR_MS : LISTED_FOR_MS)
  const matches = (await scope.metrics.listSeries())
    .filter((doc) => doc.last >= since)
    .filter((doc) => input.Namespace === undefined || doc.Namespace === input.Namespace)
    .filter((doc) => input.MetricName === undefined || doc.MetricName === input.MetricName)
    .filter((doc) => filters.every((f) => doc.Dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value))))
    .map((doc) => metricId(doc.Namespace, doc.MetricName, doc.Dimensions))
    .sort((a, b) => (seriesKey(a) < seriesKey(b) ? -1 : 1))
  const digest = requestDigest(input, ['NextToken'])
  const offset = decodeToken(input.NextToken, digest)
  const page = matches.slice(offset, offset + LIST_PAGE)
  const more = offset + LIST_PAGE < matches.length
  return {
    Metrics: page.map((id) => ({Namespace: id.namespace, MetricName: id.name, Dimensions: id.dimensions})),
    ...(input.IncludeLinkedAccounts === true ? {OwningAccounts: page.map(() => scope.accountId)} : {}),
    ...(more ? {NextToken: encodeToken(offset + LIST_PAGE, digest)} : {}),
  }
}

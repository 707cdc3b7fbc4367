/**
 * A metric's identity: namespace, name and its whole set of dimensions. CloudWatch treats every
 * combination of dimensions as a separate metric (a query must name all of them, in any order), so
 * the key sorts them by name.
 */

export interface Dimension {
  readonly Name: string
  readonly Value: string
}

export interface MetricId {
  readonly namespace: string
  readonly name: string
  /** Sorted by Name. */
  readonly dimensions: readonly Dimension[]
}

export function metricId(namespace: string, name: string, dimensions: readonly Dimension[] | Readonly<Record<string, string>> = []): MetricId {
  const list: Dimension[] = isList(dimensions) ? dimensions.map((d) => ({Name: d.Name, Value: d.Value})) : Object.entries(dimensions).map(([Name, Value]) => ({Name, Value}))
  return {namespace, name, dimensions: list.sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0))}
}

function isList(dimensions: readonly Dimension[] | Readonly<Record<string, string>>): dimensions is readonly Dimension[] {
  return Array.isArray(dimensions)
}

/** The series' key: the same for the same metric whatever the order its dimensions came in. */
export function seriesKey(id: MetricId): string {
  return JSON.stringify([id.namespace, id.name, id.dimensions.map((d) => [d.Name, d.Value])])
}

/** The metric as the API shapes it (Metric: Namespace, MetricName, Dimensions). */
export function metricShape(id: MetricId): {Namespace: string; MetricName: string; Dimensions: Dimension[]} {
  return {Namespace: id.namespace, MetricName: id.name, Dimensions: id.dimensions.map((d) => ({...d}))}
}

export const MINUTE_MS = 60_000
export const HOUR_MS = 60 * MINUTE_MS
export const DAY_MS = 24 * HOUR_MS

export const floorTo = (time: number, step: number): number => Math.floor(time / step) * step

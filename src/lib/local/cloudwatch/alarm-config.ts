/**
 * PutMetricAlarm's input checked as CloudWatch checks it and turned into the stored configuration:
 * a metric alarm (MetricName, Namespace, Statistic or ExtendedStatistic, Period…) or a metric math
 * alarm (Metrics with exactly one query returning data). Anomaly detection (ThresholdMetricId and
 * the band operators) and PromQL alarms are refused: the local cloud doesn't evaluate them.
 */
import type {AlarmConfig} from './alarm-store.js'
import {alarmArn} from './alarm-store.js'
import {invalidCombination, invalidParameter, invalidValue, missingParameter} from './errors.js'
import type {Input} from './input.js'
import type {DataQuery} from './metric-data.js'
import {checkQueries} from './metric-data.js'
import {isExtendedStatistic} from './statistics.js'

const TREAT_MISSING = ['breaching', 'notBreaching', 'ignore', 'missing']
const THRESHOLD_OPERATORS = ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold']
const SINGLE_METRIC = ['MetricName', 'Namespace', 'Statistic', 'ExtendedStatistic', 'Dimensions', 'Period', 'Unit']
const MAX_ALARM_METRICS = 10
/** Copied as given into the stored configuration, in the MetricAlarm shape's order. */
const STORED = ['AlarmDescription', 'MetricName', 'Namespace', 'Statistic', 'ExtendedStatistic', 'Dimensions', 'Period', 'Unit', 'EvaluationPeriods', 'DatapointsToAlarm', 'Threshold', 'ComparisonOperator', 'TreatMissingData', 'EvaluateLowSampleCountPercentile', 'Metrics']

function checkMathAlarm(input: Input): void {
  const metrics = input.Metrics as DataQuery[]
  const mixed = SINGLE_METRIC.filter((member) => input[member] !== undefined)
  if (mixed.length > 0) throw invalidCombination(`The parameters Metrics and ${mixed.join(', ')} can't be used together: a metric math alarm names its metrics in Metrics.`)
  if (metrics.length === 0 || metrics.length > MAX_ALARM_METRICS) throw invalidParameter(`The collection Metrics must have between 1 and ${MAX_ALARM_METRICS} elements.`)
  checkQueries(metrics, 'Metrics')
  if (metrics.filter((query) => query.ReturnData !== false).length !== 1) throw invalidParameter('Exactly one element of the Metrics list must return data: set ReturnData to false on the others.')
}

function checkMetricAlarm(input: Input): void {
  if (input.Namespace === undefined) throw missingParameter('Namespace')
  if (input.MetricName === undefined) throw missingParameter('MetricName')
  if ((input.Statistic === undefined) === (input.ExtendedStatistic === undefined)) throw invalidCombination('Exactly one of the parameters Statistic and ExtendedStatistic must be specified.')
  if (input.ExtendedStatistic !== undefined && !isExtendedStatistic(input.ExtendedStatistic as string)) throw invalidValue(input.ExtendedStatistic, 'ExtendedStatistic')
  if (input.Period === undefined) throw missingParameter('Period')
  const period = input.Period as number
  if (![10, 20, 30].includes(period) && period % 60 !== 0) throw invalidParameter('The parameter Period must be 10, 20, 30, or a multiple of 60.')
  const evaluation = period * ((input.EvaluationPeriods as number | undefined) ?? 1)
  const limit = period >= 3600 ? 604_800 : 86_400
  if (evaluation > limit) throw invalidParameter(`The evaluation period (EvaluationPeriods × Period = ${evaluation} seconds) must not exceed ${limit} seconds${period >= 3600 ? '' : ' for periods under one hour'}.`)
  const percentile = /^p/.test((input.ExtendedStatistic as string | undefined) ?? '')
  if (input.EvaluateLowSampleCountPercentile !== undefined && (!percentile || !['evaluate', 'ignore'].includes(input.EvaluateLowSampleCountPercentile as string))) {
    throw invalidValue(input.EvaluateLowSampleCountPercentile, 'EvaluateLowSampleCountPercentile')
  }
}

/** The stored configuration of the alarm PutMetricAlarm describes, or the error CloudWatch answers. */
export function alarmConfig(input: Input, region: string, accountId: string): AlarmConfig {
  for (const member of ['EvaluationWindow', 'EvaluationCriteria', 'EvaluationInterval']) {
    if (input[member] !== undefined) throw invalidParameter(`${member} configures a PromQL alarm, which the sling local cloud doesn't evaluate.`)
  }
  if (input.ThresholdMetricId !== undefined) throw invalidParameter('ThresholdMetricId configures an anomaly detection alarm, which the sling local cloud doesn\'t evaluate.')
  if (input.ComparisonOperator === undefined) throw missingParameter('ComparisonOperator')
  if (!THRESHOLD_OPERATORS.includes(input.ComparisonOperator as string)) {
    throw invalidParameter(`The comparison operator ${input.ComparisonOperator as string} is for anomaly detection alarms, which the sling local cloud doesn't evaluate: use ${THRESHOLD_OPERATORS.join(', ')}.`)
  }
  if (input.EvaluationPeriods === undefined) throw missingParameter('EvaluationPeriods')
  if (input.Threshold === undefined) throw missingParameter('Threshold')
  if (input.Metrics !== undefined) checkMathAlarm(input)
  else checkMetricAlarm(input)
  const evaluationPeriods = input.EvaluationPeriods as number
  if (input.DatapointsToAlarm !== undefined && (input.DatapointsToAlarm as number) > evaluationPeriods) {
    throw invalidParameter('DatapointsToAlarm must be less than or equal to EvaluationPeriods.')
  }
  if (input.TreatMissingData !== undefined && !TREAT_MISSING.includes(input.TreatMissingData as string)) throw invalidValue(input.TreatMissingData, 'TreatMissingData')
  const name = input.AlarmName as string
  const stored = Object.fromEntries(STORED.filter((member) => input[member] !== undefined).map((member) => [member, input[member]]))
  return {
    AlarmName: name,
    AlarmArn: alarmArn(region, accountId, name),
    ActionsEnabled: input.ActionsEnabled ?? true,
    OKActions: input.OKActions ?? [],
    AlarmActions: input.AlarmActions ?? [],
    InsufficientDataActions: input.InsufficientDataActions ?? [],
    ...stored,
    EvaluationPeriods: evaluationPeriods,
    ComparisonOperator: input.ComparisonOperator as string,
  }
}

/** The alarm as ConfigurationUpdate history data names it (lower camel case members). */
export function historyAlarm(config: AlarmConfig): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([key]) => key !== 'AlarmArn').map(([key, value]) => [key.charAt(0).toLowerCase() + key.slice(1), value]))
}

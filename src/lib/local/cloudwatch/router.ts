/**
 * CloudWatch (signing name "monitoring") as a table of operations over the shared RPC codecs:
 * JSON 1.0 with `awsQueryCompatible` (`X-Amz-Target: GraniteServiceVersion20100801.<Op>`, what the
 * AWS SDK for JavaScript v3 sends) and the query protocol (`Action=<Op>&Version=2010-08-01`, XML
 * answers: the AWS CLI, boto3 and older SDKs). It provides the metrics.record hook (Lambda records
 * its invocations' metrics with it) and runs the alarm evaluator while the local cloud runs.
 */
import {gunzip} from 'node:zlib'

import {BodyTooLargeError} from '../body.js'
import type {LocalContext, LocalRequest, MetricDatum, ServiceRouter} from '../contract.js'
import {loadModel} from '../model/models.js'
import type {RpcService} from '../protocols/rpc.js'
import {createRpcRouter} from '../protocols/rpc.js'
import {ofValue} from './aggregate.js'
import {deleteAlarms, describeAlarmHistory, describeAlarms, putMetricAlarm, setAlarmState} from './alarm-ops.js'
import {CloudWatchError, validationError} from './errors.js'
import {startEvaluator} from './evaluator.js'
import type {CloudWatchScope} from './input.js'
import {getMetricData, getMetricStatistics} from './metric-data.js'
import {MetricStore} from './metric-store.js'
import {listMetrics, putMetricData} from './metrics-ops.js'
import type {Recorder} from './recorder.js'
import {createRecorder} from './recorder.js'
import {metricId} from './series.js'

/** PutMetricData's limit (1 MB per request, after decompression); no other valid request comes near it. */
const BODY_LIMIT = 1024 * 1024
const DEFAULT_TICK_MS = 1000
const VERSION = '2010-08-01'

function cloudWatchService(recorder: Recorder, delayMs: number): RpcService<CloudWatchScope> {
  return {
    signingName: 'monitoring',
    model: 'cloudwatch',
    json: {version: '1.0', targetPrefix: 'GraniteServiceVersion20100801'},
    query: {xmlNamespace: `http://monitoring.amazonaws.com/doc/${VERSION}/`},
    queryCompatible: true,
    operations: {
      PutMetricAlarm: putMetricAlarm,
      DescribeAlarms: describeAlarms,
      DeleteAlarms: deleteAlarms,
      SetAlarmState: setAlarmState,
      DescribeAlarmHistory: describeAlarmHistory,
      PutMetricData: putMetricData,
      GetMetricData: getMetricData,
      GetMetricStatistics: getMetricStatistics,
      ListMetrics: listMetrics,
    },
    bodyLimit: BODY_LIMIT,
    tooLarge: (error) => new CloudWatchError('RequestEntityTooLarge', `Request size ${error.declared ?? `more than ${BODY_LIMIT}`} exceeded ${BODY_LIMIT} bytes`, 413),
    unknownOperation(name, params) {
      if (name !== undefined && loadModel('cloudwatch').operations[name]) return new CloudWatchError('NotImplemented', `The sling local cloud doesn't emulate the CloudWatch operation ${name} yet.`)
      if (params) return new CloudWatchError('InvalidAction', `Could not find operation ${name ?? ''} for version ${params.get('Version') ?? VERSION}`)
      return new CloudWatchError('UnknownOperationException', `The CloudWatch operation "${name ?? '(none)'}" doesn't exist.`)
    },
    validation: validationError,
    scope: (request, context) => ({
      store: context.store,
      region: request.region,
      accountId: context.accountId,
      metrics: new MetricStore(context.store, request.region),
      recorder,
      delayMs,
      now: Date.now,
    }),
  }
}

/** PutMetricData bodies may come gzipped (the model's requestcompression): read them decompressed, within the same limit. */
function decompressed(request: LocalRequest): LocalRequest {
  if (!/\bgzip\b/i.test(String(request.headers['content-encoding'] ?? ''))) return request
  let body: Promise<Buffer> | undefined
  const inflate = (raw: Buffer, limit: number): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      gunzip(raw, {maxOutputLength: limit}, (error, out) => {
        if (!error) resolve(out)
        else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') reject(new BodyTooLargeError(limit, undefined))
        else reject(new CloudWatchError('InvalidParameterValueException', `The request body isn't valid gzip: ${error.message}`))
      })
    })
  return {...request, body: (limit) => (body ??= request.body(limit).then((raw) => inflate(raw, limit)))}
}

/** The CloudWatch router; it provides metrics.record and evaluates alarms every SLING_LOCAL_ALARM_TICK_MS. */
export function createCloudWatchRouter(context: LocalContext): ServiceRouter {
  const delayMs = context.settings.metricDelayMs ?? 0
  const recorder = createRecorder(context.store)
  const rpc = createRpcRouter(cloudWatchService(recorder, delayMs), context)
  const evaluator = startEvaluator(context.store, {tickMs: context.settings.alarmTickMs ?? DEFAULT_TICK_MS, delayMs})
  const record = (datum: MetricDatum): Promise<void> =>
    recorder.record([{region: datum.region, id: metricId(datum.namespace, datum.name, datum.dimensions), timestamp: datum.timestamp, unit: datum.unit, aggregate: ofValue(datum.value)}])
  return {
    ...rpc,
    handle: (request, response) => rpc.handle(decompressed(request), response),
    provides: {metrics: {record}},
    async close() {
      await evaluator.close()
      await recorder.flush()
    },
  }
}

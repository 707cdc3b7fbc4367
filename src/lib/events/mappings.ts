/**
 * Pull sources: event source mappings. Attach is idempotent (the mapping of the same source to the same
 * function and qualifier is updated, never duplicated), every change waits until the mapping has settled,
 * and sling only ever changes or deletes mappings its ledger (marks.ts) says it created.
 */
import type {LambdaApi} from '../aws/lambda.js'
import type {MappingInfo, MappingSettings} from '../aws/lambda-events.js'
import type {SqsApi} from '../aws/sqs.js'
import {ExitCode, UserError} from '../errors.js'
import type {Output} from '../output.js'
import {filterCriteria} from './filters.js'
import type {Origin} from './marks.js'
import {ledgerTag} from './marks.js'
import type {PullService, SourceRef} from './source.js'
import {shortName} from './source.js'
import type {EventFunction} from './target.js'

/** The batch and retry settings of a mapping, as the flags and the config name them. */
export interface MappingOptions {
  readonly batchSize?: number | undefined
  /** MaximumBatchingWindowInSeconds. */
  readonly batchingWindow?: number | undefined
  readonly startingPosition?: 'LATEST' | 'TRIM_HORIZON' | undefined
  /** Lambda event filter patterns (JSON text each). */
  readonly filters?: readonly string[] | undefined
  readonly reportBatchItemFailures?: boolean | undefined
  readonly maxConcurrency?: number | undefined
  readonly bisectOnError?: boolean | undefined
  readonly maxRetries?: number | undefined
  readonly maxRecordAge?: number | undefined
  /** An SQS queue, SNS topic or S3 bucket ARN for records that failed every attempt (streams). */
  readonly onFailure?: string | undefined
  /** @default true */
  readonly enabled?: boolean | undefined
}

export interface MappingDeps {
  readonly lambda: LambdaApi
  readonly sqs: SqsApi
  readonly output: Output
  readonly signal?: AbortSignal | undefined
}

/** One mapping, as sling reports it. */
export interface MappingView {
  readonly uuid: string
  readonly source: string
  readonly eventSourceArn: string
  readonly qualifier?: string | undefined
  readonly state: string
  readonly batchSize?: number | undefined
  readonly batchingWindow?: number | undefined
  readonly lastProcessingResult?: string | undefined
  /** Who made it: sling from the command line or from the config, or someone else. */
  readonly managedBy: 'sling-cli' | 'sling-config' | 'other'
}

export interface MappingResult {
  readonly status: 'created' | 'updated' | 'unchanged' | 'deleted'
  readonly functionName: string
  readonly mapping: MappingView
}

const STREAMS: ReadonlySet<PullService> = new Set(['kinesis', 'dynamodb', 'kafka', 'mq', 'docdb'])
/** What the execution role needs to read each kind of source: Lambda polls with the function's role. */
export const READ_ACTIONS: Readonly<Record<PullService, readonly string[]>> = {
  sqs: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
  kinesis: ['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:ListShards', 'kinesis:ListStreams'],
  dynamodb: ['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream', 'dynamodb:ListStreams'],
  kafka: ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers', 'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'],
  mq: ['mq:DescribeBroker', 'secretsmanager:GetSecretValue', 'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'],
  docdb: ['rds:DescribeDBClusters', 'rds:DescribeDBClusterParameters', 'rds:DescribeDBSubnetGroups', 'secretsmanager:GetSecretValue', 'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface'],
}

export function serviceOfArn(arn: string): PullService {
  const service = arn.split(':')[2] ?? ''
  if (service === 'rds') return 'docdb'
  return (['sqs', 'kinesis', 'dynamodb', 'kafka', 'mq'].includes(service) ? service : 'sqs') as PullService
}

/** The event source ARN of a pull source; a short form is looked up (sqs:NAME) or built in the function's region and account. */
export async function resolvePullArn(ref: Extract<SourceRef, {type: 'pull'}>, fn: EventFunction, {sqs, signal}: Pick<MappingDeps, 'sqs' | 'signal'>): Promise<string> {
  if (ref.arn) return ref.arn
  const name = ref.name ?? ''
  const partition = fn.arn.split(':')[1] ?? 'aws'
  switch (ref.service) {
    case 'sqs': {
      const queue = await sqs.getQueue(name, {signal})
      if (!queue) {
        throw new UserError('QueueNotFound', `The SQS queue "${name}" doesn't exist in ${fn.region}.`, {
          hints: [`Create it first ("aws sqs create-queue --queue-name ${name} --region ${fn.region}"), or check the name and --region.`],
        })
      }
      return queue.arn
    }
    case 'kinesis':
      return `arn:${partition}:kinesis:${fn.region}:${fn.account}:stream/${name}`
    case 'dynamodb':
      if (!name.includes('/stream/')) {
        throw new UserError('UnknownSource', `"dynamodb:${name}" names a table; a mapping reads the table's stream, whose ARN ends with its label.`, {
          exitCode: ExitCode.Usage,
          hints: [`Pass dynamodb:${name}/stream/LABEL or the stream ARN ("aws dynamodb describe-table --table-name ${name}" shows LatestStreamArn).`],
        })
      }
      return `arn:${partition}:dynamodb:${fn.region}:${fn.account}:table/${name}`
    default:
      return name
  }
}

/** The settings to send, checked against the kind of source; filters are validated before anything is sent. */
export function mappingSettings(service: PullService, options: MappingOptions, {creating}: {readonly creating: boolean}): MappingSettings {
  const stream = STREAMS.has(service)
  const streamOnly = (['startingPosition', 'bisectOnError', 'maxRetries', 'maxRecordAge', 'onFailure'] as const).filter((key) => options[key] !== undefined)
  if (!stream && streamOnly.length > 0) throw usage(`${flagNames(streamOnly)} apply to streams (Kinesis, DynamoDB, Kafka, MQ), not to an SQS queue.`)
  if (stream && options.maxConcurrency !== undefined) throw usage('--max-concurrency applies to SQS queues only.')
  const settings: MappingSettings = {
    BatchSize: options.batchSize,
    MaximumBatchingWindowInSeconds: options.batchingWindow,
    FilterCriteria: filterCriteria(options.filters),
    FunctionResponseTypes: options.reportBatchItemFailures === undefined ? undefined : options.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
    ScalingConfig: options.maxConcurrency === undefined ? undefined : {MaximumConcurrency: options.maxConcurrency},
    BisectBatchOnFunctionError: options.bisectOnError,
    MaximumRetryAttempts: options.maxRetries,
    MaximumRecordAgeInSeconds: options.maxRecordAge,
    DestinationConfig: options.onFailure === undefined ? undefined : {OnFailure: {Destination: options.onFailure}},
    Enabled: options.enabled,
  }
  // Lambda requires a starting position for streams: the newest records, unless told otherwise.
  if (creating && stream && service !== 'mq') settings.StartingPosition = options.startingPosition ?? 'LATEST'
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined))
}

function flagNames(keys: readonly string[]): string {
  return keys.map((key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')
}

function usage(message: string): UserError {
  return new UserError('InvalidOption', message, {exitCode: ExitCode.Usage})
}

/** The sling mapping of `eventSourceArn` to exactly this function and qualifier, if any; and any mapping of it. */
export async function findMapping(fn: EventFunction, eventSourceArn: string, {lambda, signal}: Pick<MappingDeps, 'lambda' | 'signal'>): Promise<MappingInfo | undefined> {
  const mappings = await lambda.listMappings({eventSourceArn}, {signal})
  return mappings.find((m) => m.FunctionArn === fn.invokedArn)
}

/** Whether sling's ledger records this mapping, and from where. */
export function managedBy(fn: EventFunction, uuid: string): MappingView['managedBy'] {
  const entry = fn.ledger.find((e) => e.kind === 'esm' && e.id === uuid)
  return entry ? (entry.origin === 'config' ? 'sling-config' : 'sling-cli') : 'other'
}

export function viewOf(fn: EventFunction, m: MappingInfo): MappingView {
  const qualifier = (m.FunctionArn ?? '').split(':')[7]
  return {
    uuid: m.UUID, source: shortName(m.EventSourceArn), eventSourceArn: m.EventSourceArn ?? '', qualifier, state: m.State ?? 'unknown',
    batchSize: m.BatchSize, batchingWindow: m.MaximumBatchingWindowInSeconds, lastProcessingResult: m.LastProcessingResult, managedBy: managedBy(fn, m.UUID),
  }
}

/** Whether `existing` already has every setting `wanted` sends. */
export function sameSettings(existing: MappingInfo, wanted: MappingSettings): boolean {
  const {Enabled, StartingPosition: _position, ...rest} = wanted
  if (Enabled !== undefined && (existing.State === 'Enabled') !== Enabled) return false
  return Object.entries(rest).every(([key, value]) => JSON.stringify(normalize(key, (existing as unknown as Record<string, unknown>)[key])) === JSON.stringify(normalize(key, value)))
}

function normalize(key: string, value: unknown): unknown {
  if (key === 'FunctionResponseTypes' && Array.isArray(value) && value.length === 0) return undefined
  if (key === 'FilterCriteria' && value && typeof value === 'object' && (value as {Filters?: unknown[]}).Filters?.length === 0) return undefined
  return value
}

/**
 * Creates the mapping, or updates sling's existing one of the same source, function and qualifier; waits until
 * it is Enabled (or Disabled). A mapping someone else made is left alone unless `adopt`.
 */
export async function attachMapping(fn: EventFunction, eventSourceArn: string, options: MappingOptions & {readonly origin: Origin; readonly adopt?: boolean | undefined}, deps: MappingDeps): Promise<MappingResult> {
  const {lambda, output, signal} = deps
  const service = serviceOfArn(eventSourceArn)
  const existing = await findMapping(fn, eventSourceArn, deps)
  const target = fn.qualifier ? `${fn.name}:${fn.qualifier}` : fn.name
  if (existing) {
    const owner = managedBy(fn, existing.UUID)
    if (owner === 'other' && !options.adopt) {
      throw new UserError('MappingNotManaged', `${shortName(eventSourceArn)} is already mapped to ${target} (mapping ${existing.UUID}), by something other than sling; sling leaves it as it is.`, {
        hints: ['Pass --adopt to let sling manage (update, and later detach) that mapping.', `Or see it with "aws lambda get-event-source-mapping --uuid ${existing.UUID}".`],
      })
    }
    const settings = mappingSettings(service, options, {creating: false})
    if (owner === 'other') await recordMapping(fn, existing.UUID, eventSourceArn, options.origin, deps)
    if (sameSettings(existing, settings)) return {status: 'unchanged', functionName: fn.name, mapping: viewOf(fn, existing)}
    output.info(`Updating the mapping of ${shortName(eventSourceArn)} to ${target} (${existing.UUID})…`)
    await lambda.updateMapping(existing.UUID, settings, {signal})
    const settled = await lambda.waitForMapping(existing.UUID, ['Enabled', 'Disabled'], {signal})
    return {status: 'updated', functionName: fn.name, mapping: viewOf(withLedger(fn, existing.UUID, options.origin), settled ?? existing)}
  }
  const settings = mappingSettings(service, options, {creating: true})
  output.info(`Mapping ${shortName(eventSourceArn)} to ${target}…`)
  let created: MappingInfo
  try {
    created = await lambda.createMapping(fn.invokedArn, eventSourceArn, settings, {signal})
  } catch (error) {
    throw withRoleHint(error, fn, service)
  }
  try {
    await recordMapping(fn, created.UUID, eventSourceArn, options.origin, deps)
  } catch (error) {
    // No half-done state: a mapping sling can't record would be one it can never tell apart from others'.
    // Without the signal: after Ctrl-C it is aborted, and the undo must still reach AWS.
    await lambda.deleteMapping(created.UUID).catch(() => undefined)
    throw error
  }
  const settled = await lambda.waitForMapping(created.UUID, [settings.Enabled === false ? 'Disabled' : 'Enabled'], {signal})
  return {status: 'created', functionName: fn.name, mapping: viewOf(withLedger(fn, created.UUID, options.origin), settled ?? created)}
}

async function recordMapping(fn: EventFunction, uuid: string, eventSourceArn: string, origin: Origin, {lambda, signal}: Pick<MappingDeps, 'lambda' | 'signal'>): Promise<void> {
  const tag = ledgerTag({id: uuid, origin, kind: 'esm', resource: eventSourceArn, qualifier: fn.qualifier})
  await lambda.tagResource(fn.arn, {[tag.key]: tag.value}, {signal})
}

function withLedger(fn: EventFunction, uuid: string, origin: Origin): EventFunction {
  return fn.ledger.some((e) => e.id === uuid) ? fn : {...fn, ledger: [...fn.ledger, {id: uuid, origin, kind: 'esm', resource: ''}]}
}

/** Lambda checks that the execution role can read the source: say exactly which actions it needs. */
function withRoleHint(error: unknown, fn: EventFunction, service: PullService): unknown {
  if (!(error instanceof UserError) || error.code !== 'InvalidParameterValueException' || !/role|permission/i.test(error.message)) return error
  const role = fn.info.role.split('/').at(-1) ?? fn.info.role
  return new UserError(error.code, error.message, {
    cause: error.cause,
    hints: [`Grant the execution role "${role}" ${READ_ACTIONS[service].join(', ')} on the source (or pass --grant when sling created the role).`],
  })
}

/** Changes settings of sling's mapping (or enables/disables it) and waits until it settles. */
export async function updateMapping(fn: EventFunction, mapping: MappingInfo, options: MappingOptions & {readonly force?: boolean | undefined}, deps: MappingDeps): Promise<MappingResult> {
  if (managedBy(fn, mapping.UUID) === 'other' && !options.force) throw notManaged(mapping)
  const settings = mappingSettings(serviceOfArn(mapping.EventSourceArn ?? ''), options, {creating: false})
  if (sameSettings(mapping, settings)) return {status: 'unchanged', functionName: fn.name, mapping: viewOf(fn, mapping)}
  await deps.lambda.updateMapping(mapping.UUID, settings, {signal: deps.signal})
  const settled = await deps.lambda.waitForMapping(mapping.UUID, ['Enabled', 'Disabled'], {signal: deps.signal})
  return {status: 'updated', functionName: fn.name, mapping: viewOf(fn, settled ?? mapping)}
}

/** Deletes sling's mapping, waits until it is gone, then removes its ledger entry. */
export async function detachMapping(fn: EventFunction, mapping: MappingInfo, options: {readonly force?: boolean | undefined}, deps: Pick<MappingDeps, 'lambda' | 'output' | 'signal'>): Promise<MappingResult> {
  if (managedBy(fn, mapping.UUID) === 'other' && !options.force) throw notManaged(mapping)
  const view = viewOf(fn, mapping)
  deps.output.info(`Deleting the mapping of ${view.source} to ${fn.name}${view.qualifier ? `:${view.qualifier}` : ''} (${mapping.UUID})…`)
  await deps.lambda.deleteMapping(mapping.UUID, {signal: deps.signal})
  await deps.lambda.waitForMapping(mapping.UUID, ['Deleted'], {signal: deps.signal})
  await deps.lambda.untagResource(fn.arn, [`sling:ev:${mapping.UUID}`], {signal: deps.signal})
  return {status: 'deleted', functionName: fn.name, mapping: {...view, state: 'Deleted'}}
}

function notManaged(mapping: MappingInfo): UserError {
  return new UserError('MappingNotManaged', `Mapping ${mapping.UUID} (${shortName(mapping.EventSourceArn)}) wasn't created by sling, so sling leaves it alone.`, {
    hints: ['Pass --force to change or delete it anyway.'],
  })
}

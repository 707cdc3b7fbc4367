/** Finding queues: by QueueUrl (in the input, or the path older clients post to) or by ARN; their URLs. */
import type {LocalContext} from '../contract.js'
import type {Store} from '../store.js'
import {queueDoesNotExist, SqsError} from './errors.js'
import type {QueueRecord} from './records.js'
import {queuesCollection} from './records.js'
import type {Waits} from './waits.js'

/** What every SQS operation gets besides its input. */
export interface SqsScope {
  readonly context: LocalContext
  readonly region: string
  readonly accountId: string
  /** The request's path when it names a queue (`/<account>/<name>`): the query protocol may post there. */
  readonly pathQueueUrl?: string
  readonly waits: Waits
}

export function storeOf(scope: SqsScope): Store {
  return scope.context.store
}

/** `http://127.0.0.1:<port>/<account>/<name>`: the SDKs may send a queue's requests to its URL, so it is this server. */
export function queueUrl(scope: SqsScope, name: string): string {
  return `${scope.context.endpoint()}/${scope.accountId}/${name}`
}

/** The queue name a QueueUrl names (any host: `https://sqs.<region>.amazonaws.com/<account>/<name>` works too). */
export function nameFromUrl(scope: SqsScope, url: string): string {
  let path: string
  try {
    path = url.startsWith('/') ? url : new URL(url).pathname
  } catch {
    throw new SqsError('InvalidAddress', `The address ${url} is not valid for this endpoint.`, 404)
  }
  const segments = path.split('/').filter(Boolean)
  const [account, name] = segments.slice(-2)
  if (segments.length < 2 || account === undefined || name === undefined) throw new SqsError('InvalidAddress', `The address ${url} is not valid for this endpoint.`, 404)
  if (account !== scope.accountId || !/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(name)) queueDoesNotExist()
  return name
}

/** The name of the queue an operation's input (QueueUrl) or its request path names. */
export function queueNameOf(input: Record<string, unknown>, scope: SqsScope): string {
  const url = typeof input.QueueUrl === 'string' && input.QueueUrl !== '' ? input.QueueUrl : scope.pathQueueUrl
  if (url === undefined) throw new SqsError('MissingParameter', 'The request must contain the parameter QueueUrl.')
  return nameFromUrl(scope, url)
}

export async function findQueue(store: Store, region: string, name: string): Promise<QueueRecord | undefined> {
  return store.get<QueueRecord>(queuesCollection(region), name)
}

export async function loadQueue(scope: SqsScope, name: string): Promise<QueueRecord> {
  return (await findQueue(storeOf(scope), scope.region, name)) ?? queueDoesNotExist()
}

/** The region and name an SQS ARN of `accountId` names, or undefined. */
export function parseQueueArn(arn: string, accountId: string): {region: string; name: string} | undefined {
  const match = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/.exec(arn)
  if (!match || match[2] !== accountId) return undefined
  return {region: match[1] ?? '', name: match[3] ?? ''}
}

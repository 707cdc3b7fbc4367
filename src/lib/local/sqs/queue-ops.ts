/** The queue operations: CreateQueue, GetQueueUrl, Get/SetQueueAttributes, ListQueues, DeleteQueue, PurgeQueue, tags. */
import {checkAttribute, checkAttributeNames, checkQueueName, defaultAttributes, parseRedrivePolicy, queueAttributes} from './attributes.js'
import {invalidAttributeName, invalidValue, queueDoesNotExist, SqsError} from './errors.js'
import {purgeMessages} from './messages.js'
import type {SqsScope} from './queues.js'
import {findQueue, loadQueue, parseQueueArn, queueNameOf, queueUrl, storeOf} from './queues.js'
import type {QueueRecord} from './records.js'
import {bodiesCollection, deletedCollection, queueArn, queuesCollection} from './records.js'

type Input = Record<string, unknown>

const DEFAULT_COOLDOWN_MS = 1000

function cooldownMs(scope: SqsScope): number {
  return scope.context.settings.sqsCooldownMs ?? DEFAULT_COOLDOWN_MS
}

function stringMap(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries((value ?? {}) as Record<string, unknown>).map(([key, item]) => [key, String(item)]))
}

/** Checks the attributes a caller sets: each name and value, and a RedrivePolicy's dead-letter queue. */
async function checkAttributes(scope: SqsScope, given: Record<string, string>, fifo: boolean, creating: boolean): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(given)) {
    if (name === 'FifoQueue' && !creating) throw invalidAttributeName(name)
    out[name] = checkAttribute(name, value, fifo)
  }
  if (out.RedrivePolicy) {
    const policy = parseRedrivePolicy(out.RedrivePolicy)
    const target = parseQueueArn(policy.deadLetterTargetArn, scope.accountId)
    const dlq = target?.region === scope.region ? await findQueue(storeOf(scope), scope.region, target.name) : undefined
    if (!dlq) throw invalidValue('RedrivePolicy', out.RedrivePolicy, 'Dead letter target does not exist.')
    if (dlq.fifo !== fifo) throw invalidValue('RedrivePolicy', out.RedrivePolicy, 'Dead-letter queue must be same type of queue as the source.')
    out.RedrivePolicy = JSON.stringify(policy)
  }
  return out
}

export async function createQueue(input: Input, scope: SqsScope): Promise<unknown> {
  const name = String(input.QueueName)
  const given = stringMap(input.Attributes)
  const fifo = given.FifoQueue?.toLowerCase() === 'true'
  checkQueueName(name, fifo)
  const attributes = await checkAttributes(scope, given, fifo, true)
  const store = storeOf(scope)
  await store.transaction(async () => {
    const existing = await findQueue(store, scope.region, name)
    if (existing) {
      const different = Object.keys(attributes).find((key) => existing.attributes[key] !== attributes[key])
      if (different) throw new SqsError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${different}`)
      return
    }
    const deleted = await store.get<{at: number}>(deletedCollection(scope.region), name)
    if (deleted && Date.now() - deleted.at < cooldownMs(scope)) {
      throw new SqsError('QueueDeletedRecently', `You must wait ${Math.ceil(cooldownMs(scope) / 1000)} seconds after deleting a queue before you can create another with the same name.`)
    }
    const now = Math.floor(Date.now() / 1000)
    const record: QueueRecord = {name, fifo, attributes: {...defaultAttributes(fifo), ...attributes}, tags: stringMap(input.tags), created: now, lastModified: now, sequence: 0, messages: [], dedup: {}}
    await store.put(queuesCollection(scope.region), name, record)
  })
  return {QueueUrl: queueUrl(scope, name)}
}

export async function getQueueUrl(input: Input, scope: SqsScope): Promise<unknown> {
  const name = String(input.QueueName)
  const owner = input.QueueOwnerAWSAccountId
  if ((owner !== undefined && owner !== scope.accountId) || !(await findQueue(storeOf(scope), scope.region, name))) queueDoesNotExist()
  return {QueueUrl: queueUrl(scope, name)}
}

export async function getQueueAttributes(input: Input, scope: SqsScope): Promise<unknown> {
  const queue = await loadQueue(scope, queueNameOf(input, scope))
  const names = (input.AttributeNames ?? []) as string[]
  checkAttributeNames(names)
  const attributes = queueAttributes(queue, names, scope.region, scope.accountId)
  return Object.keys(attributes).length > 0 ? {Attributes: attributes} : {}
}

export async function setQueueAttributes(input: Input, scope: SqsScope): Promise<unknown> {
  const name = queueNameOf(input, scope)
  const queue = await loadQueue(scope, name)
  const given = stringMap(input.Attributes)
  const removeRedrive = given.RedrivePolicy === ''
  if (removeRedrive) delete given.RedrivePolicy
  const attributes = await checkAttributes(scope, given, queue.fifo, false)
  await changeQueueRecord(scope, name, (current) => {
    const next = {...current.attributes, ...attributes}
    if (removeRedrive) delete next.RedrivePolicy
    return {...current, attributes: next, lastModified: Math.floor(Date.now() / 1000)}
  })
  return {}
}

async function changeQueueRecord(scope: SqsScope, name: string, change: (queue: QueueRecord) => QueueRecord): Promise<void> {
  const store = storeOf(scope)
  await store.transaction(async () => {
    const queue = (await findQueue(store, scope.region, name)) ?? queueDoesNotExist()
    await store.put(queuesCollection(scope.region), name, change(queue))
  })
}

export async function listQueues(input: Input, scope: SqsScope): Promise<unknown> {
  const prefix = typeof input.QueueNamePrefix === 'string' ? input.QueueNamePrefix : ''
  const max = input.MaxResults as number | undefined
  if (max !== undefined && (max < 1 || max > 1000)) throw invalidValue('MaxResults', max, 'MaxResults must be an integer between 1 and 1000.')
  const after = typeof input.NextToken === 'string' && input.NextToken !== '' ? Buffer.from(input.NextToken, 'base64url').toString('utf8') : ''
  const names = (await storeOf(scope).list<QueueRecord>(queuesCollection(scope.region))).map((queue) => queue.name).filter((name) => name.startsWith(prefix) && name > after).sort()
  const page = names.slice(0, max ?? 1000)
  const more = max !== undefined && names.length > page.length
  return {...(page.length > 0 ? {QueueUrls: page.map((name) => queueUrl(scope, name))} : {}), ...(more ? {NextToken: Buffer.from(page.at(-1) ?? '').toString('base64url')} : {})}
}

export async function deleteQueue(input: Input, scope: SqsScope): Promise<unknown> {
  const name = queueNameOf(input, scope)
  const store = storeOf(scope)
  await store.transaction(async () => {
    const queue = (await findQueue(store, scope.region, name)) ?? queueDoesNotExist()
    // The index first: a crash between leaves unreachable bodies, never a message without its body.
    await store.delete(queuesCollection(scope.region), name)
    await store.put(deletedCollection(scope.region), name, {at: Date.now()})
    for (const message of queue.messages) await store.delete(bodiesCollection(scope.region, name), message.id)
  })
  return {}
}

export async function purgeQueue(input: Input, scope: SqsScope): Promise<unknown> {
  const name = queueNameOf(input, scope)
  await purgeMessages(scope, name, (queue, now) => {
    if (queue.purgedAt !== undefined && now - queue.purgedAt < cooldownMs(scope)) {
      throw new SqsError('PurgeQueueInProgress', `Only one PurgeQueue operation on ${name} is allowed every ${Math.ceil(cooldownMs(scope) / 1000)} seconds.`, 403)
    }
  })
  return {}
}

export async function tagQueue(input: Input, scope: SqsScope): Promise<unknown> {
  const tags = stringMap(input.Tags)
  await changeQueueRecord(scope, queueNameOf(input, scope), (queue) => {
    const next = {...queue.tags, ...tags}
    if (Object.keys(next).length > 50) throw new SqsError('InvalidParameterValue', 'Too many tags added for queue. Maximum 50 tags allowed per queue.')
    return {...queue, tags: next}
  })
  return {}
}

export async function untagQueue(input: Input, scope: SqsScope): Promise<unknown> {
  const keys = new Set((input.TagKeys ?? []) as string[])
  await changeQueueRecord(scope, queueNameOf(input, scope), (queue) => ({...queue, tags: Object.fromEntries(Object.entries(queue.tags).filter(([key]) => !keys.has(key)))}))
  return {}
}

export async function listQueueTags(input: Input, scope: SqsScope): Promise<unknown> {
  const queue = await loadQueue(scope, queueNameOf(input, scope))
  return Object.keys(queue.tags).length > 0 ? {Tags: queue.tags} : {}
}

export async function listDeadLetterSourceQueues(input: Input, scope: SqsScope): Promise<unknown> {
  const target = queueArn(scope.region, scope.accountId, (await loadQueue(scope, queueNameOf(input, scope))).name)
  const sources = (await storeOf(scope).list<QueueRecord>(queuesCollection(scope.region))).filter((queue) => queue.attributes.RedrivePolicy?.includes(`"${target}"`))
  return {queueUrls: sources.map((queue) => queueUrl(scope, queue.name))}
}

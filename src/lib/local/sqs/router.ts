/**
 * SQS over JSON 1.0 (`X-Amz-Target: AmazonSQS.<Operation>`, with query-compatible error codes, as the AWS SDKs
 * send it) and the query protocol (form-encoded `Action=…`, XML answers, as the AWS CLI v1 and older botocore
 * send it, to the endpoint or to the queue's URL): a table of operations over the shared RPC codecs. It
 * provides the sqs hooks Lambda's event source mappings poll queues with.
 */
import type {LocalContext, ProvidedHooks, ServiceRouter} from '../contract.js'
import {loadModel} from '../model/models.js'
import {validateInput, validationMessage} from '../model/validate.js'
import type {RpcOperation, RpcService} from '../protocols/rpc.js'
import {createRpcRouter} from '../protocols/rpc.js'
import {missingParameter, SqsError} from './errors.js'
import * as messageOps from './message-ops.js'
import {changeVisibility, deleteMessages} from './messages.js'
import * as queueOps from './queue-ops.js'
import {SQS_XML_NAMESPACE, withQueryNames} from './query-names.js'
import type {SqsScope} from './queues.js'
import {findQueue, parseQueueArn} from './queues.js'
import {hookMessage, receiveWaiting} from './receive.js'
import type {Waits} from './waits.js'
import {createWaits} from './waits.js'

/**
 * A batch of 1 MiB of messages, percent-encoded by the query protocol (up to 3 bytes a byte), with its
 * attributes and parameter names, fits in 6 MiB; nothing larger can be a valid request.
 */
const BODY_LIMIT = 6 * 1024 * 1024
const DEFAULT_POLL_MS = 100

const OPERATIONS: Readonly<Record<string, RpcOperation<SqsScope>>> = {
  CreateQueue: queueOps.createQueue,
  GetQueueUrl: queueOps.getQueueUrl,
  GetQueueAttributes: queueOps.getQueueAttributes,
  SetQueueAttributes: queueOps.setQueueAttributes,
  ListQueues: queueOps.listQueues,
  DeleteQueue: queueOps.deleteQueue,
  PurgeQueue: queueOps.purgeQueue,
  TagQueue: queueOps.tagQueue,
  UntagQueue: queueOps.untagQueue,
  ListQueueTags: queueOps.listQueueTags,
  ListDeadLetterSourceQueues: queueOps.listDeadLetterSourceQueues,
  SendMessage: messageOps.sendMessage,
  SendMessageBatch: messageOps.sendMessageBatch,
  ReceiveMessage: messageOps.receiveMessage,
  DeleteMessage: messageOps.deleteMessage,
  DeleteMessageBatch: messageOps.deleteMessageBatch,
  ChangeMessageVisibility: messageOps.changeMessageVisibility,
  ChangeMessageVisibilityBatch: messageOps.changeMessageVisibilityBatch,
}

/**
 * Checks an input against the model first, in SQS's words: a required member missing is MissingParameter (a
 * QueueUrl may come from the request's path instead), a value of the wrong type InvalidParameterValue.
 * Attribute names (the model's enums) are left to the operations, which answer InvalidAttributeName.
 */
function checked(name: string, operation: RpcOperation<SqsScope>): RpcOperation<SqsScope> {
  return (input, scope) => {
    const model = loadModel('sqs')
    const shapeName = model.operations[name]?.input?.shape
    for (const member of (shapeName ? model.shapes[shapeName]?.required : undefined) ?? []) {
      if (input[member] === undefined && !(member === 'QueueUrl' && scope.pathQueueUrl)) throw missingParameter(member)
    }
    const problems = validateInput(model, shapeName, input).filter((problem) => !problem.includes('enum value set') && !problem.includes('must not be null'))
    if (problems.length > 0) throw new SqsError('InvalidParameterValue', validationMessage(problems))
    return operation(input, scope)
  }
}

function hookScope(context: LocalContext, waits: Waits, arn: string): {scope: SqsScope; name: string} {
  const parsed = parseQueueArn(arn, context.accountId)
  if (!parsed) throw new SqsError('QueueDoesNotExist', 'The specified queue does not exist.')
  return {scope: {context, region: parsed.region, accountId: context.accountId, waits}, name: parsed.name}
}

/** The sqs hooks: what Lambda's poller receives, deletes and returns to the queue with. */
function sqsHooks(context: LocalContext, waits: Waits): ProvidedHooks {
  return {
    sqs: {
      async queue(arn) {
        const parsed = parseQueueArn(arn, context.accountId)
        const queue = parsed && (await findQueue(context.store, parsed.region, parsed.name))
        return queue ? {arn, fifo: queue.fifo, visibilityTimeout: Number(queue.attributes.VisibilityTimeout ?? 30)} : undefined
      },
      async receive(request) {
        const {scope, name} = hookScope(context, waits, request.arn)
        const received = await receiveWaiting(scope, name, {max: request.maxMessages, waitMs: request.waitMs, ...(request.signal ? {signal: request.signal} : {})})
        return received.map((message) => hookMessage(message, context.accountId))
      },
      async delete(arn, handles) {
        const {scope, name} = hookScope(context, waits, arn)
        if (handles.length > 0) await deleteMessages(scope, name, handles)
      },
      async changeVisibility(arn, handle, seconds) {
        const {scope, name} = hookScope(context, waits, arn)
        await changeVisibility(scope, name, [{handle, seconds}])
      },
    },
  }
}

export function sqsService(waits: Waits): RpcService<SqsScope> {
  return {
    signingName: 'sqs',
    model: 'sqs',
    modelOverlay: withQueryNames,
    json: {version: '1.0', targetPrefix: 'AmazonSQS'},
    query: {xmlNamespace: SQS_XML_NAMESPACE},
    queryCompatible: true,
    operations: Object.fromEntries(Object.entries(OPERATIONS).map(([name, operation]) => [name, checked(name, operation)])),
    bodyLimit: BODY_LIMIT,
    tooLarge: () => new SqsError('InvalidParameterValue', `One or more parameters are invalid. Reason: the request must be smaller than ${BODY_LIMIT} bytes.`),
    unknownOperation: (name) =>
      name !== undefined && loadModel('sqs').operations[name]
        ? new SqsError('UnsupportedOperation', `The sling local cloud doesn't emulate the SQS operation ${name}.`)
        : new SqsError('InvalidAction', `The action ${name ?? '(none)'} is not valid for this endpoint.`),
    scope: (request, context) => ({
      context,
      region: request.region,
      accountId: context.accountId,
      waits,
      ...(/^\/\d{12}\/[^/]+\/?$/.test(request.url.pathname) ? {pathQueueUrl: request.url.pathname} : {}),
    }),
  }
}

/** The SQS router (signing name "sqs"); it provides the sqs hooks. */
export function createSqsRouter(context: LocalContext): ServiceRouter {
  const waits = createWaits(context.settings.sqsPollMs ?? DEFAULT_POLL_MS)
  const router = createRpcRouter(sqsService(waits), context)
  return {...router, provides: sqsHooks(context, waits), close: () => Promise.resolve(waits.close())}
}

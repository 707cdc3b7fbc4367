/**
 * What the query protocol needs that SQS's JSON model lacks. AWS publishes SQS's model for JSON 1.0 only, but
 * older clients (the AWS CLI v1, botocore before 2024) still send the query protocol with the older model's
 * names: `Attribute.N.Name/Value`, `AttributeName.N`, `MessageAttribute.N.Value.StringValue`,
 * `SendMessageBatchRequestEntry.N.Id`, results such as `<ReceiveMessageResult><Message>…`, and error codes
 * such as `AWS.SimpleQueueService.NonExistentQueue`. This overlay puts those names (from that older model)
 * onto the JSON model, so the shared query codec reads and writes them; the codes also go in the JSON
 * protocol's `x-amzn-query-error` header.
 */
import type {ServiceModel, Shape, ShapeRef} from '../model/models.js'

/** The query protocol's XML namespace for SQS. */
export const SQS_XML_NAMESPACE = 'http://queue.amazonaws.com/doc/2012-11-05/'

/** Member names (`Shape.Member`) as the query protocol spells them. */
const MEMBER_NAMES: Readonly<Record<string, string>> = {
  'CreateQueueRequest.Attributes': 'Attribute',
  'CreateQueueRequest.tags': 'Tag',
  'SetQueueAttributesRequest.Attributes': 'Attribute',
  'GetQueueAttributesResult.Attributes': 'Attribute',
  'ListQueueTagsResult.Tags': 'Tag',
  'Message.Attributes': 'Attribute',
  'Message.MessageAttributes': 'MessageAttribute',
  'SendMessageRequest.MessageAttributes': 'MessageAttribute',
  'SendMessageRequest.MessageSystemAttributes': 'MessageSystemAttribute',
  'SendMessageBatchRequestEntry.MessageAttributes': 'MessageAttribute',
  'SendMessageBatchRequestEntry.MessageSystemAttributes': 'MessageSystemAttribute',
  'MessageAttributeValue.StringListValues': 'StringListValue',
  'MessageAttributeValue.BinaryListValues': 'BinaryListValue',
  'MessageSystemAttributeValue.StringListValues': 'StringListValue',
  'MessageSystemAttributeValue.BinaryListValues': 'BinaryListValue',
}

/** List items (flattened lists repeat them in place of the list) as the query protocol names them. */
const LIST_ITEMS: Readonly<Record<string, string>> = {
  AWSAccountIdList: 'AWSAccountId',
  ActionNameList: 'ActionName',
  AttributeNameList: 'AttributeName',
  MessageSystemAttributeList: 'MessageSystemAttributeName',
  MessageAttributeNameList: 'MessageAttributeName',
  BatchResultErrorEntryList: 'BatchResultErrorEntry',
  BinaryList: 'BinaryListValue',
  StringList: 'StringListValue',
  ChangeMessageVisibilityBatchRequestEntryList: 'ChangeMessageVisibilityBatchRequestEntry',
  ChangeMessageVisibilityBatchResultEntryList: 'ChangeMessageVisibilityBatchResultEntry',
  DeleteMessageBatchRequestEntryList: 'DeleteMessageBatchRequestEntry',
  DeleteMessageBatchResultEntryList: 'DeleteMessageBatchResultEntry',
  SendMessageBatchRequestEntryList: 'SendMessageBatchRequestEntry',
  SendMessageBatchResultEntryList: 'SendMessageBatchResultEntry',
  MessageList: 'Message',
  QueueUrlList: 'QueueUrl',
  TagKeyList: 'TagKey',
}

/** Maps' entry names: `Attribute.1.Name` / `Attribute.1.Value`, `Tag.1.Key` / `Tag.1.Value`. */
const MAP_ENTRIES: Readonly<Record<string, readonly [string, string]>> = {
  QueueAttributeMap: ['Name', 'Value'],
  MessageBodyAttributeMap: ['Name', 'Value'],
  MessageBodySystemAttributeMap: ['Name', 'Value'],
  MessageSystemAttributeMap: ['Name', 'Value'],
  TagMap: ['Key', 'Value'],
}

/** The query protocol's codes (and HTTP statuses) of the modelled errors whose code isn't their shape name. */
const ERROR_CODES: Readonly<Record<string, readonly [string, number]>> = {
  BatchEntryIdsNotDistinct: ['AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 400],
  BatchRequestTooLong: ['AWS.SimpleQueueService.BatchRequestTooLong', 400],
  EmptyBatchRequest: ['AWS.SimpleQueueService.EmptyBatchRequest', 400],
  InvalidAddress: ['InvalidAddress', 404],
  InvalidBatchEntryId: ['AWS.SimpleQueueService.InvalidBatchEntryId', 400],
  InvalidSecurity: ['InvalidSecurity', 403],
  MessageNotInflight: ['AWS.SimpleQueueService.MessageNotInflight', 400],
  OverLimit: ['OverLimit', 403],
  PurgeQueueInProgress: ['AWS.SimpleQueueService.PurgeQueueInProgress', 403],
  QueueDeletedRecently: ['AWS.SimpleQueueService.QueueDeletedRecently', 400],
  QueueDoesNotExist: ['AWS.SimpleQueueService.NonExistentQueue', 400],
  QueueNameExists: ['QueueAlreadyExists', 400],
  ReceiptHandleIsInvalid: ['ReceiptHandleIsInvalid', 404],
  RequestThrottled: ['RequestThrottled', 403],
  ResourceNotFoundException: ['ResourceNotFoundException', 404],
  TooManyEntriesInBatchRequest: ['AWS.SimpleQueueService.TooManyEntriesInBatchRequest', 400],
  UnsupportedOperation: ['AWS.SimpleQueueService.UnsupportedOperation', 400],
}

/** The query protocol's code for an error (what batch results' `Code` carries too). */
export function queryCodeOf(code: string): string {
  return ERROR_CODES[code]?.[0] ?? code
}

function named(ref: ShapeRef | undefined, locationName: string | undefined): ShapeRef | undefined {
  return ref && locationName !== undefined ? {...ref, locationName} : ref
}

function overlayShape(name: string, shape: Shape): Shape {
  const members = shape.members && Object.fromEntries(Object.entries(shape.members).map(([member, ref]) => [member, named(ref, MEMBER_NAMES[`${name}.${member}`]) ?? ref]))
  const entry = MAP_ENTRIES[name]
  const code = ERROR_CODES[name]
  return {
    ...shape,
    ...(members ? {members} : {}),
    ...(LIST_ITEMS[name] ? {member: named(shape.member, LIST_ITEMS[name])} : {}),
    ...(entry ? {key: named(shape.key, entry[0]), value: named(shape.value, entry[1])} : {}),
    ...(code ? {error: {code: code[0], httpStatusCode: code[1], senderFault: true}} : {}),
  }
}

/** SQS's model with the query protocol's names and error codes laid over it. */
export function withQueryNames(model: ServiceModel): ServiceModel {
  const shapes = Object.fromEntries(Object.entries(model.shapes).map(([name, shape]) => [name, overlayShape(name, shape)]))
  return {...model, metadata: {...model.metadata, xmlNamespace: SQS_XML_NAMESPACE}, shapes}
}

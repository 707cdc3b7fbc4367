/**
 * Answers a service the local cloud doesn't emulate (STS, SQS, CloudWatch, EventBridge, SNS…) in that
 * service's own protocol, so every AWS client reads a clean "not emulated" error instead of failing to
 * parse an answer in another protocol (botocore crashes on JSON where STS's query XML is due). The
 * protocol comes from the vendored model when there is one, else from the request itself.
 */
import type {ServerResponse} from 'node:http'

import type {LocalRequest, ProtocolError, ServiceRouter} from './contract.js'
import {hasModel, loadModel} from './model/models.js'
import type {ServiceMetadata} from './model/models.js'
import {isJsonRpc, writeJsonError} from './protocols/json-rpc.js'
import {isQuery, writeQueryError} from './protocols/query.js'
import {sendJsonError} from './protocols/rest-json.js'
import {sendXmlError} from './protocols/rest-xml.js'

/** Signing names whose model is vendored under another folder name. */
const MODEL_FOLDERS: Readonly<Record<string, string>> = {monitoring: 'cloudwatch'}

/** X-Amz-Target prefixes of JSON services not emulated, for requests that aren't signed. */
export const UNEMULATED_TARGETS: Readonly<Record<string, string>> = {
  AmazonSQS: 'sqs',
  GraniteServiceVersion20100801: 'monitoring',
  AWSEvents: 'events',
  Kinesis_20131202: 'kinesis',
  DynamoDB_20120810: 'dynamodb',
}

const CODE = 'NotImplemented'
/** Read only to name the operation in the message; a larger body is answered without reading it. */
const BODY_LIMIT = 1024 * 1024

type Wire = 'json' | 'query' | 'rest-json' | 'rest-xml'

function metadataOf(service: string): ServiceMetadata | undefined {
  const folder = MODEL_FOLDERS[service] ?? service
  return hasModel(folder) ? loadModel(folder).metadata : undefined
}

/** The protocol to answer in: the one the request speaks, among those the model lists. */
function wireOf(metadata: ServiceMetadata | undefined, request: LocalRequest): Wire {
  const spoken = metadata ? [...(metadata.protocols ?? [metadata.protocol]), ...(metadata.awsQueryCompatible ? ['query'] : [])] : ['json', 'query', 'rest-json']
  if (isJsonRpc(request) && spoken.includes('json')) return 'json'
  if (isQuery(request) && spoken.includes('query')) return 'query'
  const native = metadata?.protocol
  if (native === 'query' || native === 'rest-xml' || native === 'rest-json' || native === 'json') return native
  // smithy-rpc-v2-cbor (CloudWatch's newest clients) is not answered in CBOR: JSON is the closest the clients read.
  return metadata?.protocols?.includes('json') ? 'json' : 'rest-json'
}

/** The operation the request names, when it names one (X-Amz-Target, or the query protocol's Action). */
async function operationOf(request: LocalRequest): Promise<string | undefined> {
  const target = request.headers['x-amz-target']
  if (typeof target === 'string') return target.split('.').pop()
  const action = request.url.searchParams.get('Action')
  if (action !== null || request.method !== 'POST' || !isQuery(request)) return action ?? undefined
  const body = await request.body(BODY_LIMIT).catch(() => undefined)
  return body ? (new URLSearchParams(body.toString('utf8')).get('Action') ?? undefined) : undefined
}

/** A router that answers every call to `service` with "not emulated", in the service's protocol. */
export function createUnemulatedRouter(service: string): ServiceRouter {
  let metadata: ServiceMetadata | undefined
  let read = false
  const meta = (): ServiceMetadata | undefined => {
    if (!read) {
      metadata = metadataOf(service)
      read = true
    }
    return metadata
  }
  const writeError = (response: ServerResponse, error: ProtocolError, request: LocalRequest): void => {
    const model = meta()
    switch (wireOf(model, request)) {
      case 'json': {
        const target = String(request.headers['x-amz-target'] ?? '')
        const protocol = {version: model?.jsonVersion === '1.0' ? '1.0' : '1.1', targetPrefix: target.split('.')[0] ?? ''} as const
        writeJsonError(response, protocol, error, model?.awsQueryCompatible ? error.code : undefined)
        return
      }
      case 'query':
        writeQueryError(response, {xmlNamespace: model?.xmlNamespace ?? `https://${service}.amazonaws.com/doc/${model?.apiVersion ?? ''}/`}, error)
        return
      case 'rest-xml':
        sendXmlError(response, error.status, {Code: error.code, Message: error.message}, {}, request.method)
        return
      case 'rest-json':
        sendJsonError(response, error.status, error.code, {message: error.message})
        return
    }
  }
  const named = new WeakMap<LocalRequest, string>()
  return {
    service,
    writeError,
    operation: (request) => named.get(request),
    async handle(request, response) {
      const operation = await operationOf(request)
      if (operation) named.set(request, operation)
      const called = operation ? ` (${operation} was called)` : ''
      writeError(response, {status: 400, code: CODE, message: `The sling local cloud doesn't emulate the "${service}" service yet${called}.`}, request)
    },
  }
}

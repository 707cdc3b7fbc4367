/**
 * A service over the RPC protocols (JSON 1.0/1.1 and query) as a table of operations: the table names
 * its protocols, and this router decodes each request to a plain input object (the query protocol
 * through the service model), calls the operation, and writes its output or its ServiceError in the
 * protocol the caller used. A new RPC service (STS, SQS, CloudWatch) is a table and its handlers.
 */
import type {ServerResponse} from 'node:http'

import type {BodyTooLargeError} from '../body.js'
import type {LocalContext, LocalRequest, ProtocolError, ProvidedHooks, ServiceRouter} from '../contract.js'
import {ServiceError} from '../contract.js'
import {loadModel, queryErrorCode} from '../model/models.js'
import type {ServiceModel} from '../model/models.js'
import {validateInput} from '../model/validate.js'
import type {JsonProtocol} from './json-rpc.js'
import {isJsonRpc, readJsonInput, targetOperation, writeJsonError, writeJsonResult} from './json-rpc.js'
import type {QueryProtocol} from './query.js'
import {decodeQueryInput, readQueryParams, writeQueryError, writeQueryResult} from './query.js'

/** One operation: the decoded input in, the output structure (as the model shapes it) out. */
export type RpcOperation<Scope> = (input: Record<string, unknown>, scope: Scope) => Promise<unknown>

export interface RpcService<Scope> {
  /** The SigV4 signing name ("logs", "iam", "sts", "sqs", "monitoring"). */
  readonly signingName: string
  /** The service model's folder in aws-models/ (read lazily: the query protocol and validation need it). */
  readonly model: string
  /** Lays over the model what its protocols need and it lacks (SQS: the query protocol's names and error codes). */
  readonly modelOverlay?: (model: ServiceModel) => ServiceModel
  /** Set when the service speaks a JSON RPC protocol. */
  readonly json?: JsonProtocol
  /** Set when the service speaks the query protocol. */
  readonly query?: QueryProtocol
  /** JSON answers also carry the query protocol's error code (`awsQueryCompatible`: SQS, CloudWatch). */
  readonly queryCompatible?: boolean
  readonly operations: Readonly<Record<string, RpcOperation<Scope>>>
  /** The largest request body read, in bytes. */
  readonly bodyLimit: number
  /** What a body over the limit is answered with. */
  tooLarge(error: BodyTooLargeError): ServiceError
  /** What an operation the table lacks is answered with (`params`: the query protocol's parameters). */
  unknownOperation(name: string | undefined, params?: URLSearchParams): ServiceError
  /**
   * When set, each input is checked against the model's constraints first (required members, lengths,
   * ranges, patterns, enums), and the problems (AWS's wording) are refused with the error this returns.
   */
  validation?(problems: readonly string[]): ServiceError
  /** What each operation gets besides its input (the store scoped to the caller's region…). */
  scope(request: LocalRequest, context: LocalContext): Scope
  readonly provides?: ProvidedHooks
}

type Protocol = {readonly kind: 'json'; readonly json: JsonProtocol} | {readonly kind: 'query'; readonly query: QueryProtocol}

/** The protocol a request speaks: JSON when it names an X-Amz-Target (and the service speaks JSON), else query. */
function protocolOf(service: RpcService<unknown>, request: LocalRequest): Protocol {
  if (service.json && (isJsonRpc(request) || !service.query)) return {kind: 'json', json: service.json}
  if (service.query) return {kind: 'query', query: service.query}
  throw new Error(`The ${service.signingName} table names no protocol.`)
}

export function createRpcRouter<Scope>(service: RpcService<Scope>, context: LocalContext): ServiceRouter {
  let overlaid: ServiceModel | undefined
  const model = (): ServiceModel => (service.modelOverlay ? (overlaid ??= service.modelOverlay(loadModel(service.model))) : loadModel(service.model))
  const writeError = (response: ServerResponse, error: ProtocolError, request: LocalRequest): void => {
    const protocol = protocolOf(service as RpcService<unknown>, request)
    if (protocol.kind === 'json') writeJsonError(response, protocol.json, error, service.queryCompatible ? queryErrorCode(model(), error.code) : undefined)
    else writeQueryError(response, protocol.query, error, queryErrorCode(model(), error.code))
  }
  // A query request names its operation in the body: once decoded, it is remembered for the call count.
  const decoded = new WeakMap<LocalRequest, string>()
  const operationOf = (request: LocalRequest): string | undefined => {
    const protocol = protocolOf(service as RpcService<unknown>, request)
    return protocol.kind === 'json' ? targetOperation(request, protocol.json) : (request.url.searchParams.get('Action') ?? decoded.get(request))
  }
  return {
    service: service.signingName,
    ...(service.json ? {targetPrefix: service.json.targetPrefix} : {}),
    ...(service.provides ? {provides: service.provides} : {}),
    operation: operationOf,
    writeError,
    async handle(request, response) {
      try {
        const protocol = protocolOf(service as RpcService<unknown>, request)
        const {name, input, params} = await decode(service, protocol, request, model)
        if (name !== undefined) decoded.set(request, name)
        const operation = name === undefined ? undefined : service.operations[name]
        if (!operation || name === undefined) throw service.unknownOperation(name, params)
        if (service.validation) {
          const problems = validateInput(model(), model().operations[name]?.input?.shape, input)
          if (problems.length > 0) throw service.validation(problems)
        }
        const output = await operation(input, service.scope(request, context))
        if (protocol.kind === 'json') writeJsonResult(response, protocol.json, output)
        else writeQueryResult(response, protocol.query, model(), name, output)
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error
        writeError(response, error, request)
      }
    },
  }
}

async function decode<Scope>(service: RpcService<Scope>, protocol: Protocol, request: LocalRequest, model: () => ServiceModel): Promise<{name: string | undefined; input: Record<string, unknown>; params?: URLSearchParams}> {
  const tooLarge = (error: BodyTooLargeError): ServiceError => service.tooLarge(error)
  if (protocol.kind === 'json') {
    const name = targetOperation(request, protocol.json)
    // An operation the table lacks is answered before its body is read.
    if (name === undefined || !service.operations[name]) return {name, input: {}}
    return {name, input: await readJsonInput(request, service.bodyLimit, tooLarge)}
  }
  const params = await readQueryParams(request, service.bodyLimit, tooLarge)
  const name = params.get('Action') ?? undefined
  if (name === undefined || !service.operations[name]) return {name, input: {}, params}
  return {name, input: decodeQueryInput(model(), model().operations[name]?.input?.shape, params), params}
}

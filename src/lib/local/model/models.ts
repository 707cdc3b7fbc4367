/**
 * AWS's service models, vendored in the repository's aws-models/ (and shipped with the package), read
 * lazily: the first call for a service parses its model; `sling --help` and a local cloud that never
 * needs one never read them.
 */
import {existsSync, readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

export interface ShapeRef {
  readonly shape: string
  readonly locationName?: string
  readonly flattened?: boolean
  readonly resultWrapper?: string
}

export interface Shape {
  readonly type: string
  readonly members?: Readonly<Record<string, ShapeRef>>
  readonly required?: readonly string[]
  readonly member?: ShapeRef
  readonly key?: ShapeRef
  readonly value?: ShapeRef
  readonly enum?: readonly string[]
  readonly min?: number
  readonly max?: number
  readonly pattern?: string
  readonly flattened?: boolean
  readonly timestampFormat?: string
  readonly error?: {readonly httpStatusCode?: number; readonly code?: string; readonly senderFault?: boolean}
  readonly exception?: boolean
}

export interface Operation {
  readonly name: string
  readonly http?: {readonly method: string; readonly requestUri: string; readonly responseCode?: number}
  readonly input?: ShapeRef
  readonly output?: ShapeRef
  readonly errors?: readonly ShapeRef[]
}

export interface ServiceMetadata {
  readonly protocol: string
  readonly protocols?: readonly string[]
  readonly jsonVersion?: string
  readonly targetPrefix?: string
  readonly xmlNamespace?: string
  readonly apiVersion?: string
  readonly signingName?: string
  readonly endpointPrefix: string
  /** Present (`{}`) when a JSON protocol carries the query protocol's error codes (SQS, CloudWatch). */
  readonly awsQueryCompatible?: Record<string, never>
}

export interface ServiceModel {
  readonly metadata: ServiceMetadata
  readonly operations: Readonly<Record<string, Operation>>
  readonly shapes: Readonly<Record<string, Shape>>
}

/** The vendored models' directory: the same from src/lib/local/model and dist/lib/local/model. */
const MODELS_DIR = fileURLToPath(new URL('../../../../aws-models/', import.meta.url))

const cache = new Map<string, ServiceModel>()

/** Whether a model for `service` (its aws-models folder: "lambda", "cloudwatch", "sqs"…) is vendored. */
export function hasModel(service: string): boolean {
  return /^[a-z0-9-]+$/.test(service) && existsSync(`${MODELS_DIR}${service}/service-2.json`)
}

/** The service model of `service` (its aws-models folder). */
export function loadModel(service: string): ServiceModel {
  let model = cache.get(service)
  if (!model) {
    if (!hasModel(service)) throw new Error(`AWS's ${service} service model isn't in ${MODELS_DIR}: reinstall sling, or run npm run models in its repository.`)
    model = JSON.parse(readFileSync(`${MODELS_DIR}${service}/service-2.json`, 'utf8')) as ServiceModel
    cache.set(service, model)
  }
  return model
}

/** A shape of the model; a missing one is a bug in the model or the caller. */
export function shapeOf(model: ServiceModel, name: string): Shape {
  const shape = model.shapes[name]
  if (!shape) throw new Error(`The ${model.metadata.endpointPrefix} model has no shape "${name}".`)
  return shape
}

/** The query protocol's error code for an error shape: the model's `error.code` when it names one (SQS's "AWS.SimpleQueueService.NonExistentQueue"). */
export function queryErrorCode(model: ServiceModel, shapeName: string): string {
  return model.shapes[shapeName]?.error?.code ?? shapeName
}

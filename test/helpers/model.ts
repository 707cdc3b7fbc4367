/**
 * Fidelity checks against AWS's own service models (the repository's vendored `aws-models/<service>/service-2.json`,
 * or the directory in SLING_AWS_MODELS). Every local-cloud test uses these so that what the local
 * cloud answers is what AWS's model says AWS answers.
 */
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {expect} from 'vitest'

import type {ServiceModel, Shape} from '../../src/lib/local/model/models.js'
import {modelPattern} from '../../src/lib/local/model/validate.js'
import {ROOT} from './cli.js'

/** The same model types the local cloud reads its vendored models with. */
export type {ServiceModel} from '../../src/lib/local/model/models.js'
type Operation = ServiceModel['operations'][string] & {readonly http: {readonly method: string; readonly requestUri: string; readonly responseCode?: number}}

/** Where the models live: SLING_AWS_MODELS, else the copy vendored in the repository (aws-models/). */
export function modelsDir(): string {
  return process.env.SLING_AWS_MODELS ?? path.join(ROOT, 'aws-models')
}

const cache = new Map<string, ServiceModel>()

/** The service model of `service` ("lambda", "logs", "s3"). */
export function loadModel(service: string): ServiceModel {
  let model = cache.get(service)
  if (!model) {
    const file = path.join(modelsDir(), service, 'service-2.json')
    if (!existsSync(file)) {
      throw new Error(`AWS's ${service} service model isn't at ${file}. The fidelity tests read AWS's models from the repository's aws-models/ (refresh them with npm run models), or from SLING_AWS_MODELS when set.`)
    }
    model = JSON.parse(readFileSync(file, 'utf8')) as ServiceModel
    cache.set(service, model)
  }
  return model
}

function operationOf(service: string, operation: string): Operation {
  const op = loadModel(service).operations[operation]
  if (!op?.http) throw new Error(`The ${service} model has no operation "${operation}".`)
  return op as Operation
}

/** The operation's HTTP binding as modelled: method, request URI template and success status. */
export function modelHttp(service: string, operation: string): {method: string; requestUri: string; responseCode: number} {
  const {http} = operationOf(service, operation)
  return {method: http.method, requestUri: http.requestUri, responseCode: http.responseCode ?? 200}
}

/** Shapes the model types as integers but the SDK v3 (its Smithy model) deserializes as strings. */
const SDK_STRING_INTEGERS = new Set(['s3.PartNumberMarker', 's3.NextPartNumberMarker'])

/** Members the SDK adds to every output or error that no model describes. */
const SDK_MEMBERS = new Set(['$metadata', '$fault', '$retryable', '$response', '$service', 'name', 'message', 'stack', 'cause'])

/**
 * Every way `value` departs from `shapeName`: missing required members, unknown members, wrong
 * types, enum values the model doesn't list, strings/lists/numbers out of their modelled range or
 * pattern. Paths are reported like `Configuration.State`.
 */
export function modelViolations(service: string, shapeName: string, value: unknown, at = '', options: {readonly allowUnknownTopLevel?: boolean} = {}): string[] {
  const model = loadModel(service)
  const problems: string[] = []
  const visit = (name: string, v: unknown, where: string, top: boolean): void => {
    const shape = model.shapes[name]
    if (!shape) {
      problems.push(`${where || '(root)'}: unknown shape ${name}`)
      return
    }
    const label = where || '(root)'
    const wrong = (expected: string): void => void problems.push(`${label}: expected ${expected} (${name}), got ${describe(v)}`)
    switch (shape.type) {
      case 'structure': {
        if (!isPlainObject(v)) return wrong('an object')
        const members = shape.members ?? {}
        for (const required of shape.required ?? []) {
          if (v[required] === undefined) problems.push(`${join(where, required)}: required member missing (${name})`)
        }
        for (const [key, member] of Object.entries(v)) {
          if (member === undefined) continue
          const ref = members[key]
          if (!ref) {
            if (top && options.allowUnknownTopLevel) continue
            if (!(top && SDK_MEMBERS.has(key)) && !(shape.exception && SDK_MEMBERS.has(key))) problems.push(`${join(where, key)}: not a member of ${name}`)
            continue
          }
          visit(ref.shape, member, join(where, key), false)
        }
        return
      }
      case 'list': {
        if (!Array.isArray(v)) return wrong('an array')
        checkRange(shape, v.length, label, name, 'length', problems)
        v.forEach((item, i) => visit(shape.member?.shape ?? '', item, `${where}[${i}]`, false))
        return
      }
      case 'map': {
        if (!isPlainObject(v)) return wrong('an object (map)')
        checkRange(shape, Object.keys(v).length, label, name, 'size', problems)
        for (const [key, item] of Object.entries(v)) {
          visit(shape.key?.shape ?? '', key, `${where}{${key}}`, false)
          visit(shape.value?.shape ?? '', item, join(where, key), false)
        }
        return
      }
      case 'string': {
        if (typeof v !== 'string') return wrong('a string')
        if (shape.enum && !shape.enum.includes(v)) problems.push(`${label}: "${v}" is not one of ${name}'s values (${shape.enum.join(', ')})`)
        checkRange(shape, v.length, label, name, 'length', problems)
        const pattern = shape.pattern === undefined ? undefined : modelPattern(shape.pattern)
        if (pattern && !pattern.test(v)) problems.push(`${label}: "${v}" doesn't match ${name}'s pattern ${shape.pattern}`)
        return
      }
      case 'integer':
      case 'long':
        if (typeof v === 'string' && SDK_STRING_INTEGERS.has(`${service}.${name}`) && /^\d+$/.test(v)) return
        if (typeof v !== 'number' || !Number.isInteger(v)) return wrong('an integer')
        checkRange(shape, v, label, name, 'value', problems)
        return
      case 'double':
      case 'float':
        if (typeof v !== 'number' || Number.isNaN(v)) return wrong('a number')
        checkRange(shape, v, label, name, 'value', problems)
        return
      case 'boolean':
        if (typeof v !== 'boolean') return wrong('a boolean')
        return
      case 'timestamp':
        if (!(v instanceof Date) || Number.isNaN(v.getTime())) return wrong('a valid Date')
        return
      case 'blob':
        // The SDK gives Uint8Array for blobs, and a stream (with transformToByteArray) for streaming payloads.
        if (!(v instanceof Uint8Array) && !(isPlainObjectLike(v) && typeof (v as {transformToByteArray?: unknown}).transformToByteArray === 'function')) {
          return wrong('bytes (Uint8Array) or an SDK stream')
        }
        return
      default:
        problems.push(`${label}: shape type ${shape.type} not checked`)
    }
  }
  visit(shapeName, value, at, true)
  return problems
}

/** Fails unless `output` (an SDK command's result) matches the operation's modelled output shape. */
export function expectOutputMatchesModel(service: string, operation: string, output: unknown): void {
  const op = operationOf(service, operation)
  if (!op.output) {
    const rest = isPlainObject(output) ? Object.keys(output).filter((key) => !SDK_MEMBERS.has(key)) : []
    expect(rest, `${service}.${operation} has no modelled output`).toEqual([])
    return
  }
  failOn(modelViolations(service, op.output.shape, output), `${service}.${operation} output departs from the model`)
}

/** Errors any operation of any service may answer (not listed per operation in the models), with their status. */
const COMMON_ERRORS: Record<string, readonly number[]> = {
  ThrottlingException: [400, 429],
  TooManyRequestsException: [429],
  Throttling: [400],
  SlowDown: [503],
  ServiceUnavailable: [503],
  ServiceUnavailableException: [503],
  InternalFailure: [500],
  InternalError: [500],
  InternalServerError: [500],
  ServiceException: [500],
  AccessDenied: [403],
  AccessDeniedException: [403],
  ValidationException: [400],
  // The query protocol's name for it (STS, IAM, SNS: AWS's common errors list).
  ValidationError: [400],
  InvalidParameterValue: [400],
  RequestTimeout: [400],
  // S3 answers HEAD without a body, so the SDK names the error after the status.
  NotFound: [404],
}

/**
 * Fails unless `error` (what an SDK client threw) is one of the operation's modelled errors — or
 * a common error every AWS service may answer — with the HTTP status its shape declares, and its
 * modelled fields typed as the model says.
 */
export function expectModeledError(service: string, operation: string, error: unknown): void {
  const op = operationOf(service, operation)
  const model = loadModel(service)
  const e = error as {name?: string; $metadata?: {httpStatusCode?: number}} | undefined
  const name = e?.name ?? ''
  const status = e?.$metadata?.httpStatusCode
  const modelled = (op.errors ?? []).map((ref) => ref.shape)
  const label = `${service}.${operation} error ${name}`
  if (modelled.includes(name)) {
    const shape = model.shapes[name]
    if (shape?.error?.httpStatusCode !== undefined) expect(status, `${label}: HTTP status`).toBe(shape.error.httpStatusCode)
    // Services add unmodelled detail to errors (S3: Code, RequestId, HostId…); check the modelled members only.
    const fields = Object.fromEntries(Object.entries(error as Record<string, unknown>).filter(([key]) => !SDK_MEMBERS.has(key) && key !== 'Message' && key !== 'message'))
    failOn(modelViolations(service, name, fields, '', {allowUnknownTopLevel: true}), `${label}: fields depart from the model`)
    return
  }
  const common = COMMON_ERRORS[name]
  expect(common, `${label} is neither modelled for the operation (${modelled.join(', ') || 'none'}) nor a common AWS error`).toBeDefined()
  expect(common, `${label}: HTTP status`).toContain(status)
}

function failOn(problems: readonly string[], label: string): void {
  if (problems.length > 0) expect.fail(`${label}:\n  ${problems.join('\n  ')}`)
}

function checkRange(shape: Shape, n: number, label: string, name: string, what: string, problems: string[]): void {
  if (shape.min !== undefined && n < shape.min) problems.push(`${label}: ${what} ${n} below ${name}'s min ${shape.min}`)
  if (shape.max !== undefined && n > shape.max) problems.push(`${label}: ${what} ${n} above ${name}'s max ${shape.max}`)
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array)
}

function isPlainObjectLike(v: unknown): boolean {
  return typeof v === 'object' && v !== null
}

function join(where: string, key: string): string {
  return where ? `${where}.${key}` : key
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (v instanceof Date) return 'a Date'
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`
  return typeof v
}

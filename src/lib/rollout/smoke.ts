/**
 * The smoke gate: invocations of the new version itself (its number as the qualifier, so none of them
 * counts as traffic through the alias), before any traffic reaches it and after each step. A function
 * error, a failed call or a response that doesn't meet the expectation is unhealthy.
 */
import {isDeepStrictEqual} from 'node:util'

import type {LambdaApi} from '../aws/lambda.js'
import {UserError} from '../errors.js'
import type {SmokeReading} from './types.js'

/** One smoke invocation. */
export interface SmokeTest {
  /** "smoke 1", or the file the payload came from. */
  readonly label: string
  /** The event, as JSON text. */
  readonly payload: string
  /** What the response must contain (see `findMismatch`); undefined accepts any response that isn't an error. */
  readonly expect?: unknown
}

type SmokeDeps = {readonly lambda: Pick<LambdaApi, 'invoke'>; readonly signal?: AbortSignal | undefined}

/** Runs every smoke test once, in order, against `version`; stops at the first that fails. */
export async function runSmoke(tests: readonly SmokeTest[], functionName: string, version: string, {lambda, signal}: SmokeDeps): Promise<SmokeReading[]> {
  const readings: SmokeReading[] = []
  for (const test of tests) {
    const reading = await runOne(test, functionName, version, {lambda, signal})
    readings.push(reading)
    if (reading.status !== 'ok') break
  }
  return readings
}

async function runOne(test: SmokeTest, functionName: string, version: string, {lambda, signal}: SmokeDeps): Promise<SmokeReading> {
  const read = (status: SmokeReading['status'], detail?: string): SmokeReading => ({gate: 'smoke', label: test.label, status, ...(detail === undefined ? {} : {detail})})
  let result
  try {
    result = await lambda.invoke(functionName, test.payload, {qualifier: version, signal})
  } catch (error) {
    if (signal?.aborted || !(error instanceof UserError)) throw error // an interrupt, or sling's own bug
    return read('invoke-failed', error.message)
  }
  const text = new TextDecoder().decode(result.payload)
  if (result.functionError) return read('function-error', describeFunctionError(text))
  if (test.expect === undefined) return read('ok')
  let actual: unknown
  try {
    actual = JSON.parse(text)
  } catch {
    return read('unexpected-response', `the response isn't JSON: ${clip(text)}`)
  }
  const mismatch = findMismatch(actual, test.expect)
  return mismatch === undefined ? read('ok') : read('unexpected-response', mismatch)
}

/** The error Lambda reports for a function that threw: `{errorType, errorMessage}`. */
function describeFunctionError(text: string): string {
  try {
    const error = JSON.parse(text) as {errorType?: unknown; errorMessage?: unknown}
    if (typeof error.errorMessage === 'string') return typeof error.errorType === 'string' ? `${error.errorType}: ${error.errorMessage}` : error.errorMessage
  } catch {
    // not JSON: show it as it is
  }
  return clip(text)
}

/**
 * Where `actual` fails `expected`, in words, or undefined when it matches. Objects match key by key (the
 * response may hold more keys than the expectation names); arrays match element by element, with the same
 * length; anything else must be equal.
 */
export function findMismatch(actual: unknown, expected: unknown, at = ''): string | undefined {
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return `${where(at)}expected an object, got ${clip(JSON.stringify(actual))}`
    for (const [key, value] of Object.entries(expected)) {
      const path = at === '' ? key : `${at}.${key}`
      if (!(key in actual)) return `${where(path)}missing (expected ${clip(JSON.stringify(value))})`
      const mismatch = findMismatch(actual[key], value, path)
      if (mismatch !== undefined) return mismatch
    }
    return undefined
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return `${where(at)}expected ${clip(JSON.stringify(expected))}, got ${clip(JSON.stringify(actual))}`
    for (const [i, value] of expected.entries()) {
      const mismatch = findMismatch(actual[i], value, `${at}[${i}]`)
      if (mismatch !== undefined) return mismatch
    }
    return undefined
  }
  return isDeepStrictEqual(actual, expected) ? undefined : `${where(at)}expected ${clip(JSON.stringify(expected))}, got ${clip(JSON.stringify(actual))}`
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const where = (path: string): string => (path === '' ? '' : `${path}: `)

function clip(text: string | undefined, max = 200): string {
  const value = text ?? 'nothing'
  return value.length > max ? `${value.slice(0, max)}…` : value
}

/**
 * CloudWatch Logs over JSON 1.1 (`X-Amz-Target: Logs_20140328.<Operation>`), as the model in
 * aws-models/logs describes it. Errors carry `__type` and `message`, HTTP 400 (500 for faults).
 */
import {randomUUID} from 'node:crypto'
import type {ServerResponse} from 'node:http'

import {BodyTooLargeError} from '../body.js'
import type {LocalContext, LocalRequest, ProtocolError, ServiceRouter} from '../server.js'
import {LogsError} from './errors.js'
import {LogStore} from './events.js'
import {OPERATIONS} from './operations.js'

export {LogsError} from './errors.js'

const TARGET_PREFIX = 'Logs_20140328.'
/** PutLogEvents batch limit: the messages in UTF-8 plus 26 bytes per event. */
const BATCH_LIMIT = 1_048_576
/**
 * The largest request body read. A full batch as JSON is larger than the batch itself (member names,
 * timestamps, escapes: "\u0001" is 6 bytes for 1), so the body is allowed 8 MiB; nothing larger can
 * be a valid request.
 */
const BODY_LIMIT = 8 * 1024 * 1024

async function readInput(request: LocalRequest): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = (await request.body(BODY_LIMIT)).toString('utf8')
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error
    const size = error.declared === undefined ? `more than ${BODY_LIMIT}` : String(error.declared)
    throw new LogsError('InvalidParameterException', `Upload too large: ${size} bytes exceeds limit of ${BATCH_LIMIT}`)
  }
  try {
    return text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown>)
  } catch {
    throw new LogsError('SerializationException', 'Start of structure or map found where not expected.')
  }
}

function operationOf(request: LocalRequest): string | undefined {
  const target = request.headers['x-amz-target']
  return typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined
}

function writeLogsError(response: ServerResponse, error: ProtocolError): void {
  if (response.headersSent) {
    response.end()
    return
  }
  const body = JSON.stringify({__type: error.code, message: error.message})
  response.writeHead(error.status, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-requestid': randomUUID(),
    'content-length': String(Buffer.byteLength(body)),
  })
  response.end(body)
}

/** The CloudWatch Logs router (signing name "logs"). */
export function createLogsRouter(context: LocalContext): ServiceRouter {
  return {
    service: 'logs',
    operation: operationOf,
    writeError: (response, error) => writeLogsError(response, error),
    async handle(request, response) {
      try {
        const name = operationOf(request)
        const operation = name === undefined ? undefined : OPERATIONS[name]
        if (!operation) throw new LogsError('UnknownOperationException', `The sling local cloud doesn't emulate CloudWatch Logs operation "${name ?? '(none)'}".`)
        const input = await readInput(request)
        const output = await operation(input, {logs: new LogStore(context.store, request.region), region: request.region, accountId: context.accountId})
        const body = JSON.stringify(output ?? {})
        response.writeHead(200, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': randomUUID(),
          'content-length': String(Buffer.byteLength(body)),
        })
        response.end(body)
      } catch (error) {
        if (error instanceof LogsError) writeLogsError(response, error)
        else throw error
      }
    },
  }
}

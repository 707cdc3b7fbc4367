/**
 * CloudWatch Logs over JSON 1.1 (`X-Amz-Target: Logs_20140328.<Operation>`), as the model in
 * aws-models/logs describes it: a table of operations (operations.ts) over the shared JSON RPC codec.
 */
import type {LocalContext, ServiceRouter} from '../contract.js'
import {ServiceError} from '../contract.js'
import {readJsonInput} from '../protocols/json-rpc.js'
import type {RpcService} from '../protocols/rpc.js'
import {createRpcRouter} from '../protocols/rpc.js'
import {LogsError} from './errors.js'
import {LogStore} from './events.js'
import {LiveTailSession, parseLiveTailRequest} from './live-tail.js'
import type {LogsScope} from './operations.js'
import {OPERATIONS} from './operations.js'

export {LogsError} from './errors.js'

/** PutLogEvents batch limit: the messages in UTF-8 plus 26 bytes per event. */
const BATCH_LIMIT = 1_048_576
/**
 * The largest request body read. A full batch as JSON is larger than the batch itself (member names,
 * timestamps, escapes: "\u0001" is 6 bytes for 1), so the body is allowed 8 MiB; nothing larger can
 * be a valid request.
 */
const BODY_LIMIT = 8 * 1024 * 1024

export const LOGS_SERVICE: RpcService<LogsScope> = {
  signingName: 'logs',
  model: 'logs',
  json: {version: '1.1', targetPrefix: 'Logs_20140328'},
  operations: OPERATIONS,
  bodyLimit: BODY_LIMIT,
  tooLarge(error) {
    const size = error.declared === undefined ? `more than ${BODY_LIMIT}` : String(error.declared)
    return new LogsError('InvalidParameterException', `Upload too large: ${size} bytes exceeds limit of ${BATCH_LIMIT}`)
  },
  unknownOperation: (name) => new LogsError('UnknownOperationException', `The sling local cloud doesn't emulate CloudWatch Logs operation "${name ?? '(none)'}".`),
  scope: (request, context) => ({logs: new LogStore(context.store, request.region), region: request.region, accountId: context.accountId}),
}

/**
 * The CloudWatch Logs router (signing name "logs"): the operation table, and StartLiveTail, whose answer is
 * an event stream held open for the session (live-tail.ts). It provides the logs.write hook (what Lambda
 * writes its functions' output with).
 */
export function createLogsRouter(context: LocalContext): ServiceRouter {
  const rpc = createRpcRouter(LOGS_SERVICE, context)
  const sessions = new Set<LiveTailSession>()
  return {
    ...rpc,
    async handle(request, response) {
      if (request.headers['x-amz-target'] !== `${LOGS_SERVICE.json?.targetPrefix ?? ''}.StartLiveTail`) return rpc.handle(request, response)
      try {
        const logs = new LogStore(context.store, request.region)
        const input = await readJsonInput(request, BODY_LIMIT, (error) => LOGS_SERVICE.tooLarge(error))
        const session = new LiveTailSession(logs, await parseLiveTailRequest(input, logs), response, {timeoutMs: context.settings.liveTailTimeoutMs})
        sessions.add(session)
        void session.done.then(() => sessions.delete(session))
        await session.start().catch((error: unknown) => {
          session.stop()
          throw error
        })
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error
        rpc.writeError(response, error, request)
      }
    },
    async close() {
      for (const session of sessions) session.stop()
      await rpc.close?.()
    },
    provides: {logs: {write: (region, group, stream, events) => new LogStore(context.store, region).write(group, stream, events)}},
  }
}

/** How a worker process is launched: its script, and the environment and log stream Lambda gives a function. */
import {randomBytes} from 'node:crypto'
import {existsSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import type {PreparedCode} from './code.js'
import type {FunctionSpec} from './environment.js'

/** The worker script, next to this module in dist/; from sources (tests), the built copy in dist/. */
export function bootstrapPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const sibling = path.join(here, 'bootstrap.js')
  if (existsSync(sibling)) return sibling
  const built = path.join(here, '..', '..', '..', '..', 'dist', 'lib', 'local', 'runtime', 'bootstrap.js')
  if (existsSync(built)) return built
  throw new Error(`The local runtime's worker script is missing (${sibling}); run "npm run build".`)
}

/** Lambda's log stream name: `YYYY/MM/DD/[<version>]<32 hex>`, one per execution environment. */
export function logStreamName(version: string, now = new Date()): string {
  const date = now.toISOString().slice(0, 10).replaceAll('-', '/')
  return `${date}/[${version}]${randomBytes(16).toString('hex')}`
}

const FAKE_CREDENTIALS = {AWS_ACCESS_KEY_ID: 'sling-local', AWS_SECRET_ACCESS_KEY: 'sling-local', AWS_SESSION_TOKEN: 'sling-local'}

/**
 * The environment Lambda gives a function, with paths mapped to where the local cloud keeps the
 * code (/var/task) and the layers (/opt). The developer's own environment is never passed on: no
 * credentials or secrets leak into handlers.
 */
export function lambdaEnvironment(spec: FunctionSpec, code: PreparedCode, logStream: string, endpoint?: string): Record<string, string> {
  const major = /^nodejs(\d+)/.exec(spec.runtime)?.[1] ?? process.versions.node.split('.')[0] ?? '20'
  const opt = code.optDir
  const runtimeDir = path.dirname(bootstrapPath())
  return {
    PATH: [path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin', path.join(opt, 'bin')].join(path.delimiter),
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LD_LIBRARY_PATH: [path.join(opt, 'lib')].join(path.delimiter),
    NODE_PATH: [path.join(opt, 'nodejs', `node${major}`, 'node_modules'), path.join(opt, 'nodejs', 'node_modules'), runtimeDir, code.taskRoot].join(path.delimiter),
    LAMBDA_TASK_ROOT: code.taskRoot,
    LAMBDA_RUNTIME_DIR: runtimeDir,
    _HANDLER: spec.handler,
    AWS_REGION: spec.region,
    AWS_DEFAULT_REGION: spec.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: spec.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: spec.logGroup ?? `/aws/lambda/${spec.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStream,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    ...FAKE_CREDENTIALS,
    // Handlers that call AWS through the SDK reach the local cloud too.
    ...(endpoint ? {AWS_ENDPOINT_URL: endpoint} : {}),
    ...spec.environment,
  }
}

/** Process groups exist on POSIX systems; on Windows a detached child would get its own console instead. */
export const WORKER_GROUPS = process.platform !== 'win32'

/**
 * SIGKILLs the process group a worker leads; false when there is none (Windows, or all its members are
 * gone). Right after the leader's exit its pid can't have been reused while the group still has members.
 */
export function killWorkerGroup(pid: number | undefined): boolean {
  if (!WORKER_GROUPS || pid === undefined) return false
  try {
    process.kill(-pid, 'SIGKILL')
    return true
  } catch {
    return false
  }
}

/**
 * What `sling invoke` does with its flags: checks that they fit together, builds the payload, and hands
 * over to one invocation, a streamed one, a --repeat run, or a run from source (once or --watch).
 */
import type {LambdaApi} from '../aws/lambda.js'
import type {ProjectConfig} from '../config/load.js'
import {ExitCode, UserError} from '../errors.js'
import type {Output} from '../output.js'
import type {Target} from '../targets.js'
import {explainMissing} from '../targets.js'
import {SAMPLE_EVENTS} from './events.js'
import type {SourceRunOptions} from './from-source.js'
import {invokeFromSource} from './from-source.js'
import type {InvokeMode} from './invoke.js'
import {invokeFunction} from './invoke.js'
import type {PayloadOptions} from './payload.js'
import {assemblePayload} from './payload.js'
import type {RepeatSummary} from './repeat.js'
import {repeatInvoke} from './repeat.js'
import type {InvokeSummary} from './result.js'
import {invokeStreaming} from './stream.js'
import type {WatchSummary} from './watch.js'
import {watchFromSource} from './watch.js'

export interface InvokeRunOptions {
  /** Undefined only with --list-events, or --print-event without a function. */
  readonly target?: Target | undefined
  readonly config?: ProjectConfig | undefined
  readonly payload: PayloadOptions
  readonly qualifier?: string | undefined
  readonly mode: InvokeMode
  readonly log: boolean
  readonly clientContext?: string | undefined
  readonly stream: boolean
  readonly repeat?: number | undefined
  readonly concurrency?: number | undefined
  readonly fromSource: boolean
  readonly watch: boolean
  readonly listEvents: boolean
  readonly printEvent: boolean
  /** The region calls go to, when sling knows it without asking AWS (flag, environment, config). */
  readonly region?: string | undefined
  /** AWS_ENDPOINT_URL for a handler run from source. */
  readonly endpoint?: string | undefined
}

export interface InvokeRunDeps {
  readonly lambda: Pick<LambdaApi, 'getFunction' | 'invoke' | 'invokeStream'>
  readonly output: Output
  readonly signal: AbortSignal
  /** The exit code of the signal that aborted `signal`: 130 after SIGINT, 143 after SIGTERM. */
  readonly signalled?: (() => number | undefined) | undefined
  readonly stdin: () => Promise<string | undefined>
}

export interface EventList {
  readonly events: readonly {readonly name: string; readonly description: string}[]
}

export type InvokeRunResult = InvokeSummary | RepeatSummary | WatchSummary | EventList | {readonly event: unknown}

/** The account sample events and --from-source ARNs name when sling can't know the real one (AWS's documentation account). */
export const PLACEHOLDER_ACCOUNT = '123456789012'
const DEFAULT_REGION = 'us-east-1'
/** ClientContext is at most 3,583 bytes once base64-encoded. */
const CLIENT_CONTEXT_LIMIT = 3583

export async function runInvoke(options: InvokeRunOptions, deps: InvokeRunDeps): Promise<InvokeRunResult> {
  checkFlags(options)
  if (options.listEvents) return listEvents(deps.output)
  const target = options.target
  const whereabouts = async (): Promise<{region: string; accountId: string}> => whereaboutsOf(options, deps)
  const payload = await assemblePayload(options.payload, {stdin: deps.stdin, whereabouts})
  if (options.printEvent || !target) {
    deps.output.result(JSON.stringify(JSON.parse(payload), null, 2))
    return {event: JSON.parse(payload) as unknown}
  }
  const base = {target, payload, qualifier: options.qualifier, clientContext: options.clientContext}
  if (options.fromSource) {
    const {region, accountId} = await whereabouts()
    const fn = options.config?.functions.find((candidate) => candidate.key === target.key)
    if (!fn || !options.config) throw new UserError('FunctionNotInConfig', `--from-source needs a function of the project: "${target.name}" isn't a key under "functions".`, {exitCode: ExitCode.Usage, hints: ['Pass the config key (sling invoke api --from-source), with --config if the file isn\'t in this directory.']})
    const source: SourceRunOptions = {config: options.config, fn, payload, region, accountId, endpoint: options.endpoint, clientContext: options.clientContext}
    return options.watch ? watchFromSource(source, deps) : invokeFromSource(source, deps)
  }
  if (options.repeat !== undefined) return repeatInvoke({...base, count: options.repeat, concurrency: options.concurrency}, deps)
  if (options.stream) return invokeStreaming({...base, log: options.log}, deps)
  return invokeFunction({...base, mode: options.mode, log: options.log}, deps)
}

function listEvents(output: Output): EventList {
  const events = SAMPLE_EVENTS.map(({name, description}) => ({name, description}))
  output.table(events, [{header: 'Event', get: (e) => e.name}, {header: 'What it is', get: (e) => e.description}])
  return {events}
}

/**
 * The region and account a sample event names: those of the function (its ARN, given or read with one
 * GetFunction). From source, nothing is asked of AWS: the configured region and a placeholder account.
 */
async function whereaboutsOf(options: InvokeRunOptions, deps: InvokeRunDeps): Promise<{region: string; accountId: string}> {
  const target = options.target
  if (target?.region && target.accountId) return {region: target.region, accountId: target.accountId}
  if (!target || options.fromSource) return {region: options.region ?? DEFAULT_REGION, accountId: target?.accountId ?? PLACEHOLDER_ACCOUNT}
  let fn
  try {
    fn = await deps.lambda.getFunction(target.functionName, {qualifier: options.qualifier, signal: deps.signal})
  } catch (error) {
    // Invoking needs lambda:InvokeFunction only: without lambda:GetFunction the event still goes, with what sling knows.
    if (!(error instanceof UserError && error.code === 'AccessDenied')) throw explainMissing(error, target)
    const fallback = {region: target.region ?? options.region ?? DEFAULT_REGION, accountId: target.accountId ?? PLACEHOLDER_ACCOUNT}
    deps.output.warn(`sling can't read ${target.name} (lambda:GetFunction was denied), so the event names region ${fallback.region} and account ${fallback.accountId}.`)
    return fallback
  }
  if (!fn) {
    throw explainMissing(new UserError('FunctionNotFound', `Function "${target.name}"${options.qualifier ? ` (or its version or alias "${options.qualifier}")` : ''} doesn't exist${options.region ? ` in ${options.region}` : ''}.`, {hints: ['Check --region / AWS_REGION and --stage, or create it with "sling deploy".']}), target)
  }
  const [, , , region, accountId] = fn.arn.split(':')
  return {region: region || (options.region ?? DEFAULT_REGION), accountId: accountId || PLACEHOLDER_ACCOUNT}
}

/** Flags that can't go together are refused before anything runs (exit 2). */
function checkFlags(options: InvokeRunOptions): void {
  const usage = (message: string, hint?: string): UserError => new UserError('Usage', message, {exitCode: ExitCode.Usage, hints: hint ? [hint] : []})
  if (!options.target && !options.listEvents && !options.printEvent) throw usage('Name the function to invoke: sling invoke FUNCTION.', 'FUNCTION is a config key, a deployed name or an ARN.')
  if (options.printEvent && options.payload.event === undefined) throw usage('--print-event prints a sample event: pass --event TYPE too.', 'See the types with "sling invoke --list-events".')
  const set = (name: string, on: boolean): string | undefined => (on ? name : undefined)
  const pairs: [string | undefined, string | undefined][] = [
    [set('--async', options.mode === 'async'), set('--log', options.log) ?? set('--stream', options.stream) ?? set('--repeat', options.repeat !== undefined) ?? set('--client-context', options.clientContext !== undefined)],
    [set('--dry-run', options.mode === 'dry-run'), set('--stream', options.stream) ?? set('--repeat', options.repeat !== undefined) ?? set('--log', options.log)],
    [set('--stream', options.stream), set('--repeat', options.repeat !== undefined)],
    [set('--from-source', options.fromSource), set('--qualifier', options.qualifier !== undefined) ?? set('--async', options.mode === 'async') ?? set('--dry-run', options.mode === 'dry-run') ?? set('--repeat', options.repeat !== undefined) ?? set('--stream', options.stream)],
  ]
  for (const [a, b] of pairs) if (a && b) throw usage(`${a} and ${b} don't go together.`, a === '--async' ? 'An asynchronous invocation returns nothing but 202: read its output with "sling logs".' : undefined)
  if (options.watch && !options.fromSource) throw usage('--watch re-runs the handler from source: pass --from-source too.')
  if (options.concurrency !== undefined && options.repeat === undefined) throw usage('--concurrency applies to --repeat N.')
  if (options.clientContext !== undefined) checkClientContext(options.clientContext)
}

function checkClientContext(text: string): void {
  try {
    JSON.parse(text)
  } catch (error) {
    throw new UserError('InvalidClientContext', `--client-context isn't valid JSON: ${(error as Error).message}`, {exitCode: ExitCode.Usage, hints: ['Pass a JSON object, e.g. --client-context \'{"custom":{"tenant":"acme"}}\'.']})
  }
  const encoded = Buffer.from(text).toString('base64').length
  if (encoded > CLIENT_CONTEXT_LIMIT) {
    throw new UserError('ClientContextTooLarge', `--client-context is ${encoded} bytes once base64-encoded; Lambda accepts at most ${CLIENT_CONTEXT_LIMIT}.`, {exitCode: ExitCode.Usage})
  }
}

/** FUNCTION:QUALIFIER and --qualifier must agree when both are given. */
export function mergeQualifier(fromTarget: string | undefined, fromFlag: string | undefined): string | undefined {
  if (fromTarget !== undefined && fromFlag !== undefined && fromTarget !== fromFlag) {
    throw new UserError('Usage', `FUNCTION names the version or alias "${fromTarget}", but --qualifier is "${fromFlag}".`, {exitCode: ExitCode.Usage, hints: ['Give the qualifier once.']})
  }
  return fromFlag ?? fromTarget
}

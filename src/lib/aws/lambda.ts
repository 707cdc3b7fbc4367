import type {LambdaClient} from '@aws-sdk/client-lambda'

import type {CallOptions, Clock} from '../clock.js'
import {systemClock} from '../clock.js'
import type {AwsErrorContext} from './errors.js'
import {createAliasOps} from './lambda-aliases.js'
import {createLambdaCore} from './lambda-core.js'
import {createFunctionOps} from './lambda-functions.js'
import {createInvokeOps} from './lambda-invoke.js'
import {createLayerOps} from './lambda-layers.js'
import type {LambdaEventOps} from './lambda-events.js'
import {createEventOps} from './lambda-events.js'
import {createMappingOps} from './lambda-mappings.js'
import {createSettingOps} from './lambda-settings.js'
import type {ConflictRetryPolicy} from './retry.js'
import type {
  AccountSettings,
  AliasChange,
  AliasInfo,
  AliasTarget,
  EventInvokeConfig,
  EventSourceMappingInfo,
  FunctionChange,
  FunctionInfo,
  InvokeResult,
  InvokeStream,
  LayerVersionInfo,
  LayerVersionSummary,
  NewFunction,
  ProvisionedConcurrencyConfig,
  ProvisionedConcurrencyInfo,
  VersionInfo,
} from './types.js'

export type {CallOptions} from '../clock.js'

/**
 * The Lambda operations sling uses. Workflows depend on this, never on LambdaClient. Every change
 * waits for the function to be ready before and after it, so no caller can forget a wait; every call
 * that can wait or retry takes an AbortSignal.
 */
export interface LambdaApi extends LambdaEventOps {
  /** The function (or a version or alias of it), or undefined when it doesn't exist. */
  /**
   * GetFunction; undefined when it does not exist. With `settled`, a function being created or updated is
   * waited for and read again once settled (settling gives it a new RevisionId, which a change must carry).
   */
  getFunction(name: string, options?: CallOptions & {readonly qualifier?: string | undefined; readonly settled?: boolean | undefined}): Promise<FunctionInfo | undefined>
  /** Creates the function and waits until it is Active (a Failed one is an error saying why). */
  createFunction(spec: NewFunction, options?: CreateFunctionOptions): Promise<FunctionInfo>
  /**
   * Waits until no earlier change is in progress, applies `change` to $LATEST, then waits until it has
   * been applied. Returns the function as it is then: its RevisionId and CodeSha256 are the ones to
   * pass to the next change or to `publishVersion`.
   */
  update(name: string, change: FunctionChange, options?: SettledOptions): Promise<FunctionInfo>
  /** Deletes the function with all its versions and aliases. */
  deleteFunction(name: string, options?: CallOptions): Promise<'deleted' | 'absent'>
  /**
   * Publishes $LATEST as a version, only if its code is `codeSha256` (and, with `revisionId`, only if
   * nothing changed since); waits until the version is Active.
   */
  publishVersion(name: string, version: NewVersion, options?: SettledOptions): Promise<VersionInfo>
  /** The newest published version with its configuration (following every page of ListVersionsByFunction), or undefined when none is. */
  latestVersion(name: string, options?: CallOptions): Promise<FunctionInfo | undefined>
  /** Published versions (not $LATEST), in the order AWS lists them (oldest first). */
  listVersions(name: string, options?: CallOptions): Promise<VersionInfo[]>
  deleteVersion(name: string, version: string, options?: CallOptions): Promise<'deleted' | 'absent'>
  getAlias(name: string, alias: string, options?: CallOptions): Promise<AliasInfo | undefined>
  listAliases(name: string, options?: CallOptions): Promise<AliasInfo[]>
  /**
   * Points the alias at `target` (creating it if needed), sending the alias's RevisionId so a change
   * someone else made in between is refused, not overwritten. With `revisionId` (from an earlier read
   * or `pointAlias`), also refuses when the alias changed since then: a rollout's next step. With
   * `expectAbsent` (the caller read no alias), refuses when one exists by then instead of updating it.
   */
  pointAlias(name: string, alias: string, target: AliasTarget, options?: PointAliasOptions): Promise<AliasChange>
  deleteAlias(name: string, alias: string, options?: CallOptions): Promise<'deleted' | 'absent'>
  getProvisionedConcurrency(name: string, qualifier: string, options?: CallOptions): Promise<ProvisionedConcurrencyInfo | undefined>
  /** Sets provisioned concurrency on a version or alias and waits until it is READY. */
  putProvisionedConcurrency(name: string, qualifier: string, count: number, options?: CallOptions): Promise<ProvisionedConcurrencyInfo>
  deleteProvisionedConcurrency(name: string, qualifier: string, options?: CallOptions): Promise<'deleted' | 'absent'>
  /** Provisioned concurrency on each of the function's versions and aliases (every page). */
  listProvisionedConcurrency(name: string, options?: CallOptions): Promise<ProvisionedConcurrencyConfig[]>
  /**
   * Event source mappings that invoke `functionName` (a name or ARN, every page). With a qualified ARN
   * (…:function:NAME:3) it asks about that version or alias; nothing (not an error) when it doesn't exist.
   */
  listEventSourceMappings(functionName: string, options?: CallOptions): Promise<EventSourceMappingInfo[]>
  getEventInvokeConfig(name: string, options?: QualifiedOptions): Promise<EventInvokeConfig | undefined>
  /** Replaces the asynchronous-invocation settings: unset fields go back to AWS's defaults. */
  putEventInvokeConfig(name: string, config: EventInvokeConfig, options?: QualifiedOptions): Promise<EventInvokeConfig>
  deleteEventInvokeConfig(name: string, options?: QualifiedOptions): Promise<'deleted' | 'absent'>
  /** The account's Lambda limits and usage in this region. */
  getAccountSettings(options?: CallOptions): Promise<AccountSettings>
  invoke(name: string, payload: string | Uint8Array, options?: InvokeOptions): Promise<InvokeResult>
  /**
   * InvokeWithResponseStream: resolves once Lambda starts answering, with the chunks to read as they
   * arrive (functions written with awslambda.streamifyResponse; others arrive as one chunk).
   */
  invokeStream(name: string, payload: string | Uint8Array, options?: InvokeStreamOptions): Promise<InvokeStream>
  publishLayerVersion(layer: NewLayerVersion, options?: CallOptions): Promise<LayerVersionInfo>
  /** The layer's newest version (one ListLayerVersions call: Lambda lists newest first), or undefined when it has none. */
  latestLayerVersion(name: string, options?: CallOptions): Promise<LayerVersionSummary | undefined>
  /** One layer version with its content's CodeSha256, or undefined when it doesn't exist. */
  getLayerVersion(name: string, version: number, options?: CallOptions): Promise<LayerVersionInfo | undefined>
}

export interface SettledOptions extends CallOptions {
  /**
   * The function as the caller has just read it (GetFunction, or the result of the previous change). When it
   * shows no change in progress, the wait before the change is skipped: that read already was that wait.
   */
  readonly settled?: FunctionInfo | undefined
}

export interface CreateFunctionOptions extends CallOptions {
  /**
   * The role was created moments ago. IAM takes several seconds to propagate, and until then Lambda
   * refuses the role with InvalidParameterValueException: with this set, that is retried for up to a minute.
   * @default false
   */
  readonly newRole?: boolean | undefined
}

export interface PointAliasOptions extends CallOptions {
  /** The alias's RevisionId from the caller's own read: refuse if it changed since. */
  readonly revisionId?: string | undefined
  /** The caller's read found no alias (so built the change from nothing): refuse if one exists now. @default false */
  readonly expectAbsent?: boolean | undefined
}

export interface NewVersion {
  /** Base64 SHA-256 of the code sling uploaded: AWS won't publish any other code. */
  readonly codeSha256: string
  readonly revisionId?: string | undefined
  readonly description?: string | undefined
}

export interface QualifiedOptions extends CallOptions {
  /** A version or alias. @default "$LATEST" (the unqualified function) */
  readonly qualifier?: string | undefined
}

export interface InvokeOptions extends QualifiedOptions {
  /** @default "RequestResponse" */
  readonly invocationType?: 'RequestResponse' | 'Event' | 'DryRun' | undefined
  /** Return the last 4 KB of the log (RequestResponse only). @default false */
  readonly logTail?: boolean | undefined
  /** JSON the function sees as context.clientContext (synchronous invocations only); sent base64-encoded. */
  readonly clientContext?: string | undefined
}

export type InvokeStreamOptions = Omit<InvokeOptions, 'invocationType'>

export interface NewLayerVersion {
  readonly name: string
  readonly content: {readonly zipFile: Uint8Array} | {readonly s3Bucket: string; readonly s3Key: string; readonly s3ObjectVersion?: string | undefined}
  readonly description?: string | undefined
  readonly compatibleRuntimes?: readonly string[] | undefined
  readonly compatibleArchitectures?: readonly ('x86_64' | 'arm64')[] | undefined
}

export interface LambdaApiOptions {
  /** Longest wait for a function, version or provisioned concurrency to be ready, in seconds. @default 600 */
  readonly maxWaitSeconds?: number
  /** First pause of those waits (the SDK waiters' minDelay), in seconds; pauses grow, with jitter, up to `maxPollSeconds`. @default 1 */
  readonly pollSeconds?: number
  /** Longest pause of those waits (the SDK waiters' maxDelay), in seconds. @default 10 */
  readonly maxPollSeconds?: number
  /** How "update in progress" conflicts are retried (throttling is the SDK's job). */
  readonly conflictRetry?: ConflictRetryPolicy
  /** Where waits and retries take the time and their pauses from. @default systemClock */
  readonly clock?: Clock
}

/** The Lambda API over an SDK client. `context` (region, endpoint) goes into error messages. */
export function createLambdaApi(client: LambdaClient, context: AwsErrorContext = {}, options: LambdaApiOptions = {}): LambdaApi {
  const {maxWaitSeconds = 600, pollSeconds = 1, maxPollSeconds = 10, conflictRetry = {}, clock = systemClock} = options
  const core = createLambdaCore(client, context, {clock, maxWaitSeconds, pollSeconds, maxPollSeconds, conflictRetry})
  return {...createFunctionOps(core), ...createAliasOps(core), ...createSettingOps(core), ...createLayerOps(core), ...createMappingOps(core), ...createInvokeOps(core), ...createEventOps(core)}
}

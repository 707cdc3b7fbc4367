import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  InvokeCommand,
  paginateListVersionsByFunction,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda'
import type {AliasConfiguration, FunctionCode, FunctionConfiguration, LambdaClient, Runtime} from '@aws-sdk/client-lambda'

import {UserError} from '../errors.js'
import type {AwsErrorContext} from './errors.js'
import {errorName, toUserError} from './errors.js'
import type {RetryPolicy} from './retry.js'
import {withRetry} from './retry.js'
import type {AliasInfo, CodeSource, FunctionInfo, FunctionSettings, InvokeResult, LayerVersionInfo, NewFunction, VersionInfo} from './types.js'

/** The Lambda operations sling uses. Workflows depend on this, never on LambdaClient. */
export interface LambdaApi {
  /** The function (or one version/alias of it), or undefined when it doesn't exist. */
  getFunction(name: string, qualifier?: string): Promise<FunctionInfo | undefined>
  createFunction(spec: NewFunction): Promise<FunctionInfo>
  /** Replaces $LATEST's code. `revisionId` makes AWS refuse if the function changed since it was read. */
  updateCode(name: string, code: CodeSource, options?: {revisionId?: string; architecture?: 'x86_64' | 'arm64'}): Promise<FunctionInfo>
  updateConfiguration(name: string, settings: FunctionSettings): Promise<FunctionInfo>
  /** Waits for State Active (after create); fails with the state and reason when it doesn't get there. */
  waitUntilActive(name: string): Promise<void>
  /** Waits for LastUpdateStatus Successful (after an update); fails with the state and reason otherwise. */
  waitUntilUpdated(name: string): Promise<void>
  /** Publishes $LATEST as a version, only if its code is `codeSha256`; returns the version number. */
  publishVersion(name: string, codeSha256: string, options?: {revisionId?: string; description?: string}): Promise<string>
  /** Published versions (not $LATEST), in the order AWS lists them (oldest first). */
  listVersions(name: string): Promise<VersionInfo[]>
  getAlias(name: string, alias: string): Promise<AliasInfo | undefined>
  /**
   * Points the alias at `version` (creating it if needed), with `routing` sending shares (0–1) of
   * traffic to other versions; no routing clears any split. Returns the version it pointed to before.
   */
  pointAlias(name: string, alias: string, version: string, routing?: Readonly<Record<string, number>>): Promise<string | undefined>
  invoke(name: string, payload: string | Uint8Array, options?: InvokeOptions): Promise<InvokeResult>
  publishLayerVersion(layer: NewLayerVersion): Promise<LayerVersionInfo>
}

export interface InvokeOptions {
  /** A version or alias. @default "$LATEST" */
  readonly qualifier?: string | undefined
  /** @default "RequestResponse" */
  readonly invocationType?: 'RequestResponse' | 'Event' | 'DryRun' | undefined
  /** Return the last 4 KB of the log (RequestResponse only). @default false */
  readonly logTail?: boolean | undefined
}

export interface NewLayerVersion {
  readonly name: string
  readonly content: {readonly zipFile: Uint8Array} | {readonly s3Bucket: string; readonly s3Key: string; readonly s3ObjectVersion?: string | undefined}
  readonly description?: string | undefined
  readonly compatibleRuntimes?: readonly string[] | undefined
  readonly compatibleArchitectures?: readonly ('x86_64' | 'arm64')[] | undefined
}

export interface LambdaApiOptions {
  /** Longest wait for a function to become Active or Updated, in seconds. @default 600 */
  readonly maxWaitSeconds?: number
  /** First poll interval of those waits, in seconds. @default 1 */
  readonly pollSeconds?: number
  /** Retries beyond the SDK's on throttling and "update in progress". */
  readonly retry?: RetryPolicy
}

/** The Lambda API over an SDK client. `context` (region, endpoint) goes into error messages. */
export function createLambdaApi(client: LambdaClient, context: AwsErrorContext = {}, options: LambdaApiOptions = {}): LambdaApi {
  const {maxWaitSeconds = 600, pollSeconds = 1, retry = {}} = options
  /** Runs an AWS call about `name`, retrying when safe (`busy`: also on "update in progress"), translating errors. */
  const call = async <T>(name: string, run: () => Promise<T>, busy = true): Promise<T> => {
    try {
      return await withRetry(run, {...retry, busy})
    } catch (error) {
      throw translate(error, {...context, functionName: name})
    }
  }
  const waitFor = async (name: string, goal: 'Active' | 'Updated'): Promise<void> => {
    const waiter = goal === 'Active' ? waitUntilFunctionActiveV2 : waitUntilFunctionUpdatedV2
    try {
      // Lambda rejects a second update while LastUpdateStatus is InProgress; VPC functions can take minutes.
      await waiter({client, maxWaitTime: maxWaitSeconds, minDelay: pollSeconds, maxDelay: Math.max(pollSeconds, 10)}, {FunctionName: name})
    } catch (error) {
      // The waiter reports only "timed out" or "failed": read the state once to say which and why.
      const fn = await api.getFunction(name)
      if (!fn) throw toUserError(Object.assign(new Error('not found'), {name: 'ResourceNotFoundException'}), {...context, functionName: name})
      const stuck = goal === 'Active' ? `state ${fn.state ?? 'unknown'}` : `update status ${fn.lastUpdateStatus ?? 'unknown'}`
      const why = (goal === 'Active' ? fn.stateReason : fn.lastUpdateStatusReason) ?? 'AWS gave no reason'
      const failed = fn.state === 'Failed' || fn.lastUpdateStatus === 'Failed'
      throw new UserError(failed ? 'FunctionFailed' : 'WaitTimedOut', failed ? `Function "${name}" failed to become ${goal} (${stuck}): ${why}.` : `Function "${name}" didn't become ${goal} within ${maxWaitSeconds}s; it is still in ${stuck} (${why}).`, {
        cause: error,
        hints: failed ? ['Fix the cause above (role, layers, subnets, image) and deploy again.'] : ['Run the command again later; AWS may still be applying the change.'],
      })
    }
  }
  const api: LambdaApi = {
    async getFunction(name, qualifier) {
      try {
        const result = await withRetry(() => client.send(new GetFunctionCommand({FunctionName: name, Qualifier: qualifier})), retry)
        return toFunctionInfo(result.Configuration ?? {}, result.Code, result.Tags)
      } catch (error) {
        if (errorName(error) === 'ResourceNotFoundException') return undefined // absence is data
        throw translate(error, {...context, functionName: name})
      }
    },
    async createFunction(spec) {
      const input = {
        FunctionName: spec.name, Role: spec.role, Code: codeInput(spec.code), PackageType: 'imageUri' in spec.code ? 'Image' as const : 'Zip' as const,
        Architectures: spec.architecture ? [spec.architecture] : undefined, Tags: spec.tags ? {...spec.tags} : undefined, ...settingsInput(spec),
      }
      try {
        return toFunctionInfo(await withRetry(() => client.send(new CreateFunctionCommand(input)), {...retry, busy: false}), undefined, spec.tags)
      } catch (error) {
        // ResourceConflictException here means "already exists": not something to retry.
        if (errorName(error) !== 'ResourceConflictException') throw translate(error, {...context, functionName: spec.name})
        throw new UserError('FunctionExists', `Function "${spec.name}" already exists${context.region ? ` in ${context.region}` : ''}.`, {
          cause: error,
          hints: ['Update it with "sling deploy", or choose another name.'],
        })
      }
    },
    async updateCode(name, code, {revisionId, architecture} = {}) {
      const result = await call(name, () => client.send(new UpdateFunctionCodeCommand({FunctionName: name, ...codeInput(code), RevisionId: revisionId, Architectures: architecture ? [architecture] : undefined})))
      return toFunctionInfo(result)
    },
    async updateConfiguration(name, settings) {
      const result = await call(name, () => client.send(new UpdateFunctionConfigurationCommand({FunctionName: name, ...settingsInput(settings), RevisionId: settings.revisionId})))
      return toFunctionInfo(result)
    },
    waitUntilActive: (name) => waitFor(name, 'Active'),
    waitUntilUpdated: (name) => waitFor(name, 'Updated'),
    async publishVersion(name, codeSha256, {revisionId, description} = {}) {
      const result = await call(name, () => client.send(new PublishVersionCommand({FunctionName: name, CodeSha256: codeSha256, RevisionId: revisionId, Description: description})))
      return result.Version ?? '$LATEST'
    },
    async listVersions(name) {
      const versions: VersionInfo[] = []
      await call(name, async () => {
        versions.length = 0
        for await (const page of paginateListVersionsByFunction({client}, {FunctionName: name})) {
          for (const v of page.Versions ?? []) {
            if (v.Version && v.Version !== '$LATEST') versions.push({version: v.Version, arn: v.FunctionArn ?? '', codeSha256: v.CodeSha256 ?? '', description: v.Description || undefined, lastModified: v.LastModified})
          }
        }
      })
      return versions
    },
    async getAlias(name, alias) {
      try {
        return toAliasInfo(await withRetry(() => client.send(new GetAliasCommand({FunctionName: name, Name: alias})), retry))
      } catch (error) {
        if (errorName(error) === 'ResourceNotFoundException') return undefined
        throw translate(error, {...context, functionName: name})
      }
    },
    async pointAlias(name, alias, version, routing) {
      const RoutingConfig = {AdditionalVersionWeights: {...routing}}
      const current = await api.getAlias(name, alias)
      if (!current) {
        try {
          await withRetry(() => client.send(new CreateAliasCommand({FunctionName: name, Name: alias, FunctionVersion: version, RoutingConfig})), {...retry, busy: false})
          return undefined
        } catch (error) {
          // Someone created it in between: fall through to the update.
          if (errorName(error) !== 'ResourceConflictException') throw translate(error, {...context, functionName: name})
        }
      }
      const before = current ?? (await api.getAlias(name, alias))
      await call(name, () => client.send(new UpdateAliasCommand({FunctionName: name, Name: alias, FunctionVersion: version, RoutingConfig})))
      return before?.version
    },
    async invoke(name, payload, {qualifier, invocationType, logTail} = {}) {
      const result = await call(name, () => client.send(new InvokeCommand({
        FunctionName: name, Qualifier: qualifier, InvocationType: invocationType, LogType: logTail ? 'Tail' : undefined,
        Payload: typeof payload === 'string' ? new TextEncoder().encode(payload) : payload,
      })))
      return {
        statusCode: result.StatusCode ?? 0,
        executedVersion: result.ExecutedVersion,
        payload: result.Payload ?? new Uint8Array(),
        functionError: result.FunctionError,
        logTail: result.LogResult === undefined ? undefined : Buffer.from(result.LogResult, 'base64').toString('utf8'),
      }
    },
    async publishLayerVersion(layer) {
      const content = 'zipFile' in layer.content ? {ZipFile: layer.content.zipFile} : {S3Bucket: layer.content.s3Bucket, S3Key: layer.content.s3Key, S3ObjectVersion: layer.content.s3ObjectVersion}
      const result = await call(layer.name, () => client.send(new PublishLayerVersionCommand({
        LayerName: layer.name, Content: content, Description: layer.description,
        CompatibleRuntimes: layer.compatibleRuntimes ? [...layer.compatibleRuntimes] as Runtime[] : undefined,
        CompatibleArchitectures: layer.compatibleArchitectures ? [...layer.compatibleArchitectures] : undefined,
      })), false)
      return {arn: result.LayerVersionArn ?? '', layerArn: result.LayerArn ?? '', version: result.Version ?? 0, codeSha256: result.Content?.CodeSha256 ?? '', codeSize: result.Content?.CodeSize ?? 0}
    },
  }
  return api
}


/** toUserError, plus the Lambda errors only this module can explain. */
function translate(error: unknown, context: AwsErrorContext): UserError {
  const fn = context.functionName ?? 'the function'
  if (errorName(error) === 'PreconditionFailedException') {
    return new UserError('ConcurrentChange', `Function "${fn}" was changed by someone else while sling was working on it.`, {cause: error, hints: ['Run the command again to start from its current state.']})
  }
  if (errorName(error) === 'ResourceConflictException') {
    return new UserError('FunctionBusy', `Function "${fn}" is still being updated, or already exists.`, {cause: error, hints: ['Wait a moment and run the command again.']})
  }
  return toUserError(error, context)
}

function codeInput(code: CodeSource): FunctionCode {
  if ('zipFile' in code) return {ZipFile: code.zipFile}
  if ('imageUri' in code) return {ImageUri: code.imageUri}
  return {S3Bucket: code.s3Bucket, S3Key: code.s3Key, S3ObjectVersion: code.s3ObjectVersion}
}

function settingsInput(s: FunctionSettings): Partial<FunctionConfiguration> & {Environment?: {Variables: Record<string, string>}; Layers?: string[]} {
  return {
    Runtime: s.runtime as Runtime | undefined, Handler: s.handler, Role: s.role, MemorySize: s.memorySize, Timeout: s.timeout, Description: s.description,
    Environment: s.environment ? {Variables: {...s.environment}} : undefined, Layers: s.layers ? [...s.layers] : undefined,
  }
}

function toFunctionInfo(c: FunctionConfiguration, code?: {ImageUri?: string}, tags?: Readonly<Record<string, string>>): FunctionInfo {
  return {
    name: c.FunctionName ?? '', arn: c.FunctionArn ?? '', version: c.Version ?? '$LATEST', packageType: c.PackageType === 'Image' ? 'Image' : 'Zip',
    runtime: c.Runtime, handler: c.Handler, role: c.Role ?? '', codeSha256: c.CodeSha256 ?? '', codeSize: c.CodeSize ?? 0, imageUri: code?.ImageUri,
    memorySize: c.MemorySize, timeout: c.Timeout, description: c.Description || undefined, environment: c.Environment?.Variables ?? {},
    architecture: c.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64', layers: (c.Layers ?? []).map((layer) => layer.Arn ?? ''), tags: tags ?? {},
    state: c.State, stateReason: c.StateReason, lastUpdateStatus: c.LastUpdateStatus, lastUpdateStatusReason: c.LastUpdateStatusReason,
    revisionId: c.RevisionId, lastModified: c.LastModified,
  }
}

function toAliasInfo(a: AliasConfiguration): AliasInfo {
  return {name: a.Name ?? '', arn: a.AliasArn ?? '', version: a.FunctionVersion ?? '', routing: a.RoutingConfig?.AdditionalVersionWeights ?? {}, description: a.Description || undefined, revisionId: a.RevisionId}
}

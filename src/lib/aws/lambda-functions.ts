import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  InvokeCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda'
import type {FunctionConfiguration} from '@aws-sdk/client-lambda'

import {UserError} from '../errors.js'
import {throwIfAborted} from '../clock.js'
import {errorName} from './errors.js'
import {codeInput, settingsInput, toFunctionInfo, toVersionInfo} from './lambda-convert.js'
import type {LambdaCore} from './lambda-core.js'
import {isSettled, translate} from './lambda-core.js'
import type {LambdaApi} from './lambda.js'
import {metadataOf} from './lambda-invoke.js'
import type {FunctionChange, FunctionInfo, NewFunction, VersionInfo} from './types.js'

type FunctionOps = Pick<LambdaApi, 'createFunction' | 'deleteFunction' | 'deleteVersion' | 'getFunction' | 'invoke' | 'latestVersion' | 'listVersions' | 'publishVersion' | 'update'>

/**
 * Lambda's answer while a new role hasn't propagated through IAM. InvalidParameterValueException also means a
 * bad handler, environment or subnet, which waiting won't fix, and AWS gives this case no code of its own: its
 * message is the only way to tell it apart.
 */
function isRoleNotReady(error: unknown): boolean {
  return errorName(error) === 'InvalidParameterValueException' && /role defined for the function cannot be assumed by Lambda/i.test((error as Error).message)
}

/** How long a just-created role may take to become usable by Lambda; retries back off from 1 s to 8 s. */
const ROLE_PROPAGATION_MS = 60_000
const ROLE_RETRY_FIRST_MS = 1000
const ROLE_RETRY_MAX_MS = 8000

export function createFunctionOps(core: LambdaCore): FunctionOps {
  const {client, context, options} = core
  const {clock} = options
  const gone = (error: unknown): boolean => errorName(error) === 'ResourceNotFoundException'

  /** CreateFunction, retried while a new role hasn't propagated yet (see CreateFunctionOptions.newRole). */
  const create = async (spec: NewFunction, newRole: boolean, signal: AbortSignal | undefined): Promise<void> => {
    const input = {
      FunctionName: spec.name, Role: spec.role, Code: codeInput(spec.code), PackageType: 'imageUri' in spec.code ? 'Image' as const : 'Zip' as const,
      Architectures: spec.architecture ? [spec.architecture] : undefined, Tags: spec.tags ? {...spec.tags} : undefined, ...settingsInput(spec),
    }
    const deadline = clock.now() + ROLE_PROPAGATION_MS
    let delay = ROLE_RETRY_FIRST_MS
    for (;;) {
      try {
        await client.send(new CreateFunctionCommand(input), {abortSignal: signal})
        return
      } catch (error) {
        throwIfAborted(signal)
        if (newRole && isRoleNotReady(error) && clock.now() < deadline) {
          await clock.sleep(Math.min(delay, Math.max(0, deadline - clock.now())), signal)
          delay = Math.min(delay * 2, ROLE_RETRY_MAX_MS)
          continue
        }
        // ResourceConflictException here means "already exists": not something to retry.
        if (errorName(error) !== 'ResourceConflictException') throw translate(error, {functionName: spec.name}, context)
        throw new UserError('FunctionExists', `Function "${spec.name}" already exists${context.region ? ` in ${context.region}` : ''}.`, {
          cause: error,
          hints: ['Update it with "sling deploy", or choose another name.'],
        })
      }
    }
  }

  /** Sends the one request `change` needs. `before` is the settled function (for its ARN). */
  const apply = async (name: string, change: FunctionChange, before: FunctionInfo, signal: AbortSignal | undefined): Promise<void> => {
    const send = (request: (abortSignal: AbortSignal | undefined) => Promise<unknown>): Promise<unknown> => core.send({functionName: name}, request, {busy: true, signal})
    switch (change.kind) {
      case 'code': {
        const {code, revisionId, architecture} = change
        await send((abortSignal) => client.send(new UpdateFunctionCodeCommand({FunctionName: name, ...codeInput(code), RevisionId: revisionId, Architectures: architecture ? [architecture] : undefined}), {abortSignal}))
        return
      }
      case 'configuration': {
        await send((abortSignal) => client.send(new UpdateFunctionConfigurationCommand({FunctionName: name, ...settingsInput(change.settings), RevisionId: change.revisionId}), {abortSignal}))
        return
      }
      case 'reservedConcurrency': {
        const {count} = change
        await send((abortSignal) => (count === undefined
          ? client.send(new DeleteFunctionConcurrencyCommand({FunctionName: name}), {abortSignal})
          : client.send(new PutFunctionConcurrencyCommand({FunctionName: name, ReservedConcurrentExecutions: count}), {abortSignal})))
        return
      }
      case 'tags': {
        // Tag APIs take the function's ARN, not its name.
        if (change.set && Object.keys(change.set).length > 0) await send((abortSignal) => client.send(new TagResourceCommand({Resource: before.arn, Tags: {...change.set}}), {abortSignal}))
        if (change.remove?.length) await send((abortSignal) => client.send(new UntagResourceCommand({Resource: before.arn, TagKeys: [...(change.remove ?? [])]}), {abortSignal}))
      }
    }
  }

  return {
    async getFunction(name, {qualifier, signal, settled = false} = {}) {
      const read = await core.read(name, qualifier, {signal})
      if (!settled || !read || isSettled(read)) return read
      await core.settle(name, 'idle', {qualifier, signal})
      return core.read(name, qualifier, {signal})
    },
    async createFunction(spec, {newRole = false, signal} = {}) {
      await create(spec, newRole, signal)
      return core.settle(spec.name, 'active', {signal})
    },
    async update(name, change, {signal, settled} = {}) {
      // Lambda refuses a change while another is applied.
      const before = settled && isSettled(settled) ? settled : await core.settle(name, 'idle', {signal})
      await apply(name, change, before, signal)
      // Code and configuration start an update that can fail; tags and concurrency take effect at once.
      return core.settle(name, change.kind === 'code' || change.kind === 'configuration' ? 'updated' : 'idle', {signal})
    },
    async deleteFunction(name, {signal} = {}) {
      try {
        await client.send(new DeleteFunctionCommand({FunctionName: name}), {abortSignal: signal})
        return 'deleted'
      } catch (error) {
        throwIfAborted(signal)
        if (gone(error)) return 'absent'
        throw translate(error, {functionName: name}, context)
      }
    },
    async publishVersion(name, {codeSha256, revisionId, description}, {signal, settled} = {}) {
      if (!settled || !isSettled(settled)) await core.settle(name, 'idle', {signal})
      const published = await core.send({functionName: name}, (abortSignal) => client.send(new PublishVersionCommand({FunctionName: name, CodeSha256: codeSha256, RevisionId: revisionId, Description: description}), {abortSignal}), {busy: true, signal})
      // A new version is Pending until Lambda has prepared it (SnapStart can take minutes): invoking it would fail.
      const version = published.State === 'Active' ? toFunctionInfo(published) : await core.settle(name, 'published', {qualifier: published.Version ?? '$LATEST', signal})
      return {...toVersionInfo(published), revisionId: version.revisionId}
    },
    async latestVersion(name, {signal} = {}) {
      // Lambda lists versions oldest first, so the newest is on the last page.
      let newest: FunctionConfiguration | undefined
      let marker: string | undefined
      do {
        const page = await core.send({functionName: name}, (abortSignal) => client.send(new ListVersionsByFunctionCommand({FunctionName: name, Marker: marker}), {abortSignal}), {busy: false, signal})
        for (const v of page.Versions ?? []) if (v.Version && v.Version !== '$LATEST' && Number(v.Version) > Number(newest?.Version ?? 0)) newest = v
        marker = page.NextMarker
      } while (marker)
      return newest && toFunctionInfo(newest)
    },
    async listVersions(name, {signal} = {}) {
      const versions: VersionInfo[] = []
      let marker: string | undefined
      do {
        const page = await core.send({functionName: name}, (abortSignal) => client.send(new ListVersionsByFunctionCommand({FunctionName: name, Marker: marker}), {abortSignal}), {busy: false, signal})
        for (const v of page.Versions ?? []) if (v.Version && v.Version !== '$LATEST') versions.push(toVersionInfo(v))
        marker = page.NextMarker
      } while (marker)
      return versions
    },
    async deleteVersion(name, version, {signal} = {}) {
      try {
        await client.send(new DeleteFunctionCommand({FunctionName: name, Qualifier: version}), {abortSignal: signal})
        return 'deleted'
      } catch (error) {
        throwIfAborted(signal)
        if (gone(error)) return 'absent'
        // Here a conflict means "in use" (an alias points at the version), which waiting won't change.
        if (errorName(error) !== 'ResourceConflictException') throw translate(error, {functionName: name}, context)
        throw new UserError('VersionInUse', `Version ${version} of function "${name}" can't be deleted while something uses it: ${(error as Error).message}`, {
          cause: error,
          hints: ['Point the aliases that use it at another version first.'],
        })
      }
    },
    async invoke(name, payload, {qualifier, invocationType, logTail, clientContext, signal} = {}) {
      // "Update in progress" (e.g. a Pending function) means Lambda didn't run it, so a retry is safe.
      const result = await core.send({functionName: name}, (abortSignal) => client.send(new InvokeCommand({
        FunctionName: name, Qualifier: qualifier, InvocationType: invocationType, LogType: logTail ? 'Tail' : undefined,
        ClientContext: clientContext === undefined ? undefined : Buffer.from(clientContext).toString('base64'),
        Payload: typeof payload === 'string' ? new TextEncoder().encode(payload) : payload,
      }), {abortSignal}), {busy: true, signal})
      return {
        statusCode: result.StatusCode ?? 0,
        executedVersion: result.ExecutedVersion,
        payload: result.Payload ?? new Uint8Array(),
        functionError: result.FunctionError,
        logTail: result.LogResult === undefined ? undefined : Buffer.from(result.LogResult, 'base64').toString('utf8'),
        requestId: metadataOf(result).requestId,
        attempts: metadataOf(result).attempts,
      }
    },
  }
}

import {
  AddPermissionCommand,
  CreateEventSourceMappingCommand,
  CreateFunctionUrlConfigCommand,
  DeleteEventSourceMappingCommand,
  DeleteFunctionUrlConfigCommand,
  GetEventSourceMappingCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  ListEventSourceMappingsCommand,
  ListTagsCommand,
  RemovePermissionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateEventSourceMappingCommand,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda'
import type {
  AddPermissionCommandInput,
  CreateEventSourceMappingCommandInput,
  EventSourceMappingConfiguration,
  FunctionUrlConfig,
  UpdateEventSourceMappingCommandInput,
} from '@aws-sdk/client-lambda'

import type {CallOptions} from '../clock.js'
import {UserError} from '../errors.js'
import {errorName} from './errors.js'
import type {LambdaCore} from './lambda-core.js'
import {pollUntil} from './wait.js'

/** A mapping as Lambda describes it (the SDK's shape: every setting sling shows or compares). */
export type MappingInfo = EventSourceMappingConfiguration & {readonly UUID: string}
export type MappingSettings = Omit<CreateEventSourceMappingCommandInput, 'FunctionName' | 'EventSourceArn'>
export type MappingUpdate = Omit<UpdateEventSourceMappingCommandInput, 'UUID'>
export type PermissionInput = Omit<AddPermissionCommandInput, 'FunctionName' | 'StatementId'>

/** One statement of a function's resource-based policy. */
export interface PolicyStatementInfo {
  readonly Sid?: string
  readonly Effect?: string
  readonly Principal?: unknown
  readonly Action?: string | string[]
  readonly Resource?: string
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>
}

export interface UrlConfigInput {
  readonly authType: 'AWS_IAM' | 'NONE'
  readonly cors?: FunctionUrlConfig['Cors'] | undefined
  readonly invokeMode?: 'BUFFERED' | 'RESPONSE_STREAM' | undefined
}

/** The Lambda operations behind event sources and triggers: mappings, resource policies, URLs, tags. */
export interface LambdaEventOps {
  /**
   * Mappings (every page) of the function and/or of one event source. Callers compare FunctionArn themselves:
   * whether an unqualified FunctionName also lists its versions' and aliases' mappings isn't documented.
   */
  listMappings(filter: {readonly functionName?: string | undefined; readonly eventSourceArn?: string | undefined}, options?: CallOptions): Promise<MappingInfo[]>
  getMapping(uuid: string, options?: CallOptions): Promise<MappingInfo | undefined>
  createMapping(functionName: string, eventSourceArn: string, settings: MappingSettings, options?: CallOptions): Promise<MappingInfo>
  updateMapping(uuid: string, update: MappingUpdate, options?: CallOptions): Promise<MappingInfo>
  deleteMapping(uuid: string, options?: CallOptions): Promise<'deleted' | 'absent'>
  /** Polls until the mapping is in one of `states` (or gone, for "Deleted"); a bounded wait that says where it is stuck. */
  waitForMapping(uuid: string, states: readonly string[], options?: CallOptions): Promise<MappingInfo | undefined>
  /** The statements of the function's (or qualifier's) resource-based policy; none when it has no policy. */
  getPolicy(functionName: string, options?: CallOptions & {readonly qualifier?: string | undefined}): Promise<PolicyStatementInfo[]>
  addPermission(functionName: string, statementId: string, input: PermissionInput, options?: CallOptions): Promise<'added' | 'exists'>
  removePermission(functionName: string, statementId: string, options?: CallOptions & {readonly qualifier?: string | undefined}): Promise<'removed' | 'absent'>
  getUrlConfig(functionName: string, options?: CallOptions & {readonly qualifier?: string | undefined}): Promise<FunctionUrlConfig | undefined>
  /** Creates the URL config, or updates it when one exists. */
  putUrlConfig(functionName: string, input: UrlConfigInput, options?: CallOptions & {readonly qualifier?: string | undefined}): Promise<FunctionUrlConfig & {readonly created: boolean}>
  deleteUrlConfig(functionName: string, options?: CallOptions & {readonly qualifier?: string | undefined}): Promise<'deleted' | 'absent'>
  /** The function's tags (by its unqualified ARN). */
  listTags(functionArn: string, options?: CallOptions): Promise<Record<string, string>>
  tagResource(functionArn: string, tags: Readonly<Record<string, string>>, options?: CallOptions): Promise<void>
  untagResource(functionArn: string, keys: readonly string[], options?: CallOptions): Promise<void>
}

/** Longest wait for a mapping to settle: Lambda usually takes seconds, sometimes a minute or two. */
const MAPPING_WAIT_MS = 300_000

export function createEventOps(core: LambdaCore): LambdaEventOps {
  const {client} = core
  const send = <T>(functionName: string, request: (abortSignal: AbortSignal | undefined) => Promise<T>, signal: AbortSignal | undefined, busy = false): Promise<T> =>
    core.send({functionName}, request, {busy, signal})
  const absentOn = async <T>(run: () => Promise<T>, absent: T): Promise<T> => {
    try {
      return await run()
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException' || errorName(error instanceof UserError ? error.cause : undefined) === 'ResourceNotFoundException') return absent
      throw error
    }
  }
  const ops: LambdaEventOps = {
    async listMappings({functionName, eventSourceArn}, {signal} = {}) {
      const mappings: MappingInfo[] = []
      let marker: string | undefined
      do {
        const input = {FunctionName: functionName, EventSourceArn: eventSourceArn, Marker: marker}
        const page = await send(functionName ?? eventSourceArn ?? '', (abortSignal) => client.send(new ListEventSourceMappingsCommand(input), {abortSignal}), signal)
        for (const m of page.EventSourceMappings ?? []) if (m.UUID) mappings.push(m as MappingInfo)
        marker = page.NextMarker
      } while (marker)
      return mappings
    },
    getMapping: (uuid, {signal} = {}) =>
      absentOn(async () => (await client.send(new GetEventSourceMappingCommand({UUID: uuid}), {abortSignal: signal})) as MappingInfo, undefined),
    async createMapping(functionName, eventSourceArn, settings, {signal} = {}) {
      const input = {...settings, FunctionName: functionName, EventSourceArn: eventSourceArn}
      return (await send(functionName, (abortSignal) => client.send(new CreateEventSourceMappingCommand(input), {abortSignal}), signal)) as MappingInfo
    },
    async updateMapping(uuid, update, {signal} = {}) {
      // ResourceInUseException while an earlier change settles: the conflict retry covers it.
      return (await send(uuid, (abortSignal) => client.send(new UpdateEventSourceMappingCommand({...update, UUID: uuid}), {abortSignal}), signal, true)) as MappingInfo
    },
    deleteMapping: (uuid, {signal} = {}) =>
      absentOn(async () => {
        await send(uuid, (abortSignal) => client.send(new DeleteEventSourceMappingCommand({UUID: uuid}), {abortSignal}), signal, true)
        return 'deleted' as const
      }, 'absent' as const),
    async waitForMapping(uuid, states, {signal} = {}) {
      const {clock} = core.options
      const {outcome, last} = await pollUntil(() => ops.getMapping(uuid, {signal}), (m) => (m === undefined ? (states.includes('Deleted') ? 'done' : 'failed') : states.includes(m.State ?? '') ? 'done' : 'pending'), {maxWaitMs: MAPPING_WAIT_MS, minDelayMs: 250, maxDelayMs: 5000}, {clock, signal})
      if (outcome === 'done') return last
      if (outcome === 'failed') throw new UserError('MappingNotFound', `Event source mapping ${uuid} disappeared while sling waited for it to be ${states.join(' or ')}.`, {hints: ['Someone deleted it meanwhile; run "sling events list FUNCTION" to see what is there.']})
      throw new UserError('WaitTimedOut', `Event source mapping ${uuid} didn't become ${states.join(' or ')} within ${MAPPING_WAIT_MS / 1000}s; it is still ${last?.State ?? 'unknown'} (${last?.StateTransitionReason ?? 'Lambda gave no reason'}).`, {
        hints: ['Run "sling events list FUNCTION" later: Lambda may still be applying the change.'],
      })
    },
    getPolicy: (functionName, {signal, qualifier} = {}) =>
      absentOn(async () => {
        const out = await client.send(new GetPolicyCommand({FunctionName: functionName, Qualifier: qualifier}), {abortSignal: signal})
        const policy = JSON.parse(out.Policy ?? '{}') as {Statement?: PolicyStatementInfo[]}
        return policy.Statement ?? []
      }, []),
    async addPermission(functionName, statementId, input, {signal} = {}) {
      try {
        await send(functionName, (abortSignal) => client.send(new AddPermissionCommand({...input, FunctionName: functionName, StatementId: statementId}), {abortSignal}), signal)
        return 'added'
      } catch (error) {
        // The same statement id is there already: sling's own, from an earlier attach.
        if (errorName(error instanceof UserError ? error.cause : error) === 'ResourceConflictException') return 'exists'
        throw error
      }
    },
    removePermission: (functionName, statementId, {signal, qualifier} = {}) =>
      absentOn(async () => {
        await client.send(new RemovePermissionCommand({FunctionName: functionName, StatementId: statementId, Qualifier: qualifier}), {abortSignal: signal})
        return 'removed' as const
      }, 'absent' as const),
    getUrlConfig: (functionName, {signal, qualifier} = {}) =>
      absentOn(async () => {
        const {$metadata: _m, ...config} = await client.send(new GetFunctionUrlConfigCommand({FunctionName: functionName, Qualifier: qualifier}), {abortSignal: signal})
        return config
      }, undefined),
    async putUrlConfig(functionName, input, {signal, qualifier} = {}) {
      const body = {FunctionName: functionName, Qualifier: qualifier, AuthType: input.authType, Cors: input.cors, InvokeMode: input.invokeMode}
      const existing = await ops.getUrlConfig(functionName, {signal, qualifier})
      if (existing) {
        const {$metadata: _m, ...out} = await send(functionName, (abortSignal) => client.send(new UpdateFunctionUrlConfigCommand({...body, Cors: input.cors ?? {}}), {abortSignal}), signal)
        return {...(out), created: false}
      }
      const {$metadata: _m, ...out} = await send(functionName, (abortSignal) => client.send(new CreateFunctionUrlConfigCommand(body), {abortSignal}), signal)
      return {...(out as FunctionUrlConfig), created: true}
    },
    deleteUrlConfig: (functionName, {signal, qualifier} = {}) =>
      absentOn(async () => {
        await client.send(new DeleteFunctionUrlConfigCommand({FunctionName: functionName, Qualifier: qualifier}), {abortSignal: signal})
        return 'deleted' as const
      }, 'absent' as const),
    async listTags(functionArn, {signal} = {}) {
      const out = await send(functionArn, (abortSignal) => client.send(new ListTagsCommand({Resource: functionArn}), {abortSignal}), signal)
      return {...out.Tags}
    },
    async tagResource(functionArn, tags, {signal} = {}) {
      await send(functionArn, (abortSignal) => client.send(new TagResourceCommand({Resource: functionArn, Tags: {...tags}}), {abortSignal}), signal)
    },
    async untagResource(functionArn, keys, {signal} = {}) {
      if (keys.length === 0) return
      await send(functionArn, (abortSignal) => client.send(new UntagResourceCommand({Resource: functionArn, TagKeys: [...keys]}), {abortSignal}), signal)
    },
  }
  return ops
}
